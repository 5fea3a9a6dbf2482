// Evaluates operators on constant tensors in plain JS, at load time: the shape arithmetic that PyTorch exports
// (Shape -> Gather -> Unsqueeze -> Concat -> Reshape, pad-order conversions with negative-step Slices), Constant and
// ConstantOfShape, and arithmetic on initializers. Returns undefined for ops it does not evaluate.
import { attrInt, attrTensor } from './attributes.js';
import type { Node } from './ir.js';
import {
  flattenAxis,
  normalizeAxis,
  opError,
  sliceParams,
  squeezeAxes,
  transposePerm,
  unsqueezeAxes,
  type OpContext,
} from './op-params.js';
import {
  allocate,
  castTensor,
  dtypeFromOnnx,
  makeTensor,
  numel,
  storageKind,
  tensorNumbers,
  withDims,
  type DType,
  type TensorData,
} from './tensor-data.js';

type Evaluator = (ctx: OpContext, inputs: (TensorData | undefined)[]) => TensorData[];

/** Element access shared by the four array kinds (a BigInt64Array only ever receives bigints from another one). */
type Elements = { [index: number]: number | bigint; length: number };

export function stridesOf(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= dims[i];
  }
  return strides;
}

/** Copies `out` elements, element k taken from index source(k) of `t`. */
function gatherFlat(t: TensorData, dims: number[], source: (multi: number[]) => number): TensorData {
  const n = numel(dims);
  const data = allocate(t.dtype, n);
  const multi = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < n; k++) {
    (data as Elements)[k] = (t.data as Elements)[source(multi)];
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++multi[d] < dims[d]) break;
      multi[d] = 0;
    }
  }
  return { dtype: t.dtype, dims, data };
}

export function transposeData(t: TensorData, perm: readonly number[]): TensorData {
  if (perm.length === 2 && perm[0] === 1) {
    // The common case (a dynamo-exported Linear weight), large enough to deserve a plain loop.
    const [rows, cols] = t.dims;
    const data = allocate(t.dtype, rows * cols);
    const source = t.data as Elements;
    const target = data as Elements;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) target[c * rows + r] = source[r * cols + c];
    return { dtype: t.dtype, dims: [cols, rows], data };
  }
  const strides = stridesOf(t.dims);
  const dims = perm.map((p) => t.dims[p]);
  return gatherFlat(t, dims, (m) => m.reduce((acc, v, d) => acc + v * strides[perm[d]], 0));
}

