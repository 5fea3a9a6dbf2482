import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Rng } from '../../runtime/rng.js';
import { loadNpy, saveNpy } from '../../images/files.js';
import { createModel } from '../../models/registry.js';
import { SteerablePyramidFreq } from '../../models/pyramids/steerable.js';
import { LaplacianPyramid } from '../../models/pyramids/laplacian.js';
import { PortillaSimoncelli } from '../../models/portilla-simoncelli/model.js';
import { isComplexBand } from '../../models/pyramids/pyramid-coeffs.js';
import { describeFixtures, fixturePath, fixtureTensor, readFixtureJson } from '../helpers/fixtures.js';
import { expectClose } from '../helpers/compare.js';
import { expectSuccess, expectUsageError, run, tempDir } from './run-cli.js';

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from((await t.data()) as Float32Array);
}

describe('plenoptic model with the pyramid and texture models', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let input: tf.Tensor4D;
  let inputPath: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('model-pyramid'));
    input = tf.tensor4d(new Rng(5).uniformArray(32 * 48), [1, 1, 32, 48]);
    inputPath = join(dir, 'x.npy');
    await saveNpy(inputPath, input);
  });
  afterAll(async () => {
    input.dispose();
    await cleanup();
  });

  it('are registered with their options', () => {
    const spf = createModel('steerable-pyramid', { imageShape: [32, 32], height: 2, order: 1, isComplex: true });
    expect(spf).toBeInstanceOf(SteerablePyramidFreq);
    expect((spf as SteerablePyramidFreq).numScales).toBe(2);
    expect(createModel('laplacian-pyramid', { nScales: 3 })).toBeInstanceOf(LaplacianPyramid);
    expect((createModel('portilla-simoncelli', { imageShape: [32, 32], nScales: 2, spatialCorrWidth: 3 }) as PortillaSimoncelli).nScales).toBe(2);
    expect(() => createModel('steerable-pyramid', {})).toThrow(/needs the option imageShape/);
    expect(() => createModel('portilla-simoncelli', { imageShape: [32, 32], nScale: 2 })).toThrow(/Unknown option 'nScale'.*nScales/);
  });

  it('steerable-pyramid writes one .npy per band, named as the fixtures, equal to forwardPyramid (image size taken from the input)', async () => {
    const out = join(dir, 'spf');
    const r = await run('model', 'steerable-pyramid', '--options', '{"height":2,"order":1,"isComplex":true}', '--input', inputPath, '--out', out);
    expectSuccess(r);
    const pyramid = new SteerablePyramidFreq([32, 48], { height: 2, order: 1, isComplex: true });
    const coeffs = pyramid.forwardPyramid(input);
    const expectedFiles: string[] = [];
    for (const [key, band] of coeffs) {
      const parts: [string, tf.Tensor][] = isComplexBand(band) ? [[`${key}_real`, band.re], [`${key}_imag`, band.im]] : [[key, band]];
      for (const [name, t] of parts) {
        expectedFiles.push(`${name}.npy`);
        const written = await loadNpy(join(out, `${name}.npy`));
        expect(written.shape, name).toEqual(t.shape);
        expect(await values(written), name).toEqual(await values(t));
        written.dispose();
        t.dispose();
      }
    }
    expect(expectedFiles).toEqual(['residual_highpass.npy', 's0_o0_real.npy', 's0_o0_imag.npy', 's0_o1_real.npy', 's0_o1_imag.npy', 's1_o0_real.npy', 's1_o0_imag.npy', 's1_o1_real.npy', 's1_o1_imag.npy', 'residual_lowpass.npy']);
    expect((await readdir(out)).sort()).toEqual([...expectedFiles].sort());
    expect(r.stdout).toContain('10 bands');
    pyramid.dispose();
  });

  it('laplacian-pyramid writes level0..level{n-1}; --grad works for a pyramid; portilla-simoncelli writes its statistics vector', async () => {
    const out = join(dir, 'lap');
    const grad = join(dir, 'lap_grad.npy');
    expectSuccess(await run('model', 'laplacian-pyramid', '--options', '{"nScales":3}', '--input', inputPath, '--out', out, '--grad', grad));
    const lap = new LaplacianPyramid(3);
    const levels = lap.forwardLevels(input);
    expect((await readdir(out)).sort()).toEqual(['level0.npy', 'level1.npy', 'level2.npy']);
    for (let i = 0; i < 3; i++) {
      const written = await loadNpy(join(out, `level${i}.npy`));
      expect(written.shape).toEqual(levels[i].shape);
      expect(await values(written)).toEqual(await values(levels[i]));
      written.dispose();
    }
    tf.dispose(levels);
    const flat = await lap.forward(input);
    const expectedGrad = await lap.vjp(input, flat);
    const writtenGrad = await loadNpy(grad);
    expect(await values(writtenGrad)).toEqual(await values(expectedGrad));
    tf.dispose([flat, expectedGrad, writtenGrad]);

    const stats = join(dir, 'ps.npy');
    expectSuccess(await run('model', 'portilla-simoncelli', '--options', '{"nScales":2,"spatialCorrWidth":3}', '--input', inputPath, '--out', stats));
    const ps = new PortillaSimoncelli([32, 48], { nScales: 2, spatialCorrWidth: 3 });
    const expected = await ps.forward(input);
    const written = await loadNpy(stats);
    expect(written.shape).toEqual(expected.shape);
    expect(await values(written)).toEqual(await values(expected));
    tf.dispose([expected, written]);
    ps.dispose();
  });

  it('reports bad usage as one line with exit code 2', async () => {
    expectUsageError(
      await run('model', 'portilla-simoncelli', '--input', inputPath, '--out', join(dir, 'ps.npy')),
      "cannot build model 'portilla-simoncelli'",
      'Image 32×48 is too small',
      'at least 144×144',
    );
    expectUsageError(await run('model', 'steerable-pyramid', '--options', '{"height":9}', '--input', inputPath, '--out', join(dir, 'x')), 'Cannot build pyramid higher than 3 levels');
    expectUsageError(await run('model', 'steerable-pyramid', '--options', '{"imageShape":[16,16]}', '--input', inputPath, '--out', join(dir, 'x')), 'does not match image_shape');
    expectUsageError(await run('model', 'gaussian', '--options', '{"kernelSize":[3,3],"std":1}', '--input', inputPath, '--out', join(dir, 'folder')), '--out must name a .npy file');
  });
});

