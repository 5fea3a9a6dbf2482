import { expect, it } from 'vitest';
import { tf } from '../../../runtime/tf.js';
import { ValueError } from '../../../runtime/errors.js';
import { Rng, randUniform } from '../../../runtime/rng.js';
import { blurDownsample, downsampleTaps, namedFilter, upsampleBlur, upsampleTaps } from '../../../models/pyramids/blur.js';
import { LaplacianPyramid } from '../../../models/pyramids/laplacian.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { describeFixtures, fixtureTensor } from '../../helpers/fixtures.js';
import { expectClose } from '../../helpers/compare.js';

// A direct float64 transcription of plenoptic's tools/conv.py (spec models.md §6.1), the oracle for the matrix
// formulation: 'same' reflect padding, a 2-D correlation with stride 2; and reflect pad 1, zero insertion,
// zero pad, 'valid' 2-D convolution.
type Image = { h: number; w: number; v: Float64Array };

function reflectIndex(p: number, n: number): number {
  return p < 0 ? -p : p >= n ? 2 * (n - 1) - p : p;
}

function naiveBlurDownsample(x: Image, f: number[], scale: number): Image {
  const k = f.length;
  const before = Math.floor((k - 1) / 2);
  const ph = x.h + k - 1;
  const pw = x.w + k - 1;
  const h = Math.floor((ph - k) / 2) + 1;
  const w = Math.floor((pw - k) / 2) + 1;
  const v = new Float64Array(h * w);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      let s = 0;
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          s += scale * f[a] * f[b] * x.v[reflectIndex(2 * i + a - before, x.h) * x.w + reflectIndex(2 * j + b - before, x.w)];
        }
      }
      v[i * w + j] = s;
    }
  }
  return { h, w, v };
}

function naiveUpsampleBlur(x: Image, odd: [number, number], f: number[], scale: number): Image {
  const k = f.length;
  const flipped = [...f].reverse();
  const padStart = Math.floor(k / 2);
  const padEnd = [k - odd[0] - padStart, k - odd[1] - padStart];
  // reflect-pad by pad // 2, insert zeros, zero-pad by pad % 2
  const rb = Math.floor(padStart / 2);
  const ra = [Math.floor(padEnd[0] / 2), Math.floor(padEnd[1] / 2)];
  const zb = padStart % 2;
  const za = [padEnd[0] % 2, padEnd[1] % 2];
  const uh = 2 * (x.h + rb + ra[0]) - 1 + zb + za[0];
  const uw = 2 * (x.w + rb + ra[1]) - 1 + zb + za[1];
  const u = new Float64Array(uh * uw);
  for (let i = 0; i < x.h + rb + ra[0]; i++) {
    for (let j = 0; j < x.w + rb + ra[1]; j++) {
      u[(zb + 2 * i) * uw + zb + 2 * j] = x.v[reflectIndex(i - rb, x.h) * x.w + reflectIndex(j - rb, x.w)];
    }
  }
  const h = uh - k + 1;
  const w = uw - k + 1;
  const v = new Float64Array(h * w);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      let s = 0;
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) s += scale * flipped[a] * flipped[b] * u[(i + a) * uw + j + b];
      v[i * w + j] = s;
    }
  }
  return { h, w, v };
}

async function toImage(t: tf.Tensor): Promise<Image> {
  return { h: t.shape[2]!, w: t.shape[3]!, v: Float64Array.from(await t.data()) };
}

function imageTensor(x: Image): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(x.v), [1, 1, x.h, x.w]);
}

