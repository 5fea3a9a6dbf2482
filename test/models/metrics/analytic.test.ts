import { beforeEach, expect, it } from 'vitest';
import { tf } from '../../../runtime/tf.js';
import { ValueError } from '../../../runtime/errors.js';
import { captureWarnings } from '../../../runtime/warnings.js';
import { Rng, randUniform } from '../../../runtime/rng.js';
import { mse, msSsim, NLP, nlpd, normalizedLaplacianPyramid, ssim, ssimMap } from '../../../models/metrics/index.js';
import { formatTorchVector } from '../../../models/metrics/torch-format.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { expectClose } from '../../helpers/compare.js';

const C1 = 1e-4;
const C2 = 9e-4;
const constant = (value: number, shape: [number, number, number, number] = [1, 1, 24, 24]) => tf.fill(shape, value) as tf.Tensor4D;
const first = async (t: tf.Tensor) => (await t.data())[0];

it("formats tensors as torch prints them in plenoptic's range warning", () => {
  expect(formatTorchVector([14, 255])).toBe('tensor([ 14., 255.])');
  expect(formatTorchVector([0, 255])).toBe('tensor([  0., 255.])');
  expect(formatTorchVector([1 / 255, 1])).toBe('tensor([0.0039, 1.0000])');
  expect(formatTorchVector([-12.3002, 11.9818])).toBe('tensor([-12.3002,  11.9818])');
  expect(formatTorchVector([1e-5, 2])).toBe('tensor([1.0000e-05, 2.0000e+00])');
  expect(formatTorchVector([0, 0])).toBe('tensor([0., 0.])');
});

