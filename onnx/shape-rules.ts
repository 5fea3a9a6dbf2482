// Output types of every operator the interpreter runs (and of the shape operators folding removes), as functions
// of input types and constant inputs. Dims may be symbolic (the batch axis); spatial dims must be numbers.
import { attrInt, attrTensor } from './attributes.js';
import { castTarget } from './const-eval.js';
import { convTranspose2d, window2d } from './geometry.js';
import type { Dim } from './ir.js';
import {
  flattenAxis,
  gemmParams,
  normalizeAxis,
  opError,
  padParams,
  reduceParams,
  resizeParams,
  sliceParams,
  splitSizes,
  squeezeAxes,
  transposePerm,
  unsqueezeAxes,
} from './op-params.js';
import type { RuleContext, ShapeRule } from './shape-inference.js';
import { tensorNumbers, type DType } from './tensor-data.js';

type Type = { dtype: DType; shape: Dim[] };

/** Numpy broadcasting with symbolic dims: a symbol against 1 stays, against n > 1 becomes n. */
export function broadcastDims(ctx: RuleContext, a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const y = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else if (typeof x === 'number' && typeof y === 'number') {
      throw opError(ctx, `cannot broadcast shapes [${a.join(', ')}] and [${b.join(', ')}].`);
    } else out.push(typeof x === 'number' ? x : typeof y === 'number' ? y : null);
  }
  return out;
}

/** Product of dims: a number, a lone symbol (batch x 1), or null. */
export function dimProduct(dims: readonly Dim[]): Dim {
  let n = 1;
  const symbols: Dim[] = [];
  for (const d of dims) {
    if (typeof d === 'number') n *= d;
    else symbols.push(d);
  }
  if (symbols.length === 0) return n;
  if (symbols.length === 1 && n === 1) return symbols[0];
  return null;
}

function spatial(ctx: RuleContext, shape: readonly Dim[], what: string): [number, number] {
  if (shape.length !== 4) {
    throw opError(ctx, `${what} has rank ${shape.length}; only 2-D images (NCHW, rank 4) are supported.`);
  }
  const [h, w] = [shape[2], shape[3]];
  if (typeof h !== 'number' || typeof w !== 'number') {
    throw opError(ctx, `the spatial size of its input is unknown ([${shape.join(', ')}]); pass a concrete input shape.`);
  }
  return [h, w];
}

const same: ShapeRule = (ctx) => [{ dtype: ctx.facts(0).dtype, shape: [...ctx.shape(0)] }];

const broadcast: ShapeRule = (ctx) => {
  let shape = ctx.shape(0);
  for (let i = 1; i < ctx.node.inputs.length; i++) shape = broadcastDims(ctx, shape, ctx.shape(i));
  return [{ dtype: ctx.facts(0).dtype, shape }];
};

const conv: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const w = ctx.shape(1);
  const size = spatial(ctx, x, 'its input');
  const group = attrInt(ctx.node, 'group', 1);
  const channels = w[1] as number;
  if (typeof x[1] === 'number' && x[1] !== channels * group) {
    throw opError(ctx, `its input has ${x[1]} channels but its weight expects ${channels * group}.`);
  }
  const g = window2d(ctx.node, size, [w[2] as number, w[3] as number]);
  return [{ dtype: 'float32', shape: [x[0], w[0], g.out[0], g.out[1]] }];
};

const convTranspose: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const w = ctx.shape(1);
  const size = spatial(ctx, x, 'its input');
  if (typeof x[1] === 'number' && x[1] !== w[0]) {
    throw opError(ctx, `its input has ${x[1]} channels but its weight expects ${w[0]}.`);
  }
  const g = convTranspose2d(ctx.node, size, [w[2] as number, w[3] as number]);
  const group = attrInt(ctx.node, 'group', 1);
  return [{ dtype: 'float32', shape: [x[0], (w[1] as number) * group, g.out[0], g.out[1]] }];
};

const pool: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const g = window2d(ctx.node, spatial(ctx, x, 'its input'));
  const shape = [x[0], x[1], g.out[0], g.out[1]];
  return [{ dtype: 'float32', shape }, { dtype: 'int64', shape }];
};

const globalPool: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  if (x.length < 3) throw opError(ctx, `its input has rank ${x.length}; it needs at least 3.`);
  return [{ dtype: ctx.facts(0).dtype, shape: [x[0], x[1], ...x.slice(2).map(() => 1)] }];
};

const gemm: ShapeRule = (ctx) => {
  const { transA, transB } = gemmParams(ctx.node);
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  if (a.length !== 2 || b.length !== 2) throw opError(ctx, `needs 2-D inputs, got [${a.join(', ')}] and [${b.join(', ')}].`);
  const [m, k] = transA ? [a[1], a[0]] : [a[0], a[1]];
  const [k2, n] = transB ? [b[1], b[0]] : [b[0], b[1]];
  if (typeof k === 'number' && typeof k2 === 'number' && k !== k2) {
    throw opError(
      ctx,
      `its input has ${k} features but its weight expects ${k2}: the image size differs from the one the network ` +
        'was exported for. Use that size or tap a layer before the classifier.',
    );
  }
  return [{ dtype: 'float32', shape: [m, n] }];
};

