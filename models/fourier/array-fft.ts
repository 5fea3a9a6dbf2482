// 2-D FFTs of any size on Float64Arrays, in plain JavaScript, for kernels that run outside the tfjs graph (a
// custom op's forward and backward). On wasm this is two to three times faster than the matmul FFT of
// dft2-kernel.ts and leaves no intermediate tensors. Each row is transformed on its own, in cache, by a Stockham
// (self-sorting) FFT whose stages are radix 8 and 4 (or 2), then direct DFTs of the remaining prime factors; the
// first pass writes its rows out transposed (32 at a time, so that its stores fill whole cache lines) and the
// second pass transforms the new rows. The result is therefore transposed: a transform of [h, w] gives [w, h], and
// transforming that [w, h] gives [h, w] back. (Transforming columns in place, vectorised across rows, was slower
// at 256²: its power-of-two strides thrash the cache.)
//
// Rows come from a source callback and go to a sink callback, so that a caller's masking, cropping and output
// copies happen on rows in cache instead of in extra passes over whole arrays; rows that are plain arrays
// (RowPlanes) are read and written in place, without a copy. Real inputs and real parts of
// outputs cost half a pass less: two real rows travel as the real and imaginary parts of one complex row. A
// Hermitian input (whose transform is real) costs half of both passes: its rows −r are conjugates of its rows r.
//
// Rows whose length is a power of two from 16 go through the WebAssembly SIMD kernel of wasm-row-fft.ts where it
// loads; the plan's buffers then live in the kernel's memory, so only a caller's own arrays are copied in and out
// (a block at a time). Both paths give the same float64 results.
import { axisStages, transformRowInto } from './fft-radix.js';
import { WasmRowFft, wasmRowKernel, wasmRowLength, type WasmRowKernel } from './wasm-row-fft.js';

/** Writes input row `row` to (re, im) from index `at` on (for real input rows, re alone). */
export type RowSource = (row: number, re: Float64Array, im: Float64Array, at: number) => void;
/** Reads output row `row` from (re, im) at index `at` on (for real output rows, re alone). */
export type RowSink = (row: number, re: Float64Array, im: Float64Array, at: number) => void;

/** Rows held in arrays: row r at offset + r·(row length) of re and of im (real rows: of re alone). */
export interface RowPlanes {
  re: Float64Array;
  im: Float64Array;
  offset: number;
}

export interface TransformOptions {
  /** The source writes real rows (re alone). */
  realInput?: boolean;
  /** Only the real part of the result is wanted; the sink reads re alone. */
  realOutput?: boolean;
  /**
   * The input is Hermitian, x(−r, −c) = conj x(r, c) (indices modulo rows and cols), so its transform is real:
   * the source is asked for rows r ≤ rows/2 only and the sink reads re alone.
   */
  hermitianInput?: boolean;
  /** Complex input only: inputRows[r] = 0 says input row r is zero, so it is not transformed. */
  inputRows?: Uint8Array | null;
  /** Complex output only: outputRows[c] = 0 says output row c is not wanted, so it is not transformed. */
  outputRows?: Uint8Array | null;
}

export interface PlanOptions {
  /** Use the WebAssembly kernel for power-of-two rows where it loads (default true); false: JavaScript only. */
  wasm?: boolean;
}

/** Input rows per block of the first pass: its transposed stores then fill whole cache lines (4 of 8 doubles). */
const BLOCK_ROWS = 32;
/**
 * Padding of the block's rows: a cache line, so that the transposed reads of a block whose rows are a power of
 * two long do not all fall in the same few cache sets (three to four times faster at 256²).
 */
const BLOCK_PADDING = 8;

/** Transforms `count` contiguous rows of x, from element xo on, into y from element yo on, ys apart. */
type RowsTransform = (count: number, xr: Float64Array, xi: Float64Array, xo: number, yr: Float64Array, yi: Float64Array, yo: number, ys: number) => void;

interface Buffers {
  /** The first pass's result, [cols, rows]. */
  middleRe: Float64Array;
  middleIm: Float64Array;
  /** Per-row work space: two ping-pong rows, an input row and an output row. */
  rowRe: Float64Array;
  rowIm: Float64Array;
  /** The first pass's transformed rows, BLOCK_ROWS at a time, blockStride apart. */
  blockRe: Float64Array;
  blockIm: Float64Array;
  /** Up to BLOCK_ROWS rows: a caller's, copied into the kernel's memory, or the second pass's for a sink callback. */
  stagingRe: Float64Array;
  stagingIm: Float64Array;
}

