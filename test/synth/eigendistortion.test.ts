import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { useBackend } from '../../runtime/backend.js';
import { modelFromFunction, type Model } from '../../runtime/model.js';
import { Rng } from '../../runtime/rng.js';
import { captureWarnings } from '../../runtime/warnings.js';
import { AbortError } from '../../runtime/errors.js';
import { Eigendistortion } from '../../synth/eigendistortion.js';
import { displayEigendistortion, eigendistortionImage, plotTopBottomEigendistortions } from '../../synth/display/eigendistortion.js';
import { fisherVectorProduct, jacobianVectorProduct, vectorJacobianProduct } from '../../synth/autodiff.js';
import { Gaussian, Linear } from '../../models/naive.js';
import { OnOff } from '../../models/frontend.js';
import { builtinModels } from '../../models/registry.js';
import { describeEachBackend } from '../helpers/backends.js';
import { describeFixtures, fixtureTensor } from '../helpers/fixtures.js';
import { expectClose } from '../helpers/compare.js';

const quiet = { verbose: false };

function randomImage(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  return tf.tensor4d(new Rng(seed).uniformArray(shape.reduce((a, b) => a * b)), shape);
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

/** Image j of a [k, C, H, W] tensor as a flat array. */
async function imageOf(t: tf.Tensor, j: number): Promise<Float32Array> {
  const n = t.size / t.shape[0];
  return ((await t.data()) as Float32Array).slice(j * n, (j + 1) * n);
}

/** f(x) = scales ⊙ x: J = diag(scales), so F = diag(scales²) with the pixel basis as eigenvectors. */
function scaling(scales: number[], shape: [number, number, number, number]): Model {
  const s = tf.keep(tf.tensor4d(scales, shape));
  return modelFromFunction((x) => tf.mul(x, s), { name: 'scaling' });
}

/** plenoptic's docs example: y = M·flatten(x) for a 10×25 matrix M (an nn.Linear without bias). */
function matrixModel(rows: number, cols: number, seed: number): { model: Model; m: Float32Array } {
  const m = Float32Array.from(new Rng(seed).normalArray(rows * cols));
  const mt = tf.keep(tf.tensor2d(m, [rows, cols]).transpose());
  const model = modelFromFunction((x) => tf.reshape(tf.matMul(tf.reshape(x, [x.shape[0], cols]), mt), [x.shape[0], 1, rows]), { name: 'matrix' });
  return { model, m };
}

describeEachBackend('Eigendistortion (analytic cases)', () => {
  it('finds the spectrum of a diagonal Jacobian with every method', async () => {
    const scales = [3, -2.5, 2, 1.5, 1.2, 1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05];
    const model = scaling(scales, [1, 1, 4, 4]);
    const image = randomImage([1, 1, 4, 4], 1);
    const expected = scales.map((s) => s * s).sort((a, b) => b - a);
    const exact = await Eigendistortion.create(image, model, quiet);
    await exact.synthesize({ method: 'exact' });
    expectClose(await exact.eigenvalues!.data(), expected, { atol: 1e-6, label: 'exact eigenvalues' });
    expect(exact.eigenindex).toEqual(Array.from({ length: 16 }, (_, i) => i));
    // the top eigendistortion is the pixel with the largest |scale|
    const top = await imageOf(exact.eigendistortions!, 0);
    expect(Math.abs(top[0])).toBeCloseTo(1, 5);

    // the shifted power method converges at rate (λ_max − λ_{n−k−1}) / (λ_max − λ_{n−k}) at the bottom, so this
    // spectrum keeps the bottom two well apart from the bulk (and the top two from it)
    const powerScales = [3, -2.5, 2.3, 2.28, 2.26, 2.24, 2.22, 2.2, 2.18, 2.16, 2.14, 2.12, 2.1, 2.05, 0.3, 0.1];
    const powerExpected = powerScales.map((s) => s * s).sort((a, b) => b - a);
    const power = await Eigendistortion.create(image, scaling(powerScales, [1, 1, 4, 4]), quiet);
    await power.synthesize({ method: 'power', k: 2, maxIter: 400, rng: new Rng(3) });
    const pv = await power.eigenvalues!.data();
    expectClose(pv.slice(0, 2), powerExpected.slice(0, 2), { atol: 1e-4, label: 'power top' });
    expectClose(pv.slice(2), powerExpected.slice(-2), { atol: 1e-4, label: 'power bottom' });
    expect(power.eigenindex).toEqual([0, 1, 14, 15]);
    expect(power.messages).toContain('Top k=2 eigendists computed | Stop criterion 1.00E-07 reached.');
    expect(power.messages).toContain('Bottom k=2 eigendists computed | Stop criterion 1.00E-07 reached.');

    const rsvd = await Eigendistortion.create(image, model, quiet);
    await rsvd.synthesize({ method: 'randomizedSvd', k: 3, p: 5, q: 2, rng: new Rng(4) });
    expectClose(await rsvd.eigenvalues!.data(), expected.slice(0, 3), { atol: 1e-3, label: 'randomized SVD' });
    expect(rsvd.eigenindex).toEqual([0, 1, 2]);
    expect(rsvd.messages[1]).toBe('Estimating top k=3 eigendistortions using randomized SVD');
    expect(rsvd.messages[2]).toMatch(/^Randomized SVD complete! Estimated spectral approximation error = \d+\.\d\d$/);
    [exact, power, rsvd].forEach((e) => e.dispose());
  });

  it('works with any Model through forward / vjp / jvp alone (no tfjs forward to differentiate)', async () => {
    const inner = builtinModels['luminance-gain-control']({ kernelSize: [5, 5] });
    const opaque: Model = { name: 'opaque', forward: inner.forward.bind(inner), vjp: inner.vjp.bind(inner), jvp: inner.jvp.bind(inner) };
    const image = randomImage([1, 1, 6, 6], 8);
    const a = await Eigendistortion.create(image, inner, quiet);
    const b = await Eigendistortion.create(image, opaque, quiet);
    await a.synthesize({ method: 'exact' });
    await b.synthesize({ method: 'power', k: 1, maxIter: 120, rng: new Rng(1) });
    const exact = await a.eigenvalues!.data();
    const power = await b.eigenvalues!.data();
    expect(Math.abs(power[0] - exact[0]) / exact[0]).toBeLessThan(1e-3);
    [a, b].forEach((e) => e.dispose());
  });

  it("reproduces plenoptic's Linear example: the Jacobian is M, 10 nonzero and 15 zero eigenvalues", async () => {
    const { model, m } = matrixModel(10, 25, 5);
    const image = tf.ones([1, 1, 1, 25]) as tf.Tensor4D;
    const e = await Eigendistortion.create(image, model, quiet);
    expect(e.messages[0]).toBe('Initializing Eigendistortion -- Input dim: 25 | Output dim: 10');
    await e.synthesize({ method: 'exact' });
    expectClose(await e.jacobian!.data(), m, { atol: 1e-6, label: 'Jacobian vs M' });
    const values = await e.eigenvalues!.data();
    expect(Array.from(values.slice(10)).every((v) => v < 1e-4)).toBe(true);
    expect(Array.from(values.slice(0, 10)).every((v) => v > 1e-2)).toBe(true);
    const power = await Eigendistortion.create(image, model, quiet);
    await power.synthesize({ method: 'power', k: 1, rng: new Rng(0) });
    expect(power.eigenindex).toEqual([0, 24]);
    expect(Math.abs(cosine(await imageOf(power.eigendistortions!, 0), await imageOf(e.eigendistortions!, 0)))).toBeGreaterThan(0.999);
    e.dispose();
    power.dispose();
  });

  it('gives the Jacobian of Linear as its explicit (circular-padding) weight matrix', async () => {
    const h = 6;
    const w = 5;
    for (const defaultFilters of [false, true]) {
      const model = new Linear([3, 3], { defaultFilters, rng: new Rng(7) });
      const weights = model.weights;
      const n = h * w;
      const expected = new Float32Array(2 * n * n);
      for (let c = 0; c < 2; c++) {
        for (let i = 0; i < h; i++) {
          for (let j = 0; j < w; j++) {
            const row = (c * h + i) * w + j;
            for (let a = 0; a < 3; a++) {
              for (let b = 0; b < 3; b++) {
                const col = ((i + a - 1 + h) % h) * w + ((j + b - 1 + w) % w);
                expected[row * n + col] += weights[c * 9 + a * 3 + b];
              }
            }
          }
        }
      }
      const e = await Eigendistortion.create(randomImage([1, 1, h, w], 2), model, quiet);
      const jac = await e.computeJacobian({ progressBar: false });
      expect(jac.shape).toEqual([2 * n, n]);
      expectClose(await jac.data(), expected, { rtolOfMax: 2e-7, label: `Linear Jacobian (defaultFilters ${defaultFilters})` });
      await e.computeJacobian();
      expect(e.messages).toContain('Jacobian already computed, returning self.jacobian');
      e.dispose();
    }
  });

  it('satisfies <J v, u> = <v, Jᵀ u> on every built-in model, and Fv = Jᵀ(Jv)', async () => {
    const options: Record<string, Record<string, unknown>> = {
      identity: {},
      linear: { defaultFilters: false },
      gaussian: { kernelSize: [5, 5] },
      'center-surround': { kernelSize: [7, 7] },
      'linear-nonlinear': { kernelSize: [7, 7] },
      'luminance-gain-control': { kernelSize: [7, 7] },
      'luminance-contrast-gain-control': { kernelSize: [7, 7] },
      'on-off': { kernelSize: [31, 31], pretrained: true },
      'steerable-pyramid': { imageShape: [16, 16], height: 2 },
      'laplacian-pyramid': { nScales: 2 },
      'portilla-simoncelli': { imageShape: [16, 16], nScales: 2, nOrientations: 2, spatialCorrWidth: 3 },
    };
    expect(Object.keys(options).sort()).toEqual(Object.keys(builtinModels).sort());
    const x = randomImage([1, 1, 16, 16], 11);
    const rng = new Rng(12);
    for (const [name, opts] of Object.entries(options)) {
      const model = builtinModels[name](opts);
      const v = tf.tensor4d(rng.normalArray(2 * 256), [2, 1, 16, 16]);
      const out = await model.forward(x);
      const u = tf.tensor(rng.normalArray(2 * out.size), [2, ...out.shape.slice(1)]);
      const jv = await jacobianVectorProduct(model, x, v);
      const jtu = await vectorJacobianProduct(model, x, u);
      const left = (await tf.sum(tf.mul(jv, u)).data())[0];
      const right = (await tf.sum(tf.mul(v, jtu)).data())[0];
      const scale = Math.sqrt((await tf.sum(tf.square(jv)).data())[0] * (await tf.sum(tf.square(u)).data())[0]);
      expect(Math.abs(left - right), `${name}: <Jv,u> = ${left}, <v,Jᵀu> = ${right}`).toBeLessThan(2e-6 * scale);
      const fv = await fisherVectorProduct(model, x, v, { batch: 1 });
      const jtjv = await vectorJacobianProduct(model, x, jv);
      expectClose(await fv.data(), await jtjv.data(), { rtolOfMax: 1e-5, label: `${name} Fv` });
      tf.dispose([v, out, u, jv, jtu, fv, jtjv]);
    }
  });

  it('matches a central finite difference for the jvp of a nonlinear model', async () => {
    const model = builtinModels['luminance-gain-control']({ kernelSize: [5, 5], pretrained: false });
    const x = randomImage([1, 1, 12, 12], 21);
    const v = tf.tensor4d(new Rng(22).normalArray(144), [1, 1, 12, 12]);
    const jv = await jacobianVectorProduct(model, x, v);
    const eps = 1e-2;
    const plus = await model.forward(tf.add(x, tf.mul(v, eps)) as tf.Tensor4D);
    const minus = await model.forward(tf.sub(x, tf.mul(v, eps)) as tf.Tensor4D);
    const fd = tf.div(tf.sub(plus, minus), 2 * eps);
    expectClose(await jv.data(), await fd.data(), { rtolOfMax: 2e-3, label: 'jvp vs finite difference' });
  });

  it('saves and loads, and refuses a file from another image', async () => {
    const model = scaling([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const image = randomImage([1, 1, 3, 3], 31);
    const e = await Eigendistortion.create(image, model, quiet);
    await e.synthesize({ method: 'power', k: 1, rng: new Rng(1) });
    const bytes = await e.serialize();
    const loaded = await Eigendistortion.create(image, model, quiet);
    await loaded.load(bytes);
    expect(loaded.eigenindex).toEqual([0, 8]);
    expect(Array.from(await loaded.eigenvalues!.data())).toEqual(Array.from(await e.eigenvalues!.data()));
    expect(Array.from(await loaded.eigendistortions!.data())).toEqual(Array.from(await e.eigendistortions!.data()));
    const other = await Eigendistortion.create(randomImage([1, 1, 3, 3], 32), model, quiet);
    await expect(other.load(bytes)).rejects.toThrow(/Saved and initialized image are different/);
    [e, loaded, other].forEach((x) => x.dispose());
  });

  it('maps eigenindex to positions, negative ones counting from the bottom', async () => {
    const model = scaling([1, 2, 3, 4], [1, 1, 2, 2]);
    const e = await Eigendistortion.create(randomImage([1, 1, 2, 2], 1), model, quiet);
    expect(() => e.indexer(0)).toThrow(/No eigendistortions synthesized/);
    await e.synthesize({ method: 'power', k: 1, rng: new Rng(2) });
    expect(e.indexer(0)).toBe(0);
    expect(e.indexer(-1)).toBe(1);
    expect(e.indexer(3)).toBe(1);
    expect(() => e.indexer(1)).toThrow(/eigenindex must be the index of one of the vectors: 1 was not computed \(computed: \[0, 3\]\)/);
    expect(() => e.indexer(4)).toThrow(/out of range/);
    e.dispose();
  });

  it('stops on an AbortSignal and leaks no tensors', async () => {
    const model = scaling([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const e = await Eigendistortion.create(randomImage([1, 1, 3, 3], 3), model, quiet);
    await e.synthesize({ method: 'power', k: 2, maxIter: 5, stopCriterion: -1, rng: new Rng(1) });
    const before = tf.memory().numTensors;
    await e.synthesize({ method: 'power', k: 2, maxIter: 50, stopCriterion: -1, rng: new Rng(1) });
    await e.synthesize({ method: 'randomizedSvd', k: 2, rng: new Rng(1) });
    await e.synthesize({ method: 'power', k: 2, maxIter: 5, stopCriterion: -1, rng: new Rng(1) });
    expect(tf.memory().numTensors).toBe(before);
    const controller = new AbortController();
    await expect(
      e.synthesize({
        method: 'power',
        maxIter: 100,
        stopCriterion: -1,
        signal: controller.signal,
        onProgress: (p) => p.iteration === 3 && controller.abort(),
      }),
    ).rejects.toBeInstanceOf(AbortError);
    e.dispose();
  });
});

describe('displayEigendistortion', () => {
  it('shows clamp(processImage(image + alpha · distortion)) and draws the top/bottom figure', async () => {
    const model = scaling([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const image = randomImage([1, 1, 3, 3], 41);
    const e = await Eigendistortion.create(image, model, quiet);
    await e.synthesize({ method: 'power', k: 1, rng: new Rng(1) });
    const bottom = await imageOf(e.eigendistortions!, 1);
    const pixels = await image.data();
    const shown = await eigendistortionImage(e, { eigenindex: -1, alpha: 0.5, processImage: (x) => tf.mul(x, 2) as tf.Tensor4D }).data();
    const expected = Array.from(pixels, (p, i) => Math.min(1, Math.max(0, 2 * (p + 0.5 * bottom[i]))));
    expectClose(shown, expected, { atol: 1e-6, label: 'displayed image' });
    const figure = await displayEigendistortion(e, { eigenindex: 0, zoom: 4, title: null });
    expect([figure.width, figure.height]).toEqual([12, 12]);
    const both = await plotTopBottomEigendistortions(e, { zoom: 8 });
    expect(both.width).toBeGreaterThan(2 * 24);
    expect(both.height).toBeGreaterThan(2 * 24);
    expect(() => eigendistortionImage(e, { eigenindex: 3 })).toThrow(/eigenindex must be the index of one of the vectors/);
    e.dispose();
  });
});

describe('Eigendistortion bad inputs', () => {
  const model = scaling([1, 2, 3, 4], [1, 1, 2, 2]);
  const image = randomImage([1, 1, 2, 2], 1);
  it('rejects a batch of images', () => {
    expect(() => new Eigendistortion(tf.zeros([2, 1, 2, 2]) as tf.Tensor4D, model)).toThrow(/batch dimension must be 1, got 2/);
  });
  it('rejects an unknown method, k out of range, and maxIter <= 0', async () => {
    const e = await Eigendistortion.create(image, model, quiet);
    await expect(e.synthesize({ method: 'lanczos' as 'power' })).rejects.toThrow(/method must be in \['power', 'exact', 'randomizedSvd'\], got 'lanczos'/);
    await expect(e.synthesize({ k: 5 })).rejects.toThrow(/k=5 is larger than the input dimension n=4/);
    await expect(e.synthesize({ k: 0 })).rejects.toThrow(/k must be a positive integer/);
    await expect(e.synthesize({ maxIter: 0 })).rejects.toThrow(/max_iter must be greater than zero/);
    e.dispose();
  });
  it("refuses 'exact' when the Jacobian would not fit, stating the size and suggesting 'power'", async () => {
    const big = await Eigendistortion.create(tf.zeros([1, 1, 128, 128]) as tf.Tensor4D, modelFromFunction((x) => tf.mul(x, 2)), quiet);
    const { warnings } = await captureWarnings(() =>
      expect(big.synthesize({ method: 'exact' })).rejects.toThrow(/16384×16384 Jacobian .* about \d+\.\d GiB .* Use method='power'/),
    );
    expect(warnings.map((w) => w.message)).toContain("Jacobian > 1e6 elements and may cause out-of-memory. Use method =  {'power', 'randomized_svd'}.");
    big.dispose();
  });
  it('rejects a model whose output is not 3-D or 4-D', async () => {
    await expect(Eigendistortion.create(image, modelFromFunction((x) => tf.reshape(x, [-1])), quiet)).rejects.toThrow(/three- or four-dimensional/);
  });
});

describeFixtures('Eigendistortion vs plenoptic fixtures', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  const gaussianCase = 'Gaussian_k11_std3_einstein32';
  it('Gaussian 32×32 exact: top-20 eigenvalues within 1e-4 relative, top eigendistortions |cos| >= 0.99', async () => {
    const image = fixtureTensor('eigendistortion', gaussianCase, 'image.npy') as tf.Tensor4D;
    const reference = await fixtureTensor('eigendistortion', gaussianCase, 'exact_eigenvalues.npy').data();
    const referenceTop = fixtureTensor('eigendistortion', gaussianCase, 'exact_eigendistortions_top4.npy');
    const e = await Eigendistortion.create(image, new Gaussian([11, 11], { std: 3 }), quiet);
    await e.synthesize({ method: 'exact' });
    const values = await e.eigenvalues!.data();
    expect(values.length).toBe(1024);
    for (let i = 0; i < 20; i++) expect(Math.abs(values[i] - reference[i]) / reference[i], `eigenvalue ${i}`).toBeLessThan(1e-4);
    expect(e.eigendistortions!.shape).toEqual([1024, 1, 32, 32]);
    // 0 and 3 are isolated; 1 and 2 are a degenerate pair, compared as a subspace
    for (const j of [0, 3]) {
      expect(Math.abs(cosine(await imageOf(e.eigendistortions!, j), await imageOf(referenceTop, j))), `vector ${j}`).toBeGreaterThanOrEqual(0.99);
    }
    const [r1, r2] = [await imageOf(referenceTop, 1), await imageOf(referenceTop, 2)];
    for (const j of [1, 2]) {
      const v = await imageOf(e.eigendistortions!, j);
      expect(Math.hypot(cosine(v, r1), cosine(v, r2)), `vector ${j} in the reference pair's span`).toBeGreaterThanOrEqual(0.99);
    }
    e.dispose();
  });

  it('Gaussian 32×32 power (k=2): top eigenvalues within 1e-3 of exact', async () => {
    const image = fixtureTensor('eigendistortion', gaussianCase, 'image.npy') as tf.Tensor4D;
    const reference = await fixtureTensor('eigendistortion', gaussianCase, 'exact_eigenvalues.npy').data();
    const referenceTop = fixtureTensor('eigendistortion', gaussianCase, 'exact_eigendistortions_top4.npy');
    const e = await Eigendistortion.create(image, new Gaussian([11, 11], { std: 3 }), quiet);
    await e.synthesize({ method: 'power', k: 2, maxIter: 250, rng: new Rng(0) });
    const values = await e.eigenvalues!.data();
    expect(e.eigenindex).toEqual([0, 1, 1022, 1023]);
    for (let i = 0; i < 2; i++) expect(Math.abs(values[i] - reference[i]) / reference[i], `eigenvalue ${i}`).toBeLessThan(1e-3);
    expect(e.messages).toContain('Top k=2 eigendists computed | Stop criterion 1.00E-07 reached.');
    // the bottom does not converge in 250 iterations (nor in plenoptic's 1000), but it is far below the top
    expect(Math.max(values[2], values[3])).toBeLessThan(0.05 * values[0]);
    expect(Math.abs(cosine(await imageOf(e.eigendistortions!, 0), await imageOf(referenceTop, 0)))).toBeGreaterThanOrEqual(0.99);
    e.dispose();
  });

  const onOffCase = 'OnOff_pretrained_einstein48';
  it('OnOff 48×48 power (k=2): top eigenvalues within 1e-3 of exact, top eigendistortion |cos| >= 0.99', async () => {
    const image = fixtureTensor('eigendistortion', onOffCase, 'image.npy') as tf.Tensor4D;
    const reference = await fixtureTensor('eigendistortion', onOffCase, 'exact_eigenvalues.npy').data();
    const referenceTop = fixtureTensor('eigendistortion', onOffCase, 'exact_eigendistortions_top4.npy');
    const e = await Eigendistortion.create(image, new OnOff([31, 31], { pretrained: true }), quiet);
    await e.synthesize({ method: 'power', k: 2, maxIter: 100, rng: new Rng(0) });
    const values = await e.eigenvalues!.data();
    for (let i = 0; i < 2; i++) expect(Math.abs(values[i] - reference[i]) / reference[i], `eigenvalue ${i}`).toBeLessThan(1e-3);
    expect(Math.abs(cosine(await imageOf(e.eigendistortions!, 0), await imageOf(referenceTop, 0)))).toBeGreaterThanOrEqual(0.99);
    e.dispose();
  });
});
