// The input contract shared by ssim, ssimMap, msSsim and nlpd: two 4-D batches of the same height and width whose
// batch and channel sizes broadcast; values should lie in [0, 1]. Messages start with plenoptic's text.
import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { warn } from '../../runtime/warnings.js';
import { formatTorchVector } from './torch-format.js';

const shapeText = (t: tf.Tensor) => `[${t.shape.join(', ')}]`;

/** Checks the shapes and returns the broadcast [batch, channel]. */
export function checkPairShapes(img1: tf.Tensor, img2: tf.Tensor): [number, number] {
  if (!(img1 instanceof tf.Tensor) || !(img2 instanceof tf.Tensor)) {
    throw new TypeError('Both images must be tf.Tensor objects of shape (batch, channel, height, width).');
  }
  if (img1.rank !== 4 || img2.rank !== 4) {
    throw new ValueError(
      `Input images should have four dimensions: (batch, channel, height, width), but got shapes ${shapeText(img1)} and ${shapeText(img2)}. ` +
        'Reshape a single gray image with x.reshape([1, 1, h, w]).',
    );
  }
  if (img1.shape[2] !== img2.shape[2] || img1.shape[3] !== img2.shape[3]) {
    throw new ValueError(
      `img1 and img2 must have the same height and width! Got ${img1.shape[2]}×${img1.shape[3]} and ${img2.shape[2]}×${img2.shape[3]}; crop or resize one of them.`,
    );
  }
  const out: [number, number] = [0, 0];
  for (let i = 0; i < 2; i++) {
    const a = img1.shape[i];
    const b = img2.shape[i];
    if (a !== b && a !== 1 && b !== 1) {
      throw new ValueError(
        'Either img1 and img2 should have the same number of elements in each dimension, or one of them should be 1! ' +
          `But got shapes ${shapeText(img1)}, ${shapeText(img2)} instead`,
      );
    }
    out[i] = Math.max(a, b);
  }
  if (img1.dtype !== 'float32' || img2.dtype !== 'float32') {
    throw new ValueError(`Input images must have same dtype! Both must be float32, but got ${img1.dtype} and ${img2.dtype}; use tf.cast(x, 'float32').`);
  }
  return out;
}

/** plenoptic's per-channel warning; `what` is 'SSIM' or 'NLPD'. */
export function warnIfMultichannel(img1: tf.Tensor4D, img2: tf.Tensor4D, what: string): void {
  if (img1.shape[1] > 1 || img2.shape[1] > 1) {
    warn(
      `${what} was designed for grayscale images and here it will be computed separately for each channel ` +
        '(so channels are treated in the same way as batches).',
    );
  }
}

/** plenoptic's warning when either image has values outside [0, 1], quoting both ranges as torch prints them. */
export function warnIfOutOfRange(img1: tf.Tensor, img2: tf.Tensor): void {
  const ranges = tf.tidy(() => tf.stack([tf.min(img1), tf.max(img1), tf.min(img2), tf.max(img2)].map((v) => tf.cast(v, 'float32'))));
  const [min1, max1, min2, max2] = Array.from(ranges.dataSync());
  ranges.dispose();
  if ([min1, max1, min2, max2].some((v) => v > 1 || v < 0)) {
    warn(
      `Image range falls outside [0, 1]. img1: ${formatTorchVector([min1, max1])}, img2: ${formatTorchVector([min2, max2])}. Continuing anyway...`,
    );
  }
}

/** The two images broadcast to a common [batch, channel, H, W] (a no-op when the shapes already agree). */
export function broadcastPair(img1: tf.Tensor4D, img2: tf.Tensor4D, [b, c]: [number, number]): [tf.Tensor4D, tf.Tensor4D] {
  const target: [number, number, number, number] = [b, c, img1.shape[2], img1.shape[3]];
  const expand = (x: tf.Tensor4D) => (x.shape[0] === b && x.shape[1] === c ? x : (tf.broadcastTo(x, target) as tf.Tensor4D));
  return [expand(img1), expand(img2)];
}
