// Laparra et al. (2016)'s normalized Laplacian pyramid and distance (plenoptic's normalized_laplacian_pyramid and
// nlpd).
import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { laplacianLevelsPlanar, minimumLaplacianSize } from '../pyramids/laplacian.js';
import { fromPlanar, toPlanar } from '../pyramids/planar.js';
import { broadcastPair, checkPairShapes, warnIfMultichannel, warnIfOutOfRange } from './image-pair.js';
import { nlpdImages, normalizedLaplacianFlat } from './nlpd-gradient.js';
import { NLP_SCALES, normalizer } from './nlp-normalization.js';

function checkSize(h: number, w: number): void {
  const min = minimumLaplacianSize(NLP_SCALES);
  if (Math.min(h, w) < min) {
    throw new ValueError(
      `The normalized Laplacian pyramid has ${NLP_SCALES} scales and needs images of at least ${min}×${min} pixels, but got ${h}×${w}. Use larger images.`,
    );
  }
}

/**
 * The six normalized levels of planar images, fine to coarse, in tfjs ops differentiated by tfjs (nlpd-gradient.ts
 * has the fast op; this formulation is what its tests check it against).
 */
function normalizedLaplacianPlanar(y: tf.Tensor3D): tf.Tensor3D[] {
  return laplacianLevelsPlanar(y, NLP_SCALES, true).map((level, k) => tf.div(level, normalizer(level, k)) as tf.Tensor3D);
}

/**
 * The normalized Laplacian pyramid of an image batch: six [B, C, h_i, w_i] levels (256² gives 256, 128, …, 8),
 * each Laplacian level divided by σ_b plus a weighted sum of its neighbours' magnitudes. Channels are independent.
 */
export function normalizedLaplacianPyramid(img: tf.Tensor4D): tf.Tensor4D[] {
  if (!(img instanceof tf.Tensor) || img.rank !== 4) {
    throw new ValueError(
      `normalizedLaplacianPyramid needs a 4-D image batch (batch, channel, height, width), but got ${img instanceof tf.Tensor ? `shape [${img.shape.join(', ')}]` : typeof img}.`,
    );
  }
  const [b, c, h, w] = img.shape;
  checkSize(h, w);
  return tf.tidy(() => normalizedLaplacianPlanar(toPlanar(img)).map((level) => fromPlanar(level, b, c)));
}

/** The six levels of one image flattened and concatenated, [1, 1, N], with the hand-written gradient. */
export function normalizedLaplacianVector(img: tf.Tensor4D): tf.Tensor3D {
  checkSize(img.shape[2], img.shape[3]);
  const [, , h, w] = img.shape;
  return tf.tidy(() => tf.reshape(normalizedLaplacianFlat(tf.reshape(img, [1, h, w])), [1, 1, -1]) as tf.Tensor3D);
}

/**
 * The normalized Laplacian pyramid distance of each image pair, [batch, channel]: the root-mean-square difference
 * of the normalized levels at each scale, averaged over the six scales. A 1e-10 inside each square root keeps the
 * gradient finite, so identical images give 1e-5, not 0.
 */
export function nlpd(img1: tf.Tensor4D, img2: tf.Tensor4D): tf.Tensor2D {
  const [batch, channels] = checkPairShapes(img1, img2);
  warnIfMultichannel(img1, img2, 'NLPD');
  warnIfOutOfRange(img1, img2);
  checkSize(img1.shape[2], img1.shape[3]);
  return tf.tidy(() => {
    const [a, b] = broadcastPair(img1, img2, [batch, channels]);
    const [h, w] = [img1.shape[2], img1.shape[3]];
    const stack = (t: tf.Tensor4D) => tf.reshape(t, [batch * channels, h, w]) as tf.Tensor3D;
    return tf.reshape(nlpdImages(stack(a), stack(b)), [batch, channels]) as tf.Tensor2D;
  });
}
