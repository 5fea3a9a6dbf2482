// fftshift / ifftshift as slice + concat (a roll), which tfjs differentiates on every backend. Inside the
// pyramid prefer fft2/ifft2's `centered` option, which folds the shift into the DFT constants.
import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';

/** Rolls x by `shift` along `axis`: out[i] = x[(i − shift) mod n], like numpy.roll. */
export function roll(x: tf.Tensor, shift: number, axis: number): tf.Tensor {
  const rank = x.rank;
  const ax = axis < 0 ? axis + rank : axis;
  if (ax < 0 || ax >= rank) throw new ValueError(`roll: axis ${axis} is out of range for a tensor of rank ${rank}.`);
  const n = x.shape[ax];
  const s = ((shift % n) + n) % n;
  if (s === 0) return x.clone();
  return tf.tidy(() => {
    const begin = new Array<number>(rank).fill(0);
    const size = x.shape.slice();
    const tailBegin = begin.slice();
    tailBegin[ax] = n - s;
    const tailSize = size.slice();
    tailSize[ax] = s;
    const headSize = size.slice();
    headSize[ax] = n - s;
    return tf.concat([tf.slice(x, tailBegin, tailSize), tf.slice(x, begin, headSize)], ax);
  });
}

function shiftAxes(x: tf.Tensor, axes: readonly number[], amount: (n: number) => number): tf.Tensor {
  return tf.tidy(() => {
    let y = x;
    for (const axis of axes) {
      const ax = axis < 0 ? axis + x.rank : axis;
      y = roll(y, amount(x.shape[ax] ?? 0), ax);
    }
    return y;
  });
}

/** Moves the zero frequency to index ⌊n/2⌋ along `axes` (default: the last two), like numpy.fft.fftshift. */
export function fftshift(x: tf.Tensor, axes: readonly number[] = [-2, -1]): tf.Tensor {
  return shiftAxes(x, axes, (n) => Math.floor(n / 2));
}

/** The inverse of fftshift (they differ for odd sizes), like numpy.fft.ifftshift. */
export function ifftshift(x: tf.Tensor, axes: readonly number[] = [-2, -1]): tf.Tensor {
  return shiftAxes(x, axes, (n) => -Math.floor(n / 2));
}
