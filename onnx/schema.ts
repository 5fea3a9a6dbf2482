// The part of the ONNX protobuf schema (proto2, package "onnx") that this project reads and writes, as a
// protobufjs JSON descriptor. Field numbers and types are those of the ONNX specification; messages we never
// touch (training info, sparse tensors, quantization annotations, non-tensor types) are left out, and protobuf
// skips their fields when decoding.
import protobuf from 'protobufjs/light.js';

type Fields = Record<string, { id: number; type: string; rule?: 'repeated'; options?: { packed?: boolean } }>;

const repeated = (id: number, type: string, packed = false) =>
  ({ id, type, rule: 'repeated' as const, ...(packed ? { options: { packed: true } } : {}) });

const stringStringEntry: Fields = {
  key: { id: 1, type: 'string' },
  value: { id: 2, type: 'string' },
};

const operatorSetId: Fields = {
  domain: { id: 1, type: 'string' },
  version: { id: 2, type: 'int64' },
};

const tensor: Fields = {
  dims: repeated(1, 'int64'),
  dataType: { id: 2, type: 'int32' },
  floatData: repeated(4, 'float', true),
  int32Data: repeated(5, 'int32', true),
  stringData: repeated(6, 'bytes'),
  int64Data: repeated(7, 'int64', true),
  name: { id: 8, type: 'string' },
  rawData: { id: 9, type: 'bytes' },
  doubleData: repeated(10, 'double', true),
  uint64Data: repeated(11, 'uint64', true),
  docString: { id: 12, type: 'string' },
  externalData: repeated(13, 'StringStringEntryProto'),
  dataLocation: { id: 14, type: 'int32' },
};

const tensorShapeDimension: Fields = {
  dimValue: { id: 1, type: 'int64' },
  dimParam: { id: 2, type: 'string' },
  denotation: { id: 3, type: 'string' },
};

const typeTensor: Fields = {
  elemType: { id: 1, type: 'int32' },
  shape: { id: 2, type: 'TensorShapeProto' },
};

const attribute: Fields = {
  name: { id: 1, type: 'string' },
  f: { id: 2, type: 'float' },
  i: { id: 3, type: 'int64' },
  s: { id: 4, type: 'bytes' },
  t: { id: 5, type: 'TensorProto' },
  g: { id: 6, type: 'GraphProto' },
  floats: repeated(7, 'float'),
  ints: repeated(8, 'int64'),
  strings: repeated(9, 'bytes'),
  tensors: repeated(10, 'TensorProto'),
  graphs: repeated(11, 'GraphProto'),
  docString: { id: 13, type: 'string' },
  type: { id: 20, type: 'int32' },
  refAttrName: { id: 21, type: 'string' },
};

const valueInfo: Fields = {
  name: { id: 1, type: 'string' },
  type: { id: 2, type: 'TypeProto' },
  docString: { id: 3, type: 'string' },
};

const node: Fields = {
  input: repeated(1, 'string'),
  output: repeated(2, 'string'),
  name: { id: 3, type: 'string' },
  opType: { id: 4, type: 'string' },
  attribute: repeated(5, 'AttributeProto'),
  docString: { id: 6, type: 'string' },
  domain: { id: 7, type: 'string' },
  // IR version 10: the dynamo exporter records module paths here (pkg.torch.onnx.name_scopes).
  metadataProps: repeated(9, 'StringStringEntryProto'),
};

const graph: Fields = {
  node: repeated(1, 'NodeProto'),
  name: { id: 2, type: 'string' },
  initializer: repeated(5, 'TensorProto'),
  docString: { id: 10, type: 'string' },
  input: repeated(11, 'ValueInfoProto'),
  output: repeated(12, 'ValueInfoProto'),
  valueInfo: repeated(13, 'ValueInfoProto'),
};

const model: Fields = {
  irVersion: { id: 1, type: 'int64' },
  producerName: { id: 2, type: 'string' },
  producerVersion: { id: 3, type: 'string' },
  domain: { id: 4, type: 'string' },
  modelVersion: { id: 5, type: 'int64' },
  docString: { id: 6, type: 'string' },
  graph: { id: 7, type: 'GraphProto' },
  opsetImport: repeated(8, 'OperatorSetIdProto'),
  metadataProps: repeated(14, 'StringStringEntryProto'),
  // Read only to refuse models that need them (model-local functions are not inlined here).
  functions: repeated(25, 'FunctionProto'),
};

// proto2 semantics: repeated scalars are unpacked unless marked, which is what the ONNX tools write.
const message = (fields: Fields, extra: object = {}) => ({ edition: 'proto2', fields, ...extra });

/** The descriptor, exported so a test can compare it field by field with the official onnx.proto. */
export const onnxDescriptor = {
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: message(stringStringEntry),
        OperatorSetIdProto: message(operatorSetId),
        TensorProto: message(tensor),
        TensorShapeProto: message(
          { dim: repeated(1, 'Dimension') },
          {
            nested: {
              Dimension: message(tensorShapeDimension, { oneofs: { value: { oneof: ['dimValue', 'dimParam'] } } }),
            },
          },
        ),
        TypeProto: message(
          { tensorType: { id: 1, type: 'Tensor' }, denotation: { id: 6, type: 'string' } },
          { oneofs: { value: { oneof: ['tensorType'] } }, nested: { Tensor: message(typeTensor) } },
        ),
        AttributeProto: message(attribute),
        ValueInfoProto: message(valueInfo),
        NodeProto: message(node),
        GraphProto: message(graph),
        FunctionProto: message({ name: { id: 1, type: 'string' }, domain: { id: 10, type: 'string' } }),
        ModelProto: message(model),
      },
    },
  },
};

/** ONNX TensorProto.DataType values. */
export const OnnxDataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

/** ONNX AttributeProto.AttributeType values. */
export const OnnxAttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

let root: protobuf.Root | null = null;

function onnxRoot(): protobuf.Root {
  root ??= protobuf.Root.fromJSON(onnxDescriptor);
  return root;
}

export function modelProtoType(): protobuf.Type {
  return onnxRoot().lookupType('onnx.ModelProto');
}
