// Small ONNX graphs for operator tests: one image input, nodes, initializers. Not a test file.
import { makeNode } from '../../onnx/attributes.js';
import type { Attribute, Node, OnnxModelIR } from '../../onnx/ir.js';
import { topologicalSort } from '../../onnx/ir.js';
import { makeTensor, type DType, type TensorData } from '../../onnx/tensor-data.js';
import { Rng } from '../../runtime/rng.js';

export interface GraphSpec {
  opset?: number;
  inputShape: (number | string)[];
  nodes: Node[];
  initializers?: Record<string, TensorData>;
  output?: string;
}

/** A model whose input is 'x' and whose output is `output` (default: the last node's first output). */
export function buildModel({ opset = 14, inputShape, nodes, initializers = {}, output }: GraphSpec): OnnxModelIR {
  const out = output ?? nodes[nodes.length - 1].outputs[0];
  const inits = new Map(Object.entries(initializers));
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: opset }],
    producerName: 'plenoptic-ts test',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: '',
    metadata: {},
    graph: {
      name: 'test',
      nodes: topologicalSort(nodes, ['x', ...inits.keys()]),
      inputs: [{ name: 'x', dtype: 'float32', shape: inputShape }],
      outputs: [{ name: out, dtype: 'float32' }],
      initializers: inits,
      valueInfo: [],
    },
  };
}

/** One node reading x (and the named initializers) and writing y. */
export function singleOp(
  opType: string,
  inputShape: number[],
  attributes: Record<string, Attribute> = {},
  extraInputs: (string | TensorData)[] = [],
  opset = 14,
): OnnxModelIR {
  const initializers: Record<string, TensorData> = {};
  const names = extraInputs.map((e, i) => {
    if (typeof e === 'string') return e;
    initializers[`in${i + 1}`] = e;
    return `in${i + 1}`;
  });
  return buildModel({
    opset,
    inputShape,
    nodes: [makeNode(opType, ['x', ...names], ['y'], attributes)],
    initializers,
  });
}

export function ints(values: number[]): TensorData {
  return makeTensor('int64', [values.length], values);
}

export function floats(dims: number[], values: number[]): TensorData {
  return makeTensor('float32', dims, values);
}

export function randomTensor(dims: number[], seed: number, dtype: DType = 'float32'): TensorData {
  const rng = new Rng(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  return makeTensor(dtype, dims, Array.from({ length: n }, () => rng.normal()));
}
