// Pools. MaxPool routes each window's cotangent to the first maximal tap in window order (PyTorch's and the tfjs
// interpreter's convention, which matters on flat image regions where taps tie exactly). The taps of every window
// are read at once by a Conv with one-hot kernels over the padded frame ([N·C, taps, oh, ow]; exact, as each
// output is one value times 1). Comparing them with the pooled value and keeping the first match per window (a
// CumSum over the tap axis) gives a 0/1 weight per tap that depends only on the forward pass, so it is computed
// once per image; the vjp multiplies the cotangent by it and puts the taps back in place with the transposed
// Conv, which also sums what overlapping windows (stride < kernel) send to one pixel. This needs neither
// MaxPool's Indices output (which costs onnxruntime its blocked layout) nor ScatterElements (absent from the
// WebGPU provider). AveragePool is the same spreading with one box kernel.
import { attr, attrInt } from '../attributes.js';
import { window2d, type Window2d } from '../geometry.js';
import { makeTensor } from '../tensor-data.js';
import type { GraphEmitter } from './emitter.js';
import { ruleError, type OpRule, type RuleContext } from './rule.js';

const LOWEST = -3.4028234e38;

interface Windows {
  g: Window2d;
  /** Size of the padded frame the windows cover; the input starts at (pads[0], pads[1]) in it. */
  frame: [number, number];
  /** N·C: the pools treat every channel of every image as a one-channel image. */
  planes: number;
}

function windowsOf(ctx: RuleContext): Windows {
  const shape = ctx.inShape(0);
  if (shape.length !== 4) throw ruleError(ctx, `its input has rank ${shape.length}; only 2-D pools are differentiated.`);
  const g = window2d(ctx.node, [shape[2], shape[3]]);
  const frame = [0, 1].map((i) => (g.out[i] - 1) * g.strides[i] + (g.kernel[i] - 1) * g.dilations[i] + 1) as [number, number];
  return { g, frame, planes: shape[0] * shape[1] };
}

function windowAttributes({ g }: Windows): Record<string, ReturnType<typeof attr.ints>> {
  return { kernel_shape: attr.ints(g.kernel), strides: attr.ints(g.strides), dilations: attr.ints(g.dilations) };
}

/** [taps, 1, kh, kw] kernels: one-hot (tap t reads or writes its own channel) or a single box of ones. */
function windowKernel(e: GraphEmitter, { g }: Windows, oneHot: boolean): string {
  const size = g.kernel[0] * g.kernel[1];
  const taps = oneHot ? size : 1;
  const data = new Float32Array(taps * size);
  for (let t = 0; t < taps; t++) for (let k = 0; k < size; k++) data[t * size + k] = !oneHot || k === t ? 1 : 0;
  return e.constant(makeTensor('float32', [taps, 1, g.kernel[0], g.kernel[1]], data), oneHot ? 'tap_kernel' : 'box_kernel');
}

/** x as [N·C, 1, frame] planes, padded with `fill` where the windows reach past the input. */
function framedPlanes(e: GraphEmitter, x: string, w: Windows, fill: number): string {
  const [n, c] = e.shapeOf(x);
  const framed = e.reframe(x, [0, 0, -w.g.pads[0], -w.g.pads[1]], [n, c, w.frame[0], w.frame[1]], fill);
  return e.reshape(framed, [w.planes, 1, w.frame[0], w.frame[1]]);
}

/** Every window's values, tap by tap: [N·C, taps, oh, ow]. */
function windowValues(e: GraphEmitter, planes: string, w: Windows): string {
  const taps = w.g.kernel[0] * w.g.kernel[1];
  return e.emit('Conv', [planes, windowKernel(e, w, true)], [w.planes, taps, w.g.out[0], w.g.out[1]], windowAttributes(w));
}

/** The adjoint of windowValues (or of a box sum): [N·C, taps, oh, ow] spread over the windows, cut to the input. */
function spreadOverWindows(e: GraphEmitter, perTap: string, w: Windows, oneHot: boolean, inShape: number[]): string {
  const [n, c, h, wd] = inShape;
  const placed = e.emit('ConvTranspose', [perTap, windowKernel(e, w, oneHot)], [w.planes, 1, w.frame[0], w.frame[1]], windowAttributes(w));
  return e.reframe(e.reshape(placed, [n, c, w.frame[0], w.frame[1]]), [0, 0, w.g.pads[0], w.g.pads[1]], [n, c, h, wd]);
}

/** 1 for the first tap of each window that holds its maximum, 0 elsewhere: [N·C, taps, oh, ow]. */
function firstMaximum(ctx: RuleContext, w: Windows): string {
  if (attrInt(ctx.node, 'storage_order', 0) !== 0) throw ruleError(ctx, 'storage_order=1 is not supported.');
  const e = ctx.e;
  const values = windowValues(e, framedPlanes(e, ctx.node.inputs[0], w, LOWEST), w);
  const pooled = e.reshape(ctx.node.outputs[0], [w.planes, 1, w.g.out[0], w.g.out[1]]);
  const isMax = e.mask(e.compare('Equal', values, pooled));
  const seen = e.emit('CumSum', [isMax, e.int64Scalar(1)], e.shapeOf(values));
  // isMax · (maxima seen so far) is 1 exactly at the first maximum.
  return e.mask(e.compare('Equal', e.mul(isMax, seen), e.scalar(1)));
}

