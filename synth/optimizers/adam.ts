import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { tensorToSaved, type Closure, type Optimizer, type OptimizerState } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  /** AMSGrad keeps the running maximum of the second moment; plenoptic turns it on by default. */
  amsgrad?: boolean;
}

/** Adam with PyTorch's exact update (bias corrections folded into the step size and the denominator). */
export class Adam implements Optimizer {
  readonly kind = 'adam';
  learningRate: number;
  readonly initialLearningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly amsgrad: boolean;
  private stepCount = 0;
  private m: tf.Tensor | null = null;
  private v: tf.Tensor | null = null;
  private vMax: tf.Tensor | undefined = undefined;

  constructor(options: AdamOptions = {}) {
    this.learningRate = this.initialLearningRate = options.lr ?? 0.01;
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.amsgrad = options.amsgrad ?? true;
    if (!(this.learningRate > 0)) throw new ValueError(`Adam learning rate must be positive, got ${this.learningRate}.`);
  }

  async step(param: tf.Variable, closure: Closure): Promise<number> {
    const { loss, grad } = await closure();
    this.stepCount += 1;
    const t = this.stepCount;
    const { beta1, beta2, eps, learningRate } = this;
    const next = tf.tidy(() => {
      const m = this.m ? tf.add(tf.mul(this.m, beta1), tf.mul(grad, 1 - beta1)) : tf.mul(grad, 1 - beta1);
      const v = this.v
        ? tf.add(tf.mul(this.v, beta2), tf.mul(tf.square(grad), 1 - beta2))
        : tf.mul(tf.square(grad), 1 - beta2);
      const vMax = this.amsgrad ? (this.vMax ? tf.maximum(this.vMax, v) : v.clone()) : undefined;
      const biasCorrection1 = 1 - beta1 ** t;
      const biasCorrection2 = 1 - beta2 ** t;
      const denom = tf.add(tf.div(tf.sqrt(vMax ?? v), Math.sqrt(biasCorrection2)), eps);
      const updated = tf.sub(param, tf.mul(tf.div(m, denom), learningRate / biasCorrection1));
      return { m, v, vMax, updated };
    });
    grad.dispose();
    this.m?.dispose();
    this.v?.dispose();
    this.vMax?.dispose();
    this.m = next.m;
    this.v = next.v;
    this.vMax = next.vMax;
    param.assign(next.updated);
    next.updated.dispose();
    return loss;
  }

  async getState(): Promise<OptimizerState> {
    const tensors: OptimizerState['tensors'] = {};
    if (this.m) tensors.m = await tensorToSaved(this.m);
    if (this.v) tensors.v = await tensorToSaved(this.v);
    if (this.vMax) tensors.vMax = await tensorToSaved(this.vMax);
    return {
      kind: this.kind,
      config: { lr: this.initialLearningRate, beta1: this.beta1, beta2: this.beta2, eps: this.eps, amsgrad: this.amsgrad },
      scalars: { step: this.stepCount, learningRate: this.learningRate },
      tensors,
    };
  }

  setState(state: OptimizerState): void {
    this.resetState();
    this.stepCount = state.scalars.step ?? 0;
    this.learningRate = state.scalars.learningRate ?? this.learningRate;
    const restore = (name: string) => {
      const s = state.tensors[name];
      return s ? tf.tensor(s.data, s.shape, 'float32') : null;
    };
    this.m = restore('m');
    this.v = restore('v');
    this.vMax = restore('vMax') ?? undefined;
  }

  resetState(): void {
    this.m?.dispose();
    this.v?.dispose();
    this.vMax?.dispose();
    this.m = this.v = null;
    this.vMax = undefined;
    this.stepCount = 0;
  }

  dispose(): void {
    this.resetState();
  }

  static fromState(state: OptimizerState): Adam {
    const c = state.config;
    const adam = new Adam({
      lr: c.lr as number,
      betas: [c.beta1 as number, c.beta2 as number],
      eps: c.eps as number,
      amsgrad: c.amsgrad as boolean,
    });
    adam.setState(state);
    return adam;
  }
}
