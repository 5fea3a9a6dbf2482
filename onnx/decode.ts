// ONNX bytes -> graph IR. Float32 and int64 raw data are viewed in place when aligned (protobufjs hands out
// subarrays of the input, and about half of them start at an offset that is not a multiple of 4); everything else
// is copied into the IR's array kinds.
import { ValueError } from '../runtime/errors.js';
import type { Attribute, Dim, Graph, Node, OnnxModelIR, ValueInfo } from './ir.js';
import { isStandardDomain, topologicalSort } from './ir.js';
import { modelProtoType, OnnxAttributeType } from './schema.js';
import { allocate, byteWidth, dtypeFromOnnx, numel, storageKind, type DType, type TensorData } from './tensor-data.js';
import { float16ToFloat32, bfloat16ToFloat32 } from './half.js';

/** What protobufjs returns for an int64 field: a Long when the long package is present, else a number. */
type Int64 = number | { toNumber(): number; toString(): string };

const toNumber = (v: Int64 | null | undefined): number => (v == null ? 0 : typeof v === 'number' ? v : v.toNumber());
const toBigInt = (v: Int64): bigint => (typeof v === 'number' ? BigInt(v) : BigInt(v.toString()));
const utf8 = new TextDecoder();

interface RawTensor {
  dims: Int64[];
  dataType: number;
  floatData: number[];
  int32Data: number[];
  stringData: Uint8Array[];
  int64Data: Int64[];
  name: string;
  rawData: Uint8Array;
  doubleData: number[];
  uint64Data: Int64[];
  externalData: { key: string; value: string }[];
  dataLocation: number;
}

interface RawAttribute {
  name: string;
  f: number;
  i: Int64;
  s: Uint8Array;
  t?: RawTensor;
  g?: RawGraph;
  floats: number[];
  ints: Int64[];
  strings: Uint8Array[];
  tensors: RawTensor[];
  graphs: RawGraph[];
  type: number;
  refAttrName: string;
}

interface RawValueInfo {
  name: string;
  type?: { tensorType?: { elemType: number; shape?: { dim: { dimValue?: Int64; dimParam?: string }[] } } };
}

interface RawNode {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  attribute: RawAttribute[];
  docString: string;
  domain: string;
  metadataProps: { key: string; value: string }[];
}

interface RawGraph {
  node: RawNode[];
  name: string;
  initializer: RawTensor[];
  docString: string;
  input: RawValueInfo[];
  output: RawValueInfo[];
  valueInfo: RawValueInfo[];
}

interface RawModel {
  irVersion: Int64;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: Int64;
  docString: string;
  graph?: RawGraph;
  opsetImport: { domain: string; version: Int64 }[];
  metadataProps: { key: string; value: string }[];
  functions: { name: string; domain: string }[];
}

/**
 * Decodes an ONNX model. `source` names the file or buffer in error messages.
 * The IR may share memory with `bytes` (aligned float32/int64 initializers): do not overwrite `bytes` afterwards.
 */
export function decodeModel(bytes: Uint8Array, source = 'ONNX model'): OnnxModelIR {
  let raw: RawModel;
  try {
    raw = modelProtoType().decode(bytes) as unknown as RawModel;
  } catch (e) {
    throw new ValueError(
      `${source} is not a valid ONNX file (${(e as Error).message}); it may be truncated or not an ONNX model. ` +
        'Re-export it with torch.onnx.export or check the download.',
    );
  }
  const irVersion = toNumber(raw.irVersion);
  if (!raw.graph || irVersion < 1 || irVersion > 100 || raw.opsetImport.length === 0) {
    throw new ValueError(
      `${source} is not an ONNX model (no graph, IR version or opset import was found). ` +
        'Pass a .onnx file written by torch.onnx.export or onnx.save.',
    );
  }
  if (raw.functions.length) {
    const names = raw.functions.map((f) => `${f.domain}.${f.name}`).join(', ');
    throw new ValueError(
      `${source} defines model-local functions (${names}), which this importer does not inline. ` +
        'Inline them first (onnx.inliner.inline_local_functions in Python) or export with the TorchScript exporter.',
    );
  }
  return {
    irVersion,
    opsetImports: raw.opsetImport.map((o) => ({ domain: o.domain, version: toNumber(o.version) })),
    producerName: raw.producerName,
    producerVersion: raw.producerVersion,
    domain: raw.domain,
    modelVersion: toNumber(raw.modelVersion),
    docString: raw.docString,
    metadata: Object.fromEntries(raw.metadataProps.map((p) => [p.key, p.value])),
    graph: decodeGraph(raw.graph, source),
  };
}

