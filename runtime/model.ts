import { tf } from './tf.js';

/** A scale label of a coarse-to-fine model: plenoptic mixes names ('residual_lowpass') and integers. */
export type Scale = string | number;

export interface ForwardOptions {
  /** For coarse-to-fine models: compute only these scales (a subset of model.scales). */
  scales?: readonly Scale[];
}

/**
 * The one protocol every synthesis method speaks. A model may be a tfjs function, an ONNX network run by
 * onnxruntime, or anything else that can give its output and the two Jacobian products.
 *
 * Ownership: inputs are never disposed by the model; every returned tensor belongs to the caller.
 */
export interface Model {
  readonly name: string;
  /** Coarse-to-fine models list their scales in optimization order, coarse to fine. */
  readonly scales?: readonly Scale[];
  /** x: NCHW float32 batch -> representation (3-D or 4-D). */
  forward(x: tf.Tensor4D, options?: ForwardOptions): Promise<tf.Tensor>;
  /** Jᵀ·cotangent: the gradient of <forward(x), cotangent> with respect to x. */
  vjp(x: tf.Tensor4D, cotangent: tf.Tensor, options?: ForwardOptions): Promise<tf.Tensor4D>;
  /** J·tangent: the directional derivative of forward at x along tangent. */
  jvp(x: tf.Tensor4D, tangent: tf.Tensor4D, options?: ForwardOptions): Promise<tf.Tensor>;
  /**
   * Present when the forward pass is written in tfjs ops: synthesis then differentiates loss∘model in one
   * autodiff pass instead of forward + vjp. Synchronous, so it can run inside tf.tidy / tf.grad.
   */
  readonly tfjsForward?: (x: tf.Tensor4D, options?: ForwardOptions) => tf.Tensor;
  /** Releases what the model holds (cached filters, sessions). */
  dispose?(): void;
}

/**
 * Jacobian-vector product of a tfjs function by the double-vjp trick: u ↦ Jᵀu is linear, so
 * J·v = ∇_u <Jᵀu, v>, taken at u = 0. It needs second-order gradients of the ops in fn. Pass the output shape when
 * it is known: otherwise one extra forward pass finds it.
 */
export function jvpByDoubleVjp(
  fn: (x: tf.Tensor4D) => tf.Tensor,
  x: tf.Tensor4D,
  tangent: tf.Tensor4D,
  outputShape?: readonly number[],
): tf.Tensor {
  return tf.tidy(() => {
    const outShape = outputShape ? outputShape.slice() : fn(x).shape;
    const vjpAt = (u: tf.Tensor) => tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(fn(xx as tf.Tensor4D), u)))(x);
    return tf.grad((u: tf.Tensor) => tf.sum(tf.mul(vjpAt(u), tangent)))(tf.zeros(outShape));
  });
}

/** Base class for models written in tfjs: implement tfjsForward, get forward, vjp and jvp. */
export abstract class TfjsModel implements Model {
  abstract readonly name: string;
  readonly scales?: readonly Scale[];
  private readonly jvpOutputShapes = new Map<string, number[]>();

  abstract tfjsForward(x: tf.Tensor4D, options?: ForwardOptions): tf.Tensor;

  async forward(x: tf.Tensor4D, options?: ForwardOptions): Promise<tf.Tensor> {
    // the caller owns the result, so an identity-like model must not hand back the input tensor itself
    return tf.tidy(() => {
      const y = this.tfjsForward(x, options);
      return y === x ? y.clone() : y;
    });
  }

  async vjp(x: tf.Tensor4D, cotangent: tf.Tensor, options?: ForwardOptions): Promise<tf.Tensor4D> {
    return tf.tidy(() =>
      tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(this.tfjsForward(xx as tf.Tensor4D, options), cotangent)))(x),
    ) as tf.Tensor4D;
  }

  async jvp(x: tf.Tensor4D, tangent: tf.Tensor4D, options?: ForwardOptions): Promise<tf.Tensor> {
    // the output shape is remembered per input shape, which saves a forward pass on every later jvp
    const key = JSON.stringify([x.shape, options?.scales ?? null]);
    const known = this.jvpOutputShapes.get(key);
    const jv = jvpByDoubleVjp((xx) => this.tfjsForward(xx, options), x, tangent, known);
    if (!known) this.jvpOutputShapes.set(key, jv.shape.slice());
    return jv;
  }

  dispose(): void {}
}

class FunctionModel extends TfjsModel {
  override readonly scales?: readonly Scale[];
  constructor(
    readonly name: string,
    private readonly fn: (x: tf.Tensor4D, options?: ForwardOptions) => tf.Tensor,
    scales?: readonly Scale[],
  ) {
    super();
    this.scales = scales;
  }
  tfjsForward(x: tf.Tensor4D, options?: ForwardOptions): tf.Tensor {
    return this.fn(x, options);
  }
}

/** Any tfjs function (x) => tensor becomes a Model. */
export function modelFromFunction(
  fn: (x: tf.Tensor4D, options?: ForwardOptions) => tf.Tensor,
  options: { name?: string; scales?: readonly Scale[] } = {},
): Model {
  return new FunctionModel(options.name ?? (fn.name || 'function'), fn, options.scales);
}

export function isModel(value: unknown): value is Model {
  const m = value as Model;
  return !!m && typeof m.forward === 'function' && typeof m.vjp === 'function' && typeof m.jvp === 'function';
}

/**
 * The value and input-gradient of objective(x) = outputLoss(model(x)) + inputLoss(x), in one autodiff pass for
 * tfjs models and as forward + vjp for the others. The caller owns both returned tensors.
 */
export async function objectiveValueAndGrad(
  model: Model,
  x: tf.Tensor4D,
  outputLoss: (output: tf.Tensor) => tf.Scalar,
  inputLoss?: (x: tf.Tensor4D) => tf.Scalar,
  options?: ForwardOptions,
): Promise<{ value: tf.Scalar; grad: tf.Tensor4D }> {
  const tfjsForward = model.tfjsForward;
  if (tfjsForward) {
    return tf.tidy(() => {
      const f = (xx: tf.Tensor) => {
        const l = outputLoss(tfjsForward.call(model, xx as tf.Tensor4D, options));
        return inputLoss ? tf.add(l, inputLoss(xx as tf.Tensor4D)) : l;
      };
      const { value, grad } = tf.valueAndGrad(f)(x);
      return { value: value as tf.Scalar, grad: grad as tf.Tensor4D };
    });
  }
  const output = await model.forward(x, options);
  try {
    const { value: outValue, grad: outGrad } = tf.tidy(() => tf.valueAndGrad(outputLoss)(output));
    const gradFromOutput = await model.vjp(x, outGrad, options);
    outGrad.dispose();
    if (!inputLoss) return { value: outValue as tf.Scalar, grad: gradFromOutput };
    return tf.tidy(() => {
      const { value: inValue, grad: inGrad } = tf.valueAndGrad((xx: tf.Tensor) => inputLoss(xx as tf.Tensor4D))(x);
      const result = { value: tf.add(outValue, inValue) as tf.Scalar, grad: tf.add(gradFromOutput, inGrad) as tf.Tensor4D };
      outValue.dispose();
      gradFromOutput.dispose();
      return result;
    });
  } finally {
    output.dispose();
  }
}
