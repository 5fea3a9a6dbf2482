// Strided selection along one axis with only slice, pad and reshape, which have gradients (of every order) on
// every backend; tf.stridedSlice has none.
import { tf } from '../../runtime/tf.js';

/** Elements start, start + step, ... (count of them, step > 0) along `axis`. */
export function stridedTake(x: tf.Tensor, axis: number, start: number, count: number, step: number): tf.Tensor {
  const missing = start + count * step - x.shape[axis];
  if (missing > 0) {
    // The last group of `step` elements may run past the end; only its first element is kept.
    x = tf.pad(x, x.shape.map((_, i): [number, number] => (i === axis ? [0, missing] : [0, 0])));
  }
  const shape = x.shape;
  const begin = shape.map((_, i) => (i === axis ? start : 0));
  const size = shape.map((d, i) => (i === axis ? count * step : d));
  const sliced = tf.slice(x, begin, size);
  if (step === 1) return sliced;
  // Split the axis into (count, step) and keep step index 0, through rank-2 views.
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1) * count;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const taken = tf.slice(tf.reshape(sliced, [outer, step * inner]), [0, 0], [outer, inner]);
  return tf.reshape(taken, shape.map((d, i) => (i === axis ? count : d)));
}

/** Elements start, start + step, ... along `axis` for any nonzero step (negative steps walk backwards). */
export function stridedSelect(x: tf.Tensor, axis: number, start: number, count: number, step: number): tf.Tensor {
  if (step > 0) return stridedTake(x, axis, start, count, step);
  const size = x.shape[axis];
  return stridedTake(tf.reverse(x, [axis]), axis, size - 1 - start, count, -step);
}
