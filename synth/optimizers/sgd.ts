import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { tensorToSaved, type Closure, type Optimizer, type OptimizerState } from './optimizer.js';

export interface SgdOptions {
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
}

/** Stochastic gradient descent with PyTorch's momentum convention (buffer = momentum·buffer + grad). */
export class SGD implements Optimizer {
  readonly kind = 'sgd';
  learningRate: number;
  readonly initialLearningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  private buffer: tf.Tensor | undefined;

  constructor(options: SgdOptions = {}) {
    this.learningRate = this.initialLearningRate = options.lr ?? 0.01;
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (!(this.learningRate > 0)) throw new ValueError(`SGD learning rate must be positive, got ${this.learningRate}.`);
    if (this.nesterov && this.momentum <= 0) throw new ValueError('Nesterov momentum requires momentum > 0.');
  }

  async step(param: tf.Variable, closure: Closure): Promise<number> {
    const { loss, grad } = await closure();
    const next = tf.tidy(() => {
      let direction: tf.Tensor = grad;
      let buffer: tf.Tensor | undefined;
      if (this.momentum > 0) {
        buffer = this.buffer ? tf.add(tf.mul(this.buffer, this.momentum), grad) : grad.clone();
        direction = this.nesterov ? tf.add(grad, tf.mul(buffer, this.momentum)) : buffer;
      }
      return { buffer, updated: tf.sub(param, tf.mul(direction, this.learningRate)) };
    });
    grad.dispose();
    this.buffer?.dispose();
    this.buffer = next.buffer;
    param.assign(next.updated);
    next.updated.dispose();
    return loss;
  }

  async getState(): Promise<OptimizerState> {
    return {
      kind: this.kind,
      config: { lr: this.initialLearningRate, momentum: this.momentum, nesterov: this.nesterov },
      scalars: { learningRate: this.learningRate },
      tensors: this.buffer ? { buffer: await tensorToSaved(this.buffer) } : {},
    };
  }

  setState(state: OptimizerState): void {
    this.resetState();
    this.learningRate = state.scalars.learningRate ?? this.learningRate;
    const b = state.tensors.buffer;
    this.buffer = b ? tf.tensor(b.data, b.shape, 'float32') : undefined;
  }

  resetState(): void {
    this.buffer?.dispose();
    this.buffer = undefined;
  }

  dispose(): void {
    this.resetState();
  }

  static fromState(state: OptimizerState): SGD {
    const c = state.config;
    const sgd = new SGD({ lr: c.lr as number, momentum: c.momentum as number, nesterov: c.nesterov as boolean });
    sgd.setState(state);
    return sgd;
  }
}