/** Numpy broadcasting of two shapes; null when incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

export function expandData(t: TensorData, dims: readonly number[]): TensorData {
  const rank = dims.length;
  const padded = [...Array(rank - t.dims.length).fill(1), ...t.dims];
  const strides = stridesOf(padded);
  return gatherFlat(t, [...dims], (m) => m.reduce((acc, v, d) => acc + (padded[d] === 1 ? 0 : v * strides[d]), 0));
}

function binary(ctx: OpContext, a: TensorData, b: TensorData, f: (x: number, y: number) => number): TensorData {
  const dims = broadcastShapes(a.dims, b.dims);
  if (!dims) throw opError(ctx, `cannot broadcast shapes [${a.dims}] and [${b.dims}].`);
  const x = tensorNumbers(expandData(a, dims));
  const y = tensorNumbers(expandData(b, dims));
  const integer = storageKind(a.dtype) !== 'float';
  return makeTensor(a.dtype, dims, x.map((v, i) => (integer ? Math.trunc(f(v, y[i])) : f(v, y[i]))));
}

function unary(t: TensorData, f: (x: number) => number): TensorData {
  return makeTensor(t.dtype, t.dims, tensorNumbers(t).map(f));
}

function sliceData(t: TensorData, ctx: OpContext): TensorData {
  const params = sliceParams(ctx, t.dims);
  const start = t.dims.map(() => 0);
  const step = t.dims.map(() => 1);
  const dims = [...t.dims];
  for (const p of params) {
    start[p.axis] = p.start;
    step[p.axis] = p.step;
    dims[p.axis] = p.count;
  }
  const strides = stridesOf(t.dims);
  return gatherFlat(t, dims, (m) => m.reduce((acc, v, d) => acc + (start[d] + v * step[d]) * strides[d], 0));
}

function gatherData(ctx: OpContext, t: TensorData, indices: TensorData): TensorData {
  const axis = normalizeAxis(ctx, attrInt(ctx.node, 'axis', 0), t.dims.length);
  const size = t.dims[axis];
  const idx = tensorNumbers(indices).map((i) => (i < 0 ? i + size : i));
  if (idx.some((i) => i < 0 || i >= size)) throw opError(ctx, `an index is out of range for an axis of size ${size}.`);
  const dims = [...t.dims.slice(0, axis), ...indices.dims, ...t.dims.slice(axis + 1)];
  const strides = stridesOf(t.dims);
  const idxStrides = stridesOf(indices.dims);
  const r = indices.dims.length;
  return gatherFlat(t, dims, (m) => {
    let flat = 0;
    for (let d = 0; d < axis; d++) flat += m[d] * strides[d];
    let k = 0;
    for (let d = 0; d < r; d++) k += m[axis + d] * idxStrides[d];
    flat += idx[k] * strides[axis];
    for (let d = axis + 1; d < t.dims.length; d++) flat += m[d + r - 1] * strides[d];
    return flat;
  });
}

function concatData(ctx: OpContext, parts: TensorData[]): TensorData {
  const rank = parts[0].dims.length;
  const axis = normalizeAxis(ctx, attrInt(ctx.node, 'axis', 0), rank);
  const dims = [...parts[0].dims];
  dims[axis] = parts.reduce((acc, p) => acc + p.dims[axis], 0);
  const outer = numel(dims.slice(0, axis));
  const data = allocate(parts[0].dtype, numel(dims));
  const target = data as Elements;
  let offset = 0;
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const block = numel(p.dims.slice(axis));
      const src = p.data as Elements;
      for (let i = 0; i < block; i++) target[offset++] = src[o * block + i];
    }
  }
  return { dtype: parts[0].dtype, dims, data };
}

/** Reshape target with ONNX's 0 (copy) and -1 (infer) resolved against `dims`. */
export function resolveReshape(ctx: OpContext, dims: readonly number[], target: readonly number[]): number[] {
  const allowZero = attrInt(ctx.node, 'allowzero', 0) === 1;
  const out = target.map((d, i) => (d === 0 && !allowZero ? dims[i] : d));
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const total = numel(dims);
  const inferred = out.indexOf(-1);
  if (inferred >= 0) {
    if (known === 0 || total % known !== 0) {
      throw opError(ctx, `cannot reshape [${dims.join(', ')}] to [${target.join(', ')}].`);
    }
    out[inferred] = total / known;
  }
  if (numel(out) !== total) throw opError(ctx, `cannot reshape [${dims.join(', ')}] to [${target.join(', ')}].`);
  return out;
}

