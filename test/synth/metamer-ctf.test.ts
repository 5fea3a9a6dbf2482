import { describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { modelFromFunction, type ForwardOptions, type Scale } from '../../runtime/model.js';
import { Rng } from '../../runtime/rng.js';
import { captureWarnings } from '../../runtime/warnings.js';
import { MetamerCTF } from '../../synth/metamer-ctf.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/compare.js';

// A three-scale model: 4x4, 2x2 and 1x1 block means of the image, flattened into B x C x N in scale order.
const scaleFactors: Record<string, number> = { coarse: 4, mid: 2, fine: 1 };
const threeScales = modelFromFunction(
  (x: tf.Tensor4D, options?: ForwardOptions) => {
    const wanted = options?.scales ?? ['coarse', 'mid', 'fine'];
    const [b, c, h, w] = x.shape;
    const parts = (['coarse', 'mid', 'fine'] as Scale[])
      .filter((s) => wanted.includes(s))
      .map((s) => {
        const f = scaleFactors[s as string];
        const nhwc = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
        const pooled = f === 1 ? nhwc : tf.avgPool(nhwc, f, f, 'valid');
        return tf.reshape(tf.transpose(pooled, [0, 3, 1, 2]), [b, c, (h / f) * (w / f)]);
      });
    return tf.concat(parts, 2);
  },
  { name: 'three-scales', scales: ['coarse', 'mid', 'fine'] },
);

function image(): tf.Tensor4D {
  return tf.tensor(new Rng(8).uniformArray(64), [1, 1, 8, 8]) as tf.Tensor4D;
}

describeEachBackend('MetamerCTF', () => {
  it("'together' walks the scales on plenoptic's schedule and ends on 'all'", async () => {
    const met = new MetamerCTF(image(), threeScales, { rng: new Rng(2) });
    const { warnings } = await captureWarnings(() =>
      met.synthesize({ maxIter: 16, changeScaleCriterion: null, ctfItersToCheck: 5, stopCriterion: -1, progressBar: false }),
    );
    expect(warnings.map((w) => w.message)).toContain('Validating whether model can work with coarse-to-fine synthesis -- this can take a while!');
    expect(met.scales).toEqual(['all']);
    expect(met.scalesFinished).toEqual(['coarse', 'mid']);
    expect(met.scalesTiming).toEqual({ coarse: [0, 4], mid: [5, 9], all: [10] });
    expect(met.scalesLoss.length).toBe(16);
    expect(met.losses.length).toBe(16);
    // on 'all' the scale loss is the full loss
    expectClose(met.scalesLoss.slice(10), met.losses.slice(10), { atol: 1e-7, label: 'all-scale losses' });
    // on 'coarse' the full loss is larger than the coarse-only loss
    expect(met.losses[2]).toBeGreaterThan(met.scalesLoss[2]);
    expect(met.losses[15]).toBeLessThan(met.losses[0]);
    met.dispose();
  });

  it("'separate' visits every scale, and a saved run resumes on the same schedule", async () => {
    const whole = new MetamerCTF(image(), threeScales, { coarseToFine: 'separate', rng: new Rng(3) });
    const opts = { changeScaleCriterion: null, ctfItersToCheck: 3, stopCriterion: -1, progressBar: false } as const;
    await whole.synthesize({ ...opts, maxIter: 14 });
    expect(whole.scalesFinished).toEqual(['coarse', 'mid', 'fine']);
    const part = new MetamerCTF(image(), threeScales, { coarseToFine: 'separate', rng: new Rng(3) });
    await part.synthesize({ ...opts, maxIter: 5 });
    const resumed = new MetamerCTF(image(), threeScales, { coarseToFine: 'separate', rng: new Rng(77) });
    await resumed.load(await part.serialize());
    await resumed.synthesize({ ...opts, maxIter: 9 });
    expect(resumed.scalesTiming).toEqual(whole.scalesTiming);
    expectClose(resumed.losses, whole.losses, { atol: 1e-6, label: 'losses' });
    [whole, part, resumed].forEach((m) => m.dispose());
  });
});

describe('MetamerCTF bad inputs', () => {
  it('rejects an unknown coarseToFine mode', () => {
    expect(() => new MetamerCTF(image(), threeScales, { coarseToFine: 'sideways' as 'together' })).toThrow(
      "Don't know how to handle value sideways! Must be one of: 'separate', 'together'",
    );
  });
  it('rejects a model without scales', async () => {
    const plain = modelFromFunction((x) => tf.mul(x, 2));
    await expect(MetamerCTF.create(image(), plain)).rejects.toThrow('model has no scales attribute');
  });
  it('rejects a model that ignores the scales option', async () => {
    const ignoring = modelFromFunction((x) => tf.mul(x, 2), { scales: ['a', 'b'] });
    await expect(MetamerCTF.create(image(), ignoring)).rejects.toThrow(/doesn't change shape when scales keyword arg is set/);
  });
  it('rejects stopCriterion >= changeScaleCriterion', async () => {
    const met = new MetamerCTF(image(), threeScales);
    await expect(met.synthesize({ stopCriterion: 0.1, changeScaleCriterion: 0.01, progressBar: false })).rejects.toThrow(
      'stop_criterion must be strictly less than change_scale_criterion',
    );
    met.dispose();
  });
});
