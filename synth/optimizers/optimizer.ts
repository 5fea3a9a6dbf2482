import type { tf } from '../../runtime/tf.js';

/** Evaluates the objective at the parameter's current value. The optimizer takes ownership of `grad`. */
export type Closure = () => Promise<{ loss: number; grad: tf.Tensor }>;

export interface SavedTensor {
  shape: number[];
  data: Float32Array;
}

export interface OptimizerState {
  kind: string;
  config: Record<string, number | boolean>;
  scalars: Record<string, number>;
  tensors: Record<string, SavedTensor>;
}

/**
 * An optimizer of ONE tensor, the synthesized image (plenoptic requires exactly that). Unlike torch's, it is not
 * bound at construction: a synthesis attaches it to its variable, so users write `{ optimizer: new Adam({ lr }) }`.
 * step() may call the closure several times (L-BFGS) and returns the loss of the first call, at the
 * parameter's value before the step — the value plenoptic records in `losses`.
 */
export interface Optimizer {
  readonly kind: string;
  /** The current learning rate; schedulers change it. */
  learningRate: number;
  /** The learning rate it was created with (MetamerCTF resets to it when it changes scale). */
  readonly initialLearningRate: number;
  step(param: tf.Variable, closure: Closure): Promise<number>;
  getState(): Promise<OptimizerState>;
  setState(state: OptimizerState): void;
  /** Forgets accumulated moments and history (used when the objective changes, as on a CTF scale switch). */
  resetState(): void;
  dispose(): void;
}

export async function tensorToSaved(t: tf.Tensor): Promise<SavedTensor> {
  return { shape: t.shape.slice(), data: Float32Array.from((await t.data()) as Float32Array) };
}
