// OrtModel, the executor serving forward / vjp / jvp from onnxruntime sessions: kept activations reused only at the
// same image, several input shapes, the execution provider, the fallback to another Model for ops without a
// gradient rule, and bad inputs.
import { describe, expect, it } from 'vitest';
import { attr, makeNode } from '../../../onnx/attributes.js';
import { onnxGraphModel, OrtModel } from '../../../onnx/autodiff/ort-model.js';
import { InterpretedModel } from '../../../onnx/interpreter/model.js';
import { modelFromFunction } from '../../../runtime/model.js';
import { Rng } from '../../../runtime/rng.js';
import { tf } from '../../../runtime/tf.js';
import { captureWarnings } from '../../../runtime/warnings.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { expectTensorClose } from '../../helpers/compare.js';
import { buildModel, randomTensor } from '../graph-builder.js';

/** Conv -> Relu -> overlapping MaxPool -> Sigmoid: every kind of rule a small CNN needs. */
const network = buildModel({
  inputShape: ['batch', 2, 'h', 'w'],
  nodes: [
    makeNode('Conv', ['x', 'W', 'b'], ['c'], { pads: attr.ints([1, 1, 1, 1]) }),
    makeNode('Relu', ['c'], ['r']),
    makeNode('MaxPool', ['r'], ['p'], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]) }),
    makeNode('Sigmoid', ['p'], ['y']),
  ],
  initializers: { W: randomTensor([3, 2, 3, 3], 1), b: randomTensor([3], 2) },
});

const image = (shape: [number, number, number, number], seed: number) => tf.tensor4d(new Rng(seed).normalArray(shape.reduce((a, b) => a * b, 1)), shape);

describeEachBackend('OrtModel', () => {
  it('answers forward, vjp and jvp as the interpreter does, whichever graphs serve them', async () => {
    const model = await OrtModel.create('cnn', network, { executionProvider: 'cpu', intraOpNumThreads: 1 });
    const reference = new InterpretedModel('cnn', network, 'y');
    const shapes: [number, number, number, number][] = [[1, 2, 9, 9], [2, 2, 12, 10], [1, 2, 9, 9]];
    for (const [k, shape] of shapes.entries()) {
      // Two images of one shape, alternately: what is kept must follow the image, not the shape. At each image the
      // first product runs a fused graph, the second keeps the linearization, and the later ones (and a forward)
      // read what was kept.
      const [x1, x2] = [image(shape, 10 + k), image(shape, 20 + k)];
      for (const x of [x1, x2, x1]) {
        const expected = await reference.forward(x);
        const u = tf.onesLike(expected);
        const v = tf.onesLike(x);
        const [expectedVjp, expectedJvp] = [await reference.vjp(x, u), await reference.jvp(x, v)];
        await expectTensorClose(await model.forward(x), expected, { atol: 1e-6, label: 'forward' });
        await expectTensorClose(await model.vjp(x, u), expectedVjp, { atol: 1e-5, label: 'vjp (fused)' });
        await expectTensorClose(await model.jvp(x, v), expectedJvp, { atol: 1e-5, label: 'jvp (linearizing)' });
        await expectTensorClose(await model.vjp(x, u), expectedVjp, { atol: 1e-5, label: 'vjp (kept linearization)' });
        await expectTensorClose(await model.forward(x), expected, { atol: 1e-6, label: 'forward (kept linearization)' });
      }
    }
    expect(model.executionProvider).toBe('cpu');
    expect(model.description).toMatch(/onnxruntime cpu.*generated gradient graphs.*1 intra-op thread/);
    model.dispose();
    reference.dispose();
  });

  it('in a synthesis loop (forward then vjp at each new image) runs the forward pass once per step', async () => {
    const model = await OrtModel.create('cnn', network, { executionProvider: 'cpu' });
    const reference = new InterpretedModel('cnn', network, 'y');
    for (let step = 0; step < 4; step++) {
      const x = image([1, 2, 9, 9], 40 + step);
      const y = await model.forward(x);
      await expectTensorClose(y, await reference.forward(x), { atol: 1e-6, label: `forward, step ${step}` });
      await expectTensorClose(await model.vjp(x, y), await reference.vjp(x, y), { atol: 1e-5, label: `vjp, step ${step}` });
    }
    // Step 0 knows of no products yet: plain forward, fused vjp. Then each step captures and runs product-only.
    expect(Object.fromEntries(model.graphRuns)).toEqual({ forward: 1, vjp: 1, linearize: 3, 'vjp at linearization': 3 });
    // No intraOpNumThreads option: PLENOPTIC_ORT_THREADS (test/setup.ts sets 1) decides.
    expect(model.description).toMatch(/; 1 intra-op thread\(s\)$/);
    model.dispose();
    reference.dispose();
  });

  it('falls back, with a warning, to another Model where an op has no gradient rule', async () => {
    const sine = buildModel({ inputShape: [1, 1, 4, 4], nodes: [makeNode('Sin', ['x'], ['y'], {}, 'the_sine')] });
    const { result: model, warnings } = await captureWarnings(() =>
      OrtModel.create('sine', sine, { executionProvider: 'cpu', fallback: modelFromFunction((x) => tf.sin(x)) }),
    );
    expect(warnings.map((w) => w.message).join('\n')).toMatch(/no gradient rule for Sin \(node 'the_sine'\).*tfjs interpreter/);
    const x = image([1, 1, 4, 4], 3);
    await expectTensorClose(await model.forward(x), tf.sin(x), { atol: 1e-6, label: 'forward still on onnxruntime' });
    const u = image([1, 1, 4, 4], 4);
    await expectTensorClose(await model.vjp(x, u), tf.mul(tf.cos(x), u), { atol: 1e-6, label: 'vjp from the fallback' });
    model.dispose();
  });
});

