import { describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Rng, randNormal, randUniform } from '../../runtime/rng.js';
import { ValueError } from '../../runtime/errors.js';
import { CenterSurround, Gaussian, Identity, Linear } from '../../models/naive.js';
import { samePadding, type PadMode } from '../../models/padding.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/compare.js';

const modes: PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/** plenoptic's recipe written with tfjs's own conv2d: same_padding, then a 'valid' correlation with filt. */
function referenceConv(x: tf.Tensor4D, filt: tf.Tensor4D, padMode: PadMode): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, , h, w] = x.shape;
    const [out, , kh, kw] = filt.shape;
    const padded = samePadding(x, [kh, kw], { padMode });
    const nhwc = tf.reshape(padded, [b, padded.shape[2], padded.shape[3], 1]) as tf.Tensor4D;
    const y = tf.conv2d(nhwc, tf.transpose(filt, [2, 3, 1, 0]) as tf.Tensor4D, 1, 'valid');
    return tf.reshape(tf.transpose(y, [0, 3, 1, 2]), [b, out, h, w]) as tf.Tensor4D;
  });
}

describeEachBackend('Identity', () => {
  it('returns a copy of the input, and its vjp is the cotangent', async () => {
    const x = randNormal([2, 3, 4, 5], new Rng(1)) as tf.Tensor4D;
    const model = new Identity({ name: 'dummy' });
    expect(model.name).toBe('dummy');
    const y = await model.forward(x);
    expect(y).not.toBe(x);
    expect(Array.from(await y.data())).toEqual(Array.from(await x.data()));
    const c = randNormal([2, 3, 4, 5], new Rng(2));
    expect(Array.from(await (await model.vjp(x, c)).data())).toEqual(Array.from(await c.data()));
  });

  it('rejects a 3-D input', async () => {
    await expect(new Identity().forward(tf.zeros([1, 4, 4]) as tf.Tensor4D)).rejects.toThrow(/4-D image batch/);
  });
});

describeEachBackend('Gaussian', () => {
  it('its kernel sums to 1 per channel, so a constant image stays constant', async () => {
    const model = new Gaussian([9, 6], { std: [1, 4], outChannels: 2 });
    expectClose(await model.filt().sum([1, 2, 3]).data(), [1, 1], { atol: 1e-6 });
    for (const padMode of ['reflect', 'replicate', 'circular'] as PadMode[]) {
      const m = new Gaussian([9, 6], { std: [1, 4], outChannels: 2, padMode });
      const y = await m.forward(tf.fill([1, 1, 12, 10], 0.3) as tf.Tensor4D);
      expect(y.shape).toEqual([1, 2, 12, 10]);
      expectClose(await y.data(), new Float32Array(240).fill(0.3), { atol: 1e-6, label: padMode });
    }
  });

  it('equals same_padding + conv2d with its filter, for every pad mode, odd and even kernels, batches', async () => {
    const x = randUniform([2, 1, 13, 11], new Rng(3)) as tf.Tensor4D;
    for (const padMode of modes) {
      for (const kernelSize of [[7, 7], [4, 5]] as [number, number][]) {
        const model = new Gaussian(kernelSize, { std: [1.5, 2.5], outChannels: 2, padMode });
        const expected = referenceConv(x, model.filt(), padMode);
        expectClose(await (await model.forward(x)).data(), await expected.data(), { atol: 1e-6, label: `${padMode} ${kernelSize}` });
        // and the same gradient, for a non-trivial cotangent
        const c = randNormal([2, 2, 13, 11], new Rng(4));
        const g = await model.vjp(x, c);
        const gRef = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(referenceConv(xx as tf.Tensor4D, model.filt(), padMode), c)))(x);
        expectClose(await g.data(), await gRef.data(), { rtolOfMax: 1e-6, label: `${padMode} ${kernelSize} vjp` });
      }
    }
  });

  it('is linear: jvp(x, t) = forward(t)', async () => {
    const model = new Gaussian([5, 5], { std: 1.2 });
    const x = randUniform([1, 1, 8, 8], new Rng(5)) as tf.Tensor4D;
    const t = randNormal([1, 1, 8, 8], new Rng(6)) as tf.Tensor4D;
    expectClose(await (await model.jvp(x, t)).data(), await (await model.forward(t)).data(), { rtolOfMax: 1e-5 });
  });

  it('rejects bad inputs and options, naming the fix', async () => {
    const model = new Gaussian([31, 31]);
    await expect(model.forward(tf.zeros([1, 32, 32]) as tf.Tensor4D)).rejects.toThrow(/4-D image batch.*reshape/);
    await expect(model.forward(tf.zeros([1, 3, 32, 32]) as tf.Tensor4D)).rejects.toThrow(/needs 1 input channel, but got 3.*asGray/);
    await expect(model.forward(tf.zeros([1, 1, 10, 10]) as tf.Tensor4D)).rejects.toThrow(/reflect padding of 15 pixels .* smaller kernelSize/);
    expect(() => new Gaussian([31, 31], { std: 0 })).toThrow(/Gaussian standard deviation must be positive/);
    expect(() => new Gaussian([31, 31], { std: [1, 2] })).toThrow(/Number of stds must equal out_channels/);
    expect(() => new Gaussian([31, 31], { padMode: 'zeros' as PadMode })).toThrow(ValueError);
  });
});

