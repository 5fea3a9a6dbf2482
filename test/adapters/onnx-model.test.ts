// loadOnnxModel: tapping layers by every kind of name, listing them, preprocessing, saving a tapped model, both
// executors, bad inputs, and flat memory over a long vjp loop.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { listLayers, loadOnnxModel, saveTappedModel } from '../../adapters/onnx-model.js';
import { IMAGENET_MEAN, IMAGENET_STD } from '../../adapters/preprocess.js';
import { useBackend } from '../../runtime/backend.js';
import { ValueError } from '../../runtime/errors.js';
import { tf } from '../../runtime/tf.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/compare.js';
import { describeFixtures, fixturePath, fixtureTensor } from '../helpers/fixtures.js';

const vgg = fixturePath('onnx', 'vgg16_features10.onnx');
const resnet = fixturePath('onnx', 'resnet18_layer1.onnx');
const tiny = fixturePath('onnx', 'tiny_mixed.onnx');

async function output(source: string, options: Parameters<typeof loadOnnxModel>[1], x: tf.Tensor4D): Promise<tf.Tensor> {
  const model = await loadOnnxModel(source, options);
  const y = await model.forward(x);
  model.dispose();
  return y;
}

describeFixtures('tapping layers', () => {
  const x = () => fixtureTensor('onnx', 'vgg16_features10.input.npy') as tf.Tensor4D;

  it('a module path, a preset name, a node name and a value name reach the same value', async () => {
    const byValue = await output(vgg, { output: '/6/Relu_output_0' }, x());
    expect(byValue.shape).toEqual([1, 128, 32, 32]);
    for (const options of [{ output: '6' }, { output: '/6/Relu' }, { output: 'relu2_1', preset: 'vgg16' as const }, { output: 'features.6', preset: 'vgg16' as const }]) {
      const y = await output(vgg, options, x());
      expectClose(await y.data(), await byValue.data(), { atol: 0, label: JSON.stringify(options) });
    }
  });

  it('a module taps the value that leaves it (a ResNet block ends after its residual ReLU)', async () => {
    const xr = fixtureTensor('onnx', 'resnet18_layer1.input.npy') as tf.Tensor4D;
    const layer1 = await output(resnet, { output: 'layer1', preset: 'resnet18' }, xr);
    const expected = fixtureTensor('onnx', 'resnet18_layer1.output.npy');
    expectClose(await layer1.data(), await expected.data(), { rtolOfMax: 1e-4, label: 'layer1' });
    const block = await output(resnet, { output: '4.0' }, xr);
    const blockEnd = await output(resnet, { output: '/4/4.0/relu_1/Relu_output_0' }, xr);
    expectClose(await block.data(), await blockEnd.data(), { atol: 0, label: 'layer1.0' });
    // bn1 is folded into conv1 by the exporter: both names give the fused conv.
    const bn1 = await output(resnet, { output: 'bn1', preset: 'resnet18' }, xr);
    expect(bn1.shape).toEqual([1, 64, 32, 32]);
  });

  it('lists layers with their shapes for a given input size', async () => {
    const model = await loadOnnxModel(vgg, { preset: 'vgg16' });
    const layers = listLayers(model, [2, 3, 32, 32]);
    const byName = new Map(layers.map((l) => [l.name, l]));
    expect(byName.get('4')).toMatchObject({ kind: 'module', value: '/4/MaxPool_output_0', opType: 'MaxPool', shape: [2, 64, 16, 16] });
    expect(byName.get('relu2_2')).toMatchObject({ kind: 'preset', value: '/8/Relu_output_0', shape: [2, 128, 16, 16] });
    expect(byName.has('conv3_1')).toBe(false);
    // Constant aliases (the exporter's Identity nodes) are not layers.
    expect(layers.some((l) => l.opType === 'Identity')).toBe(false);
    expect(listLayers(model).find((l) => l.name === '9')!.shape).toEqual([1, 128, 16, 16]);
    model.dispose();
  });

  it('an unknown layer name lists close matches', async () => {
    await expect(loadOnnxModel(resnet, { output: 'layer5', preset: 'resnet18' })).rejects.toThrow(
      /Unknown layer 'layer5'\. Close matches: layer1, layer2, layer3, layer4.*listLayers/,
    );
    await expect(loadOnnxModel(vgg, { output: 'relu2_x', preset: 'vgg16' })).rejects.toThrow(/Unknown layer 'relu2_x'. Close matches: relu2_1, relu2_2/);
  });

  it('writes the tapped model, which reloads as a standalone network', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plenoptic-onnx-'));
    const model = await loadOnnxModel(vgg, { output: 'pool1', preset: 'vgg16', preprocess: 'imagenet', grayToRgb: true });
    const path = join(dir, 'vgg_pool1.onnx');
    await saveTappedModel(model, path);
    expect(readFileSync(path).length).toBeLessThan(readFileSync(vgg).length / 2);
    const saved = await loadOnnxModel(path);
    expect(saved.inputChannels).toBe(1);
    const gray = tf.randomUniform([1, 1, 24, 24], 0, 1, 'float32', 3) as tf.Tensor4D;
    const a = await model.forward(gray);
    const b = await saved.forward(gray);
    expect(b.shape).toEqual([1, 64, 12, 12]);
    expectClose(await b.data(), await a.data(), { rtolOfMax: 1e-6, label: 'saved tapped model' });
    model.dispose();
    saved.dispose();
  });
});

