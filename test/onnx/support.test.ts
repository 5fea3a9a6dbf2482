// Models the importer cannot run fail at load time with one message naming the op type, the node, the opset and
// what to do instead.
import { describe, expect, it } from 'vitest';
import { loadOnnxModel } from '../../adapters/onnx-model.js';
import { attr, makeNode } from '../../onnx/attributes.js';
import { encodeModel } from '../../onnx/encode.js';
import { closestNames, supportedOps } from '../../onnx/support.js';
import { captureWarnings } from '../../runtime/warnings.js';
import { buildModel, floats, singleOp } from './graph-builder.js';

const X = [1, 3, 8, 8];
const bytesOf = (...args: Parameters<typeof singleOp>) => encodeModel(singleOp(...args));

describe('unsupported models', () => {
  it('names an unsupported op with its node, the opset and the nearest supported alternative', async () => {
    const model = encodeModel(
      buildModel({
        opset: 11,
        inputShape: X,
        nodes: [makeNode('Relu', ['x'], ['r'], {}, 'relu'), makeNode('Upsample', ['r', 's'], ['y'], {}, '/up/Upsample')],
        initializers: { s: floats([4], [1, 1, 2, 2]) },
      }),
    );
    await expect(loadOnnxModel(model)).rejects.toThrow(/Upsample node '\/up\/Upsample' is not supported \(opset 11\)\. Nearest supported alternative: Resize/);
  });

  it('suggests the closest supported op when it knows no better', async () => {
    await expect(loadOnnxModel(bytesOf('Softsign', X))).rejects.toThrow(/Softsign node .* Nearest supported alternative: Soft(plus|max)/);
    expect(closestNames('Softsign', supportedOps(), 1)[0]).toMatch(/^Soft/);
  });

  it('rejects training-mode BatchNormalization', async () => {
    const params = [floats([3], [1, 1, 1]), floats([3], [0, 0, 0]), floats([3], [0, 0, 0]), floats([3], [1, 1, 1])];
    await expect(loadOnnxModel(bytesOf('BatchNormalization', X, { training_mode: attr.int(1) }, params))).rejects.toThrow(
      /BatchNormalization node .* training mode.*model\.eval\(\)/,
    );
  });

  it('rejects MaxPool indices that are used', async () => {
    const model = buildModel({
      inputShape: X,
      nodes: [makeNode('MaxPool', ['x'], ['y', 'idx'], { kernel_shape: attr.ints([2, 2]) }), makeNode('Cast', ['idx'], ['z'], { to: attr.int(1) })],
      output: 'z',
    });
    await expect(loadOnnxModel(encodeModel(model))).rejects.toThrow(/MaxPool node .* indices/);
  });

  it('rejects custom-domain operators', async () => {
    const model = singleOp('Relu', X);
    model.graph.nodes[0].domain = 'com.microsoft';
    model.opsetImports.push({ domain: 'com.microsoft', version: 1 });
    await expect(loadOnnxModel(encodeModel(model))).rejects.toThrow(/custom operator of domain 'com\.microsoft'/);
  });

  it('rejects opsets below 11 and warns above 18', async () => {
    await expect(loadOnnxModel(bytesOf('Relu', X, {}, [], 10))).rejects.toThrow(/opset 10; opsets 11-18 are supported.*opset_version/);
    const { warnings } = await captureWarnings(async () => (await loadOnnxModel(bytesOf('Relu', X, {}, [], 19), { executor: 'tfjs' })).dispose());
    expect(warnings.map((w) => w.message).join()).toMatch(/opset 19, newer than the 11-18/);
  });
});
