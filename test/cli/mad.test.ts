import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Rng, setSeed } from '../../runtime/rng.js';
import { captureWarnings } from '../../runtime/warnings.js';
import { loadNpy } from '../../images/files.js';
import { builtinImage } from '../../images/procedural.js';
import { builtinMetrics } from '../../models/metrics/index.js';
import { createModel } from '../../models/registry.js';
import { MADCompetition } from '../../synth/mad-competition.js';
import { madCompetitionAll, madSetKeys } from '../../synth/mad-all.js';
import { Adam } from '../../synth/optimizers/adam.js';
import { decodeGif } from '../display/gif-decoder.js';
import { expectSuccess, expectUsageError, run, tempDir } from './run-cli.js';

const image16 = ['--image', 'builtin:dead-leaves', '--size', '16'];

describe('plenoptic mad and mad-all', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('mad'));
  });
  afterAll(() => cleanup());

  it('mad writes every output, and its numbers are those of MADCompetition run directly', async () => {
    const out = join(dir, 'mad');
    const r = await run('mad', ...image16, '--optimized', 'mse', '--reference', 'ssim', '--minmax', 'max', '--lambda', '10', '--max-iter', '6', '--store-progress', '3', '--stop-criterion', '-1', '--seed', '2', '--out', out);
    expectSuccess(r);
    expect((await readdir(out)).sort()).toEqual(['loss.svg', 'mad.npy', 'mad.plnt', 'mad.png', 'progress.gif', 'status.png', 'summary.json']);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));

    setSeed(2);
    const image = builtinImage('dead-leaves', { size: 16, seed: 2 });
    const mad = new MADCompetition(image, builtinMetrics.mse.asDistance(), builtinMetrics.ssim.asDistance(), { minmax: 'max', metricTradeoffLambda: 10, rng: new Rng(2) });
    // the MAD image strays outside [0, 1], about which SSIM warns every iteration
    await captureWarnings(() => mad.synthesize({ maxIter: 6, optimizer: new Adam({ lr: 0.01, amsgrad: true }), storeProgress: 3, stopCriterion: -1, progressBar: false }));
    expect(summary.losses).toEqual(mad.losses);
    expect(summary.optimizedMetricLoss).toEqual(mad.optimizedMetricLoss);
    expect(summary.referenceMetricLoss).toEqual(mad.referenceMetricLoss);
    expect(summary.metricTradeoffLambda).toBe(10);
    expect(summary.optimizedMetric.final).toBeGreaterThan(summary.optimizedMetric.initial);
    const written = await loadNpy(join(out, 'mad.npy'));
    expect(Array.from(await written.data())).toEqual(Array.from(await mad.madImage.data()));
    expect(decodeGif(new Uint8Array(await readFile(join(out, 'progress.gif')))).frames.length).toBe(mad.savedMadImageCount);
    expect(await readFile(join(out, 'loss.svg'), 'utf8')).toContain('<svg');
    tf.dispose([image, written]);
    mad.dispose();

    // resuming continues the saved run
    expectSuccess(await run('mad', ...image16, '--optimized', 'mse', '--reference', 'ssim', '--minmax', 'max', '--lambda', '10', '--max-iter', '2', '--stop-criterion', '-1', '--seed', '2', '--resume', join(out, 'mad.plnt'), '--out', out));
    const resumed = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(resumed.iterations).toBe(8);
    expect(resumed.losses.slice(0, 6)).toEqual(summary.losses);
  });

  it('a model can be either metric: its representation distance', async () => {
    const options = { kernelSize: [5, 5], std: 1 };
    const out = join(dir, 'mad-model');
    expectSuccess(await run('mad', ...image16, '--optimized', 'gaussian', '--optimized-options', JSON.stringify(options), '--reference', 'mse', '--minmax', 'min', '--lambda', '1', '--max-iter', '3', '--stop-criterion', '-1', '--out', out));
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    setSeed(0);
    const image = builtinImage('dead-leaves', { size: 16, seed: 0 });
    const model = createModel('gaussian', options);
    const mad = new MADCompetition(image, model, builtinMetrics.mse.asDistance(), { minmax: 'min', metricTradeoffLambda: 1, rng: new Rng(0) });
    await mad.synthesize({ maxIter: 3, stopCriterion: -1, progressBar: false });
    expect(summary.optimizedMetricLoss).toEqual(mad.optimizedMetricLoss);
    image.dispose();
    mad.dispose();
    model.dispose?.();
  });

  it('mad-all runs the four syntheses from one noisy image and writes the four-image and loss figures', async () => {
    const out = join(dir, 'mad-all');
    const r = await run('mad-all', ...image16, '--metric1', 'mse', '--metric2', 'ssim', '--lambda', '10', '--max-iter', '2', '--stop-criterion', '-1', '--seed', '4', '--out', out);
    expectSuccess(r);
    const files = await readdir(out);
    for (const f of ['mad_all.png', 'loss_all.svg', 'summary.json', ...madSetKeys.flatMap((k) => [`${k}_mad.png`, `${k}_mad.npy`, `${k}.plnt`])]) expect(files).toContain(f);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    setSeed(4);
    const image = builtinImage('dead-leaves', { size: 16, seed: 4 });
    const { result: set } = await captureWarnings(() => madCompetitionAll(image, builtinMetrics.mse.asDistance(), builtinMetrics.ssim.asDistance(), { metricTradeoffLambda: 10, seed: 4, maxIter: 2, stopCriterion: -1, progressBar: false }));
    for (const key of madSetKeys) {
      expect(summary.syntheses[key].losses, key).toEqual(set[key].losses);
      expect(summary.syntheses[key].minmax).toBe(set[key].minmax);
      const written = await loadNpy(join(out, `${key}_mad.npy`));
      expect(Array.from(await written.data()), key).toEqual(Array.from(await set[key].madImage.data()));
      written.dispose();
      set[key].dispose();
    }
    expect(summary.syntheses.metric2Max.optimized).toBe('ssim');
    image.dispose();
  });

  it('reports bad usage as one line with exit code 2', async () => {
    const base = [...image16, '--out', join(dir, 'bad')];
    expectUsageError(await run('mad', ...base, '--optimized', 'mse', '--reference', 'ssim', '--minmax', 'most'), '--minmax must be min or max');
    expectUsageError(await run('mad', ...base, '--optimized', 'msee', '--reference', 'ssim', '--minmax', 'min'), "unknown metric 'msee'", 'ms-ssim', 'FILE.onnx');
    expectUsageError(await run('mad', ...base, '--optimized', 'mse', '--reference', 'ssim'), '--minmax is required');
    expectUsageError(await run('mad', ...base, '--optimized', 'mse', '--reference', 'ssim', '--minmax', 'min', '--reference-options', '{"bad":1}'), "cannot use metric 'ssim'", 'Unknown option bad');
    expectUsageError(await run('mad', ...base, '--optimized', 'mse', '--reference', 'ssim', '--minmax', 'min', '--lambda', '-1'), '--lambda must be at least 0');
    expectUsageError(await run('mad-all', ...base, '--metric1', 'mse'), '--metric2 is required');
  });
});
