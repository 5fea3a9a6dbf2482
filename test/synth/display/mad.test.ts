import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../runtime/tf.js';
import { Rng } from '../../../runtime/rng.js';
import { metricFromFunction } from '../../../runtime/metric.js';
import { MADCompetition } from '../../../synth/mad-competition.js';
import { madCompetitionAll, type MADSet } from '../../../synth/mad-all.js';
import {
  animateMad,
  displayMadImage,
  displayMadImageAll,
  plotMadLoss,
  plotMadLossAll,
  plotMadPixelValues,
  plotMadSynthesisStatus,
} from '../../../synth/display/mad.js';
import type { Figure } from '../../../display/figure.js';
import { decodeGif } from '../../display/gif-decoder.js';

const meanAbs = metricFromFunction((a, b) => tf.mean(tf.abs(tf.sub(a, b))), 'meanAbs');
const meanSquare = metricFromFunction((a, b) => tf.mean(tf.squaredDifference(a, b)), 'meanSquare');

/** Fraction of pixels that are not white: a drawn figure has some ink, and not everywhere. */
function ink(figure: Figure): number {
  let dark = 0;
  const n = figure.width * figure.height;
  for (let p = 0; p < n; p++) if (figure.rgba[4 * p] < 250 || figure.rgba[4 * p + 1] < 250 || figure.rgba[4 * p + 2] < 250) dark++;
  return dark / n;
}

describe('MAD figures', () => {
  let set: MADSet;
  beforeAll(async () => {
    const u = new Rng(2).uniformArray(16 * 16).map((v) => 0.2 + 0.6 * v);
    const image = tf.tensor(u, [1, 1, 16, 16], 'float32') as tf.Tensor4D;
    set = await madCompetitionAll(image, meanAbs, meanSquare, { seed: 3, metricTradeoffLambda: 10, maxIter: 6, stopCriterion: -1, storeProgress: 2, progressBar: false });
    image.dispose();
  });
  afterAll(() => Object.values(set).forEach((m) => m.dispose()));

  it('draws display_mad_image at the requested zoom, current or stored', async () => {
    const now = await displayMadImage(set.metric1Min, { zoom: 4 });
    const stored = await displayMadImage(set.metric1Min, { zoom: 4, iteration: 0 });
    expect(now.width).toBeGreaterThanOrEqual(64);
    expect(stored.width).toBe(now.width);
    expect(ink(now)).toBeGreaterThan(0.3);
  });

  it('draws plot_loss, plot_pixel_values and plot_synthesis_status', async () => {
    const loss = plotMadLoss(set.metric2Max, { width: 600, height: 300 });
    expect([loss.width, loss.height]).toEqual([600, 300]);
    expect(ink(loss)).toBeGreaterThan(0.01);
    const hist = await plotMadPixelValues(set.metric2Max);
    expect(hist.svg).toContain('MAD image');
    expect(hist.svg).toContain('Reference image');
    const status = await plotMadSynthesisStatus(set.metric2Max, { iteration: -1, panelSize: 200 });
    // widths 1 : 2 : 1 by default
    expect(status.width).toBeGreaterThan(800);
    const narrow = await plotMadSynthesisStatus(set.metric2Max, { includedPlots: ['plot_loss'], panelSize: 200 });
    expect(narrow.width).toBeLessThan(status.width / 1.5);
  });

  it('lays out the four-image figure as 3 rows × 2 columns and the two-axis loss figure', async () => {
    const grid = await displayMadImageAll(set, { zoom: 2 });
    const single = await displayMadImage(set.metric1Min, { zoom: 2, title: 'Minimize meanAbs' });
    expect(grid.width).toBeGreaterThanOrEqual(2 * 32);
    expect(grid.width).toBeLessThan(3 * single.width);
    expect(grid.height).toBeGreaterThan(2.5 * single.height);
    const losses = await plotMadLossAll(set, { width: 800, height: 300 });
    expect([losses.width, losses.height]).toEqual([800, 300]);
  });

  it('animates the stored progress as a GIF', async () => {
    const gif = await animateMad(set.metric1Max, { panelSize: 150 });
    expect(new TextDecoder().decode(gif.subarray(0, 6))).toBe('GIF89a');
    // one frame per stored MAD image: 6 iterations stored every 2
    expect(decodeGif(gif).frames.length).toBe(3);
  });

  it('rejects unknown panels and iterations without stored progress', async () => {
    await expect(plotMadSynthesisStatus(set.metric1Min, { includedPlots: ['plot_representation_error'] })).rejects.toThrow(
      "included_plots contained value(s) ['plot_representation_error']! Only ['display_mad_image', 'plot_loss', 'plot_pixel_values', 'misc'] are permissible!",
    );
    const mad = await MADCompetition.create(set.metric1Min.image, meanAbs, meanSquare, { minmax: 'min', metricTradeoffLambda: 1 });
    await mad.synthesize({ maxIter: 1, progressBar: false });
    await expect(plotMadSynthesisStatus(mad, { iteration: 0 })).rejects.toThrow(/store_progress=False, cannot specify which iteration to plot/);
    await expect(animateMad(mad)).rejects.toThrow('synthesize() was run with store_progress=False, cannot animate!');
    mad.dispose();
  });
});
