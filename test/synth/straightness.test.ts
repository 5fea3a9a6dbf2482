import { describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Rng } from '../../runtime/rng.js';
import { deviationFromLine, makeStraightLine, sampleBrownianBridge, translationSequence } from '../../synth/straightness.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/compare.js';

function randomImage(h: number, w: number, seed: number): tf.Tensor4D {
  return tf.tensor4d(new Rng(seed).uniformArray(h * w), [1, 1, h, w]);
}

describeEachBackend('straightness tools', () => {
  it('makeStraightLine interpolates (1 − t)·a + t·b', async () => {
    const a = randomImage(3, 4, 1);
    const b = randomImage(3, 4, 2);
    const line = makeStraightLine(a, b, 4);
    expect(line.shape).toEqual([5, 1, 3, 4]);
    const [da, db, dl] = [await a.data(), await b.data(), await line.data()];
    for (let s = 0; s <= 4; s++) {
      const expected = Array.from(da, (x, i) => (1 - s / 4) * x + (s / 4) * db[i]);
      expectClose(dl.slice(s * 12, (s + 1) * 12), expected, { atol: 1e-6, label: `frame ${s}` });
    }
  });

  it('sampleBrownianBridge is pinned at both ends and strays by maxNorm/√D at the midpoint', async () => {
    const a = randomImage(64, 64, 3);
    const b = randomImage(64, 64, 4);
    const bridge = sampleBrownianBridge(a, b, 10, { maxNorm: 2, rng: new Rng(5) });
    const line = makeStraightLine(a, b, 10);
    const [dbr, dli] = [await bridge.data(), await line.data()];
    const d = 64 * 64;
    expectClose(dbr.slice(0, d), await a.data(), { atol: 1e-6, label: 'start' });
    expectClose(dbr.slice(10 * d), await b.data(), { atol: 1e-5, label: 'stop' });
    let sq = 0;
    for (let i = 5 * d; i < 6 * d; i++) sq += (dbr[i] - dli[i]) ** 2;
    const std = Math.sqrt(sq / d);
    expect(Math.abs(std - 2 / 64) / (2 / 64)).toBeLessThan(0.05);
  });

  it('deviationFromLine measures along and from the line (a right triangle)', async () => {
    const path = tf.tensor4d([0, 0, 1, 1, 2, 0], [3, 1, 1, 2]);
    const normalized = await deviationFromLine(path);
    expectClose(normalized.distAlongLine, [0, 0.5, 1], { atol: 1e-7, label: 'along' });
    expectClose(normalized.distFromLine, [0, 0.5, 0], { atol: 1e-7, label: 'from' });
    const raw = await deviationFromLine(path, false);
    expectClose(raw.distAlongLine, [0, 1, 2], { atol: 1e-7, label: 'along (raw)' });
    expectClose(raw.distFromLine, [0, 1, 0], { atol: 1e-7, label: 'from (raw)' });
    const straight = await deviationFromLine(makeStraightLine(randomImage(4, 4, 6), randomImage(4, 4, 7), 5));
    expectClose(straight.distFromLine, new Array(6).fill(0), { atol: 1e-6, label: 'straight line' });
    expectClose(straight.distAlongLine, [0, 0.2, 0.4, 0.6, 0.8, 1], { atol: 1e-6, label: 'straight line' });
  });

  it('translationSequence rolls the image one pixel to the right per frame', async () => {
    const image = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 4]);
    const video = translationSequence(image, 5);
    expect(video.shape).toEqual([6, 1, 2, 4]);
    const data = Array.from(await video.data());
    expect(data.slice(8, 16)).toEqual([4, 1, 2, 3, 8, 5, 6, 7]);
    expect(data.slice(32, 40)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(data.slice(40, 48)).toEqual([4, 1, 2, 3, 8, 5, 6, 7]);
  });
});

describe('straightness bad inputs', () => {
  const a = randomImage(4, 4, 1);
  it('names mismatched anchors, non-positive n_steps, negative max_norm and batches', async () => {
    expect(() => makeStraightLine(a, randomImage(4, 5, 2), 3)).toThrow(/start and stop must be same shape, but got \[1, 1, 4, 4\] and \[1, 1, 4, 5\]/);
    expect(() => makeStraightLine(a, a, 0)).toThrow(/n_steps must be positive, but got 0/);
    expect(() => sampleBrownianBridge(a, a, 3, { maxNorm: -1 })).toThrow(/max_norm must be non-negative but got -1/);
    expect(() => translationSequence(a, -2)).toThrow(/n_steps must be positive/);
    expect(() => makeStraightLine(tf.zeros([2, 1, 4, 4]) as tf.Tensor4D, a, 3)).toThrow(/batch dimension must be 1/);
    await expect(deviationFromLine(tf.zeros([3, 1, 2, 2]))).rejects.toThrow(/first and last frames of sequence are identical/);
  });
});
