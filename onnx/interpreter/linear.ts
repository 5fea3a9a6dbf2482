// Gemm (TorchScript's nn.Linear) and MatMul (the dynamo exporter's, numpy semantics with broadcast batches).
// Constant right-hand sides are transposed once at compile time.
import { tf } from '../../runtime/tf.js';
import { gemmParams, opError } from '../op-params.js';
import type { KernelFactory } from './kernel.js';
import { asNCHW, nchwOperand } from './operand.js';

const gemm: KernelFactory = (ctx) => {
  const { alpha, beta, transA, transB } = gemmParams(ctx.node);
  const constantB = ctx.input(1)?.constant ? ctx.constantTensor(1, (t) => (transB ? tf.transpose(t) : t)) : null;
  const constantC = ctx.input(2)?.constant ? ctx.constantTensor(2, (t) => (beta === 1 ? t : tf.mul(t, beta))) : null;
  const hasC = !!ctx.input(2) && beta !== 0;
  return (args) => {
    const a = asNCHW(args.get(0)) as tf.Tensor2D;
    const b = constantB ?? asNCHW(args.get(1));
    let y = tf.matMul(a, b as tf.Tensor2D, transA, constantB ? false : transB);
    if (alpha !== 1) y = tf.mul(y, alpha);
    if (hasC) y = tf.add(y, constantC ?? tf.mul(asNCHW(args.get(2)), beta));
    return [nchwOperand(y)];
  };
};

const matMul: KernelFactory = (ctx) => {
  const [ra, rb] = [ctx.shape(0).length, ctx.shape(1).length];
  if (ra === 0 || rb === 0) throw opError(ctx, 'has a scalar operand, which MatMul does not allow.');
  const outShape = ctx.outputs[0].shape;
  return (args) => {
    let a = asNCHW(args.get(0));
    let b = asNCHW(args.get(1));
    // numpy: a 1-D left operand is a row vector, a 1-D right operand a column vector; the added axes are dropped.
    if (ra === 1) a = tf.reshape(a, [1, a.shape[0]]);
    if (rb === 1) b = tf.reshape(b, [b.shape[0], 1]);
    const y = tf.matMul(a, b);
    return [nchwOperand(ra === 1 || rb === 1 ? tf.reshape(y, outShape) : y)];
  };
};

export const linearKernels: Record<string, KernelFactory> = { Gemm: gemm, MatMul: matMul };
