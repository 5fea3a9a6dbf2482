// tfjs-backend-wasm 4.22's Slice copies its whole input out of wasm memory into a fresh JS buffer before taking the
// slice, and its Unpack and SplitV slice once per output, so unstacking k planes copies the stack k times and
// churns the garbage collector (17% of a MAD run's time, through SSIM's unstack). These kernels read the input in
// place: a contiguous slice is one copy inside wasm memory, any other goes through a view of the input. Strings
// keep the package's own kernels.
import * as tf from '@tensorflow/tfjs-core';

interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  wasm: { HEAPU8: Uint8Array<ArrayBuffer> };
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

function sliceInPlace(x: tf.TensorInfo, begin: number[], size: number[], backend: WasmBackendInternals): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  // makeOutput may grow the wasm memory (a new buffer): take the heap and offsets only after it.
  const heap = backend.wasm.HEAPU8;
  const bytesPerElement = tf.util.bytesPerElement(x.dtype);
  const inOffset = backend.dataIdMap.get(x.dataId).memoryOffset;
  const outOffset = backend.dataIdMap.get(out.dataId).memoryOffset;
  const count = tf.util.sizeFromShape(size);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const start = inOffset + tf.slice_util.computeFlatOffset(begin, strides) * bytesPerElement;
    heap.copyWithin(outOffset, start, start + count * bytesPerElement);
    return out;
  }
  const Typed = x.dtype === 'float32' ? Float32Array : x.dtype === 'int32' ? Int32Array : Uint8Array;
  const input = new Typed(heap.buffer, inOffset, tf.util.sizeFromShape(x.shape));
  const output = new Typed(heap.buffer, outOffset, count);
  // Walk the output in row-major order; the last axis is copied as one run.
  const rank = size.length;
  const last = size[rank - 1];
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < count; o += last) {
    let i = begin[rank - 1];
    for (let d = 0; d < rank - 1; d++) i += (begin[d] + index[d]) * strides[d];
    output.set(input.subarray(i, i + last), o);
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < size[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

function slice(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, args.attrs!.begin as number[], args.attrs!.size as number[]);
  return sliceInPlace(x, begin, size, args.backend as WasmBackendInternals);
}

function unpack(args: KernelArgs): tf.TensorInfo[] {
  const value = args.inputs.value as tf.TensorInfo;
  const rank = value.shape.length;
  const axis = tf.util.parseAxisParam(args.attrs!.axis as number, value.shape)[0];
  const outShape = value.shape.filter((_, i) => i !== axis);
  const size = value.shape.slice();
  size[axis] = 1;
  return Array.from({ length: value.shape[axis] }, (_, i) => {
    const begin = new Array<number>(rank).fill(0);
    begin[axis] = i;
    const { dataId, dtype } = sliceInPlace(value, begin, size, args.backend as WasmBackendInternals);
    return { dataId, dtype, shape: outShape };
  });
}

function splitV(args: KernelArgs): tf.TensorInfo[] {
  const x = args.inputs.x as tf.TensorInfo;
  const axis = tf.util.parseAxisParam(args.attrs!.axis as number, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, args.attrs!.numOrSizeSplits as number[] | number, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[axis] = s;
    const out = sliceInPlace(x, begin.slice(), size, args.backend as WasmBackendInternals);
    begin[axis] += s;
    return out;
  });
}

/** The kernel functions registered here, by kernel name (what the tests check is in place). */
export const inPlaceKernels = new Map<string, tf.KernelFunc>();

for (const [name, kernel] of [['Slice', slice], ['Unpack', unpack], ['SplitV', splitV]] as const) {
  const original = tf.getKernel(name, 'wasm');
  if (!original) continue;
  const input = name === 'Unpack' ? 'value' : 'x';
  const kernelFunc = (args: KernelArgs) =>
    (args.inputs[input] as tf.TensorInfo).dtype === 'string' ? original.kernelFunc(args as Parameters<tf.KernelFunc>[0]) : kernel(args);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  inPlaceKernels.set(name, kernelFunc as unknown as tf.KernelFunc);
}
