// Gemm and MatMul: their adjoints are products with the other operand transposed. Gemm expresses the transposes
// through its own transA / transB flags; MatMul's broadcast batch axes are summed back (sumTo), and its 1-D operands
// are promoted to matrices first. A Transpose of a constant weight is folded by onnxruntime at session creation.
import { attr } from '../attributes.js';
import { gemmParams } from '../op-params.js';
import { broadcastShape, type GraphEmitter } from './emitter.js';
import type { OpRule, RuleContext } from './rule.js';

function gemmNode(e: GraphEmitter, a: string, b: string, alpha: number, transA: boolean, transB: boolean): string {
  const [sa, sb] = [e.shapeOf(a), e.shapeOf(b)];
  const shape = [transA ? sa[1] : sa[0], transB ? sb[0] : sb[1]];
  return e.emit('Gemm', [a, b], shape, { alpha: attr.float(alpha), transA: attr.int(transA ? 1 : 0), transB: attr.int(transB ? 1 : 0) });
}

const gemm: OpRule = {
  vjp(ctx) {
    const e = ctx.e;
    const g = ctx.cotangent(0)!;
    const [a, b, c] = ctx.node.inputs;
    const { alpha, beta, transA, transB } = gemmParams(ctx.node);
    // Y = alpha A' B' + beta C with A' = transA ? Aᵀ : A, B' likewise: dA' = alpha dY B'ᵀ, dB' = alpha A'ᵀ dY.
    const ga = ctx.active(0) ? (transA ? gemmNode(e, b, g, alpha, transB, true) : gemmNode(e, g, b, alpha, false, !transB)) : undefined;
    const gb = ctx.active(1) ? (transB ? gemmNode(e, g, a, alpha, true, transA) : gemmNode(e, a, g, alpha, !transA, false)) : undefined;
    const gc = c && ctx.active(2) ? e.sumTo(e.scale(g, beta), ctx.inShape(2)) : undefined;
    return [ga, gb, gc];
  },
  jvp(ctx) {
    const e = ctx.e;
    const [a, b] = ctx.node.inputs;
    const [ta, tb, tc] = [0, 1, 2].map((i) => ctx.tangent(i));
    const { alpha, beta, transA, transB } = gemmParams(ctx.node);
    const terms = [
      ta && gemmNode(e, ta, b, alpha, transA, transB),
      tb && gemmNode(e, a, tb, alpha, transA, transB),
      tc && e.scale(tc, beta),
    ];
    return [e.expand(e.sum(terms)!, ctx.outShape(0))];
  },
};

/** The operands as matrices (1-D ones promoted as numpy does) and the product's shape. */
function promoted(ctx: RuleContext): { a: string; b: string; shapeA: number[]; shapeB: number[]; shapeY: number[] } {
  const e = ctx.e;
  const [sa, sb] = [ctx.inShape(0), ctx.inShape(1)];
  const shapeA = sa.length === 1 ? [1, sa[0]] : sa;
  const shapeB = sb.length === 1 ? [sb[0], 1] : sb;
  const batch = broadcastShape(shapeA.slice(0, -2), shapeB.slice(0, -2));
  return {
    a: e.reshape(ctx.node.inputs[0], shapeA),
    b: e.reshape(ctx.node.inputs[1], shapeB),
    shapeA,
    shapeB,
    shapeY: [...batch, shapeA[shapeA.length - 2], shapeB[shapeB.length - 1]],
  };
}

function swapLast(e: GraphEmitter, x: string): string {
  const rank = e.shapeOf(x).length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return e.transpose(x, perm);
}

function matMulNode(e: GraphEmitter, a: string, b: string): string {
  const [sa, sb] = [e.shapeOf(a), e.shapeOf(b)];
  const shape = [...broadcastShape(sa.slice(0, -2), sb.slice(0, -2)), sa[sa.length - 2], sb[sb.length - 1]];
  return e.emit('MatMul', [a, b], shape);
}

const matMul: OpRule = {
  vjp(ctx) {
    const e = ctx.e;
    const { a, b, shapeA, shapeB, shapeY } = promoted(ctx);
    const g = e.reshape(ctx.cotangent(0)!, shapeY);
    const ga = ctx.active(0) ? e.reshape(e.sumTo(matMulNode(e, g, swapLast(e, b)), shapeA), ctx.inShape(0)) : undefined;
    const gb = ctx.active(1) ? e.reshape(e.sumTo(matMulNode(e, swapLast(e, a), g), shapeB), ctx.inShape(1)) : undefined;
    return [ga, gb];
  },
  jvp(ctx) {
    const e = ctx.e;
    const [a, b] = ctx.node.inputs;
    const [ta, tb] = [ctx.tangent(0), ctx.tangent(1)];
    const out = ctx.outShape(0);
    const terms = [ta && e.emit('MatMul', [ta, b], out), tb && e.emit('MatMul', [a, tb], out)];
    return [e.sum(terms)!];
  },
};

export const linearRules: Record<string, OpRule> = { Gemm: gemm, MatMul: matMul };