function innerProduct(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

it('binomial filters are the normalised binomial coefficients, with the sums plenoptic documents', () => {
  const b5 = [1, 4, 6, 4, 1].map((v) => (Math.SQRT2 * v) / 16);
  expectClose(namedFilter('binom5'), b5, { atol: 1e-15, label: 'binom5' });
  const sum2d = (taps: number[]) => taps.reduce((a, b) => a + b, 0) ** 2;
  expect(sum2d(downsampleTaps('binom5', true))).toBeCloseTo(1, 14);
  expect(sum2d(downsampleTaps('binom5', false))).toBeCloseTo(2, 14);
  expect(sum2d(upsampleTaps('binom5', true))).toBeCloseTo(4, 14);
  expect(sum2d(upsampleTaps('binom5', false))).toBeCloseTo(2, 14);
  expect(sum2d(namedFilter('binom3'))).toBeCloseTo(2, 14);
  expect(() => namedFilter('qmf9')).toThrow(/filtName 'qmf9' is not supported.*binomN/);
});

describeEachBackend('blurDownsample / upsampleBlur', (backend) => {
  it('downsampling a constant gives the constant (scaleFilter) or twice it, with ceil(n/2) samples', async () => {
    const x = tf.fill([2, 3, 9, 12], 0.7) as tf.Tensor4D;
    const down = blurDownsample(x);
    expect(down.shape).toEqual([2, 3, 5, 6]);
    expectClose(await down.data(), new Float32Array(2 * 3 * 5 * 6).fill(0.7), { atol: 1e-6, label: 'constant' });
    expectClose(await blurDownsample(x, 1, 'binom5', false).data(), new Float32Array(180).fill(1.4), { atol: 1e-6, label: 'unscaled' });
    expect(blurDownsample(tf.ones([1, 1, 8, 8]) as tf.Tensor4D).shape).toEqual([1, 1, 4, 4]);
    expect(blurDownsample(x, 0).shape).toEqual(x.shape);
  });

  // 70×130 puts the long axis on the blocked product on wasm (the short one stays dense).
  for (const [h, w] of [
    [13, 10],
    [70, 130],
  ]) {
    it(`matches a direct float64 transcription of plenoptic's conv tools on ${h}×${w}`, async () => {
      const x = randUniform([1, 1, h, w], new Rng(h * w)) as tf.Tensor4D;
      const xi = await toImage(x);
      const f = [1, 4, 6, 4, 1].map((v) => (Math.SQRT2 * v) / 16);
      for (const scaleFilter of [true, false]) {
        const down = blurDownsample(x, 1, 'binom5', scaleFilter);
        const expectedDown = naiveBlurDownsample(xi, f, scaleFilter ? 0.5 : 1);
        expect(down.shape).toEqual([1, 1, expectedDown.h, expectedDown.w]);
        expectClose(await down.data(), expectedDown.v, { atol: 2e-6, label: `down sf=${scaleFilter}` });
        for (const odd of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ] as [number, number][]) {
          const up = upsampleBlur(down, odd, 'binom5', scaleFilter);
          const expectedUp = naiveUpsampleBlur(expectedDown, odd, f, scaleFilter ? 2 : 1);
          expect(up.shape).toEqual([1, 1, 2 * expectedDown.h - odd[0], 2 * expectedDown.w - odd[1]]);
          expectClose(await up.data(), expectedUp.v, { atol: 4e-6, label: `up ${odd} sf=${scaleFilter}` });
        }
      }
    });
  }

  it('rejects a bad image, odd flag, nScales or filter', () => {
    expect(() => blurDownsample(tf.ones([8, 8]) as unknown as tf.Tensor4D)).toThrow(ValueError);
    expect(() => blurDownsample(tf.ones([8, 8]) as unknown as tf.Tensor4D)).toThrow(/4-D image batch.*\[8, 8\]/);
    expect(() => blurDownsample(tf.ones([1, 1, 8, 8]) as tf.Tensor4D, -1)).toThrow(/nScales must be a non-negative integer/);
    expect(() => upsampleBlur(tf.ones([1, 1, 8, 8]) as tf.Tensor4D, [2, 0])).toThrow(/odd must be two values of 0 or 1/);
    expect(() => blurDownsample(tf.ones([1, 1, 8, 8]) as tf.Tensor4D, 1, 'haar')).toThrow(/not supported/);
    // reflect padding by 2 needs 3 samples, as torch's F.pad requires
    expect(() => blurDownsample(tf.ones([1, 1, 2, 8]) as tf.Tensor4D)).toThrow(/reflect padding of 2 needs more than 2 samples.*larger image/);
  });

  describeFixtures(`on einstein [${backend}]`, () => {
    it('keeps the mean plenoptic reports (0.458468; 0.916936 unscaled) and maps 256² to 64² in two steps', async () => {
      const ein = fixtureTensor('images', 'einstein.npy') as tf.Tensor4D;
      expect((await tf.mean(blurDownsample(ein)).data())[0]).toBeCloseTo(0.458468, 5);
      expect((await tf.mean(blurDownsample(ein, 1, 'binom5', false)).data())[0]).toBeCloseTo(0.916936, 5);
      expect(blurDownsample(ein, 2).shape).toEqual([1, 1, 64, 64]);
      const crop = tf.slice(ein, [0, 0, 0, 0], [1, 1, 128, 128]) as tf.Tensor4D;
      const up = upsampleBlur(crop, [0, 0]);
      expect(up.shape).toEqual([1, 1, 256, 256]);
      expect(upsampleBlur(crop, [1, 1]).shape).toEqual([1, 1, 255, 255]);
      expect((await tf.mean(up).data())[0]).toBeCloseTo(0.43944, 5);
    });
  });
});