const maxPool: OpRule = {
  vjp(ctx) {
    const e = ctx.e;
    const w = windowsOf(ctx);
    const g = e.reshape(ctx.cotangent(0)!, [w.planes, 1, w.g.out[0], w.g.out[1]]);
    return [spreadOverWindows(e, e.mul(g, firstMaximum(ctx, w)), w, true, ctx.inShape(0))];
  },
  jvp(ctx) {
    const e = ctx.e;
    const w = windowsOf(ctx);
    const values = windowValues(e, framedPlanes(e, ctx.tangent(0)!, w, 0), w);
    return [e.reshape(e.reduceSum(e.mul(values, firstMaximum(ctx, w)), [1], true), ctx.outShape(0)), undefined];
  },
};

/** 1 / (number of counted taps) per output position: a scalar when uniform, else an [oh, ow] map. */
function inverseCounts(ctx: RuleContext, g: Window2d): string {
  const [, , h, w] = ctx.inShape(0);
  const includePad = attrInt(ctx.node, 'count_include_pad', 0) === 1;
  const [top, left, bottom, right] = g.pads;
  const counts = (axis: 0 | 1, lo: number, hi: number) =>
    Array.from({ length: g.out[axis] }, (_, o) => {
      let count = 0;
      for (let k = 0; k < g.kernel[axis]; k++) {
        const pos = o * g.strides[axis] - g.pads[axis] + k * g.dilations[axis];
        if (pos >= lo && pos < hi) count++;
      }
      return count;
    });
  const rows = counts(0, includePad ? -top : 0, includePad ? h + bottom : h);
  const cols = counts(1, includePad ? -left : 0, includePad ? w + right : w);
  const inverse = rows.flatMap((r) => cols.map((c) => 1 / (r * c)));
  if (inverse.every((v) => v === inverse[0])) return ctx.e.scalar(inverse[0]);
  return ctx.e.constant(makeTensor('float32', [g.out[0], g.out[1]], inverse), 'inverse_counts');
}

const averagePool: OpRule = {
  vjp(ctx) {
    const e = ctx.e;
    const w = windowsOf(ctx);
    const scaled = e.mul(ctx.cotangent(0)!, inverseCounts(ctx, w.g));
    return [spreadOverWindows(e, e.reshape(scaled, [w.planes, 1, w.g.out[0], w.g.out[1]]), w, false, ctx.inShape(0))];
  },
  // The transpose of the vjp: window sums by a box-kernel Conv over the padded frame. (Re-emitting AveragePool
  // would let onnxruntime fuse a preceding zero Pad into pads no smaller than the kernel, which it then rejects.)
  jvp(ctx) {
    const e = ctx.e;
    const w = windowsOf(ctx);
    const planes = framedPlanes(e, ctx.tangent(0)!, w, 0);
    const sums = e.emit('Conv', [planes, windowKernel(e, w, false)], [w.planes, 1, w.g.out[0], w.g.out[1]], windowAttributes(w));
    return [e.mul(e.reshape(sums, ctx.outShape(0)), inverseCounts(ctx, w.g))];
  },
};

const globalAveragePool: OpRule = {
  vjp(ctx) {
    const shape = ctx.inShape(0);
    const size = shape.slice(2).reduce((a, b) => a * b, 1);
    return [ctx.e.expand(ctx.e.scale(ctx.cotangent(0)!, 1 / size), shape)];
  },
  jvp(ctx) {
    return [ctx.e.emit('GlobalAveragePool', [ctx.tangent(0)!], ctx.outShape(0))];
  },
};

/** 1 at the first maximal position of each channel, 0 elsewhere, in the input's shape. */
function firstGlobalMax(ctx: RuleContext): string {
  const e = ctx.e;
  const shape = ctx.inShape(0);
  const [n, c] = shape;
  const size = shape.slice(2).reduce((a, b) => a * b, 1);
  const isMax = e.reshape(e.mask(e.compare('Equal', ctx.node.inputs[0], ctx.node.outputs[0])), [n, c, size]);
  const seen = e.emit('CumSum', [isMax, e.int64Scalar(2)], [n, c, size]);
  // isMax · (maxima seen so far) is 1 exactly at the first maximum.
  return e.reshape(e.mask(e.compare('Equal', e.mul(isMax, seen), e.scalar(1))), shape);
}

const globalMaxPool: OpRule = {
  vjp: (ctx) => [ctx.e.mul(ctx.cotangent(0)!, firstGlobalMax(ctx))],
  jvp(ctx) {
    const axes = ctx.inShape(0).map((_, i) => i).slice(2);
    return [ctx.e.reduceSum(ctx.e.mul(ctx.tangent(0)!, firstGlobalMax(ctx)), axes, true)];
  },
};

export const poolRules: Record<string, OpRule> = {
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: globalAveragePool,
  GlobalMaxPool: globalMaxPool,
};
