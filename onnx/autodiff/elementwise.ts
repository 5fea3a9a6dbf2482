// Unary elementwise ops. Their Jacobian is diagonal, so the vjp and the jvp are the same map: multiply the incoming
// vector by f'(a) (or keep it where a mask holds). Derivatives are written from the forward output y where that is
// cheaper (sigmoid, tanh, exp), and masks use Where on a comparison rather than a multiplication by a 0/1 tensor.
// Mask conventions follow the tfjs interpreter (the reference): Clip and HardSigmoid pass the gradient on their
// boundaries; Relu's mask is y > 0, which lets onnxruntime fuse the forward Conv + Relu.
import { attrFloat } from '../attributes.js';
import { castTarget } from '../const-eval.js';
import { clipBounds } from '../op-params.js';
import { isFloat } from '../tensor-data.js';
import type { GraphEmitter } from './emitter.js';
import { ruleError, type OpRule, type RuleContext } from './rule.js';

/** Maps the incoming vector v through the diagonal Jacobian at input a and output y. */
type Diagonal = (ctx: RuleContext, v: string, a: string, y: string) => string;

function diagonalRule(apply: Diagonal): OpRule {
  return {
    vjp(ctx) {
      const g = ctx.cotangent(0);
      return [g ? apply(ctx, g, ctx.node.inputs[0], ctx.node.outputs[0]) : undefined];
    },
    jvp(ctx) {
      const t = ctx.tangent(0);
      return [t ? apply(ctx, t, ctx.node.inputs[0], ctx.node.outputs[0]) : undefined];
    },
  };
}

/** v * f'(a), f' built by `derivative`. */
function times(derivative: (e: GraphEmitter, a: string, y: string) => string): OpRule {
  return diagonalRule((ctx, v, a, y) => ctx.e.mul(v, derivative(ctx.e, a, y)));
}

/** v where low <= a <= high (either bound may be infinite), else 0. */
function keepBetween(e: GraphEmitter, v: string, a: string, low: number, high: number): string {
  const outside = (condition: string) => e.sub(e.scalar(1), e.mask(condition));
  const masks = [
    ...(low > -Infinity ? [outside(e.compare('Less', a, e.scalar(low)))] : []),
    ...(high < Infinity ? [outside(e.compare('Greater', a, e.scalar(high)))] : []),
  ];
  return masks.reduce((kept, m) => e.mul(kept, m), v);
}

const identity: OpRule = diagonalRule((_ctx, v) => v);

const cast: OpRule = diagonalRule((ctx, v) => {
  if (!isFloat(castTarget(ctx.node))) throw ruleError(ctx, 'casts an image-dependent value to an integer type, which has no gradient.');
  return v;
});

const relu = diagonalRule((ctx, v, _a, y) => ctx.e.keepWhere(ctx.e.compare('Greater', y, ctx.e.scalar(0)), v));

const leakyRelu = diagonalRule((ctx, v, a) => {
  const alpha = attrFloat(ctx.node, 'alpha', 0.01);
  return ctx.e.where(ctx.e.compare('Greater', a, ctx.e.scalar(0)), v, ctx.e.scale(v, alpha));
});

const clip = diagonalRule((ctx, v, a) => {
  const { min, max } = clipBounds(ctx);
  return keepBetween(ctx.e, v, a, min, max);
});

const abs = diagonalRule((ctx, v, a) => {
  const e = ctx.e;
  const zero = e.scalar(0);
  return e.where(e.compare('Greater', a, zero), v, e.where(e.compare('Less', a, zero), e.unary('Neg', v), zero));
});

const elu = diagonalRule((ctx, v, a, y) => {
  const e = ctx.e;
  const alpha = attrFloat(ctx.node, 'alpha', 1);
  // For a <= 0, y = alpha (exp(a) - 1), so f'(a) = y + alpha.
  return e.where(e.compare('Greater', a, e.scalar(0)), v, e.mul(v, e.add(y, e.scalar(alpha))));
});

const hardSigmoid = diagonalRule((ctx, v, a) => {
  const e = ctx.e;
  const alpha = attrFloat(ctx.node, 'alpha', 0.2);
  const beta = attrFloat(ctx.node, 'beta', 0.5);
  // 0 <= alpha a + beta <= 1, as a range of a (alpha may be negative).
  const [low, high] = [(0 - beta) / alpha, (1 - beta) / alpha].sort((p, q) => p - q);
  return keepBetween(e, e.scale(v, alpha), a, low, high);
});

const hardSwish = times((e, a) => {
  // y = a · hs(a), hs = clip(a / 6 + 1/2, 0, 1): y' = hs(a) + a / 6 on [-3, 3].
  const hs = e.unary('HardSigmoid', a, { alpha: { type: 'float', value: 1 / 6 }, beta: { type: 'float', value: 0.5 } });
  return e.add(hs, keepBetween(e, e.scale(a, 1 / 6), a, -3, 3));
});

export const elementwiseRules: Record<string, OpRule> = {
  Identity: identity,
  Dropout: identity,
  Cast: cast,
  Relu: relu,
  LeakyRelu: leakyRelu,
  Clip: clip,
  Abs: abs,
  Elu: elu,
  HardSigmoid: hardSigmoid,
  HardSwish: hardSwish,
  Neg: diagonalRule((ctx, v) => ctx.e.unary('Neg', v)),
  Sigmoid: times((e, _a, y) => e.mul(y, e.sub(e.scalar(1), y))),
  Tanh: times((e, _a, y) => e.sub(e.scalar(1), e.mul(y, y))),
  Erf: times((e, a) => e.scale(e.unary('Exp', e.unary('Neg', e.mul(a, a))), 2 / Math.sqrt(Math.PI))),
  Sqrt: diagonalRule((ctx, v, _a, y) => ctx.e.div(ctx.e.scale(v, 0.5), y)),
  Exp: times((_e, _a, y) => y),
  Log: diagonalRule((ctx, v, a) => ctx.e.div(v, a)),
  Reciprocal: diagonalRule((ctx, v, _a, y) => ctx.e.unary('Neg', ctx.e.mul(v, ctx.e.mul(y, y)))),
  Softplus: times((e, a) => e.unary('Sigmoid', a)),
};
