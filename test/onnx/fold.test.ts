// Shape inference and constant folding: PyTorch's shape chains fold away (keeping a dynamic batch when it is
// symbolic), folded models compute the same outputs on onnxruntime, and impossible input sizes are named.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attr, makeNode } from '../../onnx/attributes.js';
import { decodeModel } from '../../onnx/decode.js';
import { encodeModel } from '../../onnx/encode.js';
import { foldConstants } from '../../onnx/fold.js';
import { InterpretedModel } from '../../onnx/interpreter/model.js';
import { opCounts, type OnnxModelIR } from '../../onnx/ir.js';
import { inferShapes } from '../../onnx/shape-inference.js';
import { tensorNumbers } from '../../onnx/tensor-data.js';
import { ValueError } from '../../runtime/errors.js';
import { createOrtSession } from '../../runtime/onnxruntime.js';
import { tf } from '../../runtime/tf.js';
import { expectClose } from '../helpers/compare.js';
import { describeFixtures, fixturePath, readFixtureNpy } from '../helpers/fixtures.js';
import { buildModel, randomTensor } from './graph-builder.js';

const load = (name: string) => decodeModel(readFileSync(fixturePath('onnx', `${name}.onnx`)));

async function runOrt(model: OnnxModelIR, name: string, suffix: string): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await createOrtSession(encodeModel(model), { executionProvider: 'cpu' });
  const x = readFixtureNpy('onnx', `${name}.${suffix}.npy`);
  const out = await session.run({ input: { data: x.data as Float32Array, dims: x.shape } });
  await session.release();
  return out[model.graph.outputs[0].name];
}

const shapeOps = ['Constant', 'ConstantOfShape', 'Shape', 'Gather', 'Unsqueeze', 'Cast', 'Identity'];

describeFixtures('constant folding of the fixtures', () => {
  for (const name of ['tiny_mixed', 'tiny_mixed_opset11', 'tiny_mixed_opset17']) {
    it(`${name}: the reshape chain folds with a symbolic batch, and the batch stays dynamic`, async () => {
      const model = load(name);
      const { model: folded, facts } = foldConstants(model);
      const counts = opCounts(folded.graph);
      for (const op of ['Constant', 'ConstantOfShape', 'Gather', 'Unsqueeze', 'Cast']) expect(counts[op], op).toBeUndefined();
      // The Resize to 8x8 keeps its Shape -> Slice -> Concat sizes: they contain the batch dimension.
      expect(counts.Shape).toBe(1);
      // 38 computing nodes, plus that Shape -> Slice -> Concat.
      expect(folded.graph.nodes.length).toBe(41);
      expect(model.graph.nodes.length).toBeGreaterThan(77);
      const reshape = folded.graph.nodes.find((n) => n.name === '/Reshape_2')!;
      expect(tensorNumbers(folded.graph.initializers.get(reshape.inputs[1])!)).toEqual([0, 16, -1]);
      expect(facts.get('/Reshape_2_output_0')!.shape).toEqual(['batch', 16, 64]);
      expect(facts.get('output')!.shape).toEqual(['batch', 10]);
      for (const suffix of ['input', 'input_b2']) {
        const expected = readFixtureNpy('onnx', `${name}.${suffix.replace('input', 'output')}.npy`);
        const out = await runOrt(folded, name, suffix);
        expect(out.dims).toEqual(expected.shape);
        expectClose(out.data, expected.data, { rtolOfMax: 1e-5, label: `${name} folded ${suffix}` });
      }
    });
  }

  it('tiny_mixed: with a concrete input shape nothing but computation is left', () => {
    const { model: folded, facts } = foldConstants(load('tiny_mixed'), { input: [2, 3, 32, 32] });
    const counts = opCounts(folded.graph);
    for (const op of [...shapeOps, 'Slice']) {
      // The one Slice left is the model's h[:, :10] on real data.
      if (op === 'Slice') expect(counts.Slice).toBe(1);
      else expect(counts[op], op).toBeUndefined();
    }
    expect(counts.Concat).toBe(2);
    for (const [, f] of facts) expect(f.shape.every((d) => typeof d === 'number')).toBe(true);
  });

  it('vgg16_features10: the Identity aliases of shared biases are bypassed', async () => {
    const model = load('vgg16_features10');
    const { model: folded } = foldConstants(model);
    expect(opCounts(folded.graph).Identity).toBeUndefined();
    expect(folded.graph.nodes.length).toBe(model.graph.nodes.length - 2);
    const out = await runOrt(folded, 'vgg16_features10', 'input');
    const expected = readFixtureNpy('onnx', 'vgg16_features10.output.npy');
    expectClose(out.data, expected.data, { rtolOfMax: 1e-5, label: 'vgg folded' });
  });
});

describeFixtures('shape inference', () => {
  it('matches the shapes the interpreter computes for every tiny_mixed value', async () => {
    const model = load('tiny_mixed');
    const facts = inferShapes(model, { input: [2, 3, 32, 32] });
    const x = tf.zeros([2, 3, 32, 32]) as tf.Tensor4D;
    const floatValues = model.graph.nodes.flatMap((n) => n.outputs).filter((v) => facts.get(v)!.dtype === 'float32' && !facts.get(v)!.constant);
    expect(floatValues.length).toBeGreaterThan(30);
    for (const value of floatValues) {
      const interpreted = new InterpretedModel('tap', model, value);
      const y = await interpreted.forward(x);
      expect(facts.get(value)!.shape, value).toEqual(y.shape);
      y.dispose();
      interpreted.dispose();
    }
  });

  it('names the layer where an input is too small', () => {
    const model = load('vgg16_features10');
    expect(() => inferShapes(model, { input: [1, 3, 1, 1] })).toThrow(ValueError);
    expect(() => inferShapes(model, { input: [1, 3, 1, 1] })).toThrow(/MaxPool node '\/4\/MaxPool'.*smaller than the 2x2 window/);
  });

  it('names a channel mismatch', () => {
    expect(() => inferShapes(load('resnet18_layer1'), { input: [1, 1, 64, 64] })).toThrow(/Conv node '\/0\/Conv'.*1 channels but its weight expects 3/);
  });

  it('names a classifier that was exported for another image size', () => {
    const model = buildModel({
      inputShape: ['batch', 2, 4, 4],
      nodes: [makeNode('Flatten', ['x'], ['f']), makeNode('Gemm', ['f', 'W'], ['y'], { transB: attr.int(1) })],
      initializers: { W: randomTensor([3, 32], 1) },
    });
    expect(inferShapes(model).get('y')!.shape).toEqual(['batch', 3]);
    expect(() => inferShapes(model, { x: [1, 2, 8, 8] })).toThrow(/Gemm node .*128 features but its weight expects 32.*exported for/);
  });
});
