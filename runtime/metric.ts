// The metric protocol MAD competition speaks: a distance between a reference image a and a synthesized image b,
// with its gradient with respect to b. A metric can be a tfjs function (one autodiff pass), or the distance between
// two images in any Model's representation (an ONNX network included: forward + vjp).
import { tf } from './tf.js';
import { ValueError } from './errors.js';
import { isModel, objectiveValueAndGrad, type Model } from './model.js';
import { Rng, randUniform } from './rng.js';

/**
 * Ownership: inputs are never disposed by a metric; every returned tensor belongs to the caller.
 */
export interface Metric {
  readonly name: string;
  /** The metric of each pair, [batch, channel], or a scalar. */
  evaluate(a: tf.Tensor4D, b: tf.Tensor4D): Promise<tf.Tensor>;
  /** The mean of evaluate(a, b) and its gradient with respect to b (the image MAD optimizes). */
  valueAndGrad(a: tf.Tensor4D, b: tf.Tensor4D): Promise<{ value: tf.Scalar; grad: tf.Tensor4D }>;
  /**
   * Present when the metric is written in tfjs ops: the mean metric as a synchronous function, so that an
   * objective combining several metrics is differentiated in one pass (inside tf.grad / tf.tidy).
   */
  readonly tfjsMetric?: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Scalar;
  /** Releases what the metric holds (cached representations); never the model it wraps. */
  dispose?(): void;
}

/** A tfjs function of two image batches; it may return [batch, channel] values or a scalar. */
export type MetricFunction = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor;

export function isMetric(value: unknown): value is Metric {
  const m = value as Metric;
  return !!m && typeof m === 'object' && typeof m.evaluate === 'function' && typeof m.valueAndGrad === 'function';
}

/** A tfjs function as a Metric: its mean is differentiated by tfjs autodiff. */
export function metricFromFunction(fn: MetricFunction, name?: string): Metric {
  if (typeof fn !== 'function') {
    throw new TypeError('metric should be callable and accept two 4d tensors as input');
  }
  const tfjsMetric = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Scalar => tf.mean(fn(a, b));
  return {
    name: name ?? (fn.name || 'metric'),
    tfjsMetric,
    async evaluate(a, b) {
      return tf.tidy(() => fn(a, b));
    },
    async valueAndGrad(a, b) {
      return tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad((bb: tf.Tensor) => tfjsMetric(a, bb as tf.Tensor4D))(b);
        return { value: value as tf.Scalar, grad: grad as tf.Tensor4D };
      });
    },
  };
}

/** plenoptic's model_metric distance between two representations: sqrt(mean((r1 − r2)²) + 1e-10), one scalar. */
export function representationDistance(rep1: tf.Tensor, rep2: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.add(tf.mean(tf.squaredDifference(rep1, rep2)), 1e-10)));
}

/**
 * model.forward(x) as a tensor the caller may dispose: a tfjs model whose function returns its input (an identity)
 * hands back x itself from forward.
 */
async function ownedForward(model: Model, x: tf.Tensor4D): Promise<tf.Tensor> {
  const out = await model.forward(x);
  return out === x ? tf.clone(x) : out;
}

/**
 * plenoptic's model_metric: the distance between the model's representations of x and y, one scalar over all
 * elements (not per batch). Works with any Model.
 */
export async function modelDistance(model: Model, x: tf.Tensor4D, y: tf.Tensor4D): Promise<tf.Scalar> {
  const rep1 = await ownedForward(model, x);
  const rep2 = await ownedForward(model, y);
  try {
    if (rep1.shape.join() !== rep2.shape.join()) {
      throw new ValueError(
        `model gives representations of different shapes, [${rep1.shape.join(', ')}] and [${rep2.shape.join(', ')}]; pass images of the same shape.`,
      );
    }
    return representationDistance(rep1, rep2);
  } finally {
    rep1.dispose();
    rep2.dispose();
  }
}

/**
 * The distance between two images in a model's representation (plenoptic's model_metric) as a Metric. The
 * representation of the reference image a is computed once and reused while a stays the same tensor, so a MAD
 * iteration costs one forward and one vjp of the model. Note the 1e-10 makes the value 1e-5 on identical images.
 */