describeFixtures('preprocessing and input checks', () => {
  describeEachBackend('loadOnnxModel', () => {
    it('ImageNet normalization and gray-to-RGB equal doing them by hand, on both executors', async () => {
      const gray = tf.randomUniform([2, 1, 20, 20], 0, 1, 'float32', 5) as tf.Tensor4D;
      const rgb = tf.div(tf.sub(tf.concat([gray, gray, gray], 1), tf.tensor(IMAGENET_MEAN, [1, 3, 1, 1])), tf.tensor(IMAGENET_STD, [1, 3, 1, 1])) as tf.Tensor4D;
      const expected = await output(vgg, { output: '4', executor: 'tfjs' }, rgb);
      for (const executor of ['tfjs', 'ort'] as const) {
        const y = await output(vgg, { output: '4', preprocess: 'imagenet', grayToRgb: true, executor }, gray);
        expectClose(await y.data(), await expected.data(), { rtolOfMax: 1e-5, label: `preprocessed (${executor})` });
      }
    });

    it('the interpreter and onnxruntime agree, and vjp works on the onnxruntime-backed model', async () => {
      const x = fixtureTensor('onnx', 'resnet18_layer1.input.npy') as tf.Tensor4D;
      const ort = await loadOnnxModel(resnet, { output: '4.0.relu' });
      const interpreted = await loadOnnxModel(resnet, { output: '4.0.relu', executor: 'tfjs' });
      expect([ort.executor, interpreted.executor]).toEqual(['ort', 'tfjs']);
      // Only the interpreter offers tfjsForward: with onnxruntime, synthesis asks for forward + vjp.
      expect([ort.tfjsForward, typeof interpreted.tfjsForward]).toEqual([undefined, 'function']);
      const a = await ort.forward(x);
      expect(ort.executorInfo).toMatch(/onnxruntime cpu .*generated gradient graphs.*\(default\)/);
      expect(ort.executionProvider).toBe('cpu');
      expectClose(await interpreted.tfjsForward!(x).data(), await a.data(), { rtolOfMax: 1e-5, label: 'tfjs vs ort' });
      const g1 = await ort.vjp(x, a);
      const g2 = await interpreted.vjp(x, a);
      expectClose(await g1.data(), await g2.data(), { rtolOfMax: 1e-6, label: 'vjp' });
      ort.dispose();
      interpreted.dispose();
    });

    it('rejects inputs of the wrong channel count, rank or size with the fix', async () => {
      const model = await loadOnnxModel(vgg, { output: '9' });
      await expect(model.forward(tf.zeros([1, 1, 32, 32]) as tf.Tensor4D)).rejects.toThrow(/expects 3 input channel\(s\), got 1.*grayToRgb: true/);
      await expect(model.vjp(tf.zeros([1, 1, 32, 32]) as tf.Tensor4D, tf.zeros([1]))).rejects.toThrow(/expects 3 input channel\(s\), got 1/);
      const interpreted = await loadOnnxModel(vgg, { output: '9', executor: 'tfjs' });
      expect(() => interpreted.tfjsForward!(tf.zeros([1, 1, 32, 32]) as tf.Tensor4D)).toThrow(ValueError);
      interpreted.dispose();
      await expect(model.vjp(tf.zeros([3, 32, 32]) as unknown as tf.Tensor4D, tf.zeros([1]))).rejects.toThrow(/4-D NCHW image batch/);
      await expect(model.forward(tf.zeros([1, 3, 3, 3]) as tf.Tensor4D)).rejects.toThrow(
        /cannot process an input of shape \[1, 3, 3, 3\].*MaxPool node '\/9\/MaxPool'.*too small/,
      );
      const gray = await loadOnnxModel(vgg, { grayToRgb: true });
      await expect(gray.forward(tf.zeros([1, 3, 32, 32]) as tf.Tensor4D)).rejects.toThrow(/expects 1 input channel.*loaded with grayToRgb/);
      model.dispose();
      gray.dispose();
    });
  });

  it('rejects a truncated file and a file that is not ONNX', async () => {
    const bytes = readFileSync(tiny);
    await expect(loadOnnxModel(bytes.subarray(0, 5000))).rejects.toThrow(/not a valid ONNX file.*truncated/);
    await expect(loadOnnxModel(fixturePath('onnx', 'tiny_mixed.input.npy'))).rejects.toThrow(/tiny_mixed\.input\.npy is not (a valid ONNX file|an ONNX model)/);
    await expect(loadOnnxModel(fixturePath('onnx', 'missing.onnx'))).rejects.toThrow(/Could not read ONNX file/);
  });
});

describeFixtures('memory', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('a 1,000-call vjp loop on tiny_mixed keeps the tensor count flat', async () => {
    const model = await loadOnnxModel(tiny, { executor: 'tfjs' });
    // The smallest image tiny_mixed takes: the loop checks bookkeeping, and its cost is per-op overhead.
    const x = tf.randomUniform([1, 3, 8, 8], 0, 1, 'float32', 1) as tf.Tensor4D;
    const y = await model.forward(x);
    (await model.vjp(x, y)).dispose();
    const before = tf.memory().numTensors;
    const started = performance.now();
    for (let i = 0; i < 1000; i++) (await model.vjp(x, y)).dispose();
    console.log(`tiny_mixed vjp [${tf.getBackend()}]: ${((performance.now() - started) / 1000).toFixed(1)} ms per call`);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
