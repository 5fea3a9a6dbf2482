import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Rng, setSeed } from '../../runtime/rng.js';
import { loadNpy } from '../../images/files.js';
import { builtinImage } from '../../images/procedural.js';
import { createModel } from '../../models/registry.js';
import { Eigendistortion } from '../../synth/eigendistortion.js';
import { expectSuccess, expectUsageError, run, tempDir } from './run-cli.js';

const options = { kernelSize: [5, 5], std: 1 };
const gaussian = ['--model', 'gaussian', '--options', JSON.stringify(options)];

describe('plenoptic eigendistortion', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('eigendistortion'));
  });
  afterAll(() => cleanup());

  it('power method: files, eigenvalues and eigendistortions equal to the library run with the same seed', async () => {
    const out = join(dir, 'power');
    const r = await run('eigendistortion', ...gaussian, '--image', 'builtin:dead-leaves', '--size', '12', '-k', '2', '--max-iter', '30', '--seed', '1', '--out', out);
    expectSuccess(r);
    expect((await readdir(out)).sort()).toEqual(['distortions.png', 'eigendistortion.plnt', 'eigendistortions.npy', 'eigenvalues.json', 'summary.json']);
    const spectrum = JSON.parse(await readFile(join(out, 'eigenvalues.json'), 'utf8'));

    setSeed(1);
    const image = builtinImage('dead-leaves', { size: 12, seed: 1 });
    const model = createModel('gaussian', options);
    const e = await Eigendistortion.create(image, model, { verbose: false });
    await e.synthesize({ method: 'power', k: 2, maxIter: 30, rng: new Rng(1), progressBar: false });
    expect(spectrum.eigenindex).toEqual([0, 1, 142, 143]);
    expect(spectrum.eigenindex).toEqual(e.eigenindex);
    expect(spectrum.eigenvalues).toEqual(Array.from(await e.eigenvalues!.data()));
    expect(spectrum.inputDim).toBe(144);
    const written = await loadNpy(join(out, 'eigendistortions.npy'));
    expect(written.shape).toEqual([4, 1, 12, 12]);
    expect(Array.from(await written.data())).toEqual(Array.from(await e.eigendistortions!.data()));
    const png = await sharp(join(out, 'distortions.png')).metadata();
    expect(png.width).toBeGreaterThan(2 * 12);
    tf.dispose([image, written]);
    e.dispose();
    model.dispose?.();
  });

  it('exact and randomized-svd methods; randomized SVD gives the top k only', async () => {
    const exact = join(dir, 'exact');
    expectSuccess(await run('eigendistortion', ...gaussian, '--image', 'builtin:disk', '--size', '8', '--method', 'exact', '--out', exact));
    const all = JSON.parse(await readFile(join(exact, 'eigenvalues.json'), 'utf8'));
    expect(all.eigenvalues.length).toBe(64);
    // JᵀJ is positive semi-definite: the eigenvalues come sorted and non-negative
    for (let i = 1; i < 64; i++) expect(all.eigenvalues[i]).toBeLessThanOrEqual(all.eigenvalues[i - 1]);
    expect(all.eigenvalues[63]).toBeGreaterThanOrEqual(0);
    const image = builtinImage('disk', { size: 8 });
    const model = createModel('gaussian', options);
    const e = await Eigendistortion.create(image, model, { verbose: false });
    await e.synthesize({ method: 'exact', progressBar: false });
    expect(all.eigenvalues).toEqual(Array.from(await e.eigenvalues!.data()));
    image.dispose();
    e.dispose();
    model.dispose?.();
    const svd = join(dir, 'svd');
    expectSuccess(await run('eigendistortion', ...gaussian, '--image', 'builtin:disk', '--size', '8', '--method', 'randomized-svd', '-k', '2', '--q', '4', '--out', svd));
    const top = JSON.parse(await readFile(join(svd, 'eigenvalues.json'), 'utf8'));
    expect(top.eigenindex).toEqual([0, 1]);
    expect(top.method).toBe('randomizedSvd');
    expect(Math.abs(top.eigenvalues[0] - all.eigenvalues[0]) / all.eigenvalues[0]).toBeLessThan(0.05);
  });

  it('reports bad usage as one line with exit code 2', async () => {
    const base = [...gaussian, '--image', 'builtin:disk', '--size', '8', '--out', join(dir, 'bad')];
    expectUsageError(await run('eigendistortion', ...base, '--method', 'svd'), '--method must be power or exact or randomized-svd');
    expectUsageError(await run('eigendistortion', ...base, '-k', '65'), 'k=65 is larger than the input dimension n=64');
    expectUsageError(await run('eigendistortion', ...base, '-k'), '-k needs a value');
    expectUsageError(await run('eigendistortion', ...base, '-k', '0'), '--k must be at least 1');
    expectUsageError(await run('eigendistortion', '--image', 'builtin:disk'), '--model is required');
  });
});
