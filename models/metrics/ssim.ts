import { tf } from '../../runtime/tf.js';
import { warn } from '../../runtime/warnings.js';
import { toPlanar } from '../pyramids/planar.js';
import { broadcastPair, checkPairShapes, warnIfMultichannel, warnIfOutOfRange } from './image-pair.js';
import { ssimMean } from './ssim-gradient.js';
import { checkPad, SSIM_WINDOW, ssimMapPlanar, type SsimPad } from './ssim-parts.js';

export interface SsimOptions {
  /** Use Wang & Simoncelli (2008)'s weighted mean of the map instead of the plain mean. Default false. */
  weighted?: boolean;
  /** false (default: 'valid' windows only) or how to pad before the windowed averages. */
  pad?: SsimPad;
}

function warnIfSmall(img: tf.Tensor4D): void {
  if (Math.min(img.shape[2], img.shape[3]) < SSIM_WINDOW) {
    warn(
      'SSIM uses 11x11 convolutional kernel, but the height and/or the width of the input image is smaller than 11, ' +
        'so the kernel size is set to be the minimum of these two numbers.',
    );
  }
}

/** Validation and warnings in plenoptic's order, then the pair as planar images of the broadcast shape. */
function planarPair(img1: tf.Tensor4D, img2: tf.Tensor4D): { x: tf.Tensor3D; y: tf.Tensor3D; batch: number; channels: number } {
  warnIfOutOfRange(img1, img2);
  const [batch, channels] = checkPairShapes(img1, img2);
  warnIfMultichannel(img1, img2, 'SSIM');
  const [a, b] = broadcastPair(img1, img2, [batch, channels]);
  return { x: toPlanar(a), y: toPlanar(b), batch, channels };
}

/**
 * The structural similarity index (Wang et al. 2004) of each image pair, [batch, channel]: 1 for identical images,
 * down to −1. Images should lie in [0, 1]; images smaller than 11 pixels use a smaller window (with a warning).
 */
export function ssim(img1: tf.Tensor4D, img2: tf.Tensor4D, options: SsimOptions = {}): tf.Tensor2D {
  const { weighted = false, pad = false } = options;
  checkPad(pad);
  const result = tf.tidy(() => {
    const { x, y, batch, channels } = planarPair(img1, img2);
    return tf.reshape(ssimMean(x, y, { map: 'ssim', weighted, pad }), [batch, channels]) as tf.Tensor2D;
  });
  warnIfSmall(img1);
  return result;
}

/** The SSIM map, [batch, channel, H − 10, W − 10] ('valid' 11×11 windows). */
export function ssimMap(img1: tf.Tensor4D, img2: tf.Tensor4D): tf.Tensor4D {
  warnIfSmall(img1);
  return tf.tidy(() => {
    const { x, y, batch, channels } = planarPair(img1, img2);
    const map = ssimMapPlanar(x, y);
    const [w, , h] = map.shape;
    return tf.reshape(tf.transpose(map, [1, 2, 0]), [batch, channels, h, w]) as tf.Tensor4D;
  });
}
