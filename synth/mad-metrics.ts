// How MADCompetition talks to its two metrics: anything speaking the Metric protocol (a built-in metric, a
// metricFromModel over an ONNX network), a Model (its representation distance), or a plain tfjs function
// (a, b) => scalar, wrapped on the way in.
import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { Rng } from '../runtime/rng.js';
import { isModel, type Model } from '../runtime/model.js';
import { asMetric, isMetric, type Metric, type MetricFunction } from '../runtime/metric.js';

export type MetricLike = Metric | MetricFunction | Model;

/**
 * A Metric as it is; a function wrapped by metricFromFunction (named after the function, else after its role); a
 * Model as its representation distance. Wrappers that hold tensors are released by the synthesis that made them.
 */
export function resolveMetric(metric: MetricLike, role: string): Metric {
  if (isMetric(metric)) return metric;
  if (isModel(metric)) return modelDistanceMetric(metric);
  if (typeof metric === 'function') return asMetric(metric, metric.name || role);
  throw new TypeError(
    `${role} must be a Metric, a Model or a tfjs function (a, b) => scalar, got ${metric === null ? 'null' : typeof metric}. ` +
      'Pass e.g. (a, b) => tf.sub(1, ssim(a, b)), or builtinMetrics.ssim.asDistance().',
  );
}

/** sqrt(1e-10): plenoptic's model_metric adds 1e-10 under the square root, so identical images are 1e-5 apart. */
const MODEL_METRIC_FLOOR = 1e-5;

/**
 * A Model's representation distance (metricFromModel) shifted down by its floor, so that it is 0 on identical
 * images as MAD requires (validateMetric allows 5e-7); the gradient is unchanged.
 */
function modelDistanceMetric(model: Model): Metric {
  const inner = asMetric(model);
  const tfjsInner = inner.tfjsMetric;
  return {
    name: inner.name,
    tfjsMetric: tfjsInner ? (a, b) => tf.sub(tfjsInner(a, b), MODEL_METRIC_FLOOR) : undefined,
    async evaluate(a, b) {
      const value = await inner.evaluate(a, b);
      const shifted = tf.sub(value, MODEL_METRIC_FLOOR);
      value.dispose();
      return shifted;
    },
    async valueAndGrad(a, b) {
      const { value, grad } = await inner.valueAndGrad(a, b);
      const shifted = tf.sub(value, MODEL_METRIC_FLOOR) as tf.Scalar;
      value.dispose();
      return { value: shifted, grad };
    },
    dispose: () => inner.dispose?.(),
  };
}

function singleValue(metric: Metric, value: tf.Tensor): void {
  if (value.size !== 1) {
    throw new ValueError(
      `metric should return a scalar value but output had shape [${value.shape.join(', ')}] (metric '${metric.name}'). ` +
        'MADCompetition needs one value per image pair: reduce the output, e.g. with tf.mean.',
    );
  }
}

/** metric(a, b) as a number. */
export async function metricScalar(metric: Metric, a: tf.Tensor4D, b: tf.Tensor4D): Promise<number> {
  const value = await metric.evaluate(a, b);
  try {
    singleValue(metric, value);
    return (await value.data())[0];
  } finally {
    value.dispose();
  }
}

/** metric(a, b) and its gradient with respect to b; the caller owns the gradient. */
export async function metricValueAndGrad(metric: Metric, a: tf.Tensor4D, b: tf.Tensor4D): Promise<{ value: number; grad: tf.Tensor }> {
  const { value, grad } = await metric.valueAndGrad(a, b);
  try {
    singleValue(metric, value);
    return { value: (await value.data())[0], grad };
  } catch (e) {
    grad.dispose();
    throw e;
  } finally {
    value.dispose();
  }
}

/**
 * The metric's value on a fixed pseudo-random pair of images of the given shape. A saved synthesis records it, so
 * that loading can tell whether the metric passed now computes the same thing as the one saved.
 */
export async function metricFingerprint(metric: Metric, shape: readonly number[]): Promise<number> {
  const rng = new Rng(20080812);
  const size = shape.reduce((p, n) => p * n, 1);
  const a = tf.tensor(rng.uniformArray(size), shape as [number, number, number, number], 'float32') as tf.Tensor4D;
  const b = tf.tensor(rng.uniformArray(size), shape as [number, number, number, number], 'float32') as tf.Tensor4D;
  try {
    return await metricScalar(metric, a, b);
  } finally {
    a.dispose();
    b.dispose();
  }
}
