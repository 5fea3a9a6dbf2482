import { tf } from '../runtime/tf.js';

/** A loss comparing a synthesized representation with the target one. */
export type LossFunction = (synthesized: tf.Tensor, target: tf.Tensor) => tf.Scalar;

/** plenoptic.tools.optim.mse: mean squared difference, the default Metamer loss. */
export function mse(synthesized: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.mean(tf.squaredDifference(synthesized, target));
}

/** plenoptic.tools.optim.l2_norm: the (unsquared) Euclidean distance over all elements. */
export function l2Norm(synthesized: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.sqrt(tf.sum(tf.squaredDifference(synthesized, target)));
}

/** plenoptic.tools.optim.relative_MSE: ||ref − synth||² / ||ref||². */
export function relativeMse(synthesized: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.div(tf.sum(tf.squaredDifference(synthesized, target)), tf.sum(tf.square(target)));
}

/** Losses that can be named (in options, on the CLI, and in a saved synthesis). */
export const lossFunctions: Record<string, LossFunction> = { mse, l2Norm, relativeMse };

/**
 * plenoptic.tools.optim.penalize_range: Σ (x − min)² below the range plus Σ (x − max)² above it; zero inside.
 * Built from relu so its gradient works on every backend.
 */
export function penalizeRange(x: tf.Tensor, allowedRange: readonly [number, number] = [0, 1]): tf.Scalar {
  return tf.tidy(() => {
    const below = tf.relu(tf.sub(allowedRange[0], x));
    const above = tf.relu(tf.sub(x, allowedRange[1]));
    return tf.add(tf.sum(tf.square(below)), tf.sum(tf.square(above)));
  });
}