describeEachBackend('CenterSurround', () => {
  it("has plenoptic's unnormalised difference-of-Gaussians filter", async () => {
    const k = await new CenterSurround([7, 7]).filt().data();
    expect(k[24]).toBeCloseTo(0.16667, 5);
    expect(k[0]).toBeCloseTo(-0.018425, 6);
    expect(Math.abs(k.reduce((a, b) => a + b, 0))).toBeLessThan(1e-6);
    // off-center flips the sign
    const off = await new CenterSurround([7, 7], { onCenter: [true, false], outChannels: 2 }).filt().data();
    expect(off[49 + 24]).toBeCloseTo(-off[24], 7);
  });

  it('equals same_padding + conv2d with its filter; a constant image gives ~0', async () => {
    const x = randUniform([1, 1, 20, 17], new Rng(7)) as tf.Tensor4D;
    const model = new CenterSurround([9, 9], { onCenter: [true, false], outChannels: 2, centerStd: [1, 0.7], surroundStd: [3, 2], amplitudeRatio: 1.5 });
    expectClose(await (await model.forward(x)).data(), await referenceConv(x, model.filt(), 'reflect').data(), { atol: 5e-7 });
    const flat = await model.forward(tf.fill([1, 1, 20, 17], 0.8) as tf.Tensor4D);
    expectClose(await flat.data(), new Float32Array(2 * 20 * 17), { atol: 1e-6 });
  });

  it("widthRatioLimit reproduces plenoptic ≤ 1.0's surround clamp", () => {
    expect(new CenterSurround([7, 7], { centerStd: 1, surroundStd: 1.5, widthRatioLimit: 2 }).surroundStd).toEqual([2]);
    expect(new CenterSurround([7, 7], { centerStd: 1, surroundStd: 1.5 }).surroundStd).toEqual([1.5]);
  });

  it('rejects bad inputs and options, naming the fix', async () => {
    const model = new CenterSurround([7, 7]);
    await expect(model.forward(tf.zeros([16, 16]) as unknown as tf.Tensor4D)).rejects.toThrow(/4-D image batch/);
    await expect(model.forward(tf.zeros([1, 2, 16, 16]) as tf.Tensor4D)).rejects.toThrow(/needs 1 input channel, but got 2/);
    expect(() => new CenterSurround([7, 7], { amplitudeRatio: 0.5 })).toThrow(/ratio of amplitudes must at least be 1/);
    expect(() => new CenterSurround([7, 7], { onCenter: [true], outChannels: 2 })).toThrow(/len\(on_center\) must match out_channels/);
    expect(() => new CenterSurround([7, 7], { centerStd: [1, 2] })).toThrow(/stds must correspond to each out_channel/);
    expect(() => new CenterSurround([7, 7], { widthRatioLimit: 1 })).toThrow(/stdev of surround must be greater than center/);
  });
});

describeEachBackend('Linear', () => {
  it("has plenoptic's default 3×3 filters: a Gaussian and the exploding 'band-pass'", async () => {
    const w = new Linear().weights;
    expectClose(w.subarray(0, 3), [0.098804, 0.116723, 0.098804], { atol: 1e-6 });
    expect(w[4]).toBeCloseTo(0.137892, 6);
    // f2 = (g1 − f1) / Σ(g1 − f1), with the sum ~3e-8 in float32: torch gives centre −2,224,254 and corners 794,915.5
    expect(Math.round(w[9 + 4])).toBe(-2224254);
    expect(Math.round(w[9])).toBe(794916);
  });

  it('on a constant image gives c · Σ(filter) per channel (circular padding)', async () => {
    const model = new Linear([5, 5]);
    const c = 0.25;
    const y = await model.forward(tf.fill([1, 1, 9, 9], c) as tf.Tensor4D);
    expect(y.shape).toEqual([1, 2, 9, 9]);
    const data = await y.data();
    const w = model.weights;
    const sum1 = w.subarray(0, 25).reduce((a, b) => a + b, 0);
    const sum2 = w.subarray(25).reduce((a, b) => a + b, 0);
    const scale2 = w.subarray(25).reduce((a, b) => a + Math.abs(b), 0);
    expectClose(data.subarray(0, 81), new Float32Array(81).fill(c * sum1), { atol: 1e-6, label: 'low-pass' });
    // float32 accumulation of ±1e6-sized terms: compare relative to Σ|f2|
    expectClose(data.subarray(81), new Float32Array(81).fill(c * sum2), { atol: 1e-6 * scale2, label: 'band-pass' });
  });

  it('matches a direct convolution with its weights, gradient included', async () => {
    const model = new Linear([3, 4], { defaultFilters: false, rng: new Rng(9), padMode: 'reflect' });
    const x = randUniform([1, 1, 7, 9], new Rng(10)) as tf.Tensor4D;
    const y = await model.forward(x);
    expectClose(await y.data(), await referenceConv(x, model.filt(), 'reflect').data(), { atol: 1e-6 });
    const c = randNormal([1, 2, 7, 9], new Rng(11));
    const gRef = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(referenceConv(xx as tf.Tensor4D, model.filt(), 'reflect'), c)))(x);
    expectClose(await (await model.vjp(x, c)).data(), await gRef.data(), { rtolOfMax: 1e-6 });
  });

  it('rejects bad inputs, naming the fix', async () => {
    const model = new Linear();
    await expect(model.forward(tf.zeros([1, 8, 8]) as tf.Tensor4D)).rejects.toThrow(/4-D image batch/);
    await expect(model.forward(tf.zeros([1, 3, 8, 8]) as tf.Tensor4D)).rejects.toThrow(/needs 1 input channel, but got 3/);
  });
});

describe('no tensors leak', () => {
  it('forward and vjp of a Gaussian leave the tensor count unchanged', async () => {
    const model = new Gaussian([5, 5]);
    const x = tf.ones([1, 1, 16, 16]) as tf.Tensor4D;
    (await model.forward(x)).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      (await model.forward(x)).dispose();
      (await model.vjp(x, tf.onesLike(x))).dispose();
    }
    // onesLike made 3 tensors that are not ours to dispose
    expect(tf.memory().numTensors - before).toBe(3);
  });
});
