// The WebAssembly SIMD kernel of wasm/fft-rows.as.ts (two to three times faster than fft-radix.ts's stages) for
// rows whose length is a power of two, and the arrays it works on: views of its linear memory, which
// TransposingFft2 uses as its own buffers so that rows reach the kernel without copies. The module is compiled
// synchronously on first use; where that is refused (a browser's main thread limits synchronous compiles to 4 KB)
// or WebAssembly SIMD is missing, `wasmRowKernel()` is null and the JavaScript stages run instead.
import type { Stage } from './fft-radix.js';
import { fftRowsWasmBase64 } from './wasm/fft-wasm.generated.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  fftRows(
    stages: number,
    stageCount: number,
    n: number,
    sign: number,
    count: number,
    xr: number,
    xi: number,
    xStride: number,
    yr: number,
    yi: number,
    yStride: number,
    scratch: number,
  ): void;
  storeBlock(br: number, bi: number, count: number, cols: number, stride: number, mr: number, mi: number, rows: number, r0: number, mirrored: boolean, first: number, stop: number): void;
}

const PAGE_BYTES = 65536;
/** Bytes per stage in the kernel's stage table: radix, done and the two twiddle pointers, as i32s. */
const STAGE_BYTES = 16;

export class WasmRowKernel {
  /** The first free byte of memory; everything below it belongs to a plan (plans live as long as the program). */
  private top: number;

  constructor(private readonly exports: KernelExports) {
    this.top = exports.memory.buffer.byteLength;
  }

  get buffer(): ArrayBuffer {
    return this.exports.memory.buffer as ArrayBuffer;
  }

  /**
   * Reserves `doubles` float64s (16-byte aligned, a cache line past the previous block, so that arrays of equal
   * power-of-two sizes do not share cache sets) and returns their byte address. Grows memory, which detaches
   * earlier views.
   */
  allocate(doubles: number): number {
    const at = this.top;
    this.top += Math.ceil((doubles * 8) / 16) * 16 + 64;
    const missing = this.top - this.exports.memory.buffer.byteLength;
    if (missing > 0) this.exports.memory.grow(Math.ceil(missing / PAGE_BYTES));
    return at;
  }

  /** A view of `length` float64s at byte address `at`. */
  view(at: number, length: number): Float64Array {
    return new Float64Array(this.exports.memory.buffer, at, length);
  }

  /** Whether `array` lies in the kernel's memory. */
  holds(array: Float64Array): boolean {
    return array.buffer === this.exports.memory.buffer;
  }

  fftRows(...args: Parameters<KernelExports['fftRows']>): void {
    this.exports.fftRows(...args);
  }

  /** TransposingFft2's storeBlock on arrays in the kernel's memory, for an even number of columns. */
  storeBlock(
    block: [Float64Array, Float64Array],
    count: number,
    cols: number,
    stride: number,
    middle: [Float64Array, Float64Array],
    rows: number,
    r0: number,
    mirrored: boolean,
    first: number,
    stop: number,
  ): void {
    this.exports.storeBlock(block[0].byteOffset, block[1].byteOffset, count, cols, stride, middle[0].byteOffset, middle[1].byteOffset, rows, r0, mirrored, first, stop);
  }
}

let kernel: WasmRowKernel | null | undefined;

const binary = () => Uint8Array.from(atob(fftRowsWasmBase64), (c) => c.charCodeAt(0));

/** The shared kernel, or null where WebAssembly (with SIMD) cannot be compiled synchronously here. */
export function wasmRowKernel(): WasmRowKernel | null {
  if (kernel === undefined) {
    try {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(binary()), {});
      kernel = new WasmRowKernel(instance.exports as unknown as KernelExports);
    } catch {
      kernel = null;
    }
  }
  return kernel;
}

/**
 * Compiles the kernel asynchronously, which a browser's main thread allows at any size: call it once before the
 * first transform there (the page does at start-up). Resolves to whether the kernel is in use.
 */
export async function prepareWasmRowKernel(): Promise<boolean> {
  if (kernel === undefined) {
    try {
      const { instance } = await WebAssembly.instantiate(binary(), {});
      kernel = new WasmRowKernel(instance.exports as unknown as KernelExports);
    } catch {
      kernel = null;
    }
  }
  return kernel !== null;
}

/** Whether the kernel transforms rows of length n: powers of two from 16 (two lanes in every stage). */
export function wasmRowLength(n: number): boolean {
  return n >= 16 && (n & (n - 1)) === 0;
}

/** The stages of one length and sign laid out in the kernel's memory, with the kernel's per-row scratch. */
export class WasmRowFft {
  private readonly table: number;
  private readonly scratch: number;

  constructor(
    private readonly kernel: WasmRowKernel,
    private readonly stages: Stage[],
    private readonly n: number,
    private readonly sign: 1 | -1,
  ) {
    // twiddles as [q − 1][k], so that neighbouring k are neighbours in memory
    const twiddles = stages.map(({ radix, done, cos, sin }) => {
      const re = kernel.allocate((radix - 1) * done);
      const im = kernel.allocate((radix - 1) * done);
      const reView = kernel.view(re, (radix - 1) * done);
      const imView = kernel.view(im, (radix - 1) * done);
      for (let q = 1; q < radix; q++) {
        for (let k = 0; k < done; k++) {
          reView[(q - 1) * done + k] = cos[q * k];
          imView[(q - 1) * done + k] = sin[q * k];
        }
      }
      return [re, im];
    });
    this.table = kernel.allocate((STAGE_BYTES / 8) * stages.length);
    const table = new Int32Array(kernel.buffer, this.table, (STAGE_BYTES / 4) * stages.length);
    stages.forEach(({ radix, done }, s) => table.set([radix, done, ...twiddles[s]], (STAGE_BYTES / 4) * s));
    this.scratch = kernel.allocate(4 * n);
  }

  /** Transforms `count` contiguous rows of x from element xo on into y from element yo on, ys apart; x and y lie in the kernel's memory. */
  rows(count: number, xr: Float64Array, xi: Float64Array, xo: number, yr: Float64Array, yi: Float64Array, yo: number, ys: number): void {
    const { n } = this;
    this.kernel.fftRows(
      this.table,
      this.stages.length,
      n,
      this.sign,
      count,
      xr.byteOffset + 8 * xo,
      xi.byteOffset + 8 * xo,
      8 * n,
      yr.byteOffset + 8 * yo,
      yi.byteOffset + 8 * yo,
      8 * ys,
      this.scratch,
    );
  }
}
