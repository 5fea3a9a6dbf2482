// Resolves an operator's parameters from its attributes and constant inputs, across opsets 11-18 (several moved
// from attributes to inputs: Squeeze/Unsqueeze/ReduceSum/Split axes at 13, ReduceMean axes at 18). Shape inference,
// the interpreter and gradient-graph builders all read parameters here, so they agree on the semantics.
import { ValueError } from '../runtime/errors.js';
import { attrFloat, attrInt, attrInts, attrString } from './attributes.js';
import type { Dim, Node } from './ir.js';
import { tensorNumbers, type TensorData } from './tensor-data.js';

export interface OpContext {
  node: Node;
  opset: number;
  /** The value of input i when it is known at load time (initializer, Constant, folded). */
  constant(i: number): TensorData | undefined;
  /** Whether input i is given (optional inputs may be omitted or named ''). */
  hasInput(i: number): boolean;
}

export function nodeLabel(node: Node): string {
  return `${node.opType} node '${node.name}'`;
}

export function opError(ctx: { node: Node }, problem: string): ValueError {
  return new ValueError(`${nodeLabel(ctx.node)}: ${problem}`);
}

/** The numbers of a constant input, or undefined when the input is omitted; throws when it is computed at run time. */
export function constantNumbers(ctx: OpContext, i: number, what: string): number[] | undefined {
  if (!ctx.hasInput(i)) return undefined;
  const t = ctx.constant(i);
  if (!t) {
    throw opError(
      ctx,
      `its ${what} (input ${i}) is computed at run time; only constant ${what} are supported. ` +
        'Export with a fixed input size or do_constant_folding=True.',
    );
  }
  return tensorNumbers(t);
}

export function normalizeAxis(ctx: { node: Node }, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw opError(ctx, `axis ${axis} is out of range for a rank-${rank} input.`);
  return a;
}

/** Axes given as an attribute before `sinceOpset` and as input `inputIndex` from it on. */
export function axesParam(ctx: OpContext, inputIndex: number, sinceOpset: number): number[] | undefined {
  if (ctx.opset >= sinceOpset) return constantNumbers(ctx, inputIndex, 'axes');
  return attrInts(ctx.node, 'axes');
}

export interface ReduceParams {
  /** Normalized axes; empty means "no reduction" (noop_with_empty_axes). */
  axes: number[];
  keepDims: boolean;
}

export function reduceParams(ctx: OpContext, rank: number): ReduceParams {
  const since = ctx.node.opType === 'ReduceSum' ? 13 : 18;
  const given = axesParam(ctx, 1, since);
  const keepDims = attrInt(ctx.node, 'keepdims', 1) === 1;
  if (!given || given.length === 0) {
    const noop = attrInt(ctx.node, 'noop_with_empty_axes', 0) === 1;
    return { axes: noop ? [] : [...Array(rank).keys()], keepDims };
  }
  return { axes: [...new Set(given.map((a) => normalizeAxis(ctx, a, rank)))].sort((a, b) => a - b), keepDims };
}

export function squeezeAxes(ctx: OpContext, shape: readonly Dim[]): number[] {
  const given = axesParam(ctx, 1, 13);
  if (!given) return shape.flatMap((d, i) => (d === 1 ? [i] : []));
  return given.map((a) => normalizeAxis(ctx, a, shape.length));
}

export function unsqueezeAxes(ctx: OpContext, inputRank: number): number[] {
  const given = axesParam(ctx, 1, 13);
  if (!given) throw opError(ctx, 'has no axes.');
  const rank = inputRank + given.length;
  return given.map((a) => normalizeAxis(ctx, a, rank)).sort((a, b) => a - b);
}

export interface SliceAxis {
  axis: number;
  start: number;
  step: number;
  /** Number of elements taken. */
  count: number;
}

