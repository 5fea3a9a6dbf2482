import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { warn } from '../../runtime/warnings.js';
import { correlationOperator } from '../pyramids/axis-operator.js';
import { alongLastAxis, toPlanar } from '../pyramids/planar.js';
import { broadcastPair, checkPairShapes, warnIfMultichannel, warnIfOutOfRange } from './image-pair.js';
import { ssimMean } from './ssim-gradient.js';
import { SSIM_WINDOW } from './ssim-parts.js';

/** Wang, Simoncelli & Bovik (2003)'s exponents, fine to coarse. */
export const DEFAULT_POWER_FACTORS: readonly number[] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];

export interface MsSsimOptions {
  /** One exponent per scale, fine to coarse; its length sets the number of scales. */
  powerFactors?: readonly number[];
}

/** MS-SSIM's downsampling along an axis: replicate-pad an odd length by one, then average pairs (avg_pool2d(2)). */
function halveOperator(n: number) {
  return correlationOperator(n, [0.5, 0.5], { after: n % 2, mode: 'replicate', stride: 2 });
}

/**
 * relu(m)^a with a zero gradient where m ≤ 0: torch's pow has an infinite derivative at 0 that turns the whole
 * gradient into NaN once any scale's mean is clamped; here such a scale simply contributes a factor 0.
 */
function clampedPower(m: tf.Tensor1D, a: number): tf.Tensor1D {
  const positive = tf.relu(m);
  const isPositive = tf.sign(positive);
  const safe = tf.add(positive, tf.sub(1, isPositive));
  return tf.mul(tf.pow(safe, a), isPositive);
}

/**
 * Multiscale SSIM of each image pair, [batch, channel]: the product over scales of relu(mean contrast-structure)
 * raised to the scale's power factor, with the full SSIM at the coarsest scale. Scales come from replicate-padded
 * 2×2 average pooling; the value is 0 as soon as one term is negative.
 */
export function msSsim(img1: tf.Tensor4D, img2: tf.Tensor4D, options: MsSsimOptions = {}): tf.Tensor2D {
  const powerFactors = options.powerFactors ?? DEFAULT_POWER_FACTORS;
  if (powerFactors.length === 0 || !powerFactors.every((a) => Number.isFinite(a))) {
    throw new ValueError(`powerFactors must be a non-empty list of finite numbers (one per scale, fine to coarse), but got [${powerFactors.join(', ')}].`);
  }
  warnIfOutOfRange(img1, img2);
  const [batch, channels] = checkPairShapes(img1, img2);
  warnIfMultichannel(img1, img2, 'SSIM');
  let coarsest = Math.min(img1.shape[2], img1.shape[3]);
  const result = tf.tidy(() => {
    const [a, b] = broadcastPair(img1, img2, [batch, channels]);
    // The pair is stacked on a leading axis; each halving swaps H and W (one transpose per scale), which SSIM's
    // isotropic window and the means over whole images do not notice.
    let pair = tf.stack([toPlanar(a), toPlanar(b)]) as tf.Tensor4D;
    let product: tf.Tensor1D = tf.ones([batch * channels]);
    for (let i = 0; i < powerFactors.length; i++) {
      const [x, y] = tf.unstack(pair) as tf.Tensor3D[];
      const last = i === powerFactors.length - 1;
      const mean = ssimMean(x, y, { map: last ? 'ssim' : 'cs', weighted: false, pad: false });
      product = tf.mul(product, clampedPower(mean, powerFactors[i]));
      if (!last) {
        const [, h, , w] = pair.shape;
        const halvedW = alongLastAxis(pair, halveOperator(w));
        pair = alongLastAxis(tf.transpose(halvedW, [0, 3, 2, 1]), halveOperator(h));
      }
    }
    coarsest = Math.min(pair.shape[1], pair.shape[3]);
    return tf.reshape(product, [batch, channels]) as tf.Tensor2D;
  });
  if (coarsest < SSIM_WINDOW) {
    warn(
      'SSIM uses 11x11 convolutional kernel, but for some scales of the input image, the height and/or the width is ' +
        'smaller than 11, so the kernel size in SSIM is set to be the minimum of these two numbers for these scales.',
    );
  }
  return result;
}
