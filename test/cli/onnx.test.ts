import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { loadNpy } from '../../images/files.js';
import { loadOnnxModel } from '../../adapters/onnx-model.js';
import { describeFixtures, fixturePath, fixtureTensor, readFixtureJson } from '../helpers/fixtures.js';
import { expectClose } from '../helpers/compare.js';
import { expectSuccess, expectUsageError, run, tempDir } from './run-cli.js';

describe('plenoptic onnx', () => {
  it('needs a known subcommand; --help lists them', async () => {
    expectUsageError(await run('onnx'), 'missing subcommand (inspect, run)');
    expectUsageError(await run('onnx', 'inspekt'), "unknown subcommand 'inspekt'", "did you mean 'inspect'?");
    const help = await run('onnx', '--help');
    expectSuccess(help);
    expect(help.stdout).toContain('onnx inspect');
    expect(help.stdout).toContain('onnx run');
    const runHelp = await run('onnx', 'run', '--help');
    for (const option of ['--input', '--out', '--grad', '--layer', '--executor']) expect(runHelp.stdout).toContain(option);
  });

  it('rejects a file that is not ONNX with exit code 2', async () => {
    const { dir, cleanup } = await tempDir('onnx-bad');
    try {
      const fake = join(dir, 'fake.onnx');
      await writeFile(fake, 'this is not a protobuf');
      expectUsageError(await run('onnx', 'inspect', fake), 'fake.onnx');
      expectUsageError(await run('onnx', 'inspect', join(dir, 'missing.onnx')), 'missing.onnx');
    } finally {
      await cleanup();
    }
  });
});

describeFixtures('plenoptic onnx on the fixture networks', () => {
  const tiny = fixturePath('onnx', 'tiny_mixed.onnx');
  const manifest = readFixtureJson('onnx', 'onnx_models.json');

  it('inspect reports the opset, inputs, op counts and tappable layers with shapes', async () => {
    const r = await run('onnx', 'inspect', tiny, '--json');
    expectSuccess(r);
    const d = JSON.parse(r.stdout);
    expect(d.opset).toBe(14);
    expect(d.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: ['batch', 3, 32, 32] }]);
    expect(d.outputs[0].name).toBe('output');
    expect(d.opCounts).toEqual(manifest.tiny_mixed.op_counts);
    expect(d.nodes).toBe(manifest.tiny_mixed.n_nodes);
    expect(d.unsupported).toEqual([]);
    const byName = new Map(d.layers.map((l: { name: string; shape: number[] }) => [l.name, l.shape]));
    expect(byName.get('conv1')).toEqual([1, 8, 32, 32]);
    expect(byName.get('fc2')).toEqual([1, 10]);
    const resized = JSON.parse((await run('onnx', 'inspect', tiny, '--json', '--input-shape', '2,3,64,64')).stdout);
    expect(new Map(resized.layers.map((l: { name: string; shape: number[] }) => [l.name, l.shape])).get('conv1')).toEqual([2, 8, 64, 64]);
    const vgg = await run('onnx', 'inspect', fixturePath('onnx', 'vgg16_features10.onnx'), '--preset', 'vgg16');
    expectSuccess(vgg);
    expect(vgg.stdout).toMatch(/relu2_2\s+Relu\s+\[1, 128, 32, 32\]\s+preset/);
    expectUsageError(await run('onnx', 'inspect', tiny, '--input-shape', '3,32,32'), '--input-shape must be four positive integers');
    expectUsageError(await run('onnx', 'inspect', tiny, '--preset', 'alexnet'), '--preset must be vgg16 or resnet18');
  });

  it('run matches PyTorch (vgg16_features10: output within 1e-4 of its max, input gradient within 1e-3) on both executors', async () => {
    const { dir, cleanup } = await tempDir('onnx-run');
    try {
      // (tiny_mixed's output does not depend on its input, so its input gradient is rounding noise: VGG is the check)
      const vgg = fixturePath('onnx', 'vgg16_features10.onnx');
      const expected = fixtureTensor('onnx', 'vgg16_features10.output.npy');
      const expectedGrad = fixtureTensor('onnx', 'vgg16_features10.grad_input.npy');
      for (const executor of ['ort', 'tfjs']) {
        const out = join(dir, `${executor}.npy`);
        const grad = join(dir, `${executor}_grad.npy`);
        const r = await run('onnx', 'run', vgg, '--input', fixturePath('onnx', 'vgg16_features10.input.npy'), '--out', out, '--grad', grad, '--executor', executor);
        expectSuccess(r);
        expect(r.stdout).toContain(executor === 'ort' ? 'onnxruntime' : 'tfjs interpreter');
        const y = await loadNpy(out);
        const g = await loadNpy(grad);
        expect(y.shape).toEqual(expected.shape);
        expectClose(await y.data(), await expected.data(), { rtolOfMax: 1e-4, label: `${executor} output` });
        expectClose(await g.data(), await expectedGrad.data(), { rtolOfMax: 1e-3, label: `${executor} grad_input` });
        tf.dispose([y, g]);
      }
      // a tapped layer gives what the library gives
      const layer = join(dir, 'conv3.npy');
      expectSuccess(await run('onnx', 'run', tiny, '--layer', 'conv3', '--input', fixturePath('onnx', 'tiny_mixed.input.npy'), '--out', layer, '--executor', 'tfjs'));
      const model = await loadOnnxModel(tiny, { output: 'conv3', executor: 'tfjs' });
      const input = fixtureTensor('onnx', 'tiny_mixed.input.npy') as tf.Tensor4D;
      const direct = await model.forward(input);
      const written = await loadNpy(layer);
      expect(written.shape).toEqual([1, 16, 8, 8]);
      expect(Array.from(await written.data())).toEqual(Array.from(await direct.data()));
      tf.dispose([expected, expectedGrad, input, direct, written]);
      model.dispose();

      expectUsageError(await run('onnx', 'run', tiny, '--layer', 'conv33', '--input', fixturePath('onnx', 'tiny_mixed.input.npy'), '--out', layer), "Unknown layer 'conv33'", 'conv3');
      expectUsageError(await run('onnx', 'run', tiny, '--input', fixturePath('onnx', 'tiny_mixed.input.npy'), '--out', join(dir, 'y.txt')), '--out must name a .npy file');
      expectUsageError(await run('onnx', 'run', tiny, '--input', fixturePath('onnx', 'tiny_mixed.input.npy'), '--out', layer, '--executor', 'gpu'), '--executor must be ort or tfjs');
      expectUsageError(await run('onnx', 'run', tiny, '--input', 'builtin:disk', '--size', '32', '--out', layer), 'expects 3 input channel(s), got 1', 'grayToRgb');
    } finally {
      await cleanup();
    }
  });
});
