// Graph IR -> ONNX bytes: for truncated ("tapped") models, models with preprocessing prepended, and generated
// gradient graphs. Tensor values are written as raw_data in their declared element type, little-endian.
import type { Attribute, Dim, Graph, Node, OnnxModelIR, ValueInfo } from './ir.js';
import { modelProtoType, OnnxAttributeType } from './schema.js';
import { byteWidth, dtypeToOnnx, numel, type TensorData } from './tensor-data.js';
import { float32ToBfloat16, float32ToFloat16 } from './half.js';

const utf8 = new TextEncoder();

/** Serialises a model. Nodes are written in the graph's order, which must be topological. */
export function encodeModel(model: OnnxModelIR): Uint8Array {
  const message = {
    irVersion: model.irVersion,
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    domain: model.domain,
    modelVersion: model.modelVersion,
    docString: model.docString,
    graph: graphMessage(model.graph),
    opsetImport: model.opsetImports.map((o) => ({ domain: o.domain, version: o.version })),
    metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
  };
  return modelProtoType().encode(message).finish();
}

function graphMessage(graph: Graph): object {
  return {
    node: graph.nodes.map(nodeMessage),
    name: graph.name,
    initializer: [...graph.initializers].map(([name, t]) => tensorMessage(t, name)),
    docString: graph.docString ?? '',
    input: graph.inputs.map(valueInfoMessage),
    output: graph.outputs.map(valueInfoMessage),
    valueInfo: graph.valueInfo.map(valueInfoMessage),
  };
}

function nodeMessage(node: Node): object {
  return {
    input: node.inputs,
    output: node.outputs,
    name: node.name,
    opType: node.opType,
    domain: node.domain,
    docString: node.docString ?? '',
    attribute: Object.entries(node.attributes).map(([name, a]) => attributeMessage(name, a)),
    metadataProps: Object.entries(node.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
}

function dimMessage(d: Dim): object {
  if (typeof d === 'number') return { dimValue: d };
  if (typeof d === 'string') return { dimParam: d };
  return {};
}

function valueInfoMessage(v: ValueInfo): object {
  const tensorType: Record<string, unknown> = { elemType: dtypeToOnnx(v.dtype) };
  if (v.shape) tensorType.shape = { dim: v.shape.map(dimMessage) };
  return { name: v.name, type: { tensorType } };
}

function attributeMessage(name: string, a: Attribute): object {
  switch (a.type) {
    case 'float':
      return { name, type: OnnxAttributeType.FLOAT, f: a.value };
    case 'int':
      return { name, type: OnnxAttributeType.INT, i: a.value };
    case 'string':
      return { name, type: OnnxAttributeType.STRING, s: utf8.encode(a.value) };
    case 'tensor':
      return { name, type: OnnxAttributeType.TENSOR, t: tensorMessage(a.value, '') };
    case 'graph':
      return { name, type: OnnxAttributeType.GRAPH, g: graphMessage(a.value) };
    case 'floats':
      return { name, type: OnnxAttributeType.FLOATS, floats: a.value };
    case 'ints':
      return { name, type: OnnxAttributeType.INTS, ints: a.value };
    case 'strings':
      return { name, type: OnnxAttributeType.STRINGS, strings: a.value.map((s) => utf8.encode(s)) };
    case 'tensors':
      return { name, type: OnnxAttributeType.TENSORS, tensors: a.value.map((t) => tensorMessage(t, '')) };
    case 'graphs':
      return { name, type: OnnxAttributeType.GRAPHS, graphs: a.value.map(graphMessage) };
  }
}

export function tensorMessage(t: TensorData, name: string): object {
  return { name, dims: t.dims, dataType: dtypeToOnnx(t.dtype), rawData: rawBytes(t) };
}


/** The values as little-endian bytes of the tensor's element type. */
export function rawBytes(t: TensorData): Uint8Array {
  const { data, dtype } = t;
  if (dtype === 'float32' || dtype === 'int64' || dtype === 'uint64' || dtype === 'bool') {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  const n = numel(t.dims);
  const out = new Uint8Array(n * byteWidth[dtype]);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = Number(data[i]);
    switch (dtype) {
      case 'float64':
        view.setFloat64(i * 8, v, true);
        break;
      case 'float16':
        view.setUint16(i * 2, float32ToFloat16(v), true);
        break;
      case 'bfloat16':
        view.setUint16(i * 2, float32ToBfloat16(v), true);
        break;
      case 'int8':
        view.setInt8(i, v);
        break;
      case 'uint8':
        view.setUint8(i, v);
        break;
      case 'int16':
        view.setInt16(i * 2, v, true);
        break;
      case 'uint16':
        view.setUint16(i * 2, v, true);
        break;
      case 'int32':
        view.setInt32(i * 4, v, true);
        break;
      case 'uint32':
        view.setUint32(i * 4, v, true);
        break;
    }
  }
  return out;
}
