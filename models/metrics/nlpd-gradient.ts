// The normalized Laplacian pyramid as one tfjs op computed by nlp-kernel.ts, with its gradient, and NLPD on top.
//
// Keeping the pyramid of each image a separate op lets tfjs skip the reference image's backward pass when only the
// other image needs a gradient, as torch does. The gradient is itself an op whose gradient is the Jacobian-vector
// product (and the other way round), so the double-vjp trick behind TfjsModel.jvp works through it. Second
// derivatives with respect to the image are not provided.
import { tf } from '../../runtime/tf.js';
import { NormalizedLaplacianKernel } from './nlp-kernel.js';
import { recording, tensorFrom, valuesOf } from './host-arrays.js';
import { pyramidDistance } from './nlpd-distance.js';
import { levelShapes } from './nlp-plan.js';

type LinearOp = (x: tf.Tensor) => tf.Tensor;

/** The kernel's Jacobian products at its image as a pair of tfjs ops, each the other's gradient. */
function jacobianOps(kernel: NormalizedLaplacianKernel): { vjp: LinearOp; jvp: LinearOp } {
  const { images, height, width, size } = kernel;
  const vjp: LinearOp = tf.customGrad((...args) => {
    const value = tensorFrom(kernel.vjp(valuesOf(args[0] as tf.Tensor)), [images, height, width]);
    // unrecorded, this product's own gradient (the jvp) can never be asked for
    if (!recording()) kernel.release();
    return { value, gradFunc: (dy: tf.Tensor) => jvp(dy) };
  });
  const jvp: LinearOp = tf.customGrad((...args) => ({
    value: tensorFrom(kernel.jvp(valuesOf(args[0] as tf.Tensor)), [images, size]),
    gradFunc: (dy: tf.Tensor) => vjp(dy),
  }));
  return { vjp, jvp };
}

/**
 * The normalized Laplacian pyramid of P images [P, H, W], the six levels flattened and concatenated fine to coarse
 * into [P, N], with its gradient.
 */
export const normalizedLaplacianFlat = tf.customGrad<tf.Tensor2D>((...args) => {
  const x = args[0] as tf.Tensor3D;
  const [p, h, w] = x.shape;
  const kernel = new NormalizedLaplacianKernel(valuesOf(x), p, h, w);
  const value = tensorFrom(kernel.output, [p, kernel.size]) as tf.Tensor2D;
  if (!recording()) kernel.release();
  const { vjp } = jacobianOps(kernel);
  return { value, gradFunc: (dy: tf.Tensor) => vjp(dy) };
});

/**
 * NLPD of image stacks of the same shape [P, H, W], [P]: the root-mean-square difference of the normalized levels
 * at each scale (with 1e-10 under the root), averaged over the six scales.
 */
export function nlpdImages(x: tf.Tensor3D, y: tf.Tensor3D): tf.Tensor1D {
  const [, h, w] = x.shape;
  const sizes = levelShapes(h, w).map(([a, b]) => a * b);
  return pyramidDistance(normalizedLaplacianFlat(x), normalizedLaplacianFlat(y), sizes);
}
