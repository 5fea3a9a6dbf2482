import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Rng, setSeed } from '../../runtime/rng.js';
import { captureWarnings } from '../../runtime/warnings.js';
import { loadNpy } from '../../images/files.js';
import { builtinImage } from '../../images/procedural.js';
import { PortillaSimoncelli } from '../../models/portilla-simoncelli/model.js';
import { MetamerCTF } from '../../synth/metamer-ctf.js';
import { LBFGS } from '../../synth/optimizers/lbfgs.js';
import { expectSuccess, expectUsageError, run, tempDir } from './run-cli.js';

const ps = ['--model', 'portilla-simoncelli', '--options', '{"nScales":2,"spatialCorrWidth":3}'];

describe('plenoptic metamer: coarse to fine, L-BFGS, Portilla-Simoncelli', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('metamer-ctf'));
  });
  afterAll(() => cleanup());

  it('--ctf together --optimizer lbfgs runs MetamerCTF with L-BFGS exactly as the library does (image size from the target)', async () => {
    const out = join(dir, 'ctf');
    const r = await run('metamer', ...ps, '--image', 'builtin:texture', '--size', '16', '--ctf', 'together', '--change-scale-criterion', 'none', '--ctf-iters-to-check', '2', '--optimizer', 'lbfgs', '--history-size', '5', '--max-iter', '12', '--stop-criterion', '-1', '--seed', '3', '--out', out);
    expectSuccess(r);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(summary.optimizer).toBe('lbfgs');
    expect(summary.coarseToFine).toBe('together');
    expect(summary.iterations).toBe(12);

    setSeed(3);
    const image = builtinImage('texture', { size: 16, seed: 3 });
    const model = new PortillaSimoncelli([16, 16], { nScales: 2, spatialCorrWidth: 3 });
    const metamer = new MetamerCTF(image, model, { coarseToFine: 'together', rng: new Rng(3) });
    // (plenoptic warns that checking the model for coarse-to-fine synthesis may take a while)
    await captureWarnings(() => metamer.synthesize({ maxIter: 12, optimizer: new LBFGS({ lr: 1, maxIter: 1, historySize: 5 }), changeScaleCriterion: null, ctfItersToCheck: 2, stopCriterion: -1, progressBar: false }));
    expect(summary.losses).toEqual(metamer.losses);
    expect(summary.scalesTiming).toEqual(metamer.scalesTiming);
    // every scale of the pyramid was visited, coarse to fine, before 'all'
    expect(summary.scalesFinished).toEqual(['pixel_statistics', 'residual_lowpass', 1, 0]);
    const written = await loadNpy(join(out, 'metamer.npy'));
    expect(Array.from(await written.data())).toEqual(Array.from(await metamer.metamer.data()));
    tf.dispose([image, written]);
    metamer.dispose();
    model.dispose();
  });

  it('--ctf separate with Adam and mean-noise init, resumable from its saved file', async () => {
    const out = join(dir, 'separate');
    const args = [...ps, '--image', 'builtin:texture', '--size', '16', '--ctf', 'separate', '--ctf-iters-to-check', '2', '--change-scale-criterion', '10', '--init', 'mean-noise', '--loss', 'l2Norm', '--stop-criterion', '-1', '--out', out];
    expectSuccess(await run('metamer', ...args, '--max-iter', '6'));
    const first = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(first.coarseToFine).toBe('separate');
    expect(first.optimizer).toBe('adam');
    expect(first.init).toBe('mean-noise');
    expectSuccess(await run('metamer', ...args, '--max-iter', '3', '--resume', join(out, 'metamer.plnt')));
    const resumed = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(resumed.iterations).toBe(9);
    expect(resumed.losses.slice(0, 6)).toEqual(first.losses);
    expect(resumed.scalesTiming.pixel_statistics).toEqual(first.scalesTiming.pixel_statistics);
  });

  it('reports bad usage as one line with exit code 2', async () => {
    const base = [...ps, '--image', 'builtin:texture', '--size', '16', '--out', join(dir, 'bad')];
    expectUsageError(await run('metamer', ...base, '--ctf', 'sideways'), '--ctf must be together or separate');
    expectUsageError(await run('metamer', ...base, '--optimizer', 'rmsprop'), '--optimizer must be adam or lbfgs');
    expectUsageError(await run('metamer', ...base, '--ctf', 'together', '--change-scale-criterion', 'soon'), "--change-scale-criterion expects a number or 'none'");
    // plenoptic warns that the coarse-to-fine check may take a while before it fails
    const noScales = await run('metamer', '--model', 'gaussian', '--options', '{"kernelSize":[3,3],"std":1}', '--image', 'builtin:disk', '--size', '16', '--ctf', 'together');
    expect(noScales.code).toBe(2);
    expect(noScales.stderr.trimEnd().split('\n').pop()).toMatch(/^plenoptic metamer: error: .*scales/);
    expectUsageError(await run('metamer', ...base, '--history-size', '0'), '--history-size must be at least 1');
  });
});
