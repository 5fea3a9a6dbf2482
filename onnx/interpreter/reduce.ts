// ReduceMean and ReduceSum (axes as an attribute or, from opset 13/18, as an input).
import { tf } from '../../runtime/tf.js';
import { reduceParams } from '../op-params.js';
import type { KernelFactory } from './kernel.js';
import { asNCHW, nchwOperand, nhwcAxis, nhwcOperand } from './operand.js';

function reduction(f: (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor): KernelFactory {
  return (ctx) => {
    const rank = ctx.shape(0).length;
    const { axes, keepDims } = reduceParams(ctx, rank);
    if (axes.length === 0) return (args) => [args.get(0)];
    const nhwcAxes = rank === 4 ? axes.map(nhwcAxis) : axes;
    return (args) => {
      const x = args.get(0);
      // With keepdims an NHWC value keeps its layout; the reduced axes just move.
      if (x.layout === 'nhwc' && keepDims) return [nhwcOperand(f(x.t, nhwcAxes, true))];
      return [nchwOperand(f(asNCHW(x), axes, keepDims))];
    };
  };
}

export const reduceKernels: Record<string, KernelFactory> = {
  ReduceMean: reduction((x, axes, keep) => tf.mean(x, axes, keep)),
  ReduceSum: reduction((x, axes, keep) => tf.sum(x, axes, keep)),
};
