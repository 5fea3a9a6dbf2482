import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Rng } from '../../runtime/rng.js';
import { AbortError } from '../../runtime/errors.js';
import { metricFromFunction } from '../../runtime/metric.js';
import { MADCompetition } from '../../synth/mad-competition.js';
import { madCompetitionAll, madSetKeys, type MADSet, type MADSetKey } from '../../synth/mad-all.js';
import { madImageAllPanels, madImagePanel, madLossAllAxes, madLossAxes } from '../../synth/mad-figure-data.js';
import { Adam } from '../../synth/optimizers/adam.js';
import { describeEachBackend } from '../helpers/backends.js';

const meanAbs = metricFromFunction((a, b) => tf.mean(tf.abs(tf.sub(a, b))), 'meanAbs');
const meanSquare = metricFromFunction((a, b) => tf.mean(tf.squaredDifference(a, b)), 'meanSquare');

function testImage(size = 8, seed = 3): tf.Tensor4D {
  const u = new Rng(seed).uniformArray(size * size).map((v) => 0.2 + 0.6 * v);
  return tf.tensor(u, [1, 1, size, size], 'float32') as tf.Tensor4D;
}

const dispose = (set: MADSet) => Object.values(set).forEach((m) => m.dispose());

describeEachBackend('madCompetitionAll', () => {
  it('runs the four syntheses from one initial image with shared options', async () => {
    const image = testImage();
    let optimizers = 0;
    const progress: MADSetKey[] = [];
    const set = await madCompetitionAll(image, meanAbs, meanSquare, {
      seed: 4,
      metricTradeoffLambda: { metric1Max: 300 },
      initialNoise: 0.05,
      maxIter: 6,
      stopCriterion: -1,
      storeProgress: 2,
      optimizer: () => (optimizers++, new Adam({ lr: 0.005 })),
      onProgress: (key) => progress.push(key),
      progressBar: false,
    });
    expect(optimizers).toBe(4);
    expect(progress.filter((k) => k === 'metric2Max').length).toBe(6);
    const first = Array.from(await set.metric1Min.initialImage.data());
    const roles: Record<MADSetKey, [string, string, string]> = {
      metric1Min: ['meanAbs', 'meanSquare', 'min'],
      metric2Min: ['meanSquare', 'meanAbs', 'min'],
      metric1Max: ['meanAbs', 'meanSquare', 'max'],
      metric2Max: ['meanSquare', 'meanAbs', 'max'],
    };
    for (const key of madSetKeys) {
      const mad = set[key];
      expect([mad.optimizedMetric.name, mad.referenceMetric.name, mad.minmax], key).toEqual(roles[key]);
      expect(Array.from(await mad.initialImage.data()), key).toEqual(first);
      expect(mad.losses.length).toBe(6);
      expect(mad.savedMadImageCount).toBe(3);
      expect(mad.optimizer?.learningRate).toBe(0.005);
    }
    expect(set.metric1Max.metricTradeoffLambda).toBe(300);
    // the others picked λ automatically: meanAbs/meanSquare ≈ 0.04/0.0025 → 10, and the inverse → 0.1
    expect(set.metric1Min.metricTradeoffLambda).toBe(10);
    expect(set.metric2Min.metricTradeoffLambda).toBe(Math.fround(0.1));
    // the noise is 0.05·N(0, 1), the same for all
    const d = first.map((v, i) => v - (image.dataSync()[i] as number));
    const std = Math.sqrt(d.reduce((s, v) => s + v * v, 0) / d.length);
    expect(std).toBeGreaterThan(0.03);
    expect(std).toBeLessThan(0.07);
    dispose(set);
    image.dispose();
  });

  it('releases what it built when a synthesis fails or is aborted', async () => {
    const image = testImage();
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    await expect(
      madCompetitionAll(image, meanAbs, meanSquare, {
        metricTradeoffLambda: 1,
        maxIter: 5,
        signal: controller.signal,
        onProgress: (key, p) => key === 'metric2Min' && p.iteration === 2 && controller.abort(),
        progressBar: false,
      }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  });
});

describe('MAD figure data', () => {
  const image = testImage();
  let set: MADSet;
  beforeAll(async () => {
    set = await madCompetitionAll(image, meanAbs, meanSquare, { seed: 1, metricTradeoffLambda: 5, maxIter: 4, stopCriterion: -1, storeProgress: 1, progressBar: false });
  });
  afterAll(() => dispose(set));

  it('lays out display_mad_image_all: reference, initial, then min/max of each metric', async () => {
    const panels = await madImageAllPanels(set);
    expect(panels.map((p) => p.title)).toEqual([
      'Reference image',
      'Initial (noisy) image',
      'Minimize meanAbs',
      'Maximize meanAbs',
      'Minimize meanSquare',
      'Maximize meanSquare',
    ]);
    const sources = [image, set.metric1Min.initialImage, set.metric1Min.madImage, set.metric1Max.madImage, set.metric2Min.madImage, set.metric2Max.madImage];
    for (let i = 0; i < panels.length; i++) expect(Array.from(await panels[i].image.data()), panels[i].title).toEqual(Array.from(await sources[i].data()));
    panels.forEach((p) => p.image.dispose());
    const named = await madImageAllPanels(set, { metric1Name: 'L1', metric2Name: 'MSE' });
    expect(named[5].title).toBe('Maximize MSE');
    named.forEach((p) => p.image.dispose());
  });

  it('splits plot_loss_all by metric: metric 2 on the left, metric 1 on the right', async () => {
    const [left, right] = await madLossAllAxes(set, { metric2Name: 'MSE' });
    expect([left.title, right.title]).toEqual(['MSE', 'meanAbs']);
    expect(left.lines.map((l) => [l.label, l.color, l.linestyle])).toEqual([
      ['Minimize meanAbs', 'C0', '--'],
      ['Maximize meanAbs', 'C0', '-'],
      ['Minimize MSE', 'C1', '--'],
      ['Maximize MSE', 'C1', '-'],
    ]);
    // each axis shows one metric's values: as the reference of one pair of syntheses, as the optimized of the other
    expect(left.lines.map((l) => l.values)).toEqual([
      set.metric1Min.referenceMetricLoss,
      set.metric1Max.referenceMetricLoss,
      set.metric2Min.optimizedMetricLoss,
      set.metric2Max.optimizedMetricLoss,
    ]);
    expect(right.lines.map((l) => l.values)).toEqual([
      set.metric1Min.optimizedMetricLoss,
      set.metric1Max.optimizedMetricLoss,
      set.metric2Min.referenceMetricLoss,
      set.metric2Max.referenceMetricLoss,
    ]);
    // plenoptic's red dot sits at index len(losses) − 1
    expect(right.markers[0]).toEqual({ x: 3, y: set.metric1Min.optimizedMetricLoss[3] });
  });

  it('gives plot_loss its two axes and display_mad_image its stored images', async () => {
    const [reference, optimized] = madLossAxes(set.metric2Max, { iteration: -2 });
    expect([reference.ylabel, optimized.ylabel, optimized.xlabel]).toEqual(['Reference metric loss', 'Optimized metric loss', 'Synthesis iteration']);
    expect(reference.markers).toEqual([{ x: 2, y: set.metric2Max.referenceMetricLoss[2] }]);
    const stored = madImagePanel(set.metric1Max, { iteration: -1 });
    const all = set.metric1Max.savedMadImage;
    expect(Array.from(await stored.image.data())).toEqual(Array.from(await all.slice([3], [1]).data()));
    tf.dispose([stored.image, all]);
    expect(() => madImagePanel(set.metric1Max, { iteration: 9 })).toThrow(/iteration 9 is out of range: 4 MAD images were stored/);
  });

  it('refuses sets whose syntheses have different images', async () => {
    const other = await MADCompetition.create(testImage(8, 77), meanAbs, meanSquare, { minmax: 'max', metricTradeoffLambda: 1 });
    const mixed = { ...set, metric2Max: other };
    await expect(madImageAllPanels(mixed)).rejects.toThrow('All four instances of MADCompetition must have same image!');
    await expect(madLossAllAxes(mixed)).rejects.toThrow('All four instances of MADCompetition must have same image!');
    other.dispose();
  });

  it('refuses an iteration when progress was not stored', async () => {
    const mad = await MADCompetition.create(image, meanAbs, meanSquare, { minmax: 'min', metricTradeoffLambda: 1 });
    await mad.synthesize({ maxIter: 2, progressBar: false });
    expect(() => madImagePanel(mad, { iteration: 0 })).toThrow(/store_progress=False, cannot specify which iteration/);
    mad.dispose();
  });
});
