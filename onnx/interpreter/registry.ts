// Every operator the interpreter runs, by ONNX op type (standard domain).
import { convKernels } from './conv.js';
import { elementwiseKernels } from './elementwise.js';
import type { KernelFactory } from './kernel.js';
import { linearKernels } from './linear.js';
import { normalizationKernels } from './normalization.js';
import { padKernels } from './pad.js';
import { poolKernels } from './pool.js';
import { reduceKernels } from './reduce.js';
import { resizeKernels } from './resize.js';
import { shapeKernels } from './shape-ops.js';

export const kernels: Readonly<Record<string, KernelFactory>> = {
  ...elementwiseKernels,
  ...convKernels,
  ...poolKernels,
  ...linearKernels,
  ...normalizationKernels,
  ...shapeKernels,
  ...padKernels,
  ...resizeKernels,
  ...reduceKernels,
};