/** Slice parameters clamped to the input, as in numpy (negative steps walk backwards). */
export function sliceParams(ctx: OpContext, shape: readonly number[]): SliceAxis[] {
  const starts = constantNumbers(ctx, 1, 'starts')!;
  const ends = constantNumbers(ctx, 2, 'ends')!;
  const axes = constantNumbers(ctx, 3, 'axes') ?? starts.map((_, i) => i);
  const steps = constantNumbers(ctx, 4, 'steps') ?? starts.map(() => 1);
  return axes.map((a, i) => {
    const axis = normalizeAxis(ctx, a, shape.length);
    const size = shape[axis];
    const step = steps[i];
    if (step === 0) throw opError(ctx, 'a slice step is 0.');
    const resolve = (v: number) => (v < 0 ? v + size : v);
    let start = resolve(starts[i]);
    let end = resolve(ends[i]);
    if (step > 0) {
      start = Math.min(Math.max(start, 0), size);
      end = Math.min(Math.max(end, 0), size);
    } else {
      start = Math.min(Math.max(start, -1), size - 1);
      end = Math.min(Math.max(end, -1), size - 1);
    }
    const count = Math.max(0, Math.ceil((end - start) / step));
    return { axis, start, step, count };
  });
}

export interface PadParams {
  mode: 'constant' | 'reflect' | 'edge';
  /** Per axis [before, after]; negative values crop. */
  pads: [number, number][];
  value: number;
}

export function padParams(ctx: OpContext, rank: number): PadParams {
  const mode = attrString(ctx.node, 'mode', 'constant');
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge') {
    throw opError(ctx, `pad mode '${mode}' is not supported (use constant, reflect or edge).`);
  }
  const raw = constantNumbers(ctx, 1, 'pads') ?? attrInts(ctx.node, 'pads', []);
  const value = constantNumbers(ctx, 2, 'constant_value')?.[0] ?? attrFloat(ctx.node, 'value', 0);
  const axes = (constantNumbers(ctx, 3, 'axes') ?? [...Array(rank).keys()]).map((a) => normalizeAxis(ctx, a, rank));
  if (raw.length !== 2 * axes.length) throw opError(ctx, `has ${raw.length} pads for ${axes.length} axes.`);
  const pads: [number, number][] = Array.from({ length: rank }, () => [0, 0]);
  axes.forEach((axis, i) => {
    pads[axis] = [raw[i], raw[i + axes.length]];
  });
  return { mode, pads, value };
}

/** Output sizes along the split axis. */
export function splitSizes(ctx: OpContext, size: number, outputs: number): number[] {
  const given = ctx.opset >= 13 ? constantNumbers(ctx, 1, 'split') : attrInts(ctx.node, 'split');
  if (given) {
    if (given.reduce((a, b) => a + b, 0) !== size) {
      throw opError(ctx, `split sizes [${given.join(', ')}] do not add up to the axis size ${size}.`);
    }
    return given;
  }
  const n = attrInt(ctx.node, 'num_outputs', outputs);
  const chunk = Math.ceil(size / n);
  return Array.from({ length: n }, (_, i) => Math.max(0, Math.min(chunk, size - i * chunk)));
}

export function clipBounds(ctx: OpContext): { min: number; max: number } {
  if (ctx.opset < 11) {
    return { min: attrFloat(ctx.node, 'min', -Infinity), max: attrFloat(ctx.node, 'max', Infinity) };
  }
  return {
    min: constantNumbers(ctx, 1, 'min')?.[0] ?? -Infinity,
    max: constantNumbers(ctx, 2, 'max')?.[0] ?? Infinity,
  };
}

/** Softmax-13 works on one axis; before 13 the input is flattened to 2-D at `axis` (default 1). */
export function softmaxAxis(ctx: OpContext, rank: number): { axis: number; flatten: boolean } {
  if (ctx.opset >= 13) return { axis: normalizeAxis(ctx, attrInt(ctx.node, 'axis', -1), rank), flatten: false };
  return { axis: normalizeAxis(ctx, attrInt(ctx.node, 'axis', 1), rank), flatten: true };
}

export function gemmParams(node: Node): { alpha: number; beta: number; transA: boolean; transB: boolean } {
  return {
    alpha: attrFloat(node, 'alpha', 1),
    beta: attrFloat(node, 'beta', 1),
    transA: attrInt(node, 'transA', 0) === 1,
    transB: attrInt(node, 'transB', 0) === 1,
  };
}

