// plenoptic.tools.conv's blur_downsample / upsample_blur: a separable binomial blur with a stride of 2 (and its
// transpose-like upsampling), with reflect padding, computed as one matrix product per axis.
import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { correlationOperator, upsampleOperator } from './axis-operator.js';
import { alongHeight, alongLastAxis, fromPlanar, toPlanar } from './planar.js';

/**
 * pyrtools' named_filter for the binomial family: 'binomN' is √2 · the N binomial coefficients / 2^(N−1), so the
 * 2-D filter outer(f, f) sums to 2.
 */
export function namedFilter(filtName: string): number[] {
  const match = /^binom(\d+)$/.exec(filtName);
  const size = match ? Number(match[1]) : 0;
  if (size < 2) {
    throw new ValueError(`filtName '${filtName}' is not supported: use a binomial filter 'binomN' with N >= 2 (plenoptic's default is 'binom5').`);
  }
  let row = [1];
  for (let i = 1; i < size; i++) row = [...row, 0].map((v, j) => v + (j > 0 ? row[j - 1] : 0));
  const norm = Math.SQRT2 / 2 ** (size - 1);
  return row.map((v) => v * norm);
}

/** Per-axis taps of the 2-D filter scale · outer(f, f). */
function axisTaps(filtName: string, scale: number): number[] {
  const s = Math.sqrt(scale);
  return namedFilter(filtName).map((v) => v * s);
}

/** The taps blur_downsample uses along each axis: the 2-D filter sums to 1 with scaleFilter, else to 2. */
export function downsampleTaps(filtName = 'binom5', scaleFilter = true): number[] {
  return axisTaps(filtName, scaleFilter ? 0.5 : 1);
}

/** The taps upsample_blur uses along each axis: the 2-D filter sums to 4 with scaleFilter, else to 2. */
export function upsampleTaps(filtName = 'binom5', scaleFilter = true): number[] {
  return axisTaps(filtName, scaleFilter ? 2 : 1);
}

/** One blur-and-subsample step on planar images: reflect 'same' padding, correlation, every other sample kept. */
export function blurDownsamplePlanar(y: tf.Tensor3D, taps: readonly number[]): tf.Tensor3D {
  const [h, , w] = y.shape;
  const k = taps.length;
  const pad = { before: Math.floor((k - 1) / 2), after: k - 1 - Math.floor((k - 1) / 2), mode: 'reflect' as const, stride: 2 };
  return alongHeight(alongLastAxis(y, correlationOperator(w, taps, pad)), correlationOperator(h, taps, pad));
}

/** One upsample-and-blur step on planar images; the output is (2h − oddH) × (2w − oddW). */
export function upsampleBlurPlanar(y: tf.Tensor3D, odd: readonly [0 | 1, 0 | 1], taps: readonly number[]): tf.Tensor3D {
  const [h, , w] = y.shape;
  return alongHeight(alongLastAxis(y, upsampleOperator(w, taps, odd[1])), upsampleOperator(h, taps, odd[0]));
}

function checkImage(x: tf.Tensor, fn: string): asserts x is tf.Tensor4D {
  if (x.rank !== 4) {
    throw new ValueError(`${fn} needs a 4-D image batch (batch, channel, height, width), but got shape [${x.shape.join(', ')}]. Reshape it, e.g. x.reshape([1, 1, h, w]).`);
  }
}

/**
 * Correlates with a binomial filter and subsamples by 2, nScales times (plenoptic's blur_downsample). Each step maps
 * n samples to ceil(n/2). Channels are filtered independently.
 */
export function blurDownsample(x: tf.Tensor4D, nScales = 1, filtName = 'binom5', scaleFilter = true): tf.Tensor4D {
  checkImage(x, 'blurDownsample');
  if (!Number.isInteger(nScales) || nScales < 0) {
    throw new ValueError(`nScales must be a non-negative integer, but got ${nScales}.`);
  }
  const taps = downsampleTaps(filtName, scaleFilter);
  const [b, c] = x.shape;
  return tf.tidy(() => {
    let y = toPlanar(x);
    for (let s = 0; s < nScales; s++) y = blurDownsamplePlanar(y, taps);
    return fromPlanar(y, b, c);
  });
}

/**
 * Upsamples by 2 and convolves with a binomial filter (plenoptic's upsample_blur). odd = [oddH, oddW] says whether
 * the output height / width is odd: the output is (2h − oddH) × (2w − oddW).
 */
export function upsampleBlur(
  x: tf.Tensor4D,
  odd: readonly [number, number],
  filtName = 'binom5',
  scaleFilter = true,
): tf.Tensor4D {
  checkImage(x, 'upsampleBlur');
  if (odd.length !== 2 || !odd.every((o) => o === 0 || o === 1)) {
    throw new ValueError(`odd must be two values of 0 or 1 ([oddHeight, oddWidth]), but got [${odd.join(', ')}].`);
  }
  const taps = upsampleTaps(filtName, scaleFilter);
  const [b, c] = x.shape;
  return tf.tidy(() => fromPlanar(upsampleBlurPlanar(toPlanar(x), odd as [0 | 1, 0 | 1], taps), b, c));
}
