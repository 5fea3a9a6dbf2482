// ReduceSum and ReduceMean: the adjoint broadcasts the cotangent back over the reduced axes (divided by their size
// for the mean); the tangent goes through the reduction itself.
import { reduceParams } from '../op-params.js';
import type { OpRule } from './rule.js';

function reduction(mean: boolean): OpRule {
  return {
    vjp(ctx) {
      const e = ctx.e;
      const shape = ctx.inShape(0);
      const { axes } = reduceParams(ctx, shape.length);
      const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
      const count = axes.reduce((n, a) => n * shape[a], 1);
      const g = e.reshape(ctx.cotangent(0)!, kept);
      return [e.expand(mean ? e.scale(g, 1 / count) : g, shape)];
    },
    jvp(ctx) {
      const inputs = [ctx.tangent(0)!, ...ctx.node.inputs.slice(1)];
      return [ctx.e.emit(ctx.node.opType, inputs, ctx.outShape(0), ctx.node.attributes)];
    },
  };
}

export const reduceRules: Record<string, OpRule> = { ReduceSum: reduction(false), ReduceMean: reduction(true) };
