// Inference-mode normalizations and softmax. BatchNormalization folds its four parameter vectors into one scale
// and one shift at compile time (computed in float64).
import { tf } from '../../runtime/tf.js';
import { attrFloat, attrInt } from '../attributes.js';
import { normalizeAxis, opError, softmaxAxis } from '../op-params.js';
import { tensorNumbers } from '../tensor-data.js';
import type { KernelFactory } from './kernel.js';
import { asNCHW, nchwOperand, nhwcOperand } from './operand.js';

const batchNormalization: KernelFactory = (ctx) => {
  if (attrInt(ctx.node, 'training_mode', 0) === 1 || ctx.node.outputs.slice(1).some((o) => o)) {
    throw opError(ctx, 'runs in training mode; export the model after model.eval() (training=TrainingMode.EVAL).');
  }
  const params = [1, 2, 3, 4].map((i) => {
    const t = ctx.input(i)?.constant;
    if (!t) throw opError(ctx, `input ${i} is computed at run time; only constant statistics are supported.`);
    return tensorNumbers(t);
  });
  const [gamma, beta, mean, variance] = params;
  const epsilon = attrFloat(ctx.node, 'epsilon', 1e-5);
  const scale = gamma.map((g, c) => g / Math.sqrt(variance[c] + epsilon));
  const shift = beta.map((b, c) => b - mean[c] * scale[c]);
  const rank = ctx.shape(0).length;
  const channelShape = [scale.length, ...Array(Math.max(0, rank - 2)).fill(1)];
  const nchw = [ctx.hold(tf.tensor(scale, channelShape)), ctx.hold(tf.tensor(shift, channelShape))];
  const nhwc = [ctx.hold(tf.tensor1d(scale)), ctx.hold(tf.tensor1d(shift))];
  return (args) => {
    const x = args.get(0);
    if (x.layout === 'nhwc') return [nhwcOperand(tf.add(tf.mul(x.t, nhwc[0]), nhwc[1]))];
    return [nchwOperand(tf.add(tf.mul(asNCHW(x), nchw[0]), nchw[1]))];
  };
};

const layerNormalization: KernelFactory = (ctx) => {
  if (ctx.node.outputs.slice(1).some((o) => o)) throw opError(ctx, 'its Mean / InvStdDev outputs are not supported.');
  const rank = ctx.shape(0).length;
  const axis = normalizeAxis(ctx, attrInt(ctx.node, 'axis', -1), rank);
  const axes = [...Array(rank - axis).keys()].map((i) => i + axis);
  const epsilon = attrFloat(ctx.node, 'epsilon', 1e-5);
  return (args) => {
    const x = asNCHW(args.get(0));
    const { mean, variance } = tf.moments(x, axes, true);
    let y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)));
    y = tf.mul(y, asNCHW(args.get(1)));
    if (ctx.hasInput(2)) y = tf.add(y, asNCHW(args.get(2)));
    return [nchwOperand(y)];
  };
};

function softmaxLike(f: (x: tf.Tensor) => tf.Tensor): KernelFactory {
  return (ctx) => {
    const shape = ctx.shape(0);
    const rank = shape.length;
    const { axis, flatten } = softmaxAxis(ctx, rank);
    if (flatten) {
      const rows = shape.slice(0, axis).reduce((a, b) => a * b, 1);
      return (args) => [nchwOperand(tf.reshape(f(tf.reshape(asNCHW(args.get(0)), [rows, -1])), shape))];
    }
    const perm = [...Array(rank).keys()].filter((i) => i !== axis).concat(axis);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return (args) => {
      const x = args.get(0);
      // The channel axis of an NHWC value is already last.
      if (x.layout === 'nhwc' && axis === 1) return [nhwcOperand(f(x.t))];
      const t = asNCHW(x);
      if (axis === rank - 1) return [nchwOperand(f(t))];
      return [nchwOperand(tf.transpose(f(tf.transpose(t, perm)), inverse))];
    };
  };
}

export const normalizationKernels: Record<string, KernelFactory> = {
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  Softmax: softmaxLike((x) => tf.softmax(x)),
  LogSoftmax: softmaxLike((x) => tf.logSoftmax(x)),
};
