import { tf } from '../../runtime/tf.js';
import { checkPairShapes } from './image-pair.js';

/**
 * Mean-squared error of each image pair over height and width, [batch, channel] (plenoptic.metric.mse). Batch and
 * channel broadcast as in the other metrics.
 */
export function mse(img1: tf.Tensor4D, img2: tf.Tensor4D): tf.Tensor2D {
  checkPairShapes(img1, img2);
  return tf.tidy(() => tf.mean(tf.squaredDifference(img1, img2), [2, 3])) as tf.Tensor2D;
}