describeEachBackend('LaplacianPyramid', (backend) => {
  it('reconstructs exactly, for even, odd and non-square sizes and several channels', async () => {
    for (const [shape, nScales, scaleFilter] of [
      [[1, 1, 250, 250], 5, false],
      [[2, 3, 37, 70], 3, true],
      [[1, 1, 130, 97], 6, true],
    ] as [[number, number, number, number], number, boolean][]) {
      const x = randUniform(shape, new Rng(shape[2])) as tf.Tensor4D;
      const pyr = new LaplacianPyramid(nScales, scaleFilter);
      const levels = pyr.forwardLevels(x);
      expect(levels).toHaveLength(nScales);
      let [h, w] = [shape[2], shape[3]];
      for (const level of levels) {
        expect(level.shape).toEqual([shape[0], shape[1], h, w]);
        [h, w] = [Math.ceil(h / 2), Math.ceil(w / 2)];
      }
      expectClose(await pyr.reconPyr(levels).data(), await x.data(), { atol: 2e-6, label: `recon ${shape}` });
    }
  });

  it('computes channels independently', async () => {
    const x = randUniform([2, 2, 40, 36], new Rng(3)) as tf.Tensor4D;
    const pyr = new LaplacianPyramid(3);
    const all = pyr.forwardLevels(x);
    const one = pyr.forwardLevels(tf.slice(x, [1, 1, 0, 0], [1, 1, 40, 36]) as tf.Tensor4D);
    for (let s = 0; s < 3; s++) {
      const [, , h, w] = all[s].shape;
      expectClose(await tf.slice(all[s], [1, 1, 0, 0], [1, 1, h, w]).data(), await one[s].data(), { atol: 1e-6, label: `level ${s}` });
    }
  });

  it('forward is the flattened levels; its vjp and jvp are the adjoint pair of this linear map', async () => {
    // 160×130 puts both axes of the first level on the blocked path on wasm.
    const pyr = new LaplacianPyramid(4, true);
    const rng = new Rng(11);
    const x = randUniform([1, 1, 160, 130], rng) as tf.Tensor4D;
    const v = randUniform([1, 1, 160, 130], rng) as tf.Tensor4D;
    const out = await pyr.forward(x);
    const sizes = [160 * 130, 80 * 65, 40 * 33, 20 * 17];
    expect(out.shape).toEqual([1, 1, sizes.reduce((a, b) => a + b, 0)]);
    const levels = pyr.forwardLevels(x);
    const flat = tf.concat(levels.map((l) => tf.reshape(l, [-1])));
    expectClose(await out.data(), await flat.data(), { atol: 0, label: 'flattened levels' });
    const u = randUniform(out.shape, rng);
    // linear: J v = forward(v), and <J v, u> = <v, Jᵀ u>
    const jv = await pyr.jvp(x, v);
    expectClose(await jv.data(), await (await pyr.forward(v)).data(), { atol: 2e-5, label: 'jvp' });
    const vju = await pyr.vjp(x, u);
    const lhs = innerProduct(await jv.data(), await u.data());
    const rhs = innerProduct(await v.data(), await vju.data());
    expect(Math.abs(lhs - rhs) / Math.abs(lhs)).toBeLessThan(1e-5);
  });

  it('rejects bad arguments with the size that would work', async () => {
    expect(() => new LaplacianPyramid(0)).toThrow(/nScales must be a positive integer/);
    const pyr = new LaplacianPyramid(6);
    expect(() => pyr.forwardLevels(tf.ones([1, 1, 32, 40]) as tf.Tensor4D)).toThrow(/at least 33×33 pixels, but got 32×40/);
    expect(() => pyr.forwardLevels(tf.ones([32, 40]) as unknown as tf.Tensor4D)).toThrow(/4-D image batch/);
    expect(() => pyr.reconPyr([tf.ones([1, 1, 4, 4]) as tf.Tensor4D])).toThrow(/needs the 6 levels/);
  });

  describeFixtures(`on einstein [${backend}]`, () => {
    it("gives plenoptic's coarsest means: 7.27886 (5 scales) and 0.449606 (6 scales, scaleFilter)", async () => {
      const ein = fixtureTensor('images', 'einstein.npy') as tf.Tensor4D;
      const five = new LaplacianPyramid().forwardLevels(ein);
      expect(five.map((l) => l.shape[2])).toEqual([256, 128, 64, 32, 16]);
      expect((await tf.mean(five[4]).data())[0]).toBeCloseTo(7.27886, 4);
      const six = new LaplacianPyramid(6, true).forwardLevels(ein);
      expect((await tf.mean(six[5]).data())[0]).toBeCloseTo(0.449606, 5);
      expectClose(await new LaplacianPyramid().reconPyr(five).data(), await ein.data(), { atol: 2e-6, label: 'einstein recon' });
    });
  });
});