describeFixtures('plenoptic model steerable-pyramid against the plenoptic fixtures', () => {
  it('writes the bands of spf_h3_o1_complex with the fixture names, each within 1e-5 of its max', async () => {
    const { dir, cleanup } = await tempDir('spf-fixture');
    try {
      const out = join(dir, 'bands');
      const r = await run('model', 'steerable-pyramid', '--options', '{"height":3,"order":1,"isComplex":true}', '--input', fixturePath('images', 'einstein.npy'), '--out', out);
      expectSuccess(r);
      const manifest = readFixtureJson('pyramid', 'pyramid.json').spf_h3_o1_complex as { bands: { file: string; complex: boolean }[] };
      const expectedFiles = manifest.bands.flatMap((b) => (b.complex ? [`${b.file}_real.npy`, `${b.file}_imag.npy`] : [`${b.file}.npy`]));
      expect((await readdir(out)).sort()).toEqual([...expectedFiles].sort());
      for (const file of expectedFiles) {
        const written = await loadNpy(join(out, file));
        const expected = fixtureTensor('pyramid', 'spf_h3_o1_complex', file);
        expect(written.shape, file).toEqual(expected.shape);
        expectClose(await written.data(), await expected.data(), { rtolOfMax: 1e-5, label: file });
        tf.dispose([written, expected]);
      }
    } finally {
      await cleanup();
    }
  });
});
