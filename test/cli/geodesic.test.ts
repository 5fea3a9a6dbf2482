import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Rng, setSeed } from '../../runtime/rng.js';
import { captureWarnings } from '../../runtime/warnings.js';
import { loadNpy } from '../../images/files.js';
import { builtinImage } from '../../images/procedural.js';
import { createModel } from '../../models/registry.js';
import { Geodesic } from '../../synth/geodesic.js';
import { Adam } from '../../synth/optimizers/adam.js';
import { decodeGif } from '../display/gif-decoder.js';
import { expectSuccess, expectUsageError, run, tempDir } from './run-cli.js';

const options = { kernelSize: [5, 5], std: 1 };
const gaussian = ['--model', 'gaussian', '--options', JSON.stringify(options)];
const anchors = ['--image-a', 'builtin:disk', '--image-b', 'builtin:checkerboard', '--size', '12'];

describe('plenoptic geodesic', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('geodesic'));
  });
  afterAll(() => cleanup());

  it('writes the sequence, animation, plots and summary, equal to the library run', async () => {
    const out = join(dir, 'geodesic');
    const r = await run('geodesic', ...gaussian, ...anchors, '--n-steps', '4', '--initial-sequence', 'bridge', '--max-iter', '5', '--stop-criterion', '-1', '--store-progress', '2', '--seed', '3', '--out', out);
    expectSuccess(r);
    expect((await readdir(out)).sort()).toEqual(['deviation.svg', 'geodesic.gif', 'geodesic.npy', 'geodesic.plnt', 'loss.svg', 'sequence.png', 'step_energy.svg', 'summary.json']);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));

    setSeed(3);
    const [a, b] = [builtinImage('disk', { size: 12, seed: 3 }), builtinImage('checkerboard', { size: 12, seed: 3 })];
    const model = createModel('gaussian', options);
    const g = new Geodesic(a, b, model, { nSteps: 4, initialSequence: 'bridge', rng: new Rng(3), verbose: false });
    await captureWarnings(() => g.synthesize({ maxIter: 5, optimizer: new Adam({ lr: 0.001, amsgrad: true }), stopCriterion: -1, storeProgress: 2, progressBar: false }));
    expect(summary.losses).toEqual(g.losses);
    expect(summary.nSteps).toBe(4);
    expect(summary.straightLineFloor).toBe(g.straightLineFloor);
    expect(summary.diagnostics.pathEnergy).toBe(g.diagnostics!.pathEnergy);
    const frames = g.geodesic;
    const written = await loadNpy(join(out, 'geodesic.npy'));
    expect(written.shape).toEqual([5, 1, 12, 12]);
    expect(Array.from(await written.data())).toEqual(Array.from(await frames.data()));
    expect(decodeGif(new Uint8Array(await readFile(join(out, 'geodesic.gif')))).frames.length).toBe(5);
    tf.dispose([a, b, frames, written]);
    g.dispose();
    model.dispose?.();
  });

  it('reports bad usage as one line with exit code 2', async () => {
    const base = [...gaussian, '--out', join(dir, 'bad')];
    expectUsageError(await run('geodesic', ...base, ...anchors, '--n-steps', '1'), '--n-steps must be at least 2');
    expectUsageError(await run('geodesic', ...base, ...anchors, '--initial-sequence', 'curved'), '--initial-sequence must be straight or bridge');
    expectUsageError(await run('geodesic', ...base, '--image-a', 'builtin:disk', '--image-b', join(dir, 'nothing.png')), 'nothing.png', 'no such file');
    expectUsageError(await run('geodesic', ...base, '--image-a', 'builtin:disk'), '--image-b is required');
  });
});
