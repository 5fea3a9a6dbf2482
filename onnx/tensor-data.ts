// Constant tensors of the graph IR (initializers, Constant values, folded shapes). Each ONNX element type keeps its
// name, so a model written back has the types it was read with, but values live in one of four array kinds:
// every float type in a Float32Array (what tfjs and onnxruntime compute with), 64-bit and unsigned 32-bit integers
// in a BigInt64Array (exact int64 round trips: Slice ends are often INT64_MAX), smaller integers in an Int32Array,
// and bool in a Uint8Array.
import { ValueError } from '../runtime/errors.js';
import { OnnxDataType } from './schema.js';

export type DType =
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'float64'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool';

export type TensorValues = Float32Array | BigInt64Array | Int32Array | Uint8Array;

export interface TensorData {
  dtype: DType;
  dims: number[];
  data: TensorValues;
}

const dtypeByOnnx: Record<number, DType> = {
  [OnnxDataType.FLOAT]: 'float32',
  [OnnxDataType.UINT8]: 'uint8',
  [OnnxDataType.INT8]: 'int8',
  [OnnxDataType.UINT16]: 'uint16',
  [OnnxDataType.INT16]: 'int16',
  [OnnxDataType.INT32]: 'int32',
  [OnnxDataType.INT64]: 'int64',
  [OnnxDataType.BOOL]: 'bool',
  [OnnxDataType.FLOAT16]: 'float16',
  [OnnxDataType.DOUBLE]: 'float64',
  [OnnxDataType.UINT32]: 'uint32',
  [OnnxDataType.UINT64]: 'uint64',
  [OnnxDataType.BFLOAT16]: 'bfloat16',
};

const onnxByDtype = Object.fromEntries(Object.entries(dtypeByOnnx).map(([k, v]) => [v, Number(k)])) as Record<
  DType,
  number
>;

const onnxTypeNames = Object.fromEntries(Object.entries(OnnxDataType).map(([k, v]) => [v, k])) as Record<number, string>;

export function dtypeFromOnnx(code: number, what: string): DType {
  const dtype = dtypeByOnnx[code];
  if (!dtype) {
    throw new ValueError(
      `${what} has ONNX element type ${onnxTypeNames[code] ?? code}, which is not supported (supported: float, ` +
        'double, float16, bfloat16, the integer types and bool). Export the model in float32.',
    );
  }
  return dtype;
}

export function dtypeToOnnx(dtype: DType): number {
  return onnxByDtype[dtype];
}

export type StorageKind = 'float' | 'wideInt' | 'int' | 'bool';

export function storageKind(dtype: DType): StorageKind {
  switch (dtype) {
    case 'float32':
    case 'float16':
    case 'bfloat16':
    case 'float64':
      return 'float';
    case 'int64':
    case 'uint64':
    case 'uint32':
      return 'wideInt';
    case 'bool':
      return 'bool';
    default:
      return 'int';
  }
}

export function isFloat(dtype: DType): boolean {
  return storageKind(dtype) === 'float';
}

/** Bytes per element in raw_data. */
export const byteWidth: Record<DType, number> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  bool: 1,
};

export function numel(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function allocate(dtype: DType, length: number): TensorValues {
  switch (storageKind(dtype)) {
    case 'float':
      return new Float32Array(length);
    case 'wideInt':
      return new BigInt64Array(length);
    case 'bool':
      return new Uint8Array(length);
    default:
      return new Int32Array(length);
  }
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Rounds to an int64, saturating: Number(INT64_MAX) is 2^63, which would otherwise wrap to INT64_MIN. */
export function toInt64(value: number): bigint {
  if (value >= 9.2e18) return INT64_MAX;
  if (value <= -9.2e18) return INT64_MIN;
  return BigInt(Math.round(value));
}

/** A tensor from plain numbers (int64 values are rounded, so pass integers). */
export function makeTensor(dtype: DType, dims: readonly number[], values: ArrayLike<number>): TensorData {
  const data = allocate(dtype, values.length);
  if (data instanceof BigInt64Array) {
    for (let i = 0; i < values.length; i++) data[i] = toInt64(values[i]);
  } else {
    data.set(values);
  }
  if (values.length !== numel(dims)) {
    throw new ValueError(`makeTensor: ${values.length} values do not fill shape [${dims.join(', ')}].`);
  }
  return { dtype, dims: [...dims], data };
}


/** The values as JS numbers; int64 beyond ±2^53 round to the nearest double, which shape code treats as "huge". */
export function tensorNumbers(t: TensorData): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** A copy of the values with another shape, sharing nothing with the source. */
export function withDims(t: TensorData, dims: readonly number[]): TensorData {
  if (numel(dims) !== t.data.length) {
    throw new ValueError(`cannot view ${t.data.length} values as shape [${dims.join(', ')}].`);
  }
  return { dtype: t.dtype, dims: [...dims], data: t.data };
}

/** Converts values to another element type with ONNX Cast semantics (float -> int truncates toward zero). */
export function castTensor(t: TensorData, to: DType): TensorData {
  const kind = storageKind(to);
  if (kind === storageKind(t.dtype) && kind !== 'int') return { dtype: to, dims: [...t.dims], data: t.data };
  const values = tensorNumbers(t);
  const converted = kind === 'float' ? values : kind === 'bool' ? values.map((v) => (v ? 1 : 0)) : values.map(Math.trunc);
  return makeTensor(to, t.dims, converted);
}
