import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { tf } from '../../runtime/tf.js';
import { useBackend } from '../../runtime/backend.js';
import { loadOnnxModel } from '../../adapters/onnx-model.js';
import { withOrtGradients } from '../../adapters/ort-gradients.js';
import { describeFixtures, fixturePath, fixtureTensor } from '../helpers/fixtures.js';
import { expectClose } from '../helpers/compare.js';

describeFixtures('withOrtGradients on vgg16_features10', () => {
  it("matches PyTorch's output and input gradient through onnxruntime's generated graphs", async () => {
    await useBackend('wasm');
    const onnx = await loadOnnxModel(new Uint8Array(readFileSync(fixturePath('onnx', 'vgg16_features10.onnx'))));
    const model = await withOrtGradients(onnx);
    const x = fixtureTensor('onnx', 'vgg16_features10.input.npy') as tf.Tensor4D;
    const expected = fixtureTensor('onnx', 'vgg16_features10.output.npy');
    const y = await model.forward(x);
    expectClose(await y.data(), await expected.data(), { rtolOfMax: 1e-4, label: 'output' });
    // d/dx of 0.5·Σ y² is the vjp with the output as cotangent
    const grad = await model.vjp(x, y);
    expectClose(await grad.data(), await fixtureTensor('onnx', 'vgg16_features10.grad_input.npy').data(), { rtolOfMax: 1e-3, label: 'grad_input' });
    expect(model.executionProvider).toBeTruthy();
    tf.dispose([x, expected, y, grad]);
  });
});