export function metricFromModel(model: Model, name?: string): Metric {
  if (!isModel(model)) {
    throw new TypeError('metricFromModel needs a Model (forward, vjp, jvp); wrap a tfjs function with modelFromFunction(fn).');
  }
  let reference: { id: number; rep: tf.Tensor } | null = null;
  const referenceRep = async (a: tf.Tensor4D): Promise<tf.Tensor> => {
    if (reference?.id !== a.id) {
      reference?.rep.dispose();
      reference = { id: a.id, rep: await ownedForward(model, a) };
    }
    return reference.rep;
  };
  const tfjsForward = model.tfjsForward;
  return {
    name: name ?? `modelMetric(${model.name})`,
    tfjsMetric: tfjsForward
      ? (a, b) => representationDistance(tfjsForward.call(model, a), tfjsForward.call(model, b))
      : undefined,
    evaluate: (a, b) => modelDistance(model, a, b),
    async valueAndGrad(a, b) {
      const rep1 = await referenceRep(a);
      return objectiveValueAndGrad(model, b, (rep2) => representationDistance(rep1, rep2));
    },
    dispose() {
      reference?.rep.dispose();
      reference = null;
    },
  };
}

/** Anything MAD accepts as a metric, as a Metric: a Metric, a tfjs function of two images, or a Model. */
export function asMetric(value: Metric | MetricFunction | Model, name?: string): Metric {
  if (isMetric(value)) return value;
  if (isModel(value)) return metricFromModel(value, name);
  return metricFromFunction(value as MetricFunction, name);
}

/** Python's repr of a float, which plenoptic's messages quote: 1e-05, 0.5, 1.0. */
function pythonRepr(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const [mantissa, exponentText] = v.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const fixed = String(v);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

export interface ValidateMetricOptions {
  /** Shape of the test images; plenoptic's default is [1, 1, 16, 16]. */
  imageShape?: readonly number[];
}

/**
 * plenoptic's validate_metric: the metric accepts two 4-D images, returns a single value, returns <= 5e-7 on two
 * identical images (1 − SSIM of identical images is 5e-8 on a GPU), and is non-negative on 20 random pairs.
 */
export async function validateMetric(
  metric: Metric | MetricFunction | Model | unknown,
  options: ValidateMetricOptions = {},
): Promise<void> {
  const callable = isMetric(metric) || isModel(metric) || typeof metric === 'function';
  if (!callable) throw new TypeError('metric should be callable and accept two 4d tensors as input');
  const m = asMetric(metric as Metric | MetricFunction | Model);
  const shape = (options.imageShape ?? [1, 1, 16, 16]) as [number, number, number, number];
  const rng = new Rng(0);
  const image = randUniform([...shape], rng) as tf.Tensor4D;
  const valueOn = async (other: tf.Tensor4D): Promise<number> => {
    let out: unknown;
    try {
      out = await m.evaluate(image, other);
    } catch (e) {
      if (e instanceof TypeError) throw new TypeError('metric should be callable and accept two 4d tensors as input');
      throw e;
    }
    if (!(out instanceof tf.Tensor)) {
      throw new TypeError(`metric should return a tf.Tensor, but it returned ${out === null ? 'null' : typeof out}.`);
    }
    try {
      if (out.size !== 1) throw new ValueError(`metric should return a scalar value but output had shape [${out.shape.join(', ')}]`);
      return (await out.data())[0];
    } finally {
      out.dispose();
    }
  };
  try {
    const same = await valueOn(image);
    if (Number.isNaN(same)) throw new ValueError('metric returned NaN on two identical images; it should return 0 there.');
    if (same > 5e-7) throw new ValueError(`metric should return <= 5e-7 on two identical images but got ${pythonRepr(same)}`);
    for (let i = 0; i < 20; i++) {
      const other = randUniform([...shape], rng) as tf.Tensor4D;
      try {
        if ((await valueOn(other)) < 0) throw new ValueError('metric should always return non-negative numbers!');
      } finally {
        other.dispose();
      }
    }
  } finally {
    image.dispose();
    if (m !== metric) m.dispose?.();
  }
}
