// Spatial geometry of Conv, ConvTranspose and the pools: explicit pads (auto_pad resolved), output sizes with
// ceil_mode, for 2-D images (NCHW).
import { attrInt, attrInts, attrString } from './attributes.js';
import type { Node } from './ir.js';
import { opError } from './op-params.js';

export interface Window2d {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** [top, left, bottom, right], as ONNX orders them. */
  pads: [number, number, number, number];
  ceilMode: boolean;
  /** Output spatial size. */
  out: [number, number];
}

function pair(node: Node, values: number[] | undefined, fallback: number, what: string): [number, number] {
  const v = values ?? [fallback, fallback];
  if (v.length !== 2) {
    throw opError(
      { node },
      `${what} has ${v.length} values; only 2-D (NCHW) ${node.opType} is supported. ` +
        'Reshape 1-D or 3-D data to 2-D in the exported model.',
    );
  }
  return [v[0], v[1]];
}

/**
 * Window geometry of Conv / MaxPool / AveragePool on an input of spatial size `size`.
 * `kernelShape` is the weight's spatial shape for Conv (kernel_shape may be omitted there).
 */
export function window2d(node: Node, size: [number, number], kernelShape?: [number, number]): Window2d {
  const kernel = pair(node, attrInts(node, 'kernel_shape') ?? kernelShape, 1, 'kernel_shape');
  const strides = pair(node, attrInts(node, 'strides'), 1, 'strides');
  const dilations = pair(node, attrInts(node, 'dilations'), 1, 'dilations');
  const ceilMode = attrInt(node, 'ceil_mode', 0) === 1;
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  const span = [0, 1].map((i) => (kernel[i] - 1) * dilations[i] + 1);
  let pads: [number, number, number, number];
  if (autoPad === 'NOTSET') {
    const p = attrInts(node, 'pads') ?? [0, 0, 0, 0];
    if (p.length !== 4) throw opError({ node }, `pads has ${p.length} values; only 2-D is supported.`);
    pads = [p[0], p[1], p[2], p[3]];
  } else if (autoPad === 'VALID') {
    pads = [0, 0, 0, 0];
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const total = [0, 1].map((i) => Math.max(0, (Math.ceil(size[i] / strides[i]) - 1) * strides[i] + span[i] - size[i]));
    const small = total.map((t) => Math.floor(t / 2));
    const big = total.map((t, i) => t - small[i]);
    pads = autoPad === 'SAME_UPPER' ? [small[0], small[1], big[0], big[1]] : [big[0], big[1], small[0], small[1]];
  } else {
    throw opError({ node }, `auto_pad '${autoPad}' is not a valid value.`);
  }
  const out = [0, 1].map((i) => {
    const room = size[i] + pads[i] + pads[i + 2] - span[i];
    if (room < 0) {
      throw opError(
        { node },
        `its input is ${size[0]}x${size[1]}, smaller than the ${span[0]}x${span[1]} window: the image is too small ` +
          'for this network at this layer. Use a larger image or tap an earlier layer.',
      );
    }
    let n = (ceilMode ? Math.ceil(room / strides[i]) : Math.floor(room / strides[i])) + 1;
    // As in PyTorch: with ceil_mode the last window must start inside the input or its leading pad.
    if (ceilMode && (n - 1) * strides[i] >= size[i] + pads[i]) n--;
    return n;
  }) as [number, number];
  return { kernel, strides, dilations, pads, ceilMode, out };
}

export interface ConvTransposeGeometry extends Window2d {
  outputPadding: [number, number];
}

/** ConvTranspose geometry: the output size from output_shape or from the pads and output_padding. */
export function convTranspose2d(node: Node, size: [number, number], kernelShape: [number, number]): ConvTransposeGeometry {
  const kernel = pair(node, attrInts(node, 'kernel_shape') ?? kernelShape, 1, 'kernel_shape');
  const strides = pair(node, attrInts(node, 'strides'), 1, 'strides');
  const dilations = pair(node, attrInts(node, 'dilations'), 1, 'dilations');
  const outputPadding = pair(node, attrInts(node, 'output_padding'), 0, 'output_padding');
  const span = [0, 1].map((i) => (kernel[i] - 1) * dilations[i] + 1);
  const full = [0, 1].map((i) => strides[i] * (size[i] - 1) + outputPadding[i] + span[i]);
  const outputShape = attrInts(node, 'output_shape');
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  let pads: [number, number, number, number];
  if (outputShape || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const target = outputShape ? outputShape.slice(-2) : size.map((s, i) => s * strides[i]);
    const total = [0, 1].map((i) => full[i] - target[i]);
    const small = total.map((t) => Math.floor(t / 2));
    const big = total.map((t, i) => t - small[i]);
    pads = autoPad === 'SAME_UPPER' ? [small[0], small[1], big[0], big[1]] : [big[0], big[1], small[0], small[1]];
  } else {
    const p = autoPad === 'VALID' ? [0, 0, 0, 0] : attrInts(node, 'pads') ?? [0, 0, 0, 0];
    pads = [p[0], p[1], p[2], p[3]];
  }
  const out = [0, 1].map((i) => full[i] - pads[i] - pads[i + 2]) as [number, number];
  return { kernel, strides, dilations, pads, ceilMode: false, out, outputPadding };
}
