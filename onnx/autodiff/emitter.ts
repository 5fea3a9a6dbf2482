// Appends nodes to a graph being generated (a vjp or jvp graph), for one concrete input shape: every value has a
// static shape, so targets of Reshape / Expand / Slice are constants, and helpers skip themselves when they would
// be no-ops. Emits only ops that onnxruntime runs on its CPU, CUDA and WebGPU providers (no And / Or / Sign /
// ScatterElements), and writes the opset-dependent forms (ReduceSum axes) for the model's opset.
import { attr } from '../attributes.js';
import type { Attribute, Node } from '../ir.js';
import { OnnxDataType } from '../schema.js';
import { makeTensor, type TensorData } from '../tensor-data.js';

export type Shape = readonly number[];

const comparisons = new Set(['Greater', 'Less', 'Equal']);
/** Ops whose output has their first input's element type. */
const dataMovement = new Set(['Reshape', 'Expand', 'Slice', 'Transpose', 'Identity', 'Pad', 'Concat', 'Split', 'Gather']);

/** Numpy broadcasting of static shapes. */
export function broadcastShape(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[i - (rank - a.length)] ?? 1;
    const y = b[i - (rank - b.length)] ?? 1;
    return x === 1 ? y : x;
  });
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export class GraphEmitter {
  readonly nodes: Node[] = [];
  private readonly taken: Set<string>;
  /** Per name hint, the next suffix to try. */
  private readonly suffixes = new Map<string, number>();
  private readonly shapes = new Map<string, number[]>();
  private readonly bools = new Set<string>();
  private readonly cached = new Map<string, string>();
  /** Outputs of the nodes emitted so far, by op, inputs and attributes: a repeated node is emitted once. */
  private readonly emitted = new Map<string, string[]>();

  constructor(
    readonly opset: number,
    /** Initializers of the generated graph; new constants are added here. */
    readonly initializers: Map<string, TensorData>,
    /** Names already used (values and nodes), so that generated names never collide. */
    taken: Iterable<string>,
    /** Static shapes of the values that exist already. */
    shapes: ReadonlyMap<string, readonly number[]>,
    private readonly prefix: string,
  ) {
    this.taken = new Set(taken);
    for (const [name, shape] of shapes) this.shapes.set(name, [...shape]);
  }

  /** An unused name. */
  fresh(hint: string): string {
    let i = this.suffixes.get(hint) ?? 0;
    let name = i ? `${this.prefix}/${hint}_${i}` : `${this.prefix}/${hint}`;
    while (this.taken.has(name)) name = `${this.prefix}/${hint}_${++i}`;
    this.suffixes.set(hint, i + 1);
    this.taken.add(name);
    return name;
  }

  shapeOf(name: string): number[] {
    const shape = this.shapes.get(name);
    if (!shape) throw new Error(`internal: no static shape recorded for '${name}'.`);
    return shape;
  }

  /** Records the shape of a value the caller names itself (e.g. a graph input). */
  declare(name: string, shape: Shape): void {
    this.taken.add(name);
    this.shapes.set(name, [...shape]);
  }

  /**
   * Appends a node with one output per entry of `shapes` and returns the output names; a node identical to one
   * emitted before (the vjp and jvp rules of one forward node build the same masks) returns that node's outputs.
   */
  emitMany(opType: string, inputs: string[], shapes: Shape[], attributes: Record<string, Attribute> = {}): string[] {
    const key = `${opType}|${inputs.join(',')}|${shapes.length}|${JSON.stringify(attributes)}`;
    const existing = this.emitted.get(key);
    if (existing) return existing;
    const hint = opType.replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c.toLowerCase());
    const outputs = shapes.map((shape) => {
      const name = this.fresh(hint);
      this.shapes.set(name, [...shape]);
      return name;
    });
    this.nodes.push({ name: this.fresh(`${hint}_node`), opType, domain: '', inputs, outputs, attributes });
    this.emitted.set(key, outputs);
    if (this.producesBool(opType, inputs, attributes)) for (const o of outputs) this.bools.add(o);
    return outputs;
  }

  private producesBool(opType: string, inputs: string[], attributes: Record<string, Attribute>): boolean {
    if (comparisons.has(opType)) return true;
    if (opType === 'Cast') return attributes.to?.value === OnnxDataType.BOOL;
    if (opType === 'Where') return this.bools.has(inputs[1]);
    return dataMovement.has(opType) && this.bools.has(inputs[0]);
  }

  /** Whether a value is boolean (from a comparison); every other value is float32. */
  isBool(name: string): boolean {
    return this.bools.has(name);
  }

  emit(opType: string, inputs: string[], shape: Shape, attributes: Record<string, Attribute> = {}): string {
    return this.emitMany(opType, inputs, [shape], attributes)[0];
  }

  /** A new initializer. */
  constant(t: TensorData, hint: string): string {
    const name = this.fresh(hint);
    this.initializers.set(name, t);
    this.shapes.set(name, [...t.dims]);
    return name;
  }

  private cachedConstant(key: string, make: () => TensorData, hint: string): string {
    let name = this.cached.get(key);
    if (!name) {
      name = this.constant(make(), hint);
      this.cached.set(key, name);
    }
    return name;
  }

  int64s(values: readonly number[]): string {
    return this.cachedConstant(`i64:${values.join(',')}`, () => makeTensor('int64', [values.length], values), 'ints');
  }

  /** An int64 scalar (0-D). */
  int64Scalar(value: number): string {
    return this.cachedConstant(`i64s:${value}`, () => makeTensor('int64', [], [value]), 'int');
  }

  /** A float32 scalar. */
  scalar(value: number): string {
    return this.cachedConstant(`f32:${value}`, () => makeTensor('float32', [], [value]), 'scalar');
  }

  /** A binary elementwise op (arithmetic or comparison) with numpy broadcasting. */
  binary(opType: string, a: string, b: string): string {
    return this.emit(opType, [a, b], broadcastShape(this.shapeOf(a), this.shapeOf(b)));
  }
  add(a: string, b: string): string {
    return this.binary('Add', a, b);
  }
  sub(a: string, b: string): string {
    return this.binary('Sub', a, b);
  }
  mul(a: string, b: string): string {
    return this.binary('Mul', a, b);
  }
  div(a: string, b: string): string {
    return this.binary('Div', a, b);
  }
  scale(a: string, factor: number): string {
    if (factor === 1) return a;
    if (factor === -1) return this.unary('Neg', a);
    return this.mul(a, this.scalar(factor));
  }
  unary(opType: string, a: string, attributes: Record<string, Attribute> = {}): string {
    return this.emit(opType, [a], this.shapeOf(a), attributes);
  }
  /** A boolean comparison: Greater, Less or Equal. */
  compare(opType: 'Greater' | 'Less' | 'Equal', a: string, b: string): string {
    return this.binary(opType, a, b);
  }
  /** where(condition, a, b) with broadcasting. */
  where(condition: string, a: string, b: string): string {
    const shape = broadcastShape(broadcastShape(this.shapeOf(condition), this.shapeOf(a)), this.shapeOf(b));
    return this.emit('Where', [condition, a, b], shape);
  }
  /** 1 where condition holds, else 0 (float32). */
  mask(condition: string): string {
    return this.emit('Cast', [condition], this.shapeOf(condition), { to: attr.int(OnnxDataType.FLOAT) });
  }
  /**
   * value where condition holds, else 0: a product with a 0/1 mask, which depends on the forward pass only and so
   * is computed once per image when the products are split from it (linearization.ts).
   */
  keepWhere(condition: string, value: string): string {
    return this.mul(value, this.mask(condition));
  }

  reshape(x: string, shape: Shape): string {
    if (sameShape(this.shapeOf(x), shape)) return x;
    return this.emit('Reshape', [x, this.int64s(shape)], shape);
  }

  expand(x: string, shape: Shape): string {
    if (sameShape(this.shapeOf(x), shape)) return x;
    return this.emit('Expand', [x, this.int64s(shape)], shape);
  }

  transpose(x: string, perm: readonly number[]): string {
    if (perm.every((p, i) => p === i)) return x;
    const shape = this.shapeOf(x);
    return this.emit('Transpose', [x], perm.map((p) => shape[p]), { perm: attr.ints([...perm]) });
  }

  /** ReduceSum over `axes` (ReduceSum took its axes as an attribute before opset 13). */
  reduceSum(x: string, axes: readonly number[], keepDims: boolean): string {
    if (axes.length === 0) return x;
    const shape = this.shapeOf(x);
    const out = keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
    const keep = { keepdims: attr.int(keepDims ? 1 : 0) };
    if (this.opset >= 13) return this.emit('ReduceSum', [x, this.int64s(axes)], out, keep);
    return this.emit('ReduceSum', [x], out, { ...keep, axes: attr.ints([...axes]) });
  }

  /** The adjoint of broadcasting `shape` to x's shape: sums over the broadcast axes and reshapes to `shape`. */
  sumTo(x: string, shape: Shape): string {
    const from = this.shapeOf(x);
    if (sameShape(from, shape)) return x;
    const lead = from.length - shape.length;
    const axes = from.flatMap((d, i) => (i < lead || (shape[i - lead] === 1 && d !== 1) ? [i] : []));
    return this.reshape(this.reduceSum(x, axes, true), shape);
  }

  /** Slice with constant parameters; per axis `[start, end, step]`. */
  slice(x: string, ranges: { axis: number; start: number; end: number; step?: number }[]): string {
    const shape = this.shapeOf(x);
    const out = [...shape];
    const effective = ranges.filter((r) => {
      const step = r.step ?? 1;
      const count = Math.max(0, Math.ceil((r.end - r.start) / step));
      out[r.axis] = count;
      return !(step === 1 && r.start === 0 && count === shape[r.axis]);
    });
    if (effective.length === 0) return x;
    // A negative step walking down to index 0 needs an end below -size: -1 would mean "the last element".
    const end = (r: { end: number; step?: number }) => ((r.step ?? 1) < 0 && r.end < 0 ? -(2 ** 31) : r.end);
    return this.emit(
      'Slice',
      [
        x,
        this.int64s(effective.map((r) => r.start)),
        this.int64s(effective.map(end)),
        this.int64s(effective.map((r) => r.axis)),
        this.int64s(effective.map((r) => r.step ?? 1)),
      ],
      out,
    );
  }

  /** Constant padding (zeros by default); per axis [before, after], all non-negative. */
  pad(x: string, pads: readonly (readonly [number, number])[], value = 0): string {
    if (pads.every(([b, a]) => b === 0 && a === 0)) return x;
    const shape = this.shapeOf(x);
    const out = shape.map((d, i) => d + pads[i][0] + pads[i][1]);
    const flat = [...pads.map((p) => p[0]), ...pads.map((p) => p[1])];
    const inputs = [x, this.int64s(flat), ...(value === 0 ? [] : [this.scalar(value)])];
    return this.emit('Pad', inputs, out, { mode: attr.string('constant') });
  }

  /**
   * Moves x into a frame shifted by `offset` per axis and of size `size`: element i of x lands at i - offset,
   * what falls outside is dropped and what is not covered is `fill`. (Negative offsets pad in front.)
   */
  reframe(x: string, offset: readonly number[], size: readonly number[], fill = 0): string {
    const shape = this.shapeOf(x);
    const ranges = shape.map((d, axis) => ({ axis, start: Math.max(0, offset[axis]), end: Math.min(d, offset[axis] + size[axis]) }));
    const cropped = this.slice(x, ranges);
    const pads = shape.map((_, axis): [number, number] => {
      const before = Math.max(0, -offset[axis]);
      return [before, size[axis] - before - (ranges[axis].end - ranges[axis].start)];
    });
    return this.pad(cropped, pads, fill);
  }

  /** A tensor of zeros with the given shape. */
  zeros(shape: Shape): string {
    return this.emit('Expand', [this.scalar(0), this.int64s(shape)], shape);
  }

  /** Sum of contributions (undefined entries skipped); undefined when there are none. */
  sum(parts: (string | undefined)[]): string | undefined {
    const present = parts.filter((p): p is string => !!p);
    if (present.length === 0) return undefined;
    return present.slice(1).reduce((acc, p) => this.add(acc, p), present[0]);
  }
}