describeEachBackend('metrics, analytic cases', () => {
  let rng: Rng;
  beforeEach(() => {
    rng = new Rng(5);
  });

  it('mse of known arrays, per batch and channel, with broadcasting', async () => {
    const a = tf.zeros([1, 1, 4, 6]) as tf.Tensor4D;
    const b = tf.concat([tf.fill([1, 1, 4, 6], 2), tf.fill([1, 1, 4, 6], -3), tf.fill([1, 1, 4, 6], 0.5)]) as tf.Tensor4D;
    const d = mse(a, b);
    expect(d.shape).toEqual([3, 1]);
    expectClose(await d.data(), [4, 9, 0.25], { atol: 1e-6, label: 'mse' });
    expect(() => mse(a, tf.zeros([1, 1, 4, 5]) as tf.Tensor4D)).toThrow(/same height and width/);
  });

  it('ssim(x, x) = 1 and msSsim(x, x) = 1; nlpd(x, x) = 1e-5, the square root of its epsilon', async () => {
    const x = randUniform([2, 1, 48, 40], rng) as tf.Tensor4D;
    expectClose(await ssim(x, x).data(), [1, 1], { atol: 1e-6, label: 'ssim' });
    expectClose(await ssim(x, x, { weighted: true, pad: 'circular' }).data(), [1, 1], { atol: 1e-6, label: 'weighted ssim' });
    expectClose(await msSsim(x, x, { powerFactors: [0.5, 0.5] }).data(), [1, 1], { atol: 1e-6, label: 'ms-ssim' });
    expectClose(await nlpd(x, x).data(), [1e-5, 1e-5], { atol: 1e-9, label: 'nlpd' });
  });

  it('on constant images SSIM is the luminance term, MS-SSIM its power, NLPD a closed form', async () => {
    const [a, b] = [0.3, 0.6];
    const luminance = (2 * a * b + C1) / (a * a + b * b + C1);
    // The contrast-structure terms are (0 + C2) / (0 + C2) = 1. float32 leaves variances of ~1e-8 where 0 is exact,
    // and dividing by C2 = 9e-4 turns them into ~2e-5, hence 4 digits.
    for (const pad of [false, 'reflect', 'replicate'] as const) {
      expect(await first(ssim(constant(a), constant(b), { pad }))).toBeCloseTo(luminance, 4);
    }
    expectClose(await ssimMap(constant(a), constant(b)).data(), new Float32Array(14 * 14).fill(luminance), { atol: 5e-5, label: 'map' });
    // only the coarsest luminance counts in MS-SSIM
    expect(await first(msSsim(constant(a, [1, 1, 64, 64]), constant(b, [1, 1, 64, 64]), { powerFactors: [0.2, 0.3, 0.5] }))).toBeCloseTo(luminance ** 0.5, 4);
    // a constant's Laplacian levels are 0 except the last (the constant itself, 8×8 for 256²), which is divided by
    // σ5 + |c|·(0.2215 [left neighbour exists] + 0.0717 [right neighbour exists])
    const normalized = (c: number) =>
      Array.from({ length: 64 }, (_, i) => c / (0.2782 + c * (0.2215 * (i % 8 > 0 ? 1 : 0) + 0.0717 * (i % 8 < 7 ? 1 : 0))));
    const [na, nb] = [normalized(a), normalized(b)];
    const rms = Math.sqrt(na.reduce((s, v, i) => s + (v - nb[i]) ** 2, 0) / 64 + 1e-10);
    expect(await first(nlpd(constant(a, [1, 1, 256, 256]), constant(b, [1, 1, 256, 256])))).toBeCloseTo((5 * 1e-5 + rms) / 6, 6);
  });

  it('broadcasts batch and channel, warning that channels are computed separately', async () => {
    const a = randUniform([1, 3, 40, 40], rng) as tf.Tensor4D;
    const b = randUniform([2, 1, 40, 40], rng) as tf.Tensor4D;
    for (const [name, fn, what] of [
      ['ssim', ssim, 'SSIM'],
      ['msSsim', (x: tf.Tensor4D, y: tf.Tensor4D) => msSsim(x, y, { powerFactors: [0.5, 0.5] }), 'SSIM'],
      ['nlpd', nlpd, 'NLPD'],
    ] as const) {
      const { result, warnings } = await captureWarnings(() => fn(a, b));
      expect(result.shape, name).toEqual([2, 3]);
      expect(warnings.map((w) => w.message)).toContain(
        `${what} was designed for grayscale images and here it will be computed separately for each channel (so channels are treated in the same way as batches).`,
      );
      // channel 2 of batch 1 is the pair (a[0, 2], b[1, 0]) computed alone
      const alone = fn(tf.slice(a, [0, 2, 0, 0], [1, 1, 40, 40]) as tf.Tensor4D, tf.slice(b, [1, 0, 0, 0], [1, 1, 40, 40]) as tf.Tensor4D);
      expect((await result.data())[5], name).toBeCloseTo(await first(alone), 6);
    }
  });

  it("warns with plenoptic's text for images outside [0, 1] and still computes", async () => {
    const a = tf.mul(constant(0.2), 255) as tf.Tensor4D;
    const b = tf.concat([constant(0, [1, 1, 12, 24]), constant(255, [1, 1, 12, 24])], 2) as tf.Tensor4D;
    const { result, warnings } = await captureWarnings(() => ssim(a, b));
    expect(warnings.map((w) => w.message)).toEqual([
      'Image range falls outside [0, 1]. img1: tensor([51., 51.]), img2: tensor([  0., 255.]). Continuing anyway...',
    ]);
    expect(Number.isFinite(await first(result))).toBe(true);
    expect((await captureWarnings(() => nlpd(constant(-0.5, [1, 1, 40, 40]), constant(0.5, [1, 1, 40, 40])))).warnings.map((w) => w.message)).toContain(
      'Image range falls outside [0, 1]. img1: tensor([-0.5000, -0.5000]), img2: tensor([0.5000, 0.5000]). Continuing anyway...',
    );
    expect((await captureWarnings(() => ssim(constant(0.2), constant(0.9)))).warnings).toEqual([]);
  });

  it('shrinks the SSIM window for images smaller than 11 pixels, with the warning', async () => {
    const x = randUniform([1, 1, 8, 30], rng) as tf.Tensor4D;
    const y = randUniform([1, 1, 8, 30], rng) as tf.Tensor4D;
    const { result, warnings } = await captureWarnings(() => ssimMap(x, y));
    expect(result.shape).toEqual([1, 1, 1, 23]);
    expect(warnings[0].message).toMatch(/^SSIM uses 11x11 convolutional kernel, but the height and\/or the width of the input image is smaller than 11/);
    const ms = await captureWarnings(() => msSsim(randUniform([1, 1, 64, 64], rng) as tf.Tensor4D, randUniform([1, 1, 64, 64], rng) as tf.Tensor4D));
    expect(ms.warnings[0].message).toMatch(/^SSIM uses 11x11 convolutional kernel, but for some scales of the input image/);
  });

  it('rejects inputs of the wrong rank, size or batch, and images too small for NLPD', () => {
    const good = randUniform([2, 1, 40, 40], rng) as tf.Tensor4D;
    const flat = tf.zeros([40, 40]) as unknown as tf.Tensor4D;
    for (const fn of [ssim, ssimMap, msSsim, nlpd, mse] as ((a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor)[]) {
      expect(() => fn(good, flat)).toThrow(ValueError);
      expect(() => fn(good, flat)).toThrow(/^Input images should have four dimensions: \(batch, channel, height, width\)/);
      expect(() => fn(good, tf.zeros([2, 1, 40, 39]) as tf.Tensor4D)).toThrow(/img1 and img2 must have the same height and width!/);
      expect(() => fn(good, tf.zeros([3, 1, 40, 40]) as tf.Tensor4D)).toThrow(
        'Either img1 and img2 should have the same number of elements in each dimension, or one of them should be 1! But got shapes [2, 1, 40, 40], [3, 1, 40, 40] instead',
      );
    }
    expect(() => ssim(good, good, { pad: 'mirror' as never })).toThrow(/pad must be false or one of 'constant', 'reflect'/);
    expect(() => msSsim(good, good, { powerFactors: [] })).toThrow(/powerFactors must be a non-empty list/);
    const small = randUniform([1, 1, 32, 64], rng) as tf.Tensor4D;
    expect(() => nlpd(small, small)).toThrow(/needs images of at least 33×33 pixels, but got 32×64/);
    expect(() => normalizedLaplacianPyramid(small)).toThrow(/at least 33×33/);
    expect(() => ssim(good, tf.cast(good, 'int32') as tf.Tensor4D)).toThrow(/Input images must have same dtype!/);
  });

  it('NLP flattens the six normalized levels for one gray image', async () => {
    const x = randUniform([1, 1, 64, 48], rng) as tf.Tensor4D;
    const out = await new NLP().forward(x);
    const levels = normalizedLaplacianPyramid(x);
    expect(out.shape).toEqual([1, 1, levels.reduce((s, l) => s + l.size, 0)]);
    // NLP runs nlp-kernel.ts in float64, normalizedLaplacianPyramid tfjs's float32 ops: they agree to float32 rounding
    expectClose(await out.data(), await tf.concat(levels.map((l) => tf.reshape(l, [-1]))).data(), { rtolOfMax: 2e-6, label: 'NLP' });
    await expect(new NLP().forward(randUniform([2, 1, 64, 48], rng) as tf.Tensor4D)).rejects.toThrow(/only supports batch and channel size 1/);
  });

  it('gives a finite zero gradient where MS-SSIM is clamped to 0', async () => {
    const x = randUniform([1, 1, 48, 48], rng) as tf.Tensor4D;
    const inverted = tf.sub(1, x) as tf.Tensor4D;
    expect(await first(msSsim(x, inverted, { powerFactors: [0.5, 0.5] }))).toBe(0);
    const grad = tf.grad((b: tf.Tensor) => tf.sum(msSsim(x, b as tf.Tensor4D, { powerFactors: [0.5, 0.5] })))(inverted);
    expectClose(await grad.data(), new Float32Array(48 * 48), { atol: 0, label: 'clamped gradient' });
  });

  it('leaks no tensors', async () => {
    const x = randUniform([1, 1, 64, 64], rng) as tf.Tensor4D;
    const y = randUniform([1, 1, 64, 64], rng) as tf.Tensor4D;
    const run = () => {
      for (const t of [ssim(x, y, { weighted: true, pad: 'reflect' }), ssimMap(x, y), msSsim(x, y), nlpd(x, y), mse(x, y)]) t.dispose();
      tf.dispose(normalizedLaplacianPyramid(x));
      tf.dispose(tf.tidy(() => tf.grad((b: tf.Tensor) => tf.add(tf.sum(ssim(x, b as tf.Tensor4D)), tf.sum(nlpd(x, b as tf.Tensor4D))))(y)));
    };
    await captureWarnings(run); // builds the cached filter matrices (msSsim warns: its coarsest scale is 4 pixels)
    const before = tf.memory().numTensors;
    await captureWarnings(run);
    expect(tf.memory().numTensors).toBe(before);
  });
});
