import { expect, it } from 'vitest';
import { tf } from '../../../runtime/tf.js';
import { ValueError } from '../../../runtime/errors.js';
import { modelFromFunction, type Model } from '../../../runtime/model.js';
import { asMetric, metricFromFunction, metricFromModel, validateMetric } from '../../../runtime/metric.js';
import { Rng, randUniform } from '../../../runtime/rng.js';
import { captureWarnings } from '../../../runtime/warnings.js';
import { builtinMetrics, modelMetric, mse, ssim } from '../../../models/metrics/index.js';
import { LaplacianPyramid } from '../../../models/pyramids/laplacian.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { expectClose } from '../../helpers/compare.js';

const scalar = async (t: tf.Tensor) => (await t.data())[0];

/** The same model seen only through forward and vjp, as an ONNX network would be. */
function opaque(model: Model): Model {
  return { name: `opaque ${model.name}`, forward: model.forward.bind(model), vjp: model.vjp.bind(model), jvp: model.jvp.bind(model) };
}

describeEachBackend('Metric protocol', () => {
  it('metricFromFunction: the mean metric and its gradient with respect to the second image', async () => {
    const rng = new Rng(1);
    const a = randUniform([2, 1, 6, 5], rng) as tf.Tensor4D;
    const b = randUniform([2, 1, 6, 5], rng) as tf.Tensor4D;
    const metric = metricFromFunction(mse, 'mse');
    expect((await metric.evaluate(a, b)).shape).toEqual([2, 1]);
    const { value, grad } = await metric.valueAndGrad(a, b);
    expect(await scalar(value)).toBeCloseTo(await scalar(tf.mean(tf.squaredDifference(a, b))), 6);
    // d/db mean over (batch, channel) of mean over pixels of (a − b)² = 2 (b − a) / (2 · 30)
    expectClose(await grad.data(), await tf.div(tf.mul(tf.sub(b, a), 2), 60).data(), { atol: 1e-7, label: 'grad' });
    expect(await scalar(metric.tfjsMetric!(a, b))).toBeCloseTo(await scalar(value), 7);
  });

  it('metricFromModel: model_metric through a tfjs model and through forward + vjp agree, and match the formula', async () => {
    const rng = new Rng(2);
    const a = randUniform([1, 1, 40, 36], rng) as tf.Tensor4D;
    const b = randUniform([1, 1, 40, 36], rng) as tf.Tensor4D;
    const identity = modelFromFunction((x) => x, { name: 'identity' });
    // identity model: sqrt(mse + 1e-10), a scalar over everything
    expect(await scalar(await modelMetric(a, b, identity))).toBeCloseTo(Math.sqrt((await scalar(tf.mean(tf.squaredDifference(a, b)))) + 1e-10), 6);
    const pyramid = new LaplacianPyramid(3);
    const direct = metricFromModel(pyramid);
    const viaVjp = metricFromModel(opaque(pyramid));
    expect(direct.tfjsMetric).toBeDefined();
    expect(viaVjp.tfjsMetric).toBeUndefined();
    const d = await direct.valueAndGrad(a, b);
    const v = await viaVjp.valueAndGrad(a, b);
    const again = await viaVjp.valueAndGrad(a, b); // reuses the cached representation of a
    expect(await scalar(d.value)).toBeCloseTo(await scalar(await modelMetric(a, b, pyramid)), 6);
    expect(await scalar(v.value)).toBeCloseTo(await scalar(d.value), 6);
    expectClose(await v.grad.data(), await d.grad.data(), { rtolOfMax: 1e-5, label: 'grad via vjp' });
    expectClose(await again.grad.data(), await d.grad.data(), { rtolOfMax: 1e-5, label: 'grad, cached reference' });
    // the gradient of sqrt(mean(r²)) is J^T r / (n · value): check it on a direction by a central difference
    const direction = randUniform(b.shape, rng) as tf.Tensor4D;
    const eps = 1e-2;
    const plus = await scalar(await modelMetric(a, tf.add(b, tf.mul(direction, eps)) as tf.Tensor4D, pyramid));
    const minus = await scalar(await modelMetric(a, tf.sub(b, tf.mul(direction, eps)) as tf.Tensor4D, pyramid));
    const along = await scalar(tf.sum(tf.mul(d.grad, direction)));
    expect(Math.abs((plus - minus) / (2 * eps) - along) / Math.abs(along)).toBeLessThan(2e-3);
    viaVjp.dispose?.();
  });

  it('asMetric accepts a Metric, a tfjs function or a Model', async () => {
    const m = metricFromFunction(mse);
    expect(asMetric(m)).toBe(m);
    const x = tf.ones([1, 1, 4, 4]) as tf.Tensor4D;
    expect(await scalar(await asMetric((a, b) => mse(a, b)).evaluate(x, tf.zeros([1, 1, 4, 4]) as tf.Tensor4D))).toBe(1);
    expect(asMetric(modelFromFunction((t) => t)).name).toBe('modelMetric(function)');
  });

  it('validateMetric accepts every built-in distance and a model metric', async () => {
    // (MS-SSIM's coarsest scale of a 40×40 image is 3 pixels: it warns on every call)
    await captureWarnings(async () => {
      for (const metric of Object.values(builtinMetrics)) await validateMetric(metric.asDistance(), { imageShape: [1, 1, 40, 40] });
    });
    await validateMetric(builtinMetrics.ssim.asDistance({ weighted: true, pad: 'reflect' }));
    await validateMetric((a: tf.Tensor4D, b: tf.Tensor4D) => tf.mean(tf.abs(tf.sub(a, b))));
  });

  it("validateMetric rejects plenoptic's cases with plenoptic's messages", async () => {
    await expect(validateMetric(42)).rejects.toThrow(new TypeError('metric should be callable and accept two 4d tensors as input'));
    await expect(
      validateMetric(() => {
        throw new TypeError('x.foo is not a function');
      }),
    ).rejects.toThrow(new TypeError('metric should be callable and accept two 4d tensors as input'));
    await expect(validateMetric((a: tf.Tensor4D, b: tf.Tensor4D) => tf.squaredDifference(a, b))).rejects.toThrow(
      new ValueError('metric should return a scalar value but output had shape [1, 1, 16, 16]'),
    );
    await expect(validateMetric((a: tf.Tensor4D, b: tf.Tensor4D) => ssim(a, b))).rejects.toThrow(
      /^metric should return <= 5e-7 on two identical images but got (1\.0|0\.99999\d*|1\.0000\d*)$/,
    );
    await expect(validateMetric((a: tf.Tensor4D, b: tf.Tensor4D) => tf.add(mse(a, b), 0.5))).rejects.toThrow(
      'metric should return <= 5e-7 on two identical images but got 0.5',
    );
    await expect(validateMetric((a: tf.Tensor4D, b: tf.Tensor4D) => tf.add(mse(a, b), 2 ** -20))).rejects.toThrow(
      'metric should return <= 5e-7 on two identical images but got 9.5367431640625e-07',
    );
    await expect(validateMetric((a: tf.Tensor4D, b: tf.Tensor4D) => tf.neg(mse(a, b)))).rejects.toThrow('metric should always return non-negative numbers!');
    await expect(validateMetric(() => 3 as unknown as tf.Tensor)).rejects.toThrow(/metric should return a tf.Tensor, but it returned number/);
  });

  it('builtinMetrics: plenoptic values by name, options checked, distances 0 on identical images', async () => {
    expect(Object.keys(builtinMetrics).sort()).toEqual(['ms-ssim', 'mse', 'nlpd', 'ssim']);
    const rng = new Rng(3);
    const a = randUniform([1, 1, 48, 48], rng) as tf.Tensor4D;
    const b = randUniform([1, 1, 48, 48], rng) as tf.Tensor4D;
    expect(await scalar(builtinMetrics.ssim.compute(a, b, { weighted: true }))).toBeCloseTo(await scalar(ssim(a, b, { weighted: true })), 6);
    expect(() => builtinMetrics.ssim.compute(a, b, { weigthed: true })).toThrow(/Unknown option weigthed for metric 'ssim'. It accepts: weighted, pad./);
    expect(() => builtinMetrics.nlpd.asDistance({ x: 1 })).toThrow(/It takes no options/);
    await captureWarnings(async () => {
      for (const metric of Object.values(builtinMetrics)) {
        expect(Math.abs(await scalar(await metric.asDistance().evaluate(a, a))), metric.name).toBeLessThanOrEqual(5e-7);
        expect(await scalar(await metric.asDistance().evaluate(a, b)), metric.name).toBeGreaterThan(0);
      }
    });
    const oneMinus = await builtinMetrics['ms-ssim'].asDistance({ powerFactors: [0.5, 0.5] }).valueAndGrad(a, b);
    const direct = tf.valueAndGrad((bb: tf.Tensor) => tf.sub(1, tf.mean(builtinMetrics['ms-ssim'].compute(a, bb as tf.Tensor4D, { powerFactors: [0.5, 0.5] }))))(b);
    expect(await scalar(oneMinus.value)).toBeCloseTo(await scalar(direct.value), 6);
    expectClose(await oneMinus.grad.data(), await direct.grad.data(), { atol: 1e-7, label: '1 − ms-ssim grad' });
  });
});
