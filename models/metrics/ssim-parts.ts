// The local statistics behind SSIM and MS-SSIM (plenoptic's _ssim_parts), on planar images ([H, P, W]).
//
// The 11×11 Gaussian window (σ = 1.5, normalised to sum 1) is separable and the same along both axes, so the five
// windowed averages (x, y, x², y², xy) are two passes over all five maps stacked on a leading axis: along W, then,
// after one transpose, along H. The maps come out transposed ([w', P, h']); SSIM's means do not care, and the map
// is transposed back only when asked for. ssimMapPlanar is differentiated by tfjs; ssim-gradient.ts writes the
// gradient of the means out by hand.
import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { correlationOperator, type AxisOperator, type PadMode } from '../pyramids/axis-operator.js';
import { alongLastAxis, alongLastAxisTransposed } from '../pyramids/planar.js';

export type SsimPad = false | PadMode;

const padModes: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];
export const C1 = 0.01 ** 2;
export const C2 = 0.03 ** 2;
export const SSIM_WINDOW = 11;
const WINDOW_STD = 1.5;

/**
 * One axis of circular_gaussian2d(k, 1.5): centred at (k−1)/2, so even sizes are symmetric about the gap between
 * the two middle samples. The 2-D window is the outer product of this with itself.
 */
export function gaussianWindowTaps(size: number, std = WINDOW_STD): number[] {
  const centre = (size - 1) / 2;
  const raw = Array.from({ length: size }, (_, i) => Math.exp(-((i - centre) ** 2) / (2 * std * std)));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((v) => v / total);
}

export function checkPad(pad: unknown): asserts pad is SsimPad {
  if (pad !== false && !padModes.includes(pad as PadMode)) {
    throw new ValueError(`pad must be false or one of ${padModes.map((m) => `'${m}'`).join(', ')}, but got ${JSON.stringify(pad)}.`);
  }
}

/** The window's operator along an axis of n samples, with plenoptic's same_padding when pad is a mode. */
function windowOperator(n: number, size: number, pad: SsimPad): AxisOperator {
  const taps = gaussianWindowTaps(size);
  if (pad === false) return correlationOperator(n, taps);
  const before = Math.floor((size - 1) / 2);
  return correlationOperator(n, taps, { before, after: size - 1 - before, mode: pad });
}

/** The centred window averages of a pair, in the transposed layout [w', P, h']. */
export interface WindowedMoments {
  /** The value subtracted from both images before the products. */
  centre: number;
  mu1c: tf.Tensor3D;
  mu2c: tf.Tensor3D;
  /** Window averages of (x − centre)², (y − centre)² and (x − centre)(y − centre). */
  xx: tf.Tensor3D;
  yy: tf.Tensor3D;
  xy: tf.Tensor3D;
}

/** The two window operators of an H×W image: [along W, along H]. */
export function windowOperators(h: number, w: number, pad: SsimPad): [AxisOperator, AxisOperator] {
  const size = Math.min(SSIM_WINDOW, h, w);
  return [windowOperator(w, size, pad), windowOperator(h, size, pad)];
}

/**
 * The five window averages of planar images x and y ([H, P, W], the same shape), computed as two passes over the
 * five maps stacked on a leading axis, and returned transposed, [w', P, h']. The window is min(11, H, W) wide.
 */
export function windowedMoments(x: tf.Tensor3D, y: tf.Tensor3D, pad: SsimPad): WindowedMoments {
  const [h, , w] = x.shape;
  const [alongW, alongH] = windowOperators(h, w, pad);
  // The variances are differences of nearly equal window averages (E[x²] − μ²). Centring on 0.5 first, which the
  // variances do not see, quarters the magnitudes that cancel and so the float32 rounding left in them. (Zero
  // padding would pad the centred images with −0.5, so 'constant' keeps the raw values.)
  const centre = pad === 'constant' ? 0 : 0.5;
  const xc = tf.sub(x, centre);
  const yc = tf.sub(y, centre);
  const maps = tf.stack([xc, yc, tf.mul(xc, xc), tf.mul(yc, yc), tf.mul(xc, yc)]) as tf.Tensor4D;
  const averaged = alongLastAxis(tf.transpose(alongLastAxis(maps, alongW), [0, 3, 2, 1]), alongH);
  const [mu1c, mu2c, xx, yy, xy] = tf.unstack(averaged) as tf.Tensor3D[];
  return { centre, mu1c, mu2c, xx, yy, xy };
}

/** The transpose of windowedMoments' linear part: five [w', P, h'] maps back to five [H, P, W] images. */
export function windowedMomentsTransposed(maps: tf.Tensor3D[], h: number, w: number, pad: SsimPad): tf.Tensor3D[] {
  const [alongW, alongH] = windowOperators(h, w, pad);
  const stacked = tf.stack(maps) as tf.Tensor4D;
  const throughH = tf.transpose(alongLastAxisTransposed(stacked, alongH), [0, 3, 2, 1]) as tf.Tensor4D;
  return tf.unstack(alongLastAxisTransposed(throughH, alongW)) as tf.Tensor3D[];
}

/** SSIM's map for planar images x and y ([H, P, W], the same shape), transposed: [w', P, h']. */
export function ssimMapPlanar(x: tf.Tensor3D, y: tf.Tensor3D): tf.Tensor3D {
  const { centre, mu1c, mu2c, xx, yy, xy } = windowedMoments(x, y, false);
  const sigma1Sq = tf.sub(xx, tf.square(mu1c));
  const sigma2Sq = tf.sub(yy, tf.square(mu2c));
  const sigma12 = tf.sub(xy, tf.mul(mu1c, mu2c));
  const mu1 = tf.add(mu1c, centre);
  const mu2 = tf.add(mu2c, centre);
  const luminance = tf.div(tf.add(tf.mul(tf.mul(mu1, mu2), 2), C1), tf.add(tf.add(tf.square(mu1), tf.square(mu2)), C1));
  const contrastStructure = tf.div(tf.add(tf.mul(sigma12, 2), C2), tf.add(tf.add(sigma1Sq, sigma2Sq), C2));
  return tf.mul(luminance, contrastStructure);
}