const matMul: ShapeRule = (ctx) => {
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const k = a2[a2.length - 1];
  const k2 = b2[b2.length - 2];
  if (typeof k === 'number' && typeof k2 === 'number' && k !== k2) {
    throw opError(ctx, `cannot multiply [${a.join(', ')}] by [${b.join(', ')}].`);
  }
  const batch = broadcastDims(ctx, a2.slice(0, -2), b2.slice(0, -2));
  const shape = [...batch, ...(a.length === 1 ? [] : [a2[a2.length - 2]]), ...(b.length === 1 ? [] : [b2[b2.length - 1]])];
  return [{ dtype: 'float32', shape }];
};

const reshape: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const f = ctx.facts(1);
  const target: Dim[] | undefined = f.constant ? tensorNumbers(f.constant) : f.elements;
  if (!target) return [{ dtype: ctx.facts(0).dtype, shape: Array((f.shape[0] as number) ?? 0).fill(null) }];
  const allowZero = attrInt(ctx.node, 'allowzero', 0) === 1;
  const out = target.map((d, i) => (d === 0 && !allowZero ? x[i] : d));
  const inferred = out.indexOf(-1);
  if (inferred >= 0) {
    const inSymbols = x.filter((d) => typeof d !== 'number');
    const rest = out.filter((_, i) => i !== inferred);
    const outSymbols = rest.filter((d) => typeof d !== 'number');
    const remaining = [...inSymbols];
    const covered = outSymbols.every((s) => {
      const j = s === null ? -1 : remaining.indexOf(s);
      if (j >= 0) remaining.splice(j, 1);
      return j >= 0;
    });
    const inNumeric = x.filter((d): d is number => typeof d === 'number').reduce((a, b) => a * b, 1);
    const outNumeric = rest.filter((d): d is number => typeof d === 'number').reduce((a, b) => a * b, 1);
    if (covered && remaining.length === 0) {
      if (outNumeric === 0 || inNumeric % outNumeric !== 0) {
        throw opError(ctx, `cannot reshape [${x.join(', ')}] to [${target.join(', ')}].`);
      }
      out[inferred] = inNumeric / outNumeric;
    } else {
      out[inferred] = null;
    }
  }
  const inTotal = dimProduct(x);
  const outTotal = dimProduct(out);
  if (typeof inTotal === 'number' && typeof outTotal === 'number' && inTotal !== outTotal) {
    throw opError(
      ctx,
      `cannot reshape [${x.join(', ')}] (${inTotal} values) to [${out.join(', ')}]: the network hard-codes a ` +
        'shape for another image size. Use the size it was exported for.',
    );
  }
  return [{ dtype: ctx.facts(0).dtype, shape: out }];
};

const slice: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const placeholder = 2 ** 40;
  const params = sliceParams(ctx, x.map((d) => (typeof d === 'number' ? d : placeholder)));
  const shape = [...x];
  for (const p of params) {
    const symbolic = typeof x[p.axis] !== 'number';
    shape[p.axis] = symbolic ? (p.start === 0 && p.step === 1 && p.count >= placeholder ? x[p.axis] : null) : p.count;
  }
  return [{ dtype: ctx.facts(0).dtype, shape }];
};

const concat: ShapeRule = (ctx) => {
  const shapes = ctx.node.inputs.map((_, i) => ctx.shape(i));
  const axis = normalizeAxis(ctx, attrInt(ctx.node, 'axis', 0), shapes[0].length);
  const shape = [...shapes[0]];
  const sizes = shapes.map((s) => s[axis]);
  shape[axis] = sizes.every((d) => typeof d === 'number') ? (sizes as number[]).reduce((a, b) => a + b, 0) : null;
  for (const s of shapes) {
    s.forEach((d, i) => {
      if (i !== axis && typeof d === 'number' && typeof shape[i] === 'number' && d !== shape[i]) {
        throw opError(ctx, `cannot concatenate [${shapes[0].join(', ')}] with [${s.join(', ')}] on axis ${axis}.`);
      }
    });
  }
  return [{ dtype: ctx.facts(0).dtype, shape }];
};

const split: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const axis = normalizeAxis(ctx, attrInt(ctx.node, 'axis', 0), x.length);
  const size = x[axis];
  if (typeof size !== 'number') throw opError(ctx, 'splits an axis of unknown size.');
  return splitSizes(ctx, size, ctx.node.outputs.length).map((n) => {
    const shape = [...x];
    shape[axis] = n;
    return { dtype: ctx.facts(0).dtype, shape };
  });
};