/**
 * Unnormalised 2-D DFTs of [rows, cols] arrays that give the result transposed, [cols, rows]:
 * out[k1][k0] = Σ x[j0][j1] · exp(sign·2πi·(j0·k0/rows + j1·k1/cols)). Scratch space is reused between calls, so
 * one plan must not run two transforms at once (JavaScript runs them one after the other).
 */
export class TransposingFft2 {
  /** Whether some rows go through the WebAssembly kernel. */
  readonly usesWasm: boolean;
  /** Per sign: the transforms of rows of length cols (first pass) and rows (second pass). */
  private readonly axes: Record<'1' | '-1', [RowsTransform, RowsTransform]>;
  private readonly kernel: WasmRowKernel | null;
  /** Byte addresses and lengths of the buffers in the kernel's memory, whose views a memory growth detaches. */
  private readonly layout: [keyof Buffers, number, number][] = [];
  private buffers: Buffers;
  private readonly blockStride: number;

  constructor(
    readonly rows: number,
    readonly cols: number,
    options: PlanOptions = {},
  ) {
    const kernel = options.wasm === false ? null : wasmRowKernel();
    this.usesWasm = kernel !== null && (wasmRowLength(rows) || wasmRowLength(cols));
    this.kernel = this.usesWasm ? kernel : null;
    const longest = Math.max(rows, cols);
    this.blockStride = cols + BLOCK_PADDING;
    const sizes: [keyof Buffers, number][] = [
      ['middleRe', rows * cols],
      ['middleIm', rows * cols],
      ['rowRe', 4 * longest],
      ['rowIm', 4 * longest],
      ['blockRe', (BLOCK_ROWS + 1) * this.blockStride],
      ['blockIm', (BLOCK_ROWS + 1) * this.blockStride],
      ['stagingRe', BLOCK_ROWS * longest],
      ['stagingIm', BLOCK_ROWS * longest],
    ];
    if (this.kernel) {
      for (const [name, length] of sizes) this.layout.push([name, this.kernel.allocate(length), length]);
      this.buffers = this.bind();
    } else {
      this.buffers = Object.fromEntries(sizes.map(([name, length]) => [name, new Float64Array(length)])) as unknown as Buffers;
    }
    this.axes = {
      '1': [this.rowsTransform(cols, 1), this.rowsTransform(rows, 1)],
      '-1': [this.rowsTransform(cols, -1), this.rowsTransform(rows, -1)],
    };
  }

  /** The transform of the rows given by `source`, each output row passed to `sink` (or stored in its planes). */
  transform(sign: 1 | -1, source: RowSource | RowPlanes, sink: RowSink | RowPlanes, options: TransformOptions = {}): void {
    const { realInput = false, realOutput = false, hermitianInput = false, inputRows = null, outputRows = null } = options;
    if (this.kernel && !this.kernel.holds(this.buffers.middleRe)) this.buffers = this.bind();
    if (realInput) this.firstPassReal(sign, source);
    else this.firstPass(sign, source, inputRows, hermitianInput);
    if (realOutput || hermitianInput) this.secondPassReal(sign, sink, hermitianInput);
    else this.secondPass(sign, sink, outputRows);
  }

  /** Views of the buffers in the kernel's current memory. */
  private bind(): Buffers {
    const kernel = this.kernel as WasmRowKernel;
    return Object.fromEntries(this.layout.map(([name, at, length]) => [name, kernel.view(at, length)])) as unknown as Buffers;
  }

  private rowsTransform(n: number, sign: 1 | -1): RowsTransform {
    const stages = axisStages(n, sign);
    if (this.kernel && wasmRowLength(n)) {
      const fft = new WasmRowFft(this.kernel, stages, n, sign);
      return (count, xr, xi, xo, yr, yi, yo, ys) => fft.rows(count, xr, xi, xo, yr, yi, yo, ys);
    }
    return (count, xr, xi, xo, yr, yi, yo, ys) => {
      const { rowRe, rowIm } = this.buffers;
      for (let r = 0; r < count; r++) transformRowInto(stages, n, xr, xi, xo + r * n, rowRe, rowIm, yr, yi, yo + r * ys, 1);
    };
  }

  /** Rows first…first + count − 1 of `planes` (each `length` long) where the row transforms can read them: in place, or copied into the staging buffers. */
  private readable(planes: RowPlanes, first: number, count: number, length: number): RowPlanes {
    const at = planes.offset + first * length;
    if (!this.kernel || (this.kernel.holds(planes.re) && this.kernel.holds(planes.im))) return { re: planes.re, im: planes.im, offset: at };
    const { stagingRe, stagingIm } = this.buffers;
    stagingRe.set(planes.re.subarray(at, at + count * length));
    stagingIm.set(planes.im.subarray(at, at + count * length));
    return { re: stagingRe, im: stagingIm, offset: 0 };
  }