describe('OrtModel bad inputs', () => {
  it('names the shape problem', async () => {
    const model = await OrtModel.create('cnn', network, { executionProvider: 'cpu' });
    const x = image([1, 2, 9, 9], 5);
    await expect(model.vjp(x, tf.ones([1, 3, 3, 3]))).rejects.toThrow(/cotangent has shape \[1, 3, 3, 3\].*output .* has shape \[1, 3, 4, 4\]/);
    await expect(model.jvp(x, tf.ones([1, 2, 9, 8]) as tf.Tensor4D)).rejects.toThrow(/tangent has shape \[1, 2, 9, 8\]; it must match/);
    await expect(model.forward(tf.ones([2, 9, 9]) as unknown as tf.Tensor4D)).rejects.toThrow(/float32 NCHW image batch/);
    await expect(model.forward(image([1, 3, 9, 9], 6))).rejects.toThrow(/3 channels but its weight expects 2/);
    model.dispose();
  });

  it('picks onnxruntime by default and the interpreter on request, and rejects other executors', async () => {
    const chosen = await onnxGraphModel('cnn', network);
    expect(chosen.executor).toBe('ort');
    expect(chosen.model).toBeInstanceOf(OrtModel);
    expect(chosen.model.tfjsForward).toBeUndefined();
    const interpreted = await onnxGraphModel('cnn', network, { executor: 'tfjs' });
    expect(interpreted.model).toBeInstanceOf(InterpretedModel);
    await expect(onnxGraphModel('cnn', network, { executor: 'gpu' as 'ort' })).rejects.toThrow(/executor must be 'ort' or 'tfjs', got 'gpu'/);
    chosen.model.dispose?.();
    interpreted.model.dispose?.();
  });

  it('rejects an unknown execution provider', async () => {
    const model = await OrtModel.create('cnn', network, { executionProvider: 'tpu' as 'cpu' });
    await expect(model.forward(image([1, 2, 9, 9], 7))).rejects.toThrow(/Unknown onnxruntime execution provider 'tpu'/);
    model.dispose();
  });
});
