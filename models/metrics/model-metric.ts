import type { tf } from '../../runtime/tf.js';
import { isModel, type Model } from '../../runtime/model.js';
import { modelDistance } from '../../runtime/metric.js';

/**
 * plenoptic's model_metric: sqrt(mean((model(x) − model(y))²) + 1e-10), one scalar over all elements (not per
 * batch), for any Model. For its gradient with respect to y use metricFromModel(model).valueAndGrad(x, y).
 */
export async function modelMetric(x: tf.Tensor4D, y: tf.Tensor4D, model: Model): Promise<tf.Scalar> {
  if (!isModel(model)) {
    throw new TypeError('modelMetric needs a Model (forward, vjp, jvp); wrap a tfjs function with modelFromFunction(fn).');
  }
  return modelDistance(model, x, y);
}
