import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Rng, setSeed } from '../../runtime/rng.js';
import { builtinImage } from '../../images/procedural.js';
import { loadOnnxModel } from '../../adapters/onnx-model.js';
import { compareLayers } from '../../adapters/compare-layers.js';
import { Eigendistortion } from '../../synth/eigendistortion.js';
import { describeFixtures, fixturePath } from '../helpers/fixtures.js';
import { expectSuccess, expectUsageError, run, tempDir } from './run-cli.js';

describeFixtures('plenoptic compare-layers and FILE.onnx#LAYER in the synthesis commands', () => {
  const vgg = fixturePath('onnx', 'vgg16_features10.onnx');
  const tiny = fixturePath('onnx', 'tiny_mixed.onnx');
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('compare-layers'));
  });
  afterAll(() => cleanup());

  it('compare-layers --method eigendistortion writes the figure, the distortions and a summary equal to compareLayers', async () => {
    const out = join(dir, 'eig');
    const r = await run('compare-layers', vgg, '--layers', 'relu1_2,relu2_2', '--options', '{"preset":"vgg16"}', '--image', 'builtin:dead-leaves', '--size', '16', '--method', 'eigendistortion', '--max-iter', '3', '--seed', '2', '--out', out);
    expectSuccess(r);
    expect((await readdir(out)).sort()).toEqual(['comparison.png', 'relu1_2_bottom.npy', 'relu1_2_top.npy', 'relu2_2_bottom.npy', 'relu2_2_top.npy', 'summary.json']);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(summary.load).toEqual({ preset: 'vgg16', grayToRgb: true });

    setSeed(2);
    const image = builtinImage('dead-leaves', { size: 16, seed: 2 });
    const direct = await compareLayers(vgg, { method: 'eigendistortion', layers: ['relu1_2', 'relu2_2'], image, maxIter: 3, k: 1, seed: 2, load: { preset: 'vgg16', grayToRgb: true } });
    expect(summary.rows.map((row: { layer: string }) => row.layer)).toEqual(['relu1_2', 'relu2_2']);
    direct.rows.forEach((row, i) => {
      expect(summary.rows[i].eigenvalues).toEqual((row.summary as { eigenvalues: number[] }).eigenvalues);
      expect(summary.rows[i].outputShape).toEqual(row.outputShape);
    });
    const png = await sharp(join(out, 'comparison.png')).metadata();
    expect(png.height).toBeGreaterThan(png.width!);
    direct.dispose();
    image.dispose();
  });

  it('compare-layers --method metamer', async () => {
    const out = join(dir, 'met');
    expectSuccess(await run('compare-layers', tiny, '--layers', 'conv1,conv3', '--image', 'builtin:disk', '--size', '16', '--method', 'metamer', '--max-iter', '2', '--options', '{"executor":"tfjs"}', '--out', out));
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(summary.rows.map((row: { iterations: number }) => row.iterations)).toEqual([2, 2]);
    expect((await readdir(out)).sort()).toEqual(['comparison.png', 'conv1_metamer.npy', 'conv3_metamer.npy', 'summary.json']);
  });

  it('metamer, mad, eigendistortion and geodesic all take --model FILE.onnx#LAYER (gray images repeated over RGB)', async () => {
    const layer = `${vgg}#8`;
    const image = ['--image', 'builtin:dead-leaves', '--size', '16'];
    expectSuccess(await run('metamer', '--model', layer, ...image, '--max-iter', '2', '--out', join(dir, 'metamer')));
    expectSuccess(await run('mad', '--optimized', layer, '--reference', 'mse', '--minmax', 'max', '--lambda', '1', ...image, '--max-iter', '2', '--out', join(dir, 'mad')));
    expectSuccess(await run('geodesic', '--model', layer, '--image-a', 'builtin:disk', '--image-b', 'builtin:dead-leaves', '--size', '16', '--n-steps', '2', '--max-iter', '2', '--out', join(dir, 'geodesic')));
    const out = join(dir, 'eigendistortion');
    expectSuccess(await run('eigendistortion', '--model', layer, ...image, '--max-iter', '3', '--seed', '1', '--out', out));
    const spectrum = JSON.parse(await readFile(join(out, 'eigenvalues.json'), 'utf8'));
    setSeed(1);
    const x = builtinImage('dead-leaves', { size: 16, seed: 1 });
    const model = await loadOnnxModel(vgg, { output: '8', grayToRgb: true });
    const e = await Eigendistortion.create(x, model, { verbose: false });
    await e.synthesize({ maxIter: 3, rng: new Rng(1), progressBar: false });
    expect(spectrum.eigenvalues).toEqual(Array.from(await e.eigenvalues!.data()));
    expect(spectrum.inputDim).toBe(256);
    // Summaries say where an ONNX network ran.
    for (const command of ['metamer', 'geodesic', 'eigendistortion']) {
      const summary = JSON.parse(await readFile(join(dir, command, 'summary.json'), 'utf8'));
      expect(summary.onnxExecution, command).toMatch(/^onnxruntime cpu .*generated gradient graphs/);
    }
    tf.dispose(x);
    e.dispose();
    model.dispose();
  });

  it('reports bad usage as one line with exit code 2', async () => {
    const base = ['--image', 'builtin:disk', '--size', '16', '--out', join(dir, 'bad')];
    expectUsageError(await run('compare-layers', tiny, '--layers', 'conv1,conv9', '--method', 'eigendistortion', ...base), "Unknown layer 'conv9'", 'conv1');
    expectUsageError(await run('compare-layers', tiny, '--layers', 'conv1,,conv3', '--method', 'metamer', ...base), '--layers must be comma-separated layer names');
    expectUsageError(await run('compare-layers', tiny, '--layers', 'conv1', '--method', 'mad', ...base), '--method must be eigendistortion or metamer');
    expectUsageError(await run('compare-layers', tiny, '--layers', 'conv1', '--method', 'metamer', '--options', '{"output":"conv3"}', ...base), '--options cannot set output');
    expectUsageError(await run('compare-layers', join(dir, 'missing.onnx'), '--layers', 'a', '--method', 'metamer', ...base), 'missing.onnx');
    expectUsageError(await run('metamer', '--model', `${tiny}#conv9`, ...base), "cannot load ONNX model", "Unknown layer 'conv9'");
  });
});
