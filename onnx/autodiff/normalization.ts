// Inference normalizations and softmax. BatchNormalization at inference is a per-channel scale (computed once, in
// float64, from its constant statistics). LayerNormalization's statistics are recomputed from its input in the
// generated graph. Softmax's Jacobian diag(y) - y yᵀ is symmetric, so vjp and jvp share one formula.
import { attrFloat, attrInt } from '../attributes.js';
import { normalizeAxis, softmaxAxis } from '../op-params.js';
import { makeTensor, tensorNumbers } from '../tensor-data.js';
import type { GraphEmitter } from './emitter.js';
import { ruleError, type OpRule, type RuleContext } from './rule.js';

function constantParameters(ctx: RuleContext, from: number, names: string[]): void {
  names.forEach((name, k) => {
    if (ctx.node.inputs[from + k] && ctx.active(from + k)) throw ruleError(ctx, `its ${name} depends on the image.`);
  });
}

/** BatchNormalization's per-channel factor gamma / sqrt(var + eps), shaped to broadcast over [N, C, ...]. */
function batchNormScale(ctx: RuleContext): string {
  if (attrInt(ctx.node, 'training_mode', 0) === 1) throw ruleError(ctx, 'runs in training mode.');
  constantParameters(ctx, 1, ['scale', 'bias', 'mean', 'variance']);
  const gamma = tensorNumbers(ctx.requireConstant(1, 'scale'));
  const variance = tensorNumbers(ctx.requireConstant(4, 'variance'));
  const epsilon = attrFloat(ctx.node, 'epsilon', 1e-5);
  const scale = gamma.map((g, c) => g / Math.sqrt(variance[c] + epsilon));
  const rank = ctx.inShape(0).length;
  return ctx.e.constant(makeTensor('float32', [scale.length, ...Array(Math.max(0, rank - 2)).fill(1)], scale), 'bn_scale');
}

const batchNormalization: OpRule = {
  vjp: (ctx) => [ctx.e.mul(ctx.cotangent(0)!, batchNormScale(ctx))],
  jvp: (ctx) => [ctx.e.mul(ctx.tangent(0)!, batchNormScale(ctx)), undefined, undefined],
};

/** Mean over `axes`, kept as size-1 axes. */
function meanOver(e: GraphEmitter, x: string, axes: number[]): string {
  const shape = e.shapeOf(x);
  const count = axes.reduce((n, a) => n * shape[a], 1);
  return e.scale(e.reduceSum(x, axes, true), 1 / count);
}

/** x̂ = (x - mean) / σ and 1 / σ over the normalized axes, recomputed from the node's input. */
function layerNormStatistics(ctx: RuleContext): { axes: number[]; normalized: string; inverseStd: string } {
  if (ctx.node.outputs.slice(1).some((o) => o)) throw ruleError(ctx, 'its Mean / InvStdDev outputs are not supported.');
  constantParameters(ctx, 1, ['scale', 'bias']);
  const e = ctx.e;
  const rank = ctx.inShape(0).length;
  const axis = normalizeAxis(ctx, attrInt(ctx.node, 'axis', -1), rank);
  const axes = [...Array(rank - axis).keys()].map((i) => i + axis);
  const x = ctx.node.inputs[0];
  const centered = e.sub(x, meanOver(e, x, axes));
  const variance = meanOver(e, e.mul(centered, centered), axes);
  const epsilon = attrFloat(ctx.node, 'epsilon', 1e-5);
  const inverseStd = e.div(e.scalar(1), e.unary('Sqrt', e.add(variance, e.scalar(epsilon))));
  return { axes, normalized: e.mul(centered, inverseStd), inverseStd };
}

/** The Jacobian of x ↦ x̂ (symmetric) applied to v: (v - mean(v) - x̂ mean(v x̂)) / σ. */
function throughNormalization(e: GraphEmitter, v: string, s: ReturnType<typeof layerNormStatistics>): string {
  const centered = e.sub(e.sub(v, meanOver(e, v, s.axes)), e.mul(s.normalized, meanOver(e, e.mul(v, s.normalized), s.axes)));
  return e.mul(centered, s.inverseStd);
}

const layerNormalization: OpRule = {
  vjp(ctx) {
    const stats = layerNormStatistics(ctx);
    return [throughNormalization(ctx.e, ctx.e.mul(ctx.cotangent(0)!, ctx.node.inputs[1]), stats)];
  },
  jvp(ctx) {
    const stats = layerNormStatistics(ctx);
    return [ctx.e.mul(throughNormalization(ctx.e, ctx.tangent(0)!, stats), ctx.node.inputs[1]), undefined, undefined];
  },
};

/** The axes Softmax normalizes over (before opset 13: every axis from `axis` on). */
function softmaxAxes(ctx: RuleContext): number[] {
  const rank = ctx.inShape(0).length;
  const { axis, flatten } = softmaxAxis(ctx, rank);
  return flatten ? [...Array(rank - axis).keys()].map((i) => i + axis) : [axis];
}

const softmax: OpRule = {
  vjp: (ctx) => [softmaxProduct(ctx, ctx.cotangent(0)!)],
  jvp: (ctx) => [softmaxProduct(ctx, ctx.tangent(0)!)],
};

function softmaxProduct(ctx: RuleContext, v: string): string {
  const e = ctx.e;
  const y = ctx.node.outputs[0];
  return e.mul(y, e.sub(v, e.reduceSum(e.mul(v, y), softmaxAxes(ctx), true)));
}

// y = x - logsumexp(x): J = I - 1 pᵀ with p = exp(y); Jᵀ = I - p 1ᵀ.
const logSoftmax: OpRule = {
  vjp(ctx) {
    const e = ctx.e;
    const g = ctx.cotangent(0)!;
    return [e.sub(g, e.mul(e.unary('Exp', ctx.node.outputs[0]), e.reduceSum(g, softmaxAxes(ctx), true)))];
  },
  jvp(ctx) {
    const e = ctx.e;
    const t = ctx.tangent(0)!;
    return [e.sub(t, e.reduceSum(e.mul(e.unary('Exp', ctx.node.outputs[0]), t), softmaxAxes(ctx), true))];
  },
};

export const normalizationRules: Record<string, OpRule> = {
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  Softmax: softmax,
  LogSoftmax: logSoftmax,
};
