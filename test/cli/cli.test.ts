import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Rng } from '../../runtime/rng.js';
import { builtinImages } from '../../images/procedural.js';
import { loadNpy, saveNpy } from '../../images/files.js';
import { builtinModels, createModel } from '../../models/registry.js';
import { main } from '../../cli/main.js';
import { decodeGif } from '../display/gif-decoder.js';
import { describeFixtures, fixturePath, fixtureTensor } from '../helpers/fixtures.js';
import { expectClose } from '../helpers/compare.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

/** A usage error: exit 2 and exactly one line on stderr. */
function expectUsageError(r: Run, ...fragments: string[]): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trimEnd().split('\n').length, r.stderr).toBe(1);
  for (const f of fragments) expect(r.stderr).toContain(f);
}

const gaussian = ['--model', 'gaussian', '--options', '{"kernelSize":[5,5],"std":1}'];

describe('plenoptic CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plenoptic-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the built-in images and models, and prints help', async () => {
    const images = await run('images');
    expect(images.code).toBe(0);
    for (const name of Object.keys(builtinImages)) expect(images.stdout).toContain(name);
    const models = await run('models');
    expect(models.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0])).toEqual(Object.keys(builtinModels));
    expect(models.stdout).toMatch(/steerable-pyramid\s+options: imageShape, height, order, twidth, isComplex, downsample, tightFrame/);
    const help = await run('metamer', '--help');
    expect(help.code).toBe(0);
    for (const option of ['--model', '--image', '--max-iter', '--store-progress', '--resume', '--out']) expect(help.stdout).toContain(option);
    expect((await run()).stdout).toContain('Commands:');
  });

  it('metamer writes every output and a valid summary; --resume continues the same run', async () => {
    const out = join(dir, 'metamer');
    const first = await run('metamer', ...gaussian, '--image', 'builtin:dead-leaves', '--size', '16', '--max-iter', '6', '--store-progress', '2', '--stop-criterion', '-1', '--out', out);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(out);
    expect((await readdir(out)).sort()).toEqual(['loss.svg', 'metamer.npy', 'metamer.plnt', 'metamer.png', 'progress.gif', 'status.png', 'summary.json']);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(summary.iterations).toBe(6);
    expect(summary.losses.length).toBe(6);
    expect(summary.finalLoss).toBe(summary.losses[5]);
    expect(summary.losses[5]).toBeLessThan(summary.losses[0]);
    expect(summary.seconds).toBeGreaterThan(0);
    expect(summary.backend).toBe(tf.getBackend());
    const metamer = await loadNpy(join(out, 'metamer.npy'));
    expect(metamer.shape).toEqual([1, 1, 16, 16]);
    const png = await sharp(join(out, 'metamer.png')).metadata();
    expect([png.width, png.height]).toEqual([16, 16]);
    expect(decodeGif(new Uint8Array(await readFile(join(out, 'progress.gif')))).frames.length).toBe(3);
    expect(await readFile(join(out, 'loss.svg'), 'utf8')).toContain('<polyline');

    const resumed = await run('metamer', ...gaussian, '--image', 'builtin:dead-leaves', '--size', '16', '--max-iter', '4', '--stop-criterion', '-1', '--resume', join(out, 'metamer.plnt'), '--out', out);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(after.iterations).toBe(10);
    expect(after.iterationsThisRun).toBe(4);
    expect(after.losses.slice(0, 6)).toEqual(summary.losses);
    expect(after.storeProgress).toBe(2);
    metamer.dispose();
  });

  it('model writes the same output and gradient as calling the model directly', async () => {
    const input = tf.tensor(new Rng(4).uniformArray(20 * 20), [1, 1, 20, 20]) as tf.Tensor4D;
    const inPath = join(dir, 'x.npy');
    await saveNpy(inPath, input);
    const options = { kernelSize: [31, 31], pretrained: true };
    const r = await run('model', 'on-off', '--options', JSON.stringify(options), '--input', inPath, '--out', join(dir, 'y.npy'), '--grad', join(dir, 'g.npy'));
    expect(r.code, r.stderr).toBe(0);
    const model = createModel('on-off', options);
    const expected = await model.forward(input);
    const expectedGrad = await model.vjp(input, expected);
    const written = await loadNpy(join(dir, 'y.npy'));
    const writtenGrad = await loadNpy(join(dir, 'g.npy'));
    expect(written.shape).toEqual(expected.shape);
    expect(Array.from(await written.data())).toEqual(Array.from(await expected.data()));
    expect(Array.from(await writtenGrad.data())).toEqual(Array.from(await expectedGrad.data()));
    tf.dispose([input, expected, expectedGrad, written, writtenGrad]);
    model.dispose?.();
  });

  it('reports bad usage as one line with exit code 2', async () => {
    expectUsageError(await run('metamer', '--model', 'nope', '--image', 'builtin:disk'), "unknown model 'nope'", 'gaussian', 'on-off');
    const missing = join(dir, 'no-such-image.png');
    expectUsageError(await run('metamer', ...gaussian, '--image', missing), missing, 'no such file');
    expectUsageError(await run('metamer', '--model', 'gaussian', '--options', '{kernelSize: 3}', '--image', 'builtin:disk'), '--options is not valid JSON');
    expectUsageError(await run('metamer', ...gaussian, '--image', 'builtin:nothing'), "unknown built-in image 'nothing'", 'dead-leaves');
    expectUsageError(await run('metamer', ...gaussian), '--image is required');
    expectUsageError(await run('metamer', ...gaussian, '--image', 'builtin:disk', '--max-iterations', '3'), 'did you mean --max-iter?');
    expectUsageError(await run('metamer', ...gaussian, '--image', 'builtin:disk', '--max-iter', 'many'), '--max-iter expects an integer');
    expectUsageError(await run('metamer', '--model', 'gaussian', '--options', '{"std":1}', '--image', 'builtin:disk'), "cannot build model 'gaussian'", 'kernelSize');
    expectUsageError(await run('model', 'gaussian', '--options', '[1]', '--input', 'builtin:disk', '--out', join(dir, 'o.npy')), 'must be a JSON object');
    expectUsageError(await run('metamr'), "did you mean 'metamer'?");
    expectUsageError(await run('model', join(dir, 'missing.onnx'), '--input', 'builtin:disk', '--out', join(dir, 'o.npy')), 'cannot load ONNX model', 'missing.onnx');
  });

  it('reports failures after the inputs were accepted with exit code 1', async () => {
    // a file where a folder is needed: the output cannot be written
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, 'not a folder');
    const r = await run('model', 'gaussian', '--options', '{"kernelSize":[3,3],"std":1}', '--input', 'builtin:disk', '--size', '8', '--out', join(blocker, 'y.npy'));
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n').length).toBe(1);
    expect(r.stderr).toMatch(/^plenoptic model: error: /);
  });
});

describeFixtures('plenoptic model with an ONNX file', () => {
  it('runs the network and writes its output (tiny_mixed fixture, within 1e-4 of its max)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plenoptic-cli-onnx-'));
    try {
      const out = join(dir, 'y.npy');
      const r = await run('model', fixturePath('onnx', 'tiny_mixed.onnx'), '--input', fixturePath('onnx', 'tiny_mixed.input.npy'), '--out', out);
      expect(r.code, r.stderr).toBe(0);
      const written = await loadNpy(out);
      const expected = fixtureTensor('onnx', 'tiny_mixed.output.npy');
      expect(written.shape).toEqual(expected.shape);
      expectClose(await written.data(), await expected.data(), { rtolOfMax: 1e-4, label: 'tiny_mixed output' });
      tf.dispose([written, expected]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
