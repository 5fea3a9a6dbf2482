// A 1-D 'same' correlation with torch's padding folded in, as a constant n×n matrix applied by matMul.
//
// Why matrices: on wasm (XNNPACK) a 256×256 matMul takes ~2 ms, while a single-channel conv2d with a 31-tap kernel
// and, worse, its input gradient are 5–50× slower. Padding folded into the matrix is exact for every mode and
// needs no pad op (tf.mirrorPad's gradient is wrong in tfjs 4.22). tfjs would differentiate x·A through matMul's
// transposed-operand path, which wasm runs 5–10× slower than a plain product, so Aᵀ is kept as its own constant and
// each of the four products (x·A, x·Aᵀ, Aᵀ·x, A·x) is an autodiff node whose gradient is its partner product. The
// gradient of a gradient, which jvp's double-vjp trick takes, is then again a plain product.
import { tf } from '../runtime/tf.js';
import { checkPadFits, samePaddingAmounts, type PadMode } from './padding.js';

/** Where padded sample p (p in [−before, n + after)) reads from in the n samples, or −1 for a zero (torch's F.pad). */
function paddedSource(p: number, n: number, mode: PadMode): number {
  if (p >= 0 && p < n) return p;
  switch (mode) {
    case 'constant':
      return -1;
    case 'replicate':
      return p < 0 ? 0 : n - 1;
    case 'circular':
      return ((p % n) + n) % n;
    case 'reflect':
      return p < 0 ? -p : 2 * (n - 1) - p;
  }
}

type Product = (x: tf.Tensor2D) => tf.Tensor2D;

export class AxisMatrix {
  private readonly tensors = new Map<string, { a: tf.Tensor2D; aT: tf.Tensor2D }>();
  /** x·A, x·Aᵀ, Aᵀ·x, A·x: the first two are each other's adjoints, and so are the last two. */
  private readonly times: Product;
  private readonly timesTransposed: Product;
  private readonly transposedTimes: Product;
  private readonly matrixTimes: Product;

  /** weights: row-major n×n, A[i][o] = weight of input sample i in output sample o. */
  constructor(
    readonly n: number,
    private readonly weights: Float64Array,
  ) {
    this.times = this.product((x, { a }) => tf.matMul(x, a), () => this.timesTransposed);
    this.timesTransposed = this.product((x, { aT }) => tf.matMul(x, aT), () => this.times);
    this.transposedTimes = this.product((x, { aT }) => tf.matMul(aT, x), () => this.matrixTimes);
    this.matrixTimes = this.product((x, { a }) => tf.matMul(a, x), () => this.transposedTimes);
  }

  /** A linear map as one autodiff node whose gradient is the adjoint map, itself such a node. */
  private product(apply: (x: tf.Tensor2D, c: { a: tf.Tensor2D; aT: tf.Tensor2D }) => tf.Tensor2D, adjoint: () => Product): Product {
    return tf.customGrad<tf.Tensor2D>((...args) => ({
      value: apply(args[0] as tf.Tensor2D, this.constants()),
      gradFunc: (dy) => adjoint()(dy as tf.Tensor2D),
    }));
  }

  /** Created on first use on each backend, so no product copies a constant across backends. */
  private constants(): { a: tf.Tensor2D; aT: tf.Tensor2D } {
    const backend = tf.getBackend();
    let c = this.tensors.get(backend);
    if (!c) {
      const n = this.n;
      const a = Float32Array.from(this.weights);
      const aT = new Float32Array(n * n);
      for (let i = 0; i < n; i++) for (let o = 0; o < n; o++) aT[o * n + i] = a[i * n + o];
      c = { a: tf.keep(tf.tensor2d(a, [n, n])), aT: tf.keep(tf.tensor2d(aT, [n, n])) };
      this.tensors.set(backend, c);
    }
    return c;
  }

  /** Filters each row: x [rows, n] → x·A. */
  right(x: tf.Tensor2D): tf.Tensor2D {
    return this.times(x);
  }

  /** Filters each column: x [n, cols] → Aᵀ·x. */
  left(x: tf.Tensor2D): tf.Tensor2D {
    return this.transposedTimes(x);
  }

  dispose(): void {
    for (const { a, aT } of this.tensors.values()) tf.dispose([a, aT]);
    this.tensors.clear();
  }
}

const cache = new Map<string, AxisMatrix>();

/**
 * out[o] = Σ_t taps[t] · padded[o + t] over n samples, after torch's same_padding in `mode`: what same_padding +
 * conv2d do along one axis. Cached by (n, taps, mode) for the life of the process; the constants are tiny next to
 * the images they filter (256 KiB each for n = 256).
 */
export function sameCorrelation(n: number, taps: readonly number[], mode: PadMode, axis = 'the axis'): AxisMatrix {
  const { before, after } = samePaddingAmounts(n, taps.length);
  checkPadFits(before, after, n, mode, axis);
  const key = `${n}|${mode}|${taps.join(',')}`;
  let matrix = cache.get(key);
  if (!matrix) {
    const w = new Float64Array(n * n);
    for (let o = 0; o < n; o++) {
      taps.forEach((tap, t) => {
        const src = paddedSource(o + t - before, n, mode);
        if (src >= 0) w[src * n + o] += tap;
      });
    }
    matrix = new AxisMatrix(n, w);
    cache.set(key, matrix);
  }
  return matrix;
}
