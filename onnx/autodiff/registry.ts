// Every op the gradient generator differentiates, by ONNX op type (standard domain).
import { arithmeticRules } from './arithmetic.js';
import { convRules } from './conv.js';
import { elementwiseRules } from './elementwise.js';
import { linearRules } from './linear.js';
import { normalizationRules } from './normalization.js';
import { padRules } from './pad.js';
import { poolRules } from './pool.js';
import { reduceRules } from './reduce.js';
import { resizeRules } from './resize.js';
import type { OpRule } from './rule.js';
import { shapeRules } from './shape-ops.js';

export const gradientRules: Readonly<Record<string, OpRule>> = {
  ...elementwiseRules,
  ...arithmeticRules,
  ...convRules,
  ...poolRules,
  ...linearRules,
  ...normalizationRules,
  ...shapeRules,
  ...padRules,
  ...resizeRules,
  ...reduceRules,
};
