// The 256² reference fixtures run on wasm only: the cpu backend's matmul DFT takes seconds per 256² transform.
// Every property (reconstruction, Parseval, gradients, errors) runs on both backends on small images.
import { describe, expect, it } from 'vitest';
import { tf } from '../../../runtime/tf.js';
import { ValueError } from '../../../runtime/errors.js';
import { captureWarnings } from '../../../runtime/warnings.js';
import { useBackend } from '../../../runtime/backend.js';
import { SteerablePyramidFreq, type SteerablePyramidOptions } from '../../../models/pyramids/steerable.js';
import { bandKey, disposeCoeffs, isComplexBand, type PyramidCoeffs } from '../../../models/pyramids/pyramid-coeffs.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { describeFixtures, fixtureTensor, readFixtureJson } from '../../helpers/fixtures.js';
import { expectClose, maxAbs } from '../../helpers/compare.js';

function image(h: number, w: number, seed: number, batch = 1, channels = 1): tf.Tensor4D {
  return tf.randomUniform([batch, channels, h, w], 0, 1, 'float32', seed) as tf.Tensor4D;
}

function energy(coeffs: PyramidCoeffs): number {
  let e = 0;
  for (const band of coeffs.values()) {
    const parts = isComplexBand(band) ? [band.re, band.im] : [band];
    for (const p of parts) e += tf.tidy(() => tf.sum(tf.square(p)).dataSync()[0]);
  }
  return e;
}

const modes: SteerablePyramidOptions[] = [
  { order: 3 },
  { order: 2, isComplex: true },
  { order: 1, downsample: false },
  { order: 3, isComplex: true, downsample: false, tightFrame: true },
  { order: 3, tightFrame: true },
];

