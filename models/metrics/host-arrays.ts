// The JavaScript arrays behind the tensors of the plain-loop ops (nlp-kernel.ts's), so that one op reads what the
// previous one made without copying it back out of the backend (a copy out of wasm memory also allocates fresh pages).
import { tf } from '../../runtime/tf.js';

/** By the identity of the tensor's data, which tfjs never changes once written. */
const arrays = new WeakMap<object, Float32Array>();

/** A tensor of values; values must not be modified afterwards. */
export function tensorFrom(values: Float32Array, shape: number[]): tf.Tensor {
  const t = tf.tensor(values, shape);
  arrays.set(t.dataId, values);
  return t;
}

/** The values of a float32 tensor: the array it was made from by tensorFrom, else a copy read from the backend. */
export function valuesOf(t: tf.Tensor): Float32Array {
  return arrays.get(t.dataId) ?? (t.dataSync() as Float32Array);
}

/** Whether tfjs is recording a tape, that is whether a gradient of what is computed now could be asked for. */
export function recording(): boolean {
  return tf.engine().state.gradientDepth > 0;
}
