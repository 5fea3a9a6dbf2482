// A linear map as one autodiff node: its forward runs untaped (tfjs records nothing inside tf.customGrad, so no
// intermediate is saved or copied for the backward pass) and its gradient is the adjoint map, itself such a node
// whose gradient is the forward map. Derivatives of every order are therefore exact and cheap.
import { tf } from '../../runtime/tf.js';

export type LinearOperator = (...inputs: tf.Tensor[]) => tf.Tensor;

/**
 * A differentiable linear map of `numInputs` tensors to one. `apply` and `adjoint` must be mutually adjoint:
 * <apply(xs), y> = Σ_i <xs[i], adjoint(y)[i]> for real tensors. Both run untaped, so they may use any tfjs op.
 */
export function linearOperator(
  numInputs: number,
  apply: (inputs: tf.Tensor[]) => tf.Tensor,
  adjoint: (y: tf.Tensor) => tf.Tensor[],
): LinearOperator {
  // The adjoint has numInputs outputs; as a customGrad node it returns them stacked on a new leading axis.
  const unstack = (stacked: tf.Tensor): tf.Tensor[] => {
    if (numInputs === 1) return [stacked];
    const [, ...rest] = stacked.shape as number[];
    const size = rest.reduce((a, b) => a * b, 1);
    const rows = tf.reshape(stacked, [numInputs, size]);
    return Array.from({ length: numInputs }, (_, i) => tf.reshape(tf.slice(rows, [i, 0], [1, size]), rest));
  };
  const forward: LinearOperator = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: apply(args.slice(0, numInputs) as tf.Tensor[]),
    gradFunc: (dy: tf.Tensor) => unstack(backward(dy)),
  })) as LinearOperator;
  const backward = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: numInputs === 1 ? adjoint(args[0] as tf.Tensor)[0] : tf.stack(adjoint(args[0] as tf.Tensor)),
    gradFunc: (dx: tf.Tensor) => forward(...unstack(dx)),
  })) as (y: tf.Tensor) => tf.Tensor;
  return forward;
}

/**
 * A slice of x viewed as `view` (a reshape of x), reshaped to `outShape`, as a linear operator. tfjs's own Slice
 * and Reshape nodes save a copy of their input for the backward pass (wasm's clone copies memory); this saves
 * nothing. Keep `view` at rank ≤ 4: wasm's kernels are much slower above that.
 */
export function takeSlice(x: tf.Tensor, view: number[], begin: number[], size: number[], outShape: number[]): tf.Tensor {
  const inShape = x.shape as number[];
  const op = linearOperator(
    1,
    ([v]) => tf.reshape(tf.slice(tf.reshape(v, view), begin, size), outShape),
    (g) => [
      tf.reshape(
        tf.pad(
          tf.reshape(g, size),
          view.map((d, i) => [begin[i], d - begin[i] - size[i]] as [number, number]),
        ),
        inShape,
      ),
    ],
  );
  return op(x);
}
