// Elementwise ops: activations, arithmetic with numpy broadcasting, and the pass-throughs. Each keeps the layout
// of its input; a binary op whose operands disagree works in NHWC when either operand is NHWC (its partner, often
// a [C, 1, 1] bias, is permuted to match), so a conv -> bias -> activation chain stays in NHWC.
import { tf } from '../../runtime/tf.js';
import { attrFloat } from '../attributes.js';
import { castTarget } from '../const-eval.js';
import { clipBounds, opError } from '../op-params.js';
import { isFloat, tensorNumbers } from '../tensor-data.js';
import type { KernelFactory } from './kernel.js';
import { asNCHW, broadcastToNHWC, nchwOperand, nhwcOperand } from './operand.js';

function unary(f: (x: tf.Tensor) => tf.Tensor): KernelFactory {
  return () => (args) => {
    const x = args.get(0);
    return [{ t: f(x.t), layout: x.layout }];
  };
}

function binary(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): KernelFactory {
  return (ctx) => {
    const outRank = ctx.outputs[0].shape.length;
    return (args) => {
      const a = args.get(0);
      const b = args.get(1);
      if (outRank === 4 && (a.layout === 'nhwc' || b.layout === 'nhwc')) {
        return [nhwcOperand(f(broadcastToNHWC(a), broadcastToNHWC(b)))];
      }
      return [nchwOperand(f(asNCHW(a), asNCHW(b)))];
    };
  };
}

const passThrough: KernelFactory = () => (args) => [args.get(0)];

const pow: KernelFactory = (ctx) => {
  const exponent = ctx.input(1)?.constant;
  const scalar = exponent && exponent.data.length === 1 ? tensorNumbers(exponent)[0] : undefined;
  // Squares and square roots get their own kernels: cheaper, and their gradients do not involve log(x).
  if (scalar === 2) return unary(tf.square)(ctx);
  if (scalar === 0.5) return unary(tf.sqrt)(ctx);
  if (scalar === 1) return passThrough(ctx);
  return binary((a, b) => tf.pow(a, b))(ctx);
};

const clip: KernelFactory = (ctx) => {
  const { min, max } = clipBounds(ctx);
  return unary((x) => tf.clipByValue(x, Math.max(min, -3.4e38), Math.min(max, 3.4e38)))(ctx);
};

const leakyRelu: KernelFactory = (ctx) => {
  const alpha = attrFloat(ctx.node, 'alpha', 0.01);
  return unary((x) => tf.leakyRelu(x, alpha))(ctx);
};

const elu: KernelFactory = (ctx) => {
  const alpha = attrFloat(ctx.node, 'alpha', 1);
  return unary((x) => (alpha === 1 ? tf.elu(x) : tf.add(tf.relu(x), tf.mul(alpha, tf.sub(tf.exp(tf.minimum(x, 0)), 1)))))(ctx);
};

const hardSigmoid: KernelFactory = (ctx) => {
  const alpha = attrFloat(ctx.node, 'alpha', 0.2);
  const beta = attrFloat(ctx.node, 'beta', 0.5);
  return unary((x) => tf.clipByValue(tf.add(tf.mul(x, alpha), beta), 0, 1))(ctx);
};

const hardSwish = unary((x) => tf.mul(x, tf.clipByValue(tf.add(tf.mul(x, 1 / 6), 0.5), 0, 1)));

const cast: KernelFactory = (ctx) => {
  const to = castTarget(ctx.node);
  if (!isFloat(to) || !isFloat(ctx.input(0)!.dtype)) {
    throw opError(ctx, `casts a value computed at run time to ${to}; only float values can flow at run time.`);
  }
  return passThrough(ctx);
};

export const elementwiseKernels: Record<string, KernelFactory> = {
  Relu: unary(tf.relu),
  LeakyRelu: leakyRelu,
  Sigmoid: unary(tf.sigmoid),
  Tanh: unary(tf.tanh),
  Erf: unary(tf.erf),
  Sqrt: unary(tf.sqrt),
  Abs: unary(tf.abs),
  Neg: unary(tf.neg),
  Exp: unary(tf.exp),
  Log: unary(tf.log),
  Reciprocal: unary(tf.reciprocal),
  Softplus: unary(tf.softplus),
  Elu: elu,
  HardSigmoid: hardSigmoid,
  HardSwish: hardSwish,
  Clip: clip,
  Identity: passThrough,
  Dropout: passThrough,
  Cast: cast,
  Add: binary(tf.add),
  Sub: binary(tf.sub),
  Mul: binary(tf.mul),
  Div: binary(tf.div),
  Pow: pow,
};

