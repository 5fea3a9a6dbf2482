import { expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { AbortError, ValueError } from '../../runtime/errors.js';
import { Rng } from '../../runtime/rng.js';
import { compareLayers } from '../../adapters/compare-layers.js';
import { plotLayerComparison } from '../../adapters/compare-layers-figure.js';
import { loadOnnxModel } from '../../adapters/onnx-model.js';
import { Eigendistortion } from '../../synth/eigendistortion.js';
import { Metamer } from '../../synth/metamer.js';
import { Adam } from '../../synth/optimizers/adam.js';
import { describeEachBackend } from '../helpers/backends.js';
import { describeFixtures, fixturePath } from '../helpers/fixtures.js';

function rgbImage(size: number, seed: number): tf.Tensor4D {
  return tf.tensor4d(new Rng(seed).uniformArray(3 * size * size), [1, 3, size, size]);
}

describeFixtures('compareLayers', () => {
  const tiny = fixturePath('onnx', 'tiny_mixed.onnx');
  const vgg = fixturePath('onnx', 'vgg16_features10.onnx');

  describeEachBackend('eigendistortions at two layers of tiny_mixed', () => {
    it('gives, per layer and in order, what Eigendistortion gives on the tapped network, and releases its tensors', async () => {
      const image = rgbImage(16, 1);
      const before = tf.memory().numTensors;
      const seen: string[] = [];
      const comparison = await compareLayers(tiny, {
        method: 'eigendistortion',
        layers: ['conv1', '/Div'],
        image,
        k: 1,
        maxIter: 3,
        seed: 7,
        load: { executor: 'tfjs' },
        onProgress: (layer) => {
          if (!seen.includes(layer)) seen.push(layer);
        },
      });
      expect(seen).toEqual(['conv1', '/Div']);
      expect(comparison.rows.map((r) => r.layer)).toEqual(['conv1', '/Div']);
      for (const row of comparison.rows) {
        const model = await loadOnnxModel(tiny, { output: row.layer, executor: 'tfjs' });
        const representation = await model.forward(image);
        expect(row.outputShape).toEqual(representation.shape);
        representation.dispose();
        const e = await Eigendistortion.create(image, model, { verbose: false });
        await e.synthesize({ k: 1, maxIter: 3, rng: new Rng(7), progressBar: false });
        expect(row.summary).toEqual({ eigenindex: e.eigenindex, eigenvalues: Array.from(await e.eigenvalues!.data()) });
        const top = tf.slice(e.eigendistortions!, [0, 0, 0, 0], [1, -1, -1, -1]);
        const bottom = tf.slice(e.eigendistortions!, [1, 0, 0, 0], [1, -1, -1, -1]);
        expect(Array.from(await row.images.top.data())).toEqual(Array.from(await top.data()));
        expect(Array.from(await row.images.bottom.data())).toEqual(Array.from(await bottom.data()));
        tf.dispose([top, bottom]);
        e.dispose();
        model.dispose();
      }
      const figure = await plotLayerComparison(comparison);
      // the image row and one row per layer, each at least one zoomed 16-pixel image high
      expect(figure.height).toBeGreaterThan(3 * 16 * 8);
      comparison.dispose();
      expect(tf.memory().numTensors).toBe(before);
      image.dispose();
    });
  });

  it('metamers at two layers of VGG16 (gray image repeated over RGB): the losses Metamer reaches at each layer', async () => {
    const image = tf.tensor4d(new Rng(2).uniformArray(16 * 16), [1, 1, 16, 16]);
    const comparison = await compareLayers(vgg, {
      method: 'metamer',
      layers: ['3', '8'],
      image,
      maxIter: 3,
      stopCriterion: -1,
      seed: 5,
      load: { grayToRgb: true },
    });
    for (const row of comparison.rows) {
      const model = await loadOnnxModel(vgg, { output: row.layer, grayToRgb: true });
      const metamer = new Metamer(image, model, { rng: new Rng(5) });
      await metamer.synthesize({ maxIter: 3, optimizer: new Adam({ lr: 0.01, amsgrad: true }), stopCriterion: -1, progressBar: false });
      expect(row.summary).toMatchObject({ losses: metamer.losses, iterations: 3, finalLoss: metamer.losses[2] });
      expect(Array.from(await row.images.metamer.data())).toEqual(Array.from(await metamer.metamer.data()));
      metamer.dispose();
      model.dispose();
    }
    expect(comparison.rows[0].outputShape).toEqual([1, 64, 16, 16]);
    expect(comparison.rows[1].outputShape).toEqual([1, 128, 8, 8]);
    const figure = await plotLayerComparison(comparison);
    expect(figure.width).toBeGreaterThan(360);
    comparison.dispose();
    image.dispose();
  });

  it('checks every layer name before synthesizing anything, and stops on abort without leaking', async () => {
    const image = rgbImage(16, 3);
    let progressed = false;
    const onProgress = () => (progressed = true);
    const base = { method: 'eigendistortion' as const, image, maxIter: 2, onProgress, load: { executor: 'tfjs' as const } };
    await expect(compareLayers(tiny, { ...base, layers: ['conv1', 'conv9'] })).rejects.toThrow(/Unknown layer 'conv9'. Close matches: .*conv1/);
    expect(progressed).toBe(false);
    await expect(compareLayers(tiny, { ...base, layers: ['conv1', 'conv1'] })).rejects.toThrow(/listed twice/);
    await expect(compareLayers(tiny, { ...base, layers: [] })).rejects.toThrow(ValueError);
    await expect(compareLayers(tiny, { ...base, layers: ['conv1'], image: tf.zeros([2, 3, 16, 16]) as tf.Tensor4D })).rejects.toThrow(/one image as a \[1, C, H, W\] tensor/);
    await expect(compareLayers(tiny, { ...base, method: 'mad' as 'metamer', layers: ['conv1'] })).rejects.toThrow(/method must be 'eigendistortion' or 'metamer'/);

    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const aborted = compareLayers(tiny, { ...base, layers: ['conv1', 'conv3'], maxIter: 50, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(aborted).rejects.toThrow(AbortError);
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  });
});