function decodeGraph(raw: RawGraph, source: string): Graph {
  const initializers = new Map<string, TensorData>();
  for (const t of raw.initializer) initializers.set(t.name, decodeTensor(t, `initializer '${t.name}'`, source));
  // Before IR version 4 initializers were also listed as inputs; only the others are fed at run time.
  const inputs = raw.input.filter((v) => !initializers.has(v.name)).map((v) => decodeValueInfo(v, source));
  const nodes = raw.node.map((n, i) => decodeNode(n, i, source));
  return {
    name: raw.name,
    nodes: topologicalSort(nodes, [...inputs.map((v) => v.name), ...initializers.keys()]),
    inputs,
    outputs: raw.output.map((v) => decodeValueInfo(v, source)),
    initializers,
    valueInfo: raw.valueInfo.filter((v) => v.type?.tensorType).map((v) => decodeValueInfo(v, source)),
    ...(raw.docString ? { docString: raw.docString } : {}),
  };
}

function decodeValueInfo(raw: RawValueInfo, source: string): ValueInfo {
  const tensorType = raw.type?.tensorType;
  if (!tensorType) {
    throw new ValueError(`${source}: value '${raw.name}' is not a tensor (sequences and maps are not supported).`);
  }
  const info: ValueInfo = { name: raw.name, dtype: dtypeFromOnnx(tensorType.elemType, `${source}: value '${raw.name}'`) };
  if (tensorType.shape) {
    info.shape = tensorType.shape.dim.map((d): Dim => {
      if (d.dimValue != null && toNumber(d.dimValue) > 0) return toNumber(d.dimValue);
      return d.dimParam ? d.dimParam : null;
    });
  }
  return info;
}

function decodeNode(raw: RawNode, index: number, source: string): Node {
  const name = raw.name || `${raw.opType}_${index}`;
  const node: Node = {
    name,
    opType: raw.opType,
    domain: isStandardDomain(raw.domain) ? '' : raw.domain,
    inputs: [...raw.input],
    outputs: [...raw.output],
    attributes: {},
  };
  for (const a of raw.attribute) node.attributes[a.name] = decodeAttribute(a, `node '${name}' attribute '${a.name}'`, source);
  if (raw.docString) node.docString = raw.docString;
  if (raw.metadataProps.length) node.metadata = Object.fromEntries(raw.metadataProps.map((p) => [p.key, p.value]));
  return node;
}

/** Attribute type; models older than IR version 3 leave the type field unset, so infer it from the set field. */
function attributeType(a: RawAttribute): number {
  if (a.type) return a.type;
  if (a.floats.length) return OnnxAttributeType.FLOATS;
  if (a.ints.length) return OnnxAttributeType.INTS;
  if (a.strings.length) return OnnxAttributeType.STRINGS;
  if (a.t) return OnnxAttributeType.TENSOR;
  if (a.g) return OnnxAttributeType.GRAPH;
  if (a.s?.length) return OnnxAttributeType.STRING;
  if (toNumber(a.i) !== 0) return OnnxAttributeType.INT;
  return OnnxAttributeType.FLOAT;
}

function decodeAttribute(a: RawAttribute, what: string, source: string): Attribute {
  if (a.refAttrName) throw new ValueError(`${source}: ${what} refers to a function attribute; functions are not supported.`);
  switch (attributeType(a)) {
    case OnnxAttributeType.FLOAT:
      return { type: 'float', value: a.f };
    case OnnxAttributeType.INT:
      return { type: 'int', value: toNumber(a.i) };
    case OnnxAttributeType.STRING:
      return { type: 'string', value: utf8.decode(a.s) };
    case OnnxAttributeType.TENSOR:
      return { type: 'tensor', value: decodeTensor(a.t!, what, source) };
    case OnnxAttributeType.GRAPH:
      return { type: 'graph', value: decodeGraph(a.g!, source) };
    case OnnxAttributeType.FLOATS:
      return { type: 'floats', value: [...a.floats] };
    case OnnxAttributeType.INTS:
      return { type: 'ints', value: a.ints.map(toNumber) };
    case OnnxAttributeType.STRINGS:
      return { type: 'strings', value: a.strings.map((s) => utf8.decode(s)) };
    case OnnxAttributeType.TENSORS:
      return { type: 'tensors', value: a.tensors.map((t) => decodeTensor(t, what, source)) };
    case OnnxAttributeType.GRAPHS:
      return { type: 'graphs', value: a.graphs.map((g) => decodeGraph(g, source)) };
    default:
      throw new ValueError(`${source}: ${what} has attribute type ${a.type}, which is not supported (sparse tensors, type protos).`);
  }
}