describeEachBackend('SteerablePyramidFreq', () => {
  for (const opts of modes) {
    it(`reconstructs its input to 1e-5 (${JSON.stringify(opts)}, 32×48)`, () => {
      const x = image(32, 48, 1, 2, 1);
      const pyr = new SteerablePyramidFreq([32, 48], opts);
      const coeffs = pyr.forwardPyramid(x);
      const recon = pyr.reconPyr(coeffs);
      expect(recon.shape).toEqual(x.shape);
      expectClose(recon.dataSync(), x.dataSync(), { atol: 1e-5, label: 'reconstruction' });
      disposeCoeffs(coeffs);
      tf.dispose([x, recon]);
      pyr.dispose();
    });
  }

  it('tight frames satisfy Parseval: Σ|coeff|² = Σ x², real and complex, downsampled or not', () => {
    const x = image(32, 32, 2);
    const imageEnergy = tf.tidy(() => tf.sum(tf.square(x)).dataSync()[0]);
    for (const opts of [{ tightFrame: true }, { tightFrame: true, isComplex: true }, { tightFrame: true, downsample: false }]) {
      const pyr = new SteerablePyramidFreq([32, 32], opts);
      const coeffs = pyr.forwardPyramid(x);
      expect(Math.abs(energy(coeffs) - imageEnergy) / imageEnergy, JSON.stringify(opts)).toBeLessThan(1e-5);
      disposeCoeffs(coeffs);
      pyr.dispose();
    }
    x.dispose();
  });

  it('the complex pyramid’s real part is the real pyramid, and downsampling keeps band energies', () => {
    const x = image(32, 32, 3);
    const real = new SteerablePyramidFreq([32, 32], { order: 3 });
    const cplx = new SteerablePyramidFreq([32, 32], { order: 3, isComplex: true });
    const full = new SteerablePyramidFreq([32, 32], { order: 3, downsample: false });
    const r = real.forwardPyramid(x);
    const c = cplx.forwardPyramid(x);
    const f = full.forwardPyramid(x);
    for (const [key, band] of r) {
      const cb = c.get(key)!;
      const cre = isComplexBand(cb) ? cb.re : cb;
      expectClose(cre.dataSync(), (band as tf.Tensor).dataSync(), { atol: 1e-5, label: `${key} real part` });
      const fb = f.get(key) as tf.Tensor;
      expect(fb.shape.slice(2)).toEqual([32, 32]);
      const e1 = tf.tidy(() => tf.sum(tf.square(band as tf.Tensor)).dataSync()[0]);
      const e2 = tf.tidy(() => tf.sum(tf.square(fb)).dataSync()[0]);
      expect(Math.abs(e1 - e2) / Math.max(e1, 1e-12), `${key} energy`).toBeLessThan(1e-4);
    }
    [r, c, f].forEach(disposeCoeffs);
    [real, cplx, full].forEach((p) => p.dispose());
    x.dispose();
  });

  it('keys, sizes and scales follow plenoptic (non-square 64×128: auto height 4)', () => {
    const pyr = new SteerablePyramidFreq([64, 128], { order: 1 });
    expect(pyr.numScales).toBe(4);
    expect(pyr.scales).toEqual(['residual_lowpass', 3, 2, 1, 0, 'residual_highpass']);
    expect(pyr.pyrSize.size).toBe(0);
    const x = image(64, 128, 4);
    const coeffs = pyr.forwardPyramid(x);
    const keys = [...coeffs.keys()];
    expect(keys).toEqual(['residual_highpass', 's0_o0', 's0_o1', 's1_o0', 's1_o1', 's2_o0', 's2_o1', 's3_o0', 's3_o1', 'residual_lowpass']);
    expect(pyr.pyrSize.get('s2_o1')).toEqual([16, 32]);
    expect(pyr.pyrSize.get('residual_lowpass')).toEqual([4, 8]);
    const recon = pyr.reconPyr(coeffs);
    expectClose(recon.dataSync(), x.dataSync(), { atol: 1e-5, label: 'non-square reconstruction' });
    const subset = pyr.forwardPyramid(x, { scales: ['residual_lowpass', 0] });
    expect([...subset.keys()]).toEqual(['s0_o0', 's0_o1', 'residual_lowpass']);
    expectClose((subset.get('residual_lowpass') as tf.Tensor).dataSync(), (coeffs.get('residual_lowpass') as tf.Tensor).dataSync(), {
      atol: 1e-6,
      label: 'lowpass from a subset call',
    });
    const one = pyr.forwardPyramid(x, { scales: [2] });
    expect([...one.keys()]).toEqual(['s2_o0', 's2_o1']);
    [coeffs, subset, one].forEach(disposeCoeffs);
    tf.dispose([x, recon]);
    pyr.dispose();
  });

  it('reconPyr is linear in levels and bands, and the lowpass alone keeps the image mean', () => {
    const pyr = new SteerablePyramidFreq([32, 32], { order: 3, isComplex: true });
    const x = image(32, 32, 5);
    const coeffs = pyr.forwardPyramid(x);
    const all = pyr.reconPyr(coeffs);
    const parts = [
      pyr.reconPyr(coeffs, { levels: ['residual_highpass'] }),
      pyr.reconPyr(coeffs, { levels: [0, 2] }),
      pyr.reconPyr(coeffs, { levels: [1], bands: [0, 3] }),
      pyr.reconPyr(coeffs, { levels: [1], bands: [1, 2] }),
      pyr.reconPyr(coeffs, { levels: ['residual_lowpass'] }),
    ];
    const summed = tf.addN(parts);
    expectClose(summed.dataSync(), all.dataSync(), { atol: 1e-5, label: 'sum of partial reconstructions' });
    const blurredMean = tf.tidy(() => tf.mean(parts[4]).dataSync()[0]);
    const mean = tf.tidy(() => tf.mean(x).dataSync()[0]);
    expect(Math.abs(blurredMean - mean)).toBeLessThan(1e-6);
    disposeCoeffs(coeffs);
    tf.dispose([x, all, summed, ...parts]);
    pyr.dispose();
  });

  it('odd sizes warn with plenoptic’s text and still run', async () => {
    const { result: pyr, warnings } = await captureWarnings(() => new SteerablePyramidFreq([33, 32], { height: 2 }));
    expect(warnings.map((w) => w.message)).toEqual(['Reconstruction will not be perfect with odd-sized images']);
    const x = image(33, 32, 6);
    const coeffs = pyr.forwardPyramid(x);
    expect((coeffs.get(bandKey(1, 0)) as tf.Tensor).shape).toEqual([1, 1, 17, 16]);
    const recon = pyr.reconPyr(coeffs);
    expect(recon.shape).toEqual([1, 1, 33, 32]);
    disposeCoeffs(coeffs);
    tf.dispose([x, recon]);
    pyr.dispose();
  });

  it('gradient of Σ c·coeffs equals reconPyr(c) for a real tight frame (the synthesis is the adjoint)', () => {
    const pyr = new SteerablePyramidFreq([32, 32], { tightFrame: true, order: 3 });
    const x = image(32, 32, 7);
    const template = pyr.forwardPyramid(x);
    const cot: PyramidCoeffs = new Map();
    let seed = 100;
    for (const [k, band] of template) cot.set(k, tf.randomNormal((band as tf.Tensor).shape, 0, 1, 'float32', seed++));
    const grad = tf.tidy(() =>
      tf.grad((xx: tf.Tensor) => {
        const c = pyr.forwardPyramid(xx as tf.Tensor4D);
        return tf.addN([...c.entries()].map(([k, b]) => tf.sum(tf.mul(b as tf.Tensor, cot.get(k) as tf.Tensor))));
      })(x),
    );
    const adjoint = pyr.reconPyr(cot);
    expectClose(grad.dataSync(), adjoint.dataSync(), { rtolOfMax: 1e-5, label: 'gradient vs adjoint' });
    [template, cot].forEach(disposeCoeffs);
    tf.dispose([x, grad, adjoint]);
    pyr.dispose();
  });

  it('batches and channels are independent images, whatever batch the pyramid saw before', () => {
    for (const downsample of [true, false]) {
      const pyr = new SteerablePyramidFreq([16, 16], { isComplex: true, order: 1, height: 2, downsample });
      const single = image(16, 16, 31);
      const one = pyr.tfjsForward(single);
      const batch = image(16, 16, 32, 2, 3);
      const many = pyr.tfjsForward(batch);
      expect(many.shape).toEqual([2, one.shape[1] * 3, ...one.shape.slice(2)]);
      const perImage = one.size;
      const manyData = many.dataSync();
      const manyFlat = batch.dataSync();
      for (const p of [0, 4]) {
        const alone = pyr.tfjsForward(tf.tensor4d(manyFlat.slice(p * 256, (p + 1) * 256), [1, 1, 16, 16]));
        expectClose(manyData.slice(p * perImage, (p + 1) * perImage), alone.dataSync(), { atol: 1e-6, label: `image ${p} (downsample ${downsample})` });
        alone.dispose();
      }
      tf.dispose([single, one, batch, many]);
      pyr.dispose();
    }
  });

  it('reconPyr’s gradient is its adjoint: <∇_c <reconPyr(c), y>, d> = <reconPyr(d), y> (complex, downsampled)', () => {
    const pyr = new SteerablePyramidFreq([32, 16], { isComplex: true, order: 3, height: 2 });
    const y = image(32, 16, 21);
    const c = pyr.forwardPyramid(image(32, 16, 22));
    const d = pyr.forwardPyramid(image(32, 16, 23));
    const keys = [...c.keys()];
    const planes = (coeffs: PyramidCoeffs) =>
      keys.flatMap((k) => {
        const b = coeffs.get(k)!;
        return isComplexBand(b) ? [b.re, b.im] : [b];
      });
    const rebuild = (ps: tf.Tensor[]): PyramidCoeffs => {
      let next = 0;
      return new Map(keys.map((k) => [k, isComplexBand(c.get(k)!) ? { re: ps[next++], im: ps[next++] } : ps[next++]]));
    };
    const [lhs, rhs] = tf.tidy(() => {
      const grads = tf.grads((...ps: tf.Tensor[]) => tf.sum(tf.mul(pyr.reconPyr(rebuild(ps)), y)))(planes(c));
      const dPlanes = planes(d);
      const inner = tf.addN(grads.map((g, i) => tf.sum(tf.mul(g, dPlanes[i]))));
      return [inner.dataSync()[0], tf.sum(tf.mul(pyr.reconPyr(d), y)).dataSync()[0]];
    });
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5 * Math.abs(rhs));
    [c, d].forEach(disposeCoeffs);
    y.dispose();
    pyr.dispose();
  });

  it('vjp through tfjsForward (complex, downsampled) matches float32 central differences', async () => {
    const pyr = new SteerablePyramidFreq([16, 16], { isComplex: true, order: 2, height: 2 });
    const x = image(16, 16, 8);
    const out = await pyr.forward(x);
    expect(out.shape).toEqual([1, 1, 256 + 2 * 3 * (256 + 64) + 16]);
    const w = tf.randomNormal(out.shape, 0, 1, 'float32', 9);
    const grad = (await pyr.vjp(x, w)).dataSync();
    // The map is linear, so a central difference is exact up to float32 rounding of the loss (≈1e-7·|loss|/eps).
    const eps = 1e-2;
    const x0 = x.dataSync();
    const loss = (v: Float32Array) => tf.tidy(() => tf.sum(tf.mul(pyr.tfjsForward(tf.tensor4d(v, [1, 1, 16, 16])), w)).dataSync()[0]);
    const pixels = [0, 17, 100, 135, 200, 255];
    const fd = pixels.map((p) => {
      const plus = Float32Array.from(x0);
      const minus = Float32Array.from(x0);
      plus[p] += eps;
      minus[p] -= eps;
      return (loss(plus) - loss(minus)) / (2 * eps);
    });
    expectClose(pixels.map((p) => grad[p]), fd, { rtolOfMax: 2e-3, label: 'vjp vs finite differences' });
    tf.dispose([x, out, w]);
    pyr.dispose();
  });

  it('jvp (double vjp through the linear operators) equals the forward of the tangent: the pyramid is linear', async () => {
    const pyr = new SteerablePyramidFreq([16, 16], { isComplex: true, order: 3, height: 2 });
    const x = image(16, 16, 13);
    const v = image(16, 16, 14);
    const jvp = await pyr.jvp(x, v);
    const direct = await pyr.forward(v);
    expectClose(jvp.dataSync(), direct.dataSync(), { atol: 1e-5, label: 'jvp' });
    tf.dispose([x, v, jvp, direct]);
    pyr.dispose();
  });

  it('convertPyrToTensor / convertTensorToPyr: plenoptic’s channel layout, exact round trip', () => {
    const pyr = new SteerablePyramidFreq([32, 32], { height: 3, order: 3, isComplex: true, downsample: false });
    const x = image(32, 32, 10, 2, 1);
    const coeffs = pyr.forwardPyramid(x);
    const split = SteerablePyramidFreq.convertPyrToTensor(coeffs, true);
    expect((split.tensor as tf.Tensor).shape).toEqual([2, 26, 32, 32]);
    const joined = SteerablePyramidFreq.convertPyrToTensor(coeffs, false);
    expect(isComplexBand(joined.tensor as never)).toBe(true);
    expect((joined.tensor as { re: tf.Tensor }).re.shape).toEqual([2, 14, 32, 32]);
    const back = SteerablePyramidFreq.convertTensorToPyr(split.tensor, split.info.numChannels, split.info.splitComplex, split.info.pyrKeys);
    expect([...back.keys()]).toEqual([...coeffs.keys()]);
    for (const [k, band] of coeffs) {
      const b2 = back.get(k)!;
      const parts = isComplexBand(band) ? [band.re, band.im] : [band];
      const parts2 = isComplexBand(b2) ? [b2.re, b2.im] : [b2];
      parts.forEach((p, i) => expectClose(parts2[i].dataSync(), p.dataSync(), { atol: 0, label: `${k} round trip` }));
    }
    // The synthesis tensor of a full-size pyramid is the split layout.
    const t = pyr.tfjsForward(x);
    expectClose(t.dataSync(), (split.tensor as tf.Tensor).dataSync(), { atol: 0, label: 'tfjsForward layout' });
    const down = new SteerablePyramidFreq([32, 32], { height: 2 });
    const downCoeffs = down.forwardPyramid(x);
    expect(() => SteerablePyramidFreq.convertPyrToTensor(downCoeffs)).toThrow(/downsample=False/);
    [coeffs, back, downCoeffs].forEach(disposeCoeffs);
    tf.dispose([x, split.tensor as tf.Tensor, (joined.tensor as { re: tf.Tensor }).re, (joined.tensor as { im: tf.Tensor }).im, t]);
    pyr.dispose();
    down.dispose();
  });

  it('rejects bad inputs with messages that say what to change', () => {
    expect(() => new SteerablePyramidFreq([64, 128], { height: 5 })).toThrow(/Cannot build pyramid higher than 4 levels/);
    expect(() => new SteerablePyramidFreq([32, 32], { order: 0 })).toThrow(/order must be an integer in the range \[1,15\]/);
    expect(() => new SteerablePyramidFreq([32, 32], { order: 16 })).toThrow(ValueError);
    expect(() => new SteerablePyramidFreq([32, 32], { twidth: 0 })).toThrow(/twidth must be positive/);
    expect(() => new SteerablePyramidFreq([32, 32], { height: -1 })).toThrow(/non-negative/);
    expect(() => new SteerablePyramidFreq([32, 32, 1])).toThrow(/length 2/);
    const pyr = new SteerablePyramidFreq([16, 16], { height: 2 });
    const x3 = tf.zeros([1, 16, 16]);
    expect(() => pyr.forwardPyramid(x3 as unknown as tf.Tensor4D)).toThrow(/Input must be batch of images of shape BxCxHxW/);
    const wrong = tf.zeros([1, 1, 16, 18]) as tf.Tensor4D;
    expect(() => pyr.forwardPyramid(wrong)).toThrow(/does not match image_shape/);
    const x = image(16, 16, 11);
    expect(() => pyr.forwardPyramid(x, { scales: [2] })).toThrow(/Scales must be within 0 and num_scales-1/);
    const partial = pyr.forwardPyramid(x, { scales: [0] });
    expect(() => pyr.reconPyr(partial)).toThrow(/make sure forward\(\) was called with arg scales=None/);
    const coeffs = pyr.forwardPyramid(x);
    expect(() => pyr.reconPyr(coeffs, { levels: 'some' as 'all' })).toThrow(TypeError);
    expect(() => pyr.reconPyr(coeffs, { levels: [2] })).toThrow(/range \[0, 1\]/);
    expect(() => pyr.reconPyr(coeffs, { bands: [4] })).toThrow(/band numbers must be in the range \[0, 3\]/);
    [partial, coeffs].forEach(disposeCoeffs);
    tf.dispose([x3, wrong, x]);
    pyr.dispose();
  });

  it('does not leak tensors', () => {
    const pyr = new SteerablePyramidFreq([32, 32], { isComplex: true });
    const x = image(32, 32, 12);
    disposeCoeffs(pyr.forwardPyramid(x)); // builds the cached DFT constants
    tf.dispose(pyr.reconPyr(pyr.forwardPyramid(x)));
    const before = tf.memory().numTensors;
    const coeffs = pyr.forwardPyramid(x);
    const recon = pyr.reconPyr(coeffs);
    const vec = pyr.tfjsForward(x);
    disposeCoeffs(coeffs);
    tf.dispose([recon, vec]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    pyr.dispose();
  });
});

