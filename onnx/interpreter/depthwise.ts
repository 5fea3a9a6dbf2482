// Depthwise convolution (a filter per channel, channel multiplier m) whose input gradient is again a depthwise
// convolution, through tf.customGrad. tfjs-wasm has no DepthwiseConv2dNativeBackpropInput kernel, and this
// formulation also gives the second-order gradients the double-vjp jvp needs, on every backend. Besides depthwise
// Conv nodes it carries the pools: with one-hot filters it extracts window patches exactly, with box filters it sums.
import { tf } from '../../runtime/tf.js';

/** A filter together with the filter its gradient convolves with (the 180-degree rotation, channels folded). */
export interface DepthwiseFilter {
  /** [kh, kw, C, m] */
  filter: tf.Tensor4D;
  transposed: DepthwiseFilter;
}

/**
 * Prepares a depthwise filter [kh, kw, C, m]; `hold` keeps the derived tensors alive as long as the caller needs
 * them (they are made once, not per call).
 */
export function depthwiseFilter(filter: tf.Tensor4D, hold: <T extends tf.Tensor>(t: T) => T): DepthwiseFilter {
  const [kh, kw, c, m] = filter.shape;
  const folded = m === 1 ? filter : hold(tf.reshape(filter, [kh, kw, c * m, 1]) as tf.Tensor4D);
  const flipped = hold(tf.reverse(folded, [0, 1]) as tf.Tensor4D);
  const main = { filter } as DepthwiseFilter;
  const back: DepthwiseFilter = { filter: flipped, transposed: m === 1 ? main : ({ filter: folded } as DepthwiseFilter) };
  if (m !== 1) back.transposed.transposed = back;
  main.transposed = back;
  return main;
}

/**
 * Inserts stride-1 zeros after every row and column: [N, H, W, C] -> [N, H*sh, W*sw, C]. Trailing zeros are kept
 * (cropping would be a non-contiguous slice, which the cpu backend runs element by element).
 */
export function zeroUpsample(x: tf.Tensor4D, [sh, sw]: [number, number]): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  let y: tf.Tensor = x;
  if (sh > 1) y = tf.reshape(tf.pad(tf.reshape(y, [n * h, 1, w * c]), [[0, 0], [0, sh - 1], [0, 0]]), [n, h * sh, w, c]);
  if (sw > 1) y = tf.reshape(tf.pad(tf.reshape(y, [n * h * sh * w, 1, c]), [[0, 0], [0, sw - 1], [0, 0]]), [n, h * sh, w * sw, c]);
  return y as tf.Tensor4D;
}

/** Unpadded depthwise convolution: [N, H, W, C] -> [N, Ho, Wo, C * m]. */
export function depthwiseValid(x: tf.Tensor4D, f: DepthwiseFilter, strides: [number, number]): tf.Tensor4D {
  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xx = inputs[0] as tf.Tensor4D;
    return {
      value: tf.depthwiseConv2d(xx, f.filter, strides, 'valid'),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const [kh, kw, c, m] = f.filter.shape;
        const [n, h, w] = xx.shape;
        // Full correlation with the rotated filter: kh-1 zero rows above, and below as many as make the result
        // h rows (pixels no window reached get zero). With a kernel smaller than the stride the upsampled
        // gradient is longer than that, and is cropped instead.
        let up: tf.Tensor4D = zeroUpsample(dy as tf.Tensor4D, strides);
        if (up.shape[1] > h || up.shape[2] > w) {
          up = tf.slice(up, [0, 0, 0, 0], [n, Math.min(h, up.shape[1]), Math.min(w, up.shape[2]), up.shape[3]]);
        }
        const padded = tf.pad(up, [
          [0, 0],
          [kh - 1, h - up.shape[1]],
          [kw - 1, w - up.shape[2]],
          [0, 0],
        ]);
        const dx = depthwiseValid(padded, f.transposed, [1, 1]);
        return m === 1 ? dx : tf.sum(tf.reshape(dx, [n, h, w, c, m]), 4);
      },
    };
  });
  return op(x) as tf.Tensor4D;
}