const EXTERNAL = 1;

export function decodeTensor(raw: RawTensor, what: string, source: string): TensorData {
  if (raw.dataLocation === EXTERNAL || raw.externalData.length) {
    const file = raw.externalData.find((e) => e.key === 'location')?.value ?? '?';
    throw new ValueError(
      `${source}: ${what} keeps its data in an external file ('${file}'); external data is not supported. ` +
        'Re-save the model as one file: onnx.save_model(m, path, save_as_external_data=False) (models under 2 GB).',
    );
  }
  const dtype = dtypeFromOnnx(raw.dataType, `${source}: ${what}`);
  const dims = raw.dims.map(toNumber);
  const count = numel(dims);
  const stored = raw.rawData?.length ? raw.rawData.byteLength / byteWidth[dtype] : null;
  const data = stored === count ? fromRawBytes(raw.rawData, dtype, count) : stored === null ? fromTypedFields(raw, dtype) : null;
  if (!data || data.length !== count) {
    const held = stored ?? data?.length ?? 0;
    throw new ValueError(`${source}: ${what} holds ${held} values but its shape [${dims.join(', ')}] needs ${count}.`);
  }
  return { dtype, dims, data };
}


function fromRawBytes(bytes: Uint8Array, dtype: DType, n: number): TensorData['data'] {
  const width = byteWidth[dtype];
  const aligned = bytes.byteOffset % width === 0;
  // Copy unaligned data into a fresh buffer, which is always aligned (not bytes.slice(): on a Node Buffer it is a view).
  const buffer = aligned ? bytes.buffer : new Uint8Array(bytes).buffer;
  const offset = aligned ? bytes.byteOffset : 0;
  const view = new DataView(buffer, offset, n * width);
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, offset, n);
    case 'int64':
    case 'uint64':
      return new BigInt64Array(buffer, offset, n);
    case 'bool':
      return new Uint8Array(bytes.subarray(0, n));
    default: {
      const out = allocate(dtype, n);
      for (let i = 0; i < n; i++) out[i] = readScalar(view, dtype, i) as never;
      return out;
    }
  }
}

function readScalar(view: DataView, dtype: DType, i: number): number | bigint {
  switch (dtype) {
    case 'float64':
      return view.getFloat64(i * 8, true);
    case 'float16':
      return float16ToFloat32(view.getUint16(i * 2, true));
    case 'bfloat16':
      return bfloat16ToFloat32(view.getUint16(i * 2, true));
    case 'int8':
      return view.getInt8(i);
    case 'uint8':
      return view.getUint8(i);
    case 'int16':
      return view.getInt16(i * 2, true);
    case 'uint16':
      return view.getUint16(i * 2, true);
    case 'int32':
      return view.getInt32(i * 4, true);
    case 'uint32':
      return BigInt(view.getUint32(i * 4, true));
    default:
      throw new ValueError(`unreachable dtype ${dtype}`);
  }
}

function fromTypedFields(raw: RawTensor, dtype: DType): TensorData['data'] {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(raw.floatData);
    case 'float64':
      return Float32Array.from(raw.doubleData);
    case 'float16':
      return Float32Array.from(raw.int32Data, float16ToFloat32);
    case 'bfloat16':
      return Float32Array.from(raw.int32Data, bfloat16ToFloat32);
    case 'int64':
      return BigInt64Array.from(raw.int64Data, toBigInt);
    case 'uint32':
    case 'uint64':
      return BigInt64Array.from(raw.uint64Data, toBigInt);
    case 'bool':
      return Uint8Array.from(raw.int32Data);
    default:
      if (storageKind(dtype) !== 'int') throw new ValueError(`unreachable dtype ${dtype}`);
      return Int32Array.from(raw.int32Data);
  }
}
