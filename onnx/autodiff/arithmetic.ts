// Binary arithmetic with numpy broadcasting. A gradient flowing back to a broadcast operand is summed over the
// axes it was broadcast along (GraphEmitter.sumTo); a tangent of an operand smaller than the output is expanded.
import { tensorNumbers } from '../tensor-data.js';
import type { GraphEmitter } from './emitter.js';
import type { JvpContext, OpRule, RuleContext, VjpContext } from './rule.js';

/** The gradient for input i from a full-size term, or undefined when input i is inactive. */
function gradFor(ctx: VjpContext, i: number, term: () => string): string | undefined {
  return ctx.active(i) ? ctx.e.sumTo(term(), ctx.inShape(i)) : undefined;
}

/** A tangent term of output size (terms may be smaller: they broadcast in the sum, and the total is expanded). */
function tangentSum(ctx: JvpContext, terms: (string | undefined)[]): string[] {
  return [ctx.e.expand(ctx.e.sum(terms)!, ctx.outShape(0))];
}

const add: OpRule = {
  vjp(ctx) {
    const g = ctx.cotangent(0)!;
    return [gradFor(ctx, 0, () => g), gradFor(ctx, 1, () => g)];
  },
  jvp(ctx) {
    return tangentSum(ctx, [ctx.tangent(0), ctx.tangent(1)]);
  },
};

const sub: OpRule = {
  vjp(ctx) {
    const g = ctx.cotangent(0)!;
    const gb = gradFor(ctx, 1, () => g);
    return [gradFor(ctx, 0, () => g), gb && ctx.e.unary('Neg', gb)];
  },
  jvp(ctx) {
    const [ta, tb] = [ctx.tangent(0), ctx.tangent(1)];
    if (ta && tb) return [ctx.e.expand(ctx.e.sub(ta, tb), ctx.outShape(0))];
    return tangentSum(ctx, [ta, tb && ctx.e.unary('Neg', tb)]);
  },
};

const mul: OpRule = {
  vjp(ctx) {
    const g = ctx.cotangent(0)!;
    const [a, b] = ctx.node.inputs;
    return [gradFor(ctx, 0, () => ctx.e.mul(g, b)), gradFor(ctx, 1, () => ctx.e.mul(g, a))];
  },
  jvp(ctx) {
    const [a, b] = ctx.node.inputs;
    const [ta, tb] = [ctx.tangent(0), ctx.tangent(1)];
    return tangentSum(ctx, [ta && ctx.e.mul(ta, b), tb && ctx.e.mul(a, tb)]);
  },
};

// y = a / b: dy = da / b - db · y / b.
const div: OpRule = {
  vjp(ctx) {
    const g = ctx.cotangent(0)!;
    const [, b] = ctx.node.inputs;
    const y = ctx.node.outputs[0];
    const gOverB = ctx.active(0) || ctx.active(1) ? ctx.e.div(g, b) : g;
    const gb = gradFor(ctx, 1, () => ctx.e.mul(gOverB, y));
    return [gradFor(ctx, 0, () => gOverB), gb && ctx.e.unary('Neg', gb)];
  },
  jvp(ctx) {
    const [, b] = ctx.node.inputs;
    const y = ctx.node.outputs[0];
    const [ta, tb] = [ctx.tangent(0), ctx.tangent(1)];
    const e = ctx.e;
    if (ta && tb) return [e.expand(e.div(e.sub(ta, e.mul(tb, y)), b), ctx.outShape(0))];
    return tangentSum(ctx, [ta && e.div(ta, b), tb && e.unary('Neg', e.div(e.mul(tb, y), b))]);
  },
};

/** ∂(a^b)/∂a = b a^(b-1), with the common constant exponents written without Pow. */
function powBaseDerivative(ctx: RuleContext): string {
  const e: GraphEmitter = ctx.e;
  const [a, b] = ctx.node.inputs;
  const exponent = ctx.active(1) ? undefined : ctx.constant(1);
  const p = exponent && exponent.data.length === 1 ? tensorNumbers(exponent)[0] : undefined;
  if (p === 1) return e.expand(e.scalar(1), ctx.inShape(0));
  if (p === 2) return e.scale(a, 2);
  if (p === 0.5) return e.div(e.scalar(0.5), ctx.node.outputs[0]);
  if (p !== undefined) return e.scale(e.binary('Pow', a, e.scalar(p - 1)), p);
  return e.mul(b, e.binary('Pow', a, e.sub(b, e.scalar(1))));
}

/** ∂(a^b)/∂b = a^b log a. */
function powExponentDerivative(ctx: RuleContext): string {
  return ctx.e.mul(ctx.node.outputs[0], ctx.e.unary('Log', ctx.node.inputs[0]));
}

const pow: OpRule = {
  vjp(ctx) {
    const g = ctx.cotangent(0)!;
    return [
      gradFor(ctx, 0, () => ctx.e.mul(g, powBaseDerivative(ctx))),
      gradFor(ctx, 1, () => ctx.e.mul(g, powExponentDerivative(ctx))),
    ];
  },
  jvp(ctx) {
    const [ta, tb] = [ctx.tangent(0), ctx.tangent(1)];
    return tangentSum(ctx, [ta && ctx.e.mul(ta, powBaseDerivative(ctx)), tb && ctx.e.mul(tb, powExponentDerivative(ctx))]);
  },
};

export const arithmeticRules: Record<string, OpRule> = { Add: add, Sub: sub, Mul: mul, Div: div, Pow: pow };
