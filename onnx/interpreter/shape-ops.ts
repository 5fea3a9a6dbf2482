// Data movement: reshapes (targets come from shape inference, so they are static), transposes, concatenation,
// splits, slices and gathers with constant indices. Gather is built from slices because tfjs-wasm has no
// gradient kernel for it (UnsortedSegmentSum), and strided or reversed slices from slice + reshape + reverse.
import { tf } from '../../runtime/tf.js';
import { attrInt } from '../attributes.js';
import { normalizeAxis, opError, sliceParams, splitSizes, transposePerm } from '../op-params.js';
import { tensorNumbers } from '../tensor-data.js';
import type { KernelFactory } from './kernel.js';
import { asNCHW, asNHWC, nchwOperand, nhwcAxis, nhwcOperand, NHWC_TO_NCHW } from './operand.js';
import { stridedSelect } from './strided.js';

/** Ops whose output is the input's data in another shape. */
const reshapeTo: KernelFactory = (ctx) => {
  const shape = ctx.outputs[0].shape;
  return (args) => [nchwOperand(tf.reshape(asNCHW(args.get(0)), shape))];
};

const transpose: KernelFactory = (ctx) => {
  const perm = transposePerm(ctx.node, ctx.shape(0).length);
  // An NHWC input is transposed once, by the composed permutation.
  const fromNHWC = perm.length === 4 ? perm.map((p) => NHWC_TO_NCHW[p]) : perm;
  return (args) => {
    const x = args.get(0);
    return [nchwOperand(x.layout === 'nhwc' ? tf.transpose(x.t, fromNHWC) : tf.transpose(x.t, perm))];
  };
};

const concat: KernelFactory = (ctx) => {
  const rank = ctx.outputs[0].shape.length;
  const axis = normalizeAxis(ctx, attrInt(ctx.node, 'axis', 0), rank);
  const present = ctx.node.inputs.flatMap((name, i) => (name && ctx.shape(i)[axis] !== 0 ? [i] : []));
  return (args) => {
    const parts = present.map((i) => args.get(i));
    if (rank === 4 && parts.some((p) => p.layout === 'nhwc')) {
      return [nhwcOperand(tf.concat(parts.map(asNHWC), nhwcAxis(axis)))];
    }
    return [nchwOperand(tf.concat(parts.map(asNCHW), axis))];
  };
};

const split: KernelFactory = (ctx) => {
  const shape = ctx.shape(0);
  const axis = normalizeAxis(ctx, attrInt(ctx.node, 'axis', 0), shape.length);
  const sizes = splitSizes(ctx, shape[axis], ctx.node.outputs.length);
  return (args) => tf.split(asNCHW(args.get(0)), sizes, axis).map(nchwOperand);
};

const slice: KernelFactory = (ctx) => {
  const shape = ctx.shape(0);
  const params = sliceParams(ctx, shape);
  const begin = shape.map(() => 0);
  const size = [...shape];
  const strided = params.filter((p) => p.step !== 1);
  for (const p of params) {
    if (p.step === 1) {
      begin[p.axis] = p.start;
      size[p.axis] = p.count;
    }
  }
  return (args) => {
    let y = tf.slice(asNCHW(args.get(0)), begin, size);
    for (const p of strided) y = stridedSelect(y, p.axis, p.start, p.count, p.step);
    return [nchwOperand(y)];
  };
};

/** Maximal runs of consecutive indices, so a gather becomes as few slices as possible. */
function runs(indices: number[]): { start: number; length: number }[] {
  const out: { start: number; length: number }[] = [];
  for (const i of indices) {
    const last = out[out.length - 1];
    if (last && last.start + last.length === i) last.length++;
    else out.push({ start: i, length: 1 });
  }
  return out;
}

const gather: KernelFactory = (ctx) => {
  const shape = ctx.shape(0);
  const axis = normalizeAxis(ctx, attrInt(ctx.node, 'axis', 0), shape.length);
  const indices = ctx.input(1)?.constant;
  if (!indices) throw opError(ctx, 'its indices are computed at run time; only constant indices are supported.');
  const size = shape[axis];
  const flat = tensorNumbers(indices).map((i) => (i < 0 ? i + size : i));
  if (flat.some((i) => i < 0 || i >= size)) throw opError(ctx, `an index is out of range for an axis of size ${size}.`);
  const outShape = ctx.outputs[0].shape;
  const pieces = runs(flat);
  return (args) => {
    const x = asNCHW(args.get(0));
    const parts = pieces.map(({ start, length }) =>
      tf.slice(x, shape.map((_, i) => (i === axis ? start : 0)), shape.map((d, i) => (i === axis ? length : d))),
    );
    return [nchwOperand(tf.reshape(parts.length === 1 ? parts[0] : tf.concat(parts, axis), outShape))];
  };
};

const expand: KernelFactory = (ctx) => {
  const inShape = ctx.shape(0);
  const outShape = ctx.outputs[0].shape;
  const padded = [...Array(outShape.length - inShape.length).fill(1), ...inShape];
  // Broadcasting add rather than tf.tile, whose gradient stops at rank 4.
  const zeros = ctx.hold(tf.zeros(outShape));
  return (args) => [nchwOperand(tf.add(tf.reshape(asNCHW(args.get(0)), padded), zeros))];
};

export const shapeKernels: Record<string, KernelFactory> = {
  Flatten: reshapeTo,
  Reshape: reshapeTo,
  Squeeze: reshapeTo,
  Unsqueeze: reshapeTo,
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  Expand: expand,
};
