// Pools as depthwise convolutions with fixed filters. tfjs's maxPool gradient is wrong on wasm for all-negative
// windows, and neither maxPool nor avgPool has a second-order gradient (the jvp needs one). Here MaxPool extracts
// each window's values with a one-hot depthwise filter (exact: one product by 1, the rest by 0) and reduces them
// with a max whose gradient goes to the first maximum in window order, as PyTorch's does; AveragePool sums with a
// box filter and divides by the number of counted taps.
import { tf } from '../../runtime/tf.js';
import { attrInt } from '../attributes.js';
import { window2d, type Window2d } from '../geometry.js';
import { opError } from '../op-params.js';
import { asNCHW, asNHWC, nchwOperand, nhwcOperand } from './operand.js';
import { depthwiseFilter, depthwiseValid, type DepthwiseFilter } from './depthwise.js';
import type { KernelFactory, PrepareContext } from './kernel.js';

const LOWEST = -3.4028234e38;

/** Max over the last axis; the gradient goes to the first maximal entry only. */
export function maxFirstTie(p: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = inputs[0] as tf.Tensor;
    const save = inputs[1] as tf.GradSaveFunc;
    const value = tf.max(x, -1);
    save([x, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, ys] = saved;
        const last = ys.rank;
        const isMax = tf.cast(tf.equal(xs, tf.expandDims(ys, last)), 'float32');
        const first = tf.mul(isMax, tf.cast(tf.equal(tf.cumsum(isMax, last), 1), 'float32'));
        return tf.mul(first, tf.expandDims(dy as tf.Tensor, last));
      },
    };
  });
  return op(p);
}

/** Pads an NHWC input for a window: the ONNX pads, made exact for the output size (ceil_mode may need more). */
function padForWindow(x: tf.Tensor4D, g: Window2d, value: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  const span = [0, 1].map((i) => (g.kernel[i] - 1) * g.dilations[i] + 1);
  const after = [0, 1].map((i) => Math.max(0, (g.out[i] - 1) * g.strides[i] + span[i] - (i === 0 ? h : w) - g.pads[i]));
  const [top, left] = g.pads;
  if (top === 0 && left === 0 && after[0] === 0 && after[1] === 0) return x;
  return tf.pad(x, [[0, 0], [top, after[0]], [left, after[1]], [0, 0]], value);
}

/** A [kh', kw', C, taps] filter over the dilated window: `oneHot` gives tap t its own output, else one box. */
function windowFilter(ctx: PrepareContext, g: Window2d, channels: number, oneHot: boolean): DepthwiseFilter {
  const [kh, kw] = g.kernel;
  const [dh, dw] = g.dilations;
  const [eh, ew] = [(kh - 1) * dh + 1, (kw - 1) * dw + 1];
  const taps = oneHot ? kh * kw : 1;
  const data = new Float32Array(eh * ew * channels * taps);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const t = oneHot ? i * kw + j : 0;
      for (let c = 0; c < channels; c++) data[((i * dh * ew + j * dw) * channels + c) * taps + t] = 1;
    }
  }
  return depthwiseFilter(ctx.hold(tf.tensor4d(data, [eh, ew, channels, taps])), ctx.hold);
}

function geometryOf(ctx: PrepareContext): { g: Window2d; shape: number[] } {
  const shape = ctx.shape(0);
  if (shape.length !== 4) throw opError(ctx, `its input has rank ${shape.length}; only 2-D pools (NCHW) are supported.`);
  return { g: window2d(ctx.node, [shape[2], shape[3]]), shape };
}

const maxPool: KernelFactory = (ctx) => {
  if (ctx.node.outputs[1]) throw opError(ctx, 'its Indices output is not supported; export without return_indices.');
  if (attrInt(ctx.node, 'storage_order', 0) !== 0) throw opError(ctx, 'storage_order=1 is not supported.');
  const { g, shape } = geometryOf(ctx);
  const [n, c] = shape;
  const filter = windowFilter(ctx, g, c, true);
  const taps = g.kernel[0] * g.kernel[1];
  return (args) => {
    const patches = depthwiseValid(padForWindow(asNHWC(args.get(0)), g, LOWEST), filter, g.strides);
    const windows = tf.reshape(patches, [n, g.out[0], g.out[1], c, taps]);
    return [nhwcOperand(maxFirstTie(windows))];
  };
};

/** Per output position, how many window taps fall inside [lo, hi) along one axis. */
function tapCounts(out: number, stride: number, kernel: number, dilation: number, padBefore: number, lo: number, hi: number): number[] {
  return Array.from({ length: out }, (_, o) => {
    let count = 0;
    for (let k = 0; k < kernel; k++) {
      const pos = o * stride - padBefore + k * dilation;
      if (pos >= lo && pos < hi) count++;
    }
    return count;
  });
}

const averagePool: KernelFactory = (ctx) => {
  const { g, shape } = geometryOf(ctx);
  const [, c, h, w] = shape;
  const includePad = attrInt(ctx.node, 'count_include_pad', 0) === 1;
  const [top, left, bottom, right] = g.pads;
  const rows = tapCounts(g.out[0], g.strides[0], g.kernel[0], g.dilations[0], top, includePad ? -top : 0, includePad ? h + bottom : h);
  const cols = tapCounts(g.out[1], g.strides[1], g.kernel[1], g.dilations[1], left, includePad ? -left : 0, includePad ? w + right : w);
  const inverse = rows.flatMap((r) => cols.map((k) => 1 / (r * k)));
  const uniform = inverse.every((v) => v === inverse[0]);
  const scale = uniform ? inverse[0] : ctx.hold(tf.tensor4d(inverse, [1, g.out[0], g.out[1], 1]));
  const filter = windowFilter(ctx, g, c, false);
  return (args) => {
    const sums = depthwiseValid(padForWindow(asNHWC(args.get(0)), g, 0), filter, g.strides);
    return [nhwcOperand(tf.mul(sums, scale))];
  };
};

function globalPool(reduce: (x: tf.Tensor, axes: number[]) => tf.Tensor): KernelFactory {
  return (ctx) => {
    const rank = ctx.shape(0).length;
    if (rank < 3) throw opError(ctx, `its input has rank ${rank}; it needs at least 3.`);
    return (args) => {
      const x = args.get(0);
      if (x.layout === 'nhwc') return [nhwcOperand(reduce(x.t, [1, 2]))];
      return [nchwOperand(reduce(asNCHW(x), [...Array(rank - 2).keys()].map((i) => i + 2)))];
    };
  };
}

export const poolKernels: Record<string, KernelFactory> = {
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: globalPool((x, axes) => tf.mean(x, axes, true)),
  GlobalMaxPool: globalPool((x, axes) => tf.max(x, axes, true)),
};