const evaluators: Record<string, Evaluator> = {
  Constant: (ctx) => {
    const value = attrTensor(ctx.node, 'value');
    if (value) return [value];
    const attrs = ctx.node.attributes;
    if (attrs.value_float?.type === 'float') return [makeTensor('float32', [], [attrs.value_float.value])];
    if (attrs.value_int?.type === 'int') return [makeTensor('int64', [], [attrs.value_int.value])];
    if (attrs.value_floats?.type === 'floats') return [makeTensor('float32', [attrs.value_floats.value.length], attrs.value_floats.value)];
    if (attrs.value_ints?.type === 'ints') return [makeTensor('int64', [attrs.value_ints.value.length], attrs.value_ints.value)];
    throw opError(ctx, 'has no supported value attribute (value, value_float(s), value_int(s)).');
  },
  ConstantOfShape: (ctx, [shape]) => {
    const fill = attrTensor(ctx.node, 'value') ?? makeTensor('float32', [1], [0]);
    const dims = tensorNumbers(shape!);
    return [makeTensor(fill.dtype, dims, new Array(numel(dims)).fill(tensorNumbers(fill)[0]))];
  },
  Identity: (_ctx, [x]) => [x!],
  Dropout: (_ctx, [x]) => [x!],
  Cast: (ctx, [x]) => [castTensor(x!, dtypeFromOnnx(attrInt(ctx.node, 'to', 1), `${ctx.node.name} 'to'`))],
  Gather: (ctx, [x, indices]) => [gatherData(ctx, x!, indices!)],
  Unsqueeze: (ctx, [x]) => {
    const axes = unsqueezeAxes(ctx, x!.dims.length);
    const dims = [...x!.dims];
    for (const a of axes) dims.splice(a, 0, 1);
    return [withDims(x!, dims)];
  },
  Squeeze: (ctx, [x]) => {
    const axes = squeezeAxes(ctx, x!.dims);
    return [withDims(x!, x!.dims.filter((_, i) => !axes.includes(i)))];
  },
  Concat: (ctx, inputs) => [concatData(ctx, inputs.filter((t): t is TensorData => !!t))],
  Slice: (ctx, [x]) => [sliceData(x!, ctx)],
  Reshape: (ctx, [x, shape]) => [withDims(x!, resolveReshape(ctx, x!.dims, tensorNumbers(shape!)))],
  Flatten: (ctx, [x]) => {
    const axis = flattenAxis(ctx, x!.dims.length);
    return [withDims(x!, [numel(x!.dims.slice(0, axis)), numel(x!.dims.slice(axis))])];
  },
  Transpose: (ctx, [x]) => [transposeData(x!, transposePerm(ctx.node, x!.dims.length))],
  Expand: (ctx, [x, shape]) => {
    const dims = broadcastShapes(x!.dims, tensorNumbers(shape!));
    if (!dims) throw opError(ctx, `cannot expand [${x!.dims}] to [${tensorNumbers(shape!)}].`);
    return [expandData(x!, dims)];
  },
  Add: (ctx, [a, b]) => [binary(ctx, a!, b!, (x, y) => x + y)],
  Sub: (ctx, [a, b]) => [binary(ctx, a!, b!, (x, y) => x - y)],
  Mul: (ctx, [a, b]) => [binary(ctx, a!, b!, (x, y) => x * y)],
  Div: (ctx, [a, b]) => [binary(ctx, a!, b!, (x, y) => x / y)],
  Pow: (ctx, [a, b]) => [binary(ctx, a!, castTensor(b!, a!.dtype), (x, y) => x ** y)],
  Neg: (_ctx, [x]) => [unary(x!, (v) => -v)],
  Sqrt: (_ctx, [x]) => [unary(x!, Math.sqrt)],
  Reciprocal: (_ctx, [x]) => [unary(x!, (v) => 1 / v)],
};

/** Ops this module can evaluate (when every input is constant). */
export function canEvaluate(opType: string): boolean {
  return opType in evaluators;
}

/**
 * The outputs of `ctx.node` from constant inputs, or undefined when the op is not evaluated here. Only the first
 * output is produced, except for ops with one output.
 */
export function evaluateConstant(ctx: OpContext, inputs: (TensorData | undefined)[]): TensorData[] | undefined {
  const evaluate = evaluators[ctx.node.opType];
  if (!evaluate) return undefined;
  // Dropout's mask output and similar extras are not computed: such nodes are not folded.
  if (ctx.node.outputs.filter((o) => o).length > 1) return undefined;
  return evaluate(ctx, inputs);
}

/** DType of ConstantOfShape / Cast outputs, for shape inference of non-constant cases. */
export function castTarget(node: Node): DType {
  return dtypeFromOnnx(attrInt(node, 'to', 1), `${node.name} 'to'`);
}