export function flattenAxis(ctx: OpContext, rank: number): number {
  const axis = attrInt(ctx.node, 'axis', 1);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a > rank) throw opError(ctx, `axis ${axis} is out of range for a rank-${rank} input.`);
  return a;
}

export function transposePerm(node: Node, rank: number): number[] {
  return attrInts(node, 'perm') ?? [...Array(rank).keys()].reverse();
}

export type ResizeMode = 'nearest' | 'linear' | 'cubic';

export interface ResizeParams {
  mode: ResizeMode;
  coordinateMode: string;
  nearestMode: string;
  cubicCoeffA: number;
  excludeOutside: boolean;
  /** Per axis: output size, and the scale used to map coordinates (given scales win over size ratios). */
  sizes: Dim[];
  scales: number[];
}

const coordinateModes = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'half_pixel_symmetric'];
const nearestModes = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

/**
 * Resize-11..18 parameters. `sizesInput` gives the sizes input's elements when they are known only symbolically
 * (a batch dimension taken from Shape). Output sizes are floor(input * scale) when scales are given.
 */
export function resizeParams(ctx: OpContext, shape: readonly Dim[], sizesInput?: readonly Dim[]): ResizeParams {
  const node = ctx.node;
  const mode = attrString(node, 'mode', 'nearest') as ResizeMode;
  if (!['nearest', 'linear', 'cubic'].includes(mode)) throw opError(ctx, `mode '${mode}' is not supported.`);
  const coordinateMode = attrString(node, 'coordinate_transformation_mode', 'half_pixel');
  if (!coordinateModes.includes(coordinateMode)) {
    throw opError(ctx, `coordinate_transformation_mode '${coordinateMode}' is not supported (use one of ${coordinateModes.join(', ')}).`);
  }
  const nearestMode = attrString(node, 'nearest_mode', 'round_prefer_floor');
  if (!nearestModes.includes(nearestMode)) throw opError(ctx, `nearest_mode '${nearestMode}' is not supported.`);
  if (attrInt(node, 'antialias', 0) !== 0) {
    throw opError(ctx, 'antialias=1 is not supported; export with antialias=False (the F.interpolate default).');
  }
  if (attrString(node, 'keep_aspect_ratio_policy', 'stretch') !== 'stretch') {
    throw opError(ctx, "keep_aspect_ratio_policy other than 'stretch' is not supported.");
  }
  const rank = shape.length;
  const axes = (attrInts(node, 'axes') ?? [...Array(rank).keys()]).map((a) => normalizeAxis(ctx, a, rank));
  const givenScales = ctx.hasInput(2) ? constantNumbers(ctx, 2, 'scales') : undefined;
  const givenSizes = ctx.hasInput(3) ? (sizesInput ?? constantNumbers(ctx, 3, 'sizes')) : undefined;
  const sizes: Dim[] = [...shape];
  const scales = shape.map(() => 1);
  if (givenScales && givenScales.length > 0) {
    axes.forEach((axis, i) => {
      const d = shape[axis];
      scales[axis] = givenScales[i];
      sizes[axis] = typeof d === 'number' ? Math.floor(d * givenScales[i] + 1e-9) : givenScales[i] === 1 ? d : null;
    });
  } else if (givenSizes && givenSizes.length > 0) {
    axes.forEach((axis, i) => {
      const d = shape[axis];
      sizes[axis] = givenSizes[i];
      const s = givenSizes[i];
      scales[axis] = typeof s === 'number' && typeof d === 'number' ? s / d : 1;
    });
  } else {
    throw opError(ctx, 'has neither scales nor sizes.');
  }
  return {
    mode,
    coordinateMode,
    nearestMode,
    cubicCoeffA: attrFloat(node, 'cubic_coeff_a', -0.75),
    excludeOutside: attrInt(node, 'exclude_outside', 0) === 1,
    sizes,
    scales,
  };
}