interface FixtureBand {
  key: string | [number, number];
  file: string;
  shape: number[];
  complex: boolean;
}

describeFixtures('SteerablePyramidFreq vs plenoptic 1.1.0 (fixtures/pyramid, einstein 256², wasm)', () => {
  const cases: [string, SteerablePyramidOptions][] = [
    ['spf_auto_o3', { height: 'auto', order: 3 }],
    ['spf_h3_o1_complex', { height: 3, order: 1, isComplex: true }],
  ];
  for (const [name, opts] of cases) {
    it(`${name}: every band within 1e-5 of its max, reconstruction within 1e-5`, async () => {
      await useBackend('wasm');
      const meta = readFixtureJson<Record<string, { bands: FixtureBand[]; num_scales: number }>>('pyramid', 'pyramid.json')[name];
      const x = fixtureTensor('images', 'einstein.npy') as tf.Tensor4D;
      const pyr = new SteerablePyramidFreq([256, 256], opts);
      expect(pyr.numScales).toBe(meta.num_scales);
      const coeffs = pyr.forwardPyramid(x);
      expect([...coeffs.keys()]).toEqual(meta.bands.map((b) => b.file));
      for (const b of meta.bands) {
        const band = coeffs.get(b.file as never)!;
        const parts: [string, tf.Tensor][] = b.complex
          ? [
              ['_real', (band as { re: tf.Tensor }).re],
              ['_imag', (band as { im: tf.Tensor }).im],
            ]
          : [['', band as tf.Tensor]];
        for (const [suffix, t] of parts) {
          const ref = fixtureTensor('pyramid', name, `${b.file}${suffix}.npy`);
          expect(t.shape).toEqual(b.shape);
          expectClose(t.dataSync(), ref.dataSync(), { rtolOfMax: 1e-5, label: `${b.file}${suffix}` });
          ref.dispose();
        }
      }
      const recon = pyr.reconPyr(coeffs);
      const err = expectClose(recon.dataSync(), x.dataSync(), { atol: 1e-5, label: 'reconstruction vs image' });
      expect(err).toBeGreaterThan(0);
      if (name === 'spf_h3_o1_complex') {
        const ref = fixtureTensor('pyramid', name, 'recon.npy');
        expectClose(recon.dataSync(), ref.dataSync(), { atol: 1e-5, label: 'reconstruction vs plenoptic recon.npy' });
        ref.dispose();
      }
      disposeCoeffs(coeffs);
      tf.dispose([x, recon]);
      pyr.dispose();
    });
  }
});

describe('pyramid keys', () => {
  it('bandKey names bands like the fixture files', () => {
    expect(bandKey(2, 3)).toBe('s2_o3');
  });
});
