// The contract between the plan compiler and the op families: a factory sees a node once, with static shapes and
// constant inputs, prepares what it can (weights in tfjs layout, index tables), and returns the synchronous,
// differentiable function the plan calls on every forward pass.
import { tf } from '../../runtime/tf.js';
import type { OpContext } from '../op-params.js';
import type { DType, TensorData } from '../tensor-data.js';
import type { Operand } from './operand.js';

export interface StaticValue {
  name: string;
  dtype: DType;
  shape: number[];
  /** The value, when known at compile time. */
  constant?: TensorData;
}

export interface PrepareContext extends OpContext {
  /** Static description of input i; undefined when the optional input is omitted. */
  input(i: number): StaticValue | undefined;
  /** Shape of input i (which must be given). */
  shape(i: number): number[];
  outputs: StaticValue[];
  /**
   * A float32 tfjs tensor made once from constant input i (optionally transformed, e.g. a weight in HWIO order).
   * It lives as long as the compiled plan.
   */
  constantTensor(i: number, transform?: (t: tf.Tensor) => tf.Tensor): tf.Tensor;
  /** Holds a tensor made at compile time for the life of the plan. */
  hold<T extends tf.Tensor>(t: T): T;
}

/** Run-time access to a node's inputs; constants come as NCHW tensors made on first use. */
export interface Args {
  get(i: number): Operand;
}

export type Run = (args: Args) => Operand[];

export type KernelFactory = (ctx: PrepareContext) => Run;
