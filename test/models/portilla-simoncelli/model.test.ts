import { expect, it } from 'vitest';
import { tf } from '../../../runtime/tf.js';
import { useBackend } from '../../../runtime/backend.js';
import { Rng, randUniform } from '../../../runtime/rng.js';
import { ValueError } from '../../../runtime/errors.js';
import { validateCoarseToFine } from '../../../runtime/validate.js';
import { captureWarnings } from '../../../runtime/warnings.js';
import { PortillaSimoncelli } from '../../../models/portilla-simoncelli/model.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { describeFixtures, fixtureTensor, readFixtureJson } from '../../helpers/fixtures.js';
import { expectClose } from '../../helpers/compare.js';

const caseName = 'reptile_skin_s4_o4_w9';

describeFixtures('PortillaSimoncelli against plenoptic 1.1.0 (reptile_skin, 256², 4 scales, 4 orientations, M = 9)', () => {
  // The statistics are computed by the same float64 JavaScript kernel on every backend, so the 256² reference
  // runs on both cpu and wasm (about a second per forward + backward).
  describeEachBackend('fixture', () => {
    it('the representation vector is within 1e-4 of its max of plenoptic’s, same length and order', async () => {
      const model = new PortillaSimoncelli([256, 256]);
      const image = fixtureTensor('images', 'reptile_skin.npy') as tf.Tensor4D;
      const expected = fixtureTensor('ps', caseName, 'rep.npy');
      const rep = await model.forward(image);
      expect(rep.shape).toEqual(readFixtureJson('ps', 'ps.json')[caseName].rep_shape);
      const err = expectClose(await rep.data(), await expected.data(), { rtolOfMax: 1e-4, label: 'representation' });
      // Measured: 4.3e-6 absolute (5e-7 of the max); float32 rounding in plenoptic's own pipeline.
      expect(err).toBeLessThan(1e-5);
      tf.dispose([image, expected, rep]);
    });

    it('the gradient of 0.5·Σrep² is within 1e-3 of its max of plenoptic’s', async () => {
      const model = new PortillaSimoncelli([256, 256]);
      const image = fixtureTensor('images', 'reptile_skin.npy') as tf.Tensor4D;
      const expected = fixtureTensor('ps', caseName, 'grad_half_sumsq.npy');
      const before = tf.memory().numTensors;
      const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.mul(0.5, tf.sum(tf.square(model.tfjsForward(x as tf.Tensor4D)))))(image));
      expect(tf.memory().numTensors).toBe(before + 1);
      const err = expectClose(await grad.data(), await expected.data(), { rtolOfMax: 1e-3, label: 'gradient' });
      // Measured: 1.7e-6 absolute (1.5e-6 of the max).
      expect(err).toBeLessThan(2e-5);
      tf.dispose([image, expected, grad]);
    });
  });
});