const pad: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const { pads } = padParams(ctx, x.length);
  const shape = x.map((d, i) => {
    const extra = pads[i][0] + pads[i][1];
    return extra === 0 ? d : typeof d === 'number' ? d + extra : null;
  });
  return [{ dtype: ctx.facts(0).dtype, shape }];
};

const resize: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const sizes = ctx.hasInput(3) && !ctx.constant(3) ? ctx.facts(3).elements : undefined;
  return [{ dtype: ctx.facts(0).dtype, shape: resizeParams(ctx, x, sizes).sizes }];
};

const reduce: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const { axes, keepDims } = reduceParams(ctx, x.length);
  const shape = keepDims ? x.map((d, i) => (axes.includes(i) ? 1 : d)) : x.filter((_, i) => !axes.includes(i));
  return [{ dtype: ctx.facts(0).dtype, shape }];
};

const gather: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const axis = normalizeAxis(ctx, attrInt(ctx.node, 'axis', 0), x.length);
  return [{ dtype: ctx.facts(0).dtype, shape: [...x.slice(0, axis), ...ctx.shape(1), ...x.slice(axis + 1)] }];
};

const expand: ShapeRule = (ctx) => {
  const f = ctx.facts(1);
  const target: Dim[] | undefined = f.constant ? tensorNumbers(f.constant) : f.elements;
  if (!target) throw opError(ctx, 'its target shape is not known at load time.');
  return [{ dtype: ctx.facts(0).dtype, shape: broadcastDims(ctx, ctx.shape(0), target) }];
};

export const shapeRules: Record<string, ShapeRule> = {
  Relu: same,
  LeakyRelu: same,
  Sigmoid: same,
  Tanh: same,
  Erf: same,
  Sqrt: same,
  Abs: same,
  Neg: same,
  Exp: same,
  Log: same,
  Reciprocal: same,
  HardSigmoid: same,
  HardSwish: same,
  Elu: same,
  Softplus: same,
  Clip: same,
  Softmax: same,
  LogSoftmax: same,
  Identity: same,
  BatchNormalization: (ctx) => {
    const x = ctx.shape(0);
    const scale = ctx.shape(1);
    if (typeof x[1] === 'number' && typeof scale[0] === 'number' && x[1] !== scale[0]) {
      throw opError(ctx, `its input has ${x[1]} channels but its parameters have ${scale[0]}.`);
    }
    return same(ctx);
  },
  LayerNormalization: same,
  Dropout: (ctx) => [...same(ctx), { dtype: 'bool', shape: [...ctx.shape(0)] }],
  Cast: (ctx) => [{ dtype: castTarget(ctx.node), shape: [...ctx.shape(0)] }],
  Add: broadcast,
  Sub: broadcast,
  Mul: broadcast,
  Div: broadcast,
  Pow: (ctx) => [{ dtype: ctx.facts(0).dtype, shape: broadcastDims(ctx, ctx.shape(0), ctx.shape(1)) }],
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: (ctx) => [pool(ctx)[0]],
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  Gemm: gemm,
  MatMul: matMul,
  Flatten: (ctx) => {
    const x = ctx.shape(0);
    const axis = flattenAxis(ctx, x.length);
    return [{ dtype: ctx.facts(0).dtype, shape: [dimProduct(x.slice(0, axis)), dimProduct(x.slice(axis))] }];
  },
  Reshape: reshape,
  Transpose: (ctx) => {
    const x = ctx.shape(0);
    return [{ dtype: ctx.facts(0).dtype, shape: transposePerm(ctx.node, x.length).map((p) => x[p]) }];
  },
  Concat: concat,
  Split: split,
  Slice: slice,
  Squeeze: (ctx) => {
    const x = ctx.shape(0);
    const axes = squeezeAxes(ctx, x);
    return [{ dtype: ctx.facts(0).dtype, shape: x.filter((_, i) => !axes.includes(i)) }];
  },
  Unsqueeze: (ctx) => {
    const x = ctx.shape(0);
    const shape = [...x];
    for (const a of unsqueezeAxes(ctx, x.length)) shape.splice(a, 0, 1);
    return [{ dtype: ctx.facts(0).dtype, shape }];
  },
  Pad: pad,
  Resize: resize,
  ReduceMean: reduce,
  ReduceSum: reduce,
  Gather: gather,
  Expand: expand,
  Shape: (ctx) => {
    const rank = ctx.shape(0).length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
    const n = clamp(attrInt(ctx.node, 'end', rank)) - clamp(attrInt(ctx.node, 'start', 0));
    return [{ dtype: 'int64', shape: [Math.max(0, n)] }];
  },
  ConstantOfShape: (ctx) => {
    const f = ctx.facts(0);
    const shape = f.constant ? tensorNumbers(f.constant) : f.elements ?? null;
    if (!shape) throw opError(ctx, 'its shape is not known at load time.');
    return [{ dtype: attrTensor(ctx.node, 'value')?.dtype ?? 'float32', shape }];
  },
};
