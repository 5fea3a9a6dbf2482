// Conv and ConvTranspose in NHWC with weights transposed once at compile time. Convolutions take their input
// gradient from conv2d itself (conv2d-grad.ts); grouped ones run one conv2d per group on channel slices,
// depthwise ones a depthwise conv with its own gradient (tfjs-wasm lacks the depthwise input gradient), and
// dilations become zero-dilated kernels (tfjs has no gradient for dilated conv2d).
import { tf } from '../../runtime/tf.js';
import { attrInt } from '../attributes.js';
import { convTranspose2d, window2d } from '../geometry.js';
import { opError } from '../op-params.js';
import { numel, type TensorData } from '../tensor-data.js';
import { conv2dFast, convFilter } from './conv2d-grad.js';
import { depthwiseFilter, depthwiseValid } from './depthwise.js';
import type { KernelFactory, PrepareContext } from './kernel.js';
import { asNHWC, nhwcOperand } from './operand.js';

/** [M, C, kh, kw] with (d-1) zeros between taps: the kernel a dilated convolution effectively applies. */
export function dilateKernel(w: TensorData, [dh, dw]: [number, number]): TensorData {
  if (dh === 1 && dw === 1) return w;
  const [m, c, kh, kw] = w.dims;
  const [eh, ew] = [(kh - 1) * dh + 1, (kw - 1) * dw + 1];
  const data = new Float32Array(m * c * eh * ew);
  const src = w.data as Float32Array;
  for (let o = 0; o < m * c; o++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) data[(o * eh + i * dh) * ew + j * dw] = src[(o * kh + i) * kw + j];
    }
  }
  return { dtype: w.dtype, dims: [m, c, eh, ew], data };
}

function weightOf(ctx: PrepareContext, dilations: [number, number]): TensorData {
  const w = ctx.input(1)?.constant;
  if (!w) throw opError(ctx, 'has a weight computed at run time; only constant weights are supported.');
  if (w.dims.length !== 4) throw opError(ctx, `has a ${w.dims.length}-D weight; only 2-D convolutions are supported.`);
  return dilateKernel(w, dilations);
}

function splitGroups(w: TensorData, groups: number): TensorData[] {
  const size = numel(w.dims) / groups;
  const dims = [w.dims[0] / groups, ...w.dims.slice(1)];
  return Array.from({ length: groups }, (_, g) => ({
    dtype: w.dtype,
    dims,
    data: (w.data as Float32Array).subarray(g * size, (g + 1) * size),
  }));
}

function biasOf(ctx: PrepareContext): tf.Tensor | undefined {
  return ctx.input(2) ? ctx.constantTensor(2) : undefined;
}

function weightTensor(w: TensorData): tf.Tensor4D {
  return tf.tensor4d(w.data as Float32Array, w.dims as [number, number, number, number]);
}

/** ONNX [out, in, kh, kw] (ConvTranspose: [in, out, kh, kw]) -> tfjs [kh, kw, in, out] ([kh, kw, out, in]). */
function hwio(ctx: PrepareContext, w: TensorData): tf.Tensor4D {
  return ctx.hold(tf.tidy(() => tf.transpose(weightTensor(w), [2, 3, 1, 0])));
}

const conv: KernelFactory = (ctx) => {
  const [, c, h, w] = ctx.shape(0);
  const group = attrInt(ctx.node, 'group', 1);
  const raw = ctx.input(1)!;
  const geometry = window2d(ctx.node, [h, w], [raw.shape[2], raw.shape[3]]);
  const weight = weightOf(ctx, geometry.dilations);
  const bias = biasOf(ctx);
  const strides = geometry.strides;
  const [top, left, bottom, right] = geometry.pads;
  const withBias = (y: tf.Tensor) => (bias ? tf.add(y, bias) : y);
  const m = weight.dims[0];
  if (group === 1) {
    const filter = convFilter(hwio(ctx, weight), ctx.hold);
    return (args) => [nhwcOperand(withBias(conv2dFast(asNHWC(args.get(0)), filter, strides, [top, bottom, left, right])))];
  }
  if (group === c) {
    // [C * mult, 1, kh, kw] -> [kh, kw, C, mult]: output channel c * mult + j is filter (c, j), as in PyTorch.
    const [kh, kw] = weight.dims.slice(2);
    const filter = depthwiseFilter(
      ctx.hold(tf.tidy(() => tf.transpose(tf.reshape(weightTensor(weight), [c, m / c, kh, kw]), [2, 3, 0, 1]))),
      ctx.hold,
    );
    const padding: [number, number][] = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ];
    return (args) => {
      const x = asNHWC(args.get(0));
      const padded = top || left || bottom || right ? tf.pad(x, padding) : x;
      return [nhwcOperand(withBias(depthwiseValid(padded, filter, strides)))];
    };
  }
  const filters = splitGroups(weight, group).map((wg) => convFilter(hwio(ctx, wg), ctx.hold));
  const perGroup = c / group;
  return (args) => {
    const x = asNHWC(args.get(0));
    const parts = filters.map((f, g) =>
      conv2dFast(tf.slice(x, [0, 0, 0, g * perGroup], [-1, -1, -1, perGroup]), f, strides, [top, bottom, left, right]),
    );
    return [nhwcOperand(withBias(tf.concat(parts, 3)))];
  };
};

const convTranspose: KernelFactory = (ctx) => {
  const [n, , h, w] = ctx.shape(0);
  const group = attrInt(ctx.node, 'group', 1);
  const raw = ctx.input(1)!;
  const geometry = convTranspose2d(ctx.node, [h, w], [raw.shape[2], raw.shape[3]]);
  // ONNX stores [C_in, C_out / group, kh, kw], the layout of the conv2d whose gradient this is.
  const weight = weightOf(ctx, geometry.dilations);
  const bias = biasOf(ctx);
  const [eh, ew] = weight.dims.slice(2);
  const full: [number, number] = [
    (h - 1) * geometry.strides[0] + eh + geometry.outputPadding[0],
    (w - 1) * geometry.strides[1] + ew + geometry.outputPadding[1],
  ];
  const [top, left] = geometry.pads;
  const outChannels = weight.dims[1];
  const filters = splitGroups(weight, group).map((wg) => hwio(ctx, wg));
  const perGroup = weight.dims[0] / group;
  return (args) => {
    const x = asNHWC(args.get(0));
    const parts = filters.map((f, g) => {
      const xg = group === 1 ? x : tf.slice(x, [0, 0, 0, g * perGroup], [-1, -1, -1, perGroup]);
      return tf.conv2dTranspose(xg, f, [n, full[0], full[1], outChannels], geometry.strides, 'valid');
    });
    const y = parts.length === 1 ? parts[0] : tf.concat(parts, 3);
    const cropped = tf.slice(y, [0, top, left, 0], [n, geometry.out[0], geometry.out[1], outChannels * group]);
    return [nhwcOperand(bias ? tf.add(cropped, bias) : cropped)];
  };
};

export const convKernels: Record<string, KernelFactory> = { Conv: conv, ConvTranspose: convTranspose };
