import { describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { modelFromFunction, type Model } from '../../runtime/model.js';
import { Rng, setSeed } from '../../runtime/rng.js';
import { captureWarnings } from '../../runtime/warnings.js';
import { AbortError, ValueError } from '../../runtime/errors.js';
import { Metamer } from '../../synth/metamer.js';
import { Adam } from '../../synth/optimizers/adam.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/compare.js';

// A 3x3 box blur ('same' padding by edge replication is not needed here: valid conv keeps the test simple).
const box = tf.keep(tf.fill([3, 3, 1, 1], 1 / 9) as tf.Tensor4D);
const blur = modelFromFunction(
  (x) => tf.transpose(tf.conv2d(tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D, box, 1, 'valid'), [0, 3, 1, 2]),
  { name: 'box-blur' },
);

function testImage(size = 16, seed = 3): tf.Tensor4D {
  return tf.tensor(new Rng(seed).uniformArray(size * size), [1, 1, size, size], 'float32') as tf.Tensor4D;
}

describeEachBackend('Metamer', () => {
  it('matches the target representation and keeps the bookkeeping consistent', async () => {
    const image = testImage();
    const met = new Metamer(image, blur, { rng: new Rng(1) });
    await met.synthesize({ maxIter: 60, stopCriterion: -1, progressBar: false });
    const losses = met.losses;
    expect(losses.length).toBe(60);
    expect(met.gradientNorm.length).toBe(60);
    expect(met.pixelChangeNorm.length).toBe(60);
    expect(losses[59]).toBeLessThan(losses[0] / 20);
    // losses[0] is the objective at the initial image
    const fresh = new Metamer(image, blur, { rng: new Rng(1) });
    const initialObjective = await fresh.objectiveFunction();
    expect(losses[0]).toBeCloseTo((await initialObjective.data())[0], 6);
    met.dispose();
    fresh.dispose();
  });

  it('a second synthesize() continues the same loss curve', async () => {
    const image = testImage();
    const whole = new Metamer(image, blur, { rng: new Rng(5) });
    await whole.synthesize({ maxIter: 30, stopCriterion: -1, progressBar: false });
    const split = new Metamer(image, blur, { rng: new Rng(5) });
    await split.synthesize({ maxIter: 12, stopCriterion: -1, progressBar: false });
    await split.synthesize({ maxIter: 18, stopCriterion: -1, progressBar: false });
    expectClose(split.losses, whole.losses, { atol: 1e-7, label: 'losses' });
    expectClose(await split.metamer.data(), await whole.metamer.data(), { atol: 1e-7, label: 'metamer' });
    whole.dispose();
    split.dispose();
  });

  it('save -> load -> resume equals an uninterrupted run', async () => {
    const image = testImage();
    const whole = new Metamer(image, blur, { rng: new Rng(9) });
    await whole.synthesize({ maxIter: 20, stopCriterion: -1, storeProgress: 4, progressBar: false });
    const first = new Metamer(image, blur, { rng: new Rng(9) });
    await first.synthesize({ maxIter: 9, stopCriterion: -1, storeProgress: 4, progressBar: false });
    const bytes = await first.serialize();
    const resumed = new Metamer(image, blur, { rng: new Rng(123) });
    await resumed.load(bytes);
    expect(resumed.losses).toEqual(first.losses);
    await resumed.synthesize({ maxIter: 11, stopCriterion: -1, storeProgress: 4, progressBar: false });
    expectClose(resumed.losses, whole.losses, { atol: 1e-7, label: 'losses' });
    expectClose(await resumed.metamer.data(), await whole.metamer.data(), { atol: 1e-7, label: 'metamer' });
    const a = resumed.savedMetamer;
    const b = whole.savedMetamer;
    expect(a.shape).toEqual([5, 1, 1, 16, 16]);
    expectClose(await a.data(), await b.data(), { atol: 1e-7, label: 'saved metamers' });
    tf.dispose([a, b]);
    [whole, first, resumed].forEach((m) => m.dispose());
  });

  it('stores ceil(iterations / N) images with storeProgress = N', async () => {
    const met = new Metamer(testImage(8), blur);
    await met.synthesize({ maxIter: 10, stopCriterion: -1, storeProgress: 3, progressBar: false });
    expect(met.savedMetamerCount).toBe(Math.ceil(10 / 3));
    await met.synthesize({ maxIter: 5, stopCriterion: -1, storeProgress: 3, progressBar: false });
    expect(met.savedMetamerCount).toBe(Math.ceil(15 / 3));
    met.dispose();
  });

  it('stops with plenoptic warning once the loss has converged', async () => {
    const met = new Metamer(testImage(8), blur);
    const { warnings } = await captureWarnings(() =>
      met.synthesize({ maxIter: 500, stopCriterion: 1e-2, stopItersToCheck: 5, progressBar: false }),
    );
    expect(warnings.map((w) => w.message)).toContain('Loss has converged, stopping synthesis');
    expect(met.losses.length).toBeLessThan(500);
    expect(met.losses.length).toBeGreaterThan(5);
    expect(met.stopReason).toBe('converged');
    met.dispose();
  });

  it('honours an AbortSignal and can resume afterwards', async () => {
    const met = new Metamer(testImage(8), blur);
    const controller = new AbortController();
    await expect(
      met.synthesize({
        maxIter: 50,
        stopCriterion: -1,
        progressBar: false,
        signal: controller.signal,
        onProgress: (p) => p.iteration === 7 && controller.abort(),
      }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(met.losses.length).toBe(7);
    await met.synthesize({ maxIter: 3, stopCriterion: -1, progressBar: false });
    expect(met.losses.length).toBe(10);
    met.dispose();
  });

  it('keeps tf.memory().numTensors flat over 1,000 iterations', async () => {
    const met = new Metamer(testImage(8), blur);
    await met.synthesize({ maxIter: 10, stopCriterion: -1, progressBar: false });
    const before = tf.memory().numTensors;
    await met.synthesize({ maxIter: 1000, stopCriterion: -1, progressBar: false });
    expect(tf.memory().numTensors).toBe(before);
    met.dispose();
  });
});

describe('Metamer bad inputs', () => {
  const image = testImage(8);
  it('rejects a 3-D image', () => {
    expect(() => new Metamer(tf.zeros([1, 8, 8]) as unknown as tf.Tensor4D, blur)).toThrow(/must be \[n_batch, n_channels, im_height, im_width\] but got shape \[1, 8, 8\]/);
  });
  it('rejects NaN in the image', async () => {
    const bad = tf.tensor4d([0.1, NaN, 0.3, 0.4], [1, 1, 2, 2]);
    await expect(Metamer.create(bad, blur)).rejects.toThrow(/image contains NaN values/);
  });
  it('rejects an image outside allowedRange and says how to fix it', async () => {
    await expect(Metamer.create(tf.mul(image, 2) as tf.Tensor4D, blur)).rejects.toThrow(/range must lie within \(0, 1\).*allowedRange/);
  });
  it('rejects an optimizer passed on resume', async () => {
    const met = new Metamer(image, blur);
    await met.synthesize({ maxIter: 1, progressBar: false });
    await expect(met.synthesize({ maxIter: 1, optimizer: new Adam(), progressBar: false })).rejects.toThrow(
      /When resuming synthesis, optimizer arg must be None/,
    );
    met.dispose();
  });
  it('rejects a changed storeProgress on resume', async () => {
    const met = new Metamer(image, blur);
    await met.synthesize({ maxIter: 1, storeProgress: 2, progressBar: false });
    await expect(met.synthesize({ maxIter: 1, storeProgress: 1, progressBar: false })).rejects.toThrow(/same store_progress arg/);
    met.dispose();
  });
  it('rejects a model whose output has the wrong rank', async () => {
    const flat = modelFromFunction((x) => tf.reshape(x, [-1]), { name: 'flatten' });
    await expect(Metamer.create(image, flat)).rejects.toThrow(/model output must be three- or four-dimensional but had 1 dimensions/);
  });
  it('rejects something that is not a model', async () => {
    await expect(Metamer.create(image, ((x: tf.Tensor) => x) as unknown as Model)).rejects.toThrow(/Model protocol/);
  });
  it('reports a NaN loss instead of continuing silently', async () => {
    const nanModel = modelFromFunction((x) => tf.div(x, tf.sub(x, x)), { name: 'nan' });
    // validation passes (shapes are fine); the first step finds the NaN
    const met = new Metamer(image, nanModel);
    await expect(met.synthesize({ maxIter: 3, progressBar: false })).rejects.toThrow('Found a NaN in loss during optimization.');
    met.dispose();
  });
  it('rejects an initial image of another size, and a negative range penalty', () => {
    expect(() => new Metamer(image, blur, { initialImage: tf.zeros([1, 1, 4, 4]) as tf.Tensor4D })).toThrow(/initial_image and image must be same size/);
    expect(() => new Metamer(image, blur, { rangePenaltyLambda: -1 })).toThrow(/range_penalty_lambda must be non-negative/);
  });
  it('refuses to load a file saved from another image', async () => {
    const met = new Metamer(image, blur);
    await met.synthesize({ maxIter: 2, progressBar: false });
    const other = new Metamer(testImage(8, 99), blur);
    await expect(other.load(await met.serialize())).rejects.toThrow(/Saved and initialized image are different/);
    await expect(other.load(new Uint8Array([1, 2, 3]))).rejects.toThrow(/not a saved plenoptic-ts synthesis/);
    met.dispose();
    other.dispose();
  });
});

describe('setSeed', () => {
  it('makes the default initial noise reproducible', async () => {
    const image = testImage(8);
    setSeed(11);
    const a = new Metamer(image, blur);
    setSeed(11);
    const b = new Metamer(image, blur);
    expect(Array.from(await a.metamer.data())).toEqual(Array.from(await b.metamer.data()));
    const values = Array.from(await a.metamer.data());
    expect(Math.min(...values)).toBeCloseTo(0, 6);
    expect(Math.max(...values)).toBeCloseTo(1, 6);
    a.dispose();
    b.dispose();
  });
});