  /**
   * Transforms the input rows, BLOCK_ROWS at a time, into the block buffer, and stores each block transposed. For
   * a Hermitian input the transform of row −r is the conjugate of row r's (substitute c → −c in its sum), so only
   * rows r ≤ rows/2 are transformed.
   */
  private firstPass(sign: 1 | -1, source: RowSource | RowPlanes, inputRows: Uint8Array | null, hermitian: boolean): void {
    const { cols, blockStride: stride } = this;
    const { rowRe: sr, rowIm: si, blockRe: br, blockIm: bi } = this.buffers;
    const rowsFft = this.axes[sign][0];
    const input = 2 * cols;
    const end = hermitian ? Math.floor(this.rows / 2) + 1 : this.rows;
    for (let r0 = 0; r0 < end; r0 += BLOCK_ROWS) {
      const count = Math.min(BLOCK_ROWS, end - r0);
      if (typeof source !== 'function' && !inputRows) {
        const x = this.readable(source, r0, count, cols);
        rowsFft(count, x.re, x.im, x.offset, br, bi, 0, stride);
      } else {
        for (let g = 0; g < count; g++) {
          const r = r0 + g;
          if (inputRows && !inputRows[r]) {
            br.fill(0, g * stride, g * stride + cols);
            bi.fill(0, g * stride, g * stride + cols);
          } else if (typeof source === 'function') {
            source(r, sr, si, input);
            rowsFft(1, sr, si, input, br, bi, g * stride, stride);
          } else {
            const x = this.readable(source, r, 1, cols);
            rowsFft(1, x.re, x.im, x.offset, br, bi, g * stride, stride);
          }
        }
      }
      this.storeBlock(r0, count, hermitian);
    }
  }

  /** Rows r and r + 1 as one complex row c = x_r + i·x_{r+1}: X_r(k) = (C(k) + conj C(−k))/2, X_{r+1}(k) = (C(k) − conj C(−k))/2i. */
  private firstPassReal(sign: 1 | -1, source: RowSource | RowPlanes): void {
    const { rows, cols, blockStride: stride } = this;
    const { rowRe: sr, rowIm: si, blockRe: br, blockIm: bi } = this.buffers;
    const rowsFft = this.axes[sign][0];
    const input = 2 * cols;
    const at = 3 * cols;
    for (let r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
      const count = Math.min(BLOCK_ROWS, rows - r0);
      for (let g = 0; g < count; g += 2) {
        const r = r0 + g;
        if (r + 1 >= rows) si.fill(0, input, input + cols);
        if (typeof source === 'function') {
          source(r, sr, si, input);
          if (r + 1 < rows) source(r + 1, si, sr, input);
        } else {
          // the real parts of rows r and r + 1
          const o = source.offset + r * cols;
          const x = source.re;
          for (let k = 0; k < cols; k++) sr[input + k] = x[o + k];
          if (r + 1 < rows) for (let k = 0; k < cols; k++) si[input + k] = x[o + cols + k];
        }
        rowsFft(1, sr, si, input, sr, si, at, cols);
        const o = g * stride;
        for (let k = 0; k < cols; k++) {
          const cr = sr[at + k], ci = si[at + k];
          const j = at + (k === 0 ? 0 : cols - k);
          const dr = sr[j], di = si[j];
          br[o + k] = (cr + dr) / 2;
          bi[o + k] = (ci - di) / 2;
          br[o + stride + k] = (ci + di) / 2;
          bi[o + stride + k] = (dr - cr) / 2;
        }
      }
      this.storeBlock(r0, count, false);
    }
  }

  /**
   * Stores block rows g < count (the transforms of input rows r0 + g) as columns r0 + g of the [cols, rows]
   * middle, a whole cache line per k; mirrored: also their conjugates as columns −(r0 + g).
   */
  private storeBlock(r0: number, count: number, mirrored: boolean): void {
    const { rows, cols, blockStride: stride } = this;
    const { middleRe: mr, middleIm: mi, blockRe: br, blockIm: bi } = this.buffers;
    // rows 0 and rows/2 are their own mirrors
    const first = r0 === 0 ? 1 : 0;
    const stop = Math.min(count, Math.ceil(rows / 2) - r0);
    if (this.kernel && cols % 2 === 0) {
      this.kernel.storeBlock([br, bi], count, cols, stride, [mr, mi], rows, r0, mirrored, first, stop);
      return;
    }
    for (let k = 0; k < cols; k++) {
      const o = k * rows + r0;
      for (let g = 0; g < count; g++) {
        mr[o + g] = br[g * stride + k];
        mi[o + g] = bi[g * stride + k];
      }
    }
    if (!mirrored) return;
    for (let k = 0; k < cols; k++) {
      const o = k * rows + rows - r0;
      for (let g = first; g < stop; g++) {
        mr[o - g] = br[g * stride + k];
        mi[o - g] = -bi[g * stride + k];
      }
    }
  }

