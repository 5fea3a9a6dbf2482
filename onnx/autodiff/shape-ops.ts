// Data movement. Each op is linear, so its jvp is the op itself applied to the tangent; its vjp puts cotangents
// back where the values came from: reshapes invert, Concat and Split swap roles, Slice pads (strided slices are
// zero-interleaved first), Gather multiplies by a constant one-hot matrix (repeated indices add up), Expand sums.
import { attr, attrInt } from '../attributes.js';
import { normalizeAxis, sliceParams, transposePerm } from '../op-params.js';
import { makeTensor, tensorNumbers } from '../tensor-data.js';
import type { GraphEmitter } from './emitter.js';
import { ruleError, type JvpContext, type OpRule, type RuleContext } from './rule.js';

/** The node itself, applied to the tangent of input 0 (its other inputs are constant parameters). */
function sameOpJvp(ctx: JvpContext): string[] {
  const inputs = [ctx.tangent(0)!, ...ctx.node.inputs.slice(1)];
  return ctx.e.emitMany(ctx.node.opType, inputs, ctx.node.outputs.map((_, j) => ctx.outShape(j)), ctx.node.attributes);
}

const reshape: OpRule = {
  vjp: (ctx) => [ctx.e.reshape(ctx.cotangent(0)!, ctx.inShape(0))],
  jvp: (ctx) => [ctx.e.reshape(ctx.tangent(0)!, ctx.outShape(0))],
};

const transpose: OpRule = {
  vjp(ctx) {
    const perm = transposePerm(ctx.node, ctx.inShape(0).length);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [ctx.e.transpose(ctx.cotangent(0)!, inverse)];
  },
  jvp: (ctx) => [ctx.e.transpose(ctx.tangent(0)!, transposePerm(ctx.node, ctx.inShape(0).length))],
};

function concatAxis(ctx: RuleContext): number {
  return normalizeAxis(ctx, attrInt(ctx.node, 'axis', 0), ctx.outShape(0).length);
}

const concat: OpRule = {
  vjp(ctx) {
    const axis = concatAxis(ctx);
    const g = ctx.cotangent(0)!;
    let offset = 0;
    return ctx.node.inputs.map((_, i) => {
      const size = ctx.inShape(i)[axis];
      const start = offset;
      offset += size;
      return ctx.active(i) ? ctx.e.slice(g, [{ axis, start, end: start + size }]) : undefined;
    });
  },
  jvp(ctx) {
    const parts = ctx.node.inputs.map((_, i) => ctx.tangent(i) ?? ctx.e.zeros(ctx.inShape(i)));
    return [ctx.e.emit('Concat', parts, ctx.outShape(0), { axis: attr.int(concatAxis(ctx)) })];
  },
};

const split: OpRule = {
  vjp(ctx) {
    const shape = ctx.inShape(0);
    const axis = normalizeAxis(ctx, attrInt(ctx.node, 'axis', 0), shape.length);
    const parts = ctx.node.outputs.map((_, j) => ctx.cotangent(j) ?? ctx.e.zeros(ctx.outShape(j)));
    return [parts.length === 1 ? parts[0] : ctx.e.emit('Concat', parts, shape, { axis: attr.int(axis) })];
  },
  jvp: sameOpJvp,
};

/** Adjoint of a slice along one axis: g's elements go back to start, start + step, ... in an axis of `size`. */
function unslice(e: GraphEmitter, g: string, axis: number, start: number, step: number, size: number): string {
  const shape = e.shapeOf(g);
  const count = shape[axis];
  let spread = g;
  let first = start;
  if (step < 0) {
    // Reversed, the elements sit at ascending positions start - (count - 1)|step|, ..., start.
    spread = e.slice(g, [{ axis, start: count - 1, end: -1, step: -1 }]);
    first = start + (count - 1) * step;
  }
  const stride = Math.abs(step);
  if (stride > 1) {
    // Interleave stride - 1 zeros after each element: [.., count, 1, ..] padded to [.., count, stride, ..].
    const split = [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)];
    const pads = split.map((_, i): [number, number] => (i === axis + 1 ? [0, stride - 1] : [0, 0]));
    const interleaved = e.pad(e.reshape(spread, split), pads);
    spread = e.reshape(interleaved, shape.map((d, i) => (i === axis ? count * stride : d)));
  }
  const spreadShape = e.shapeOf(spread);
  const offset = spreadShape.map((_, i) => (i === axis ? -first : 0));
  return e.reframe(spread, offset, spreadShape.map((d, i) => (i === axis ? size : d)));
}

const slice: OpRule = {
  vjp(ctx) {
    const shape = ctx.inShape(0);
    let g = ctx.cotangent(0)!;
    for (const p of sliceParams(ctx, shape)) g = unslice(ctx.e, g, p.axis, p.start, p.step, shape[p.axis]);
    return [g];
  },
  jvp: sameOpJvp,
};

const gather: OpRule = {
  vjp(ctx) {
    const e = ctx.e;
    const shape = ctx.inShape(0);
    const axis = normalizeAxis(ctx, attrInt(ctx.node, 'axis', 0), shape.length);
    const indices = ctx.constant(1);
    if (!indices) throw ruleError(ctx, 'its indices are computed at run time.');
    const size = shape[axis];
    const flat = tensorNumbers(indices).map((i) => (i < 0 ? i + size : i));
    // x.shape = [pre, size, post] -> y.shape = [pre, count, post]; dx = M · dy with M[index_j, j] = 1.
    const pre = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const post = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const oneHot = new Float32Array(size * flat.length);
    flat.forEach((index, j) => (oneHot[index * flat.length + j] += 1));
    const matrix = e.constant(makeTensor('float32', [size, flat.length], oneHot), 'gather_adjoint');
    const g = e.reshape(ctx.cotangent(0)!, [pre, flat.length, post]);
    return [e.reshape(e.emit('MatMul', [matrix, g], [pre, size, post]), shape)];
  },
  jvp: sameOpJvp,
};

const expand: OpRule = {
  vjp: (ctx) => [ctx.e.sumTo(ctx.cotangent(0)!, ctx.inShape(0))],
  jvp: (ctx) => [ctx.e.expand(ctx.tangent(0)!, ctx.outShape(0))],
};

export const shapeRules: Record<string, OpRule> = {
  Reshape: reshape,
  Flatten: reshape,
  Squeeze: reshape,
  Unsqueeze: reshape,
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  Expand: expand,
};