describeEachBackend('PortillaSimoncelli', (backend) => {
  const rng = new Rng(21);
  // 64² is the smallest image 3 scales with a 5×5 window allow; with non-square and batch > 1 it covers the paths
  // the fixture does not.
  const small = () => new PortillaSimoncelli([64, 96], { nScales: 3, nOrientations: 3, spatialCorrWidth: 5 });

  it('forward with a subset of scales returns exactly those statistics, coarse-to-fine order of model.scales', async () => {
    const model = new PortillaSimoncelli([256, 256]);
    expect(model.scales).toEqual(['pixel_statistics', 'residual_lowpass', 3, 2, 1, 0, 'residual_highpass']);
    const x = randUniform([1, 1, 256, 256], rng) as tf.Tensor4D;
    const full = await model.forward(x);
    const values = await full.data();
    const finest = await model.forward(x, { scales: [0] });
    expect(finest.shape).toEqual([1, 1, 261]);
    const pick = (scales: Array<string | number>) => model.representationScales.flatMap((s, i) => (scales.includes(s) ? [values[i]] : []));
    expect(Array.from(await finest.data())).toEqual(pick([0]));
    for (const scales of [['residual_lowpass'], ['pixel_statistics', 'residual_highpass'], [2, 'residual_lowpass']]) {
      expect(Array.from(await model.removeScales(full, scales).data())).toEqual(pick(scales));
    }
    expect(model.removeScales(full, ['residual_lowpass']).shape).toEqual([1, 1, 43]);
    // The gradient flows through the selection (a matmul) on every backend.
    const g = await model.vjp(x, tf.onesLike(finest), { scales: [0] });
    expect(g.shape).toEqual([1, 1, 256, 256]);
    await expect(model.forward(x, { scales: [4] })).rejects.toThrow(/scales must be drawn from model.scales/);
  });

  it('passes validateCoarseToFine (every single scale and every leave-one-out subset changes the output)', async () => {
    const model = small();
    const { warnings } = await captureWarnings(() => validateCoarseToFine(model, { imageShape: [1, 1, 64, 96] }));
    expect(warnings.map((w) => w.message)).toEqual(['Validating whether model can work with coarse-to-fine synthesis -- this can take a while!']);
  });

  it('batches and channels are independent images; non-square sizes work', async () => {
    const model = small();
    const x = randUniform([2, 2, 64, 96], rng) as tf.Tensor4D;
    const rep = await model.forward(x);
    expect(rep.shape).toEqual([2, 2, model.layout.nStats]);
    const one = await model.forward(tf.slice(x, [1, 0, 0, 0], [1, 1, 64, 96]) as tf.Tensor4D);
    expectClose(await tf.slice(rep, [1, 0, 0], [1, 1, -1]).data(), await one.data(), { atol: 0, label: 'batch 1 channel 0' });
    // An even auto-correlation width keeps the window's first row too: 1025 statistics for (4, 4, 8).
    const even = await new PortillaSimoncelli([128, 128], { spatialCorrWidth: 8 }).forward(randUniform([1, 1, 128, 128], rng) as tf.Tensor4D);
    expect(even.shape).toEqual([1, 1, 1025]);
    expect(Array.from(await even.data()).every(Number.isFinite)).toBe(true);
  });

  it('vjp is the adjoint of jvp: ⟨u, J v⟩ = ⟨Jᵀ u, v⟩, with J·v by a float64 finite difference', async () => {
    const model = small();
    const x = tf.add(tf.mul(randUniform([1, 1, 64, 96], rng), 0.5), 0.25) as tf.Tensor4D;
    const v = tf.sub(randUniform([1, 1, 64, 96], rng), 0.5) as tf.Tensor4D;
    const u = tf.sub(randUniform([1, 1, model.layout.nStats], rng), 0.5);
    const jv = await model.jvp(x, v);
    const jtu = await model.vjp(x, u);
    const lhs = (await tf.sum(tf.mul(u, jv)).data())[0];
    const rhs = (await tf.sum(tf.mul(jtu, v)).data())[0];
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.abs(lhs));
  });

  it('gives the same numbers on cpu and wasm (one JavaScript kernel)', async () => {
    const model = small();
    const data = randUniform([1, 1, 64, 96], rng);
    const values = await data.data();
    const results: Float32Array[] = [];
    for (const other of ['cpu', 'wasm']) {
      await useBackend(other);
      const x = tf.tensor4d(values, [1, 1, 64, 96]);
      const grad = tf.grad((xx: tf.Tensor) => tf.sum(tf.square(model.tfjsForward(xx as tf.Tensor4D))))(x);
      results.push(Float32Array.of(...(await model.forward(x)).dataSync(), ...grad.dataSync()));
    }
    await useBackend(backend);
    expect(Array.from(results[0])).toEqual(Array.from(results[1]));
  });

  it('convertToDict, removeScales and plotRepresentationData work on the model’s output', async () => {
    const model = small();
    const rep = await model.forward(randUniform([1, 1, 64, 96], rng) as tf.Tensor4D);
    const dict = model.convertToDict(rep);
    expect(Object.keys(dict)).toEqual(model.layout.groups.map((g) => g.key));
    expect(dict.auto_correlation_magnitude!.shape).toEqual([1, 1, 5, 5, 3, 3]);
    expect(Array.from(await model.convertToTensor(dict).data())).toEqual(Array.from(await rep.data()));
    expect((await model.removeScales(rep, [0]).data()).length).toBe(model.representationScales.filter((s) => s === 0).length);
    const plot = model.plotRepresentationData(rep);
    expect(plot.panels.length).toBe(8);
    expect(() => model.convertToDict(model.removeScales(rep, [0]))).toThrow(/wrong length/);
  });

  it('rejects inputs it cannot take, naming the problem and the fix', async () => {
    expect(() => new PortillaSimoncelli([250, 256])).toThrow(ValueError);
    expect(() => new PortillaSimoncelli([250, 256])).toThrow(/divided by 2 `n_scales` times.*multiples of 2\^4 = 16 \(e\.g\. 256×256\)/s);
    expect(() => new PortillaSimoncelli([128, 128])).toThrow(/coarsest scale would be 8×8.*at least 144×144.*e\.g\. 144×144/s);
    expect(() => new PortillaSimoncelli([128, 128], { spatialCorrWidth: 7 })).not.toThrow();
    expect(() => new PortillaSimoncelli([64, 64], { nOrientations: 1 })).toThrow(/n_orientations must be an integer in \[2, 16\]/);
    expect(() => new PortillaSimoncelli([64])).toThrow(/image_shape must be \[height, width\]/);
    const model = small();
    expect(() => model.tfjsForward(tf.zeros([64, 96]) as unknown as tf.Tensor4D)).toThrow(/must be \[n_batch, n_channels, im_height, im_width\]/);
    expect(() => model.tfjsForward(tf.zeros([1, 1, 64, 64]) as tf.Tensor4D)).toThrow(/does not match image_shape.*PortillaSimoncelli\(\[64, 64\]\)/);
  });
});