  /** Transforms the wanted rows of the middle in runs of up to BLOCK_ROWS, straight into the sink's planes where the row transforms can write them. */
  private secondPass(sign: 1 | -1, sink: RowSink | RowPlanes, outputRows: Uint8Array | null): void {
    const { rows, cols } = this;
    const { middleRe: mr, middleIm: mi, stagingRe, stagingIm } = this.buffers;
    const rowsFft = this.axes[sign][1];
    const direct = typeof sink !== 'function' && (!this.kernel || (this.kernel.holds(sink.re) && this.kernel.holds(sink.im)));
    const wanted = (c: number) => !outputRows || outputRows[c] !== 0;
    for (let c0 = 0; c0 < cols; ) {
      if (!wanted(c0)) {
        c0++;
        continue;
      }
      let count = 1;
      while (count < BLOCK_ROWS && c0 + count < cols && wanted(c0 + count)) count++;
      if (typeof sink === 'function') {
        rowsFft(count, mr, mi, c0 * rows, stagingRe, stagingIm, 0, rows);
        for (let j = 0; j < count; j++) sink(c0 + j, stagingRe, stagingIm, j * rows);
      } else if (direct) {
        rowsFft(count, mr, mi, c0 * rows, sink.re, sink.im, sink.offset + c0 * rows, rows);
      } else {
        rowsFft(count, mr, mi, c0 * rows, stagingRe, stagingIm, 0, rows);
        sink.re.set(stagingRe.subarray(0, count * rows), sink.offset + c0 * rows);
        sink.im.set(stagingIm.subarray(0, count * rows), sink.offset + c0 * rows);
      }
      c0 += count;
    }
  }

  /**
   * Re(ifft(m)) = ifft(m_h) with m_h(k) = (m(k) + conj m(−k))/2 Hermitian, so rows c and c + 1 go as one complex
   * row m_h,c + i·m_h,c+1, whose transform is x_c + i·x_{c+1}. hermitian: the rows are Hermitian already.
   */
  private secondPassReal(sign: 1 | -1, sink: RowSink | RowPlanes, hermitian: boolean): void {
    const { rows, cols } = this;
    const { middleRe: mr, middleIm: mi, rowRe: sr, rowIm: si } = this.buffers;
    const rowsFft = this.axes[sign][1];
    const packed = 2 * rows;
    const at = 3 * rows;
    for (let c = 0; c < cols; c += 2) {
      const a = c * rows;
      const b = c + 1 < cols ? a + rows : -1;
      if (hermitian) {
        for (let k = 0; k < rows; k++) {
          sr[packed + k] = b < 0 ? mr[a + k] : mr[a + k] - mi[b + k];
          si[packed + k] = b < 0 ? mi[a + k] : mi[a + k] + mr[b + k];
        }
      } else {
        for (let k = 0; k < rows; k++) {
          const j = k === 0 ? 0 : rows - k;
          const hr = (mr[a + k] + mr[a + j]) / 2, hi = (mi[a + k] - mi[a + j]) / 2;
          if (b < 0) {
            sr[packed + k] = hr;
            si[packed + k] = hi;
          } else {
            const gr = (mr[b + k] + mr[b + j]) / 2, gi = (mi[b + k] - mi[b + j]) / 2;
            sr[packed + k] = hr - gi;
            si[packed + k] = hi + gr;
          }
        }
      }
      rowsFft(1, sr, si, packed, sr, si, at, rows);
      if (typeof sink === 'function') {
        sink(c, sr, si, at);
        if (b >= 0) sink(c + 1, si, sr, at);
      } else {
        // into the real parts of rows c and c + 1
        const o = sink.offset + c * rows;
        const y = sink.re;
        for (let k = 0; k < rows; k++) y[o + k] = sr[at + k];
        if (b >= 0) for (let k = 0; k < rows; k++) y[o + rows + k] = si[at + k];
      }
    }
  }
}

const plans = new Map<string, TransposingFft2>();

/** The shared plan for [rows, cols] inputs. */
export function transposingFft2(rows: number, cols: number): TransposingFft2 {
  const key = `${rows}x${cols}`;
  let plan = plans.get(key);
  if (!plan) {
    plan = new TransposingFft2(rows, cols);
    plans.set(key, plan);
  }
  return plan;
}
