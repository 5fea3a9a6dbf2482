import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';

// NumPy's .npy format (version 1.0-3.0), so Python users can hand arrays across. Pure bytes in and out:
// file access lives in the Node entry point.

export type NpyDtype = 'float32' | 'float64' | 'uint8' | 'int32' | 'int64' | 'uint16' | 'bool';

export interface NpyArray {
  data: Float32Array | Float64Array | Uint8Array | Int32Array | Uint16Array;
  shape: number[];
  dtype: NpyDtype;
}

const descrToDtype: Record<string, NpyDtype> = {
  '<f4': 'float32',
  '<f8': 'float64',
  '|u1': 'uint8',
  '<u1': 'uint8',
  '<i4': 'int32',
  '<i8': 'int64',
  '<u2': 'uint16',
  '|b1': 'bool',
};

const dtypeToDescr: Record<string, string> = { float32: '<f4', float64: '<f8', uint8: '|u1', int32: '<i4' };

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function parseNpy(bytes: Uint8Array, source = 'array'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new ValueError(`${source} is not a .npy file (missing the \\x93NUMPY magic). Save it with numpy.save().`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) {
    throw new ValueError(`${source}: corrupt .npy header '${header.trim()}'.`);
  }
  if (fortran === 'True') {
    throw new ValueError(`${source}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray(a).`);
  }
  const dtype = descrToDtype[descr];
  if (!dtype) {
    throw new ValueError(`${source}: dtype '${descr}' is not supported; convert with a.astype(np.float32).`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = headerStart + headerLen;
  const itemSize = { float32: 4, float64: 8, uint8: 1, bool: 1, int32: 4, int64: 8, uint16: 2 }[dtype];
  if (bytes.length - offset < count * itemSize) {
    throw new ValueError(`${source}: truncated .npy file: shape (${shape.join(', ')}) needs ${count * itemSize} data bytes, found ${bytes.length - offset}.`);
  }
  // Copy so the result is aligned and independent of the input buffer.
  const raw = new Uint8Array(bytes.subarray(offset, offset + count * itemSize));
  let data: NpyArray['data'];
  switch (dtype) {
    case 'float32':
      data = new Float32Array(raw.buffer);
      break;
    case 'float64':
      data = new Float64Array(raw.buffer);
      break;
    case 'int32':
      data = new Int32Array(raw.buffer);
      break;
    case 'uint16':
      data = new Uint16Array(raw.buffer);
      break;
    case 'int64': {
      const big = new BigInt64Array(raw.buffer);
      data = Int32Array.from(big, (v) => Number(v));
      break;
    }
    default:
      data = new Uint8Array(raw.buffer);
  }
  return { data, shape, dtype };
}

export function encodeNpy(array: { data: ArrayLike<number>; shape: number[]; dtype?: 'float32' | 'float64' | 'uint8' | 'int32' }): Uint8Array {
  const dtype = array.dtype ?? 'float32';
  const descr = dtypeToDescr[dtype];
  const shapeText = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const headerBytes = new TextEncoder().encode(header);
  const typed =
    dtype === 'float32'
      ? Float32Array.from(array.data)
      : dtype === 'float64'
        ? Float64Array.from(array.data)
        : dtype === 'int32'
          ? Int32Array.from(array.data)
          : Uint8Array.from(array.data);
  const out = new Uint8Array(10 + headerBytes.length + typed.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, headerBytes.length, true);
  out.set(headerBytes, 10);
  out.set(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength), 10 + headerBytes.length);
  return out;
}

/** A .npy array as a float32 tensor of the same shape (tfjs has no float64; values are rounded). */
export function npyToTensor(array: NpyArray): tf.Tensor {
  const data = array.data instanceof Float32Array ? array.data : Float32Array.from(array.data as ArrayLike<number>);
  return tf.tensor(data, array.shape, 'float32');
}

export async function tensorToNpy(t: tf.Tensor): Promise<Uint8Array> {
  const data = (await t.data()) as Float32Array;
  return encodeNpy({ data, shape: t.shape, dtype: 'float32' });
}
