// Module paths from both PyTorch exporters' naming, and which value a module taps.
import { describe, expect, it } from 'vitest';
import { moduleOutputs, modulePathOf, resolveLayer } from '../../adapters/layers.js';
import { makeNode } from '../../onnx/attributes.js';
import { buildModel } from '../onnx/graph-builder.js';

describe('module paths', () => {
  it('reads TorchScript scoped node names', () => {
    expect(modulePathOf(makeNode('Conv', [], [], {}, '/layer1/layer1.0/conv1/Conv'))).toBe('layer1.0.conv1');
    expect(modulePathOf(makeNode('Conv', [], [], {}, '/features/features.11/Relu'))).toBe('features.11');
    expect(modulePathOf(makeNode('Relu', [], [], {}, '/Relu_1'))).toBe('');
    expect(modulePathOf(makeNode('Conv', [], [], {}, 'Conv_12'))).toBe('');
  });

  it('reads the dynamo exporter metadata', () => {
    const node = makeNode('MatMul', [], [], {}, 'node_linear_8');
    node.metadata = { 'pkg.torch.onnx.name_scopes': "['', 'blocks.2', 'blocks.2.mlp', 'blocks.2.mlp.fc1', 'linear_8']" };
    expect(modulePathOf(node)).toBe('blocks.2.mlp.fc1');
    node.metadata = { 'pkg.torch.onnx.name_scopes': "['', 'relu']" };
    expect(modulePathOf(node)).toBe('');
  });

  it('a module taps its last value read outside it, not a side branch', () => {
    // block: a = conv(x); s = Shape(a) (read inside only); b = relu(a); the block's value is b.
    const scoped = (op: string, inputs: string[], output: string, name: string) => makeNode(op, inputs, [output], {}, name);
    const model = buildModel({
      inputShape: [1, 1, 4, 4],
      nodes: [
        scoped('Relu', ['x'], 'a', '/block/inner/Relu'),
        scoped('Sigmoid', ['a'], 'b', '/block/Sigmoid'),
        scoped('Tanh', ['a'], 'c', '/block/Tanh'),
        scoped('Add', ['b', 'c'], 'd', '/block/Add'),
        scoped('Neg', ['d'], 'y', '/head/Neg'),
      ],
    });
    const modules = moduleOutputs(model.graph);
    expect([...modules]).toEqual([
      ['block.inner', 'a'],
      ['block', 'd'],
      ['head', 'y'],
    ]);
    expect(resolveLayer(model.graph, 'block')).toBe('d');
    expect(resolveLayer(model.graph, '/block/Tanh')).toBe('c');
    expect(resolveLayer(model.graph, 'b')).toBe('b');
    expect(() => resolveLayer(model.graph, 'blok')).toThrow(/Unknown layer 'blok'\. Close matches: block/);
  });
});
