// The one place that imports tfjs. tfjs-core alone does not register chained ops (x.sum()) or gradients,
// and we depend on tfjs-core rather than the 290 MiB @tensorflow/tfjs union, so both are registered here.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

// Production mode silences tfjs's console advice (e.g. 'install tfjs-node'), which users here cannot act on.
tf.enableProdMode();

export { tf };
export type Tensor = tf.Tensor;
export type Tensor4D = tf.Tensor4D;
export type Scalar = tf.Scalar;
