// A constant matrix A with products x·A and Aᵀ·x whose gradients are products with the stored transpose.
// tfjs differentiates x·A into dy·Aᵀ through matMul's transposeB, which the wasm backend runs ~15× slower than a
// plain product, so Aᵀ is kept as its own constant and the gradient is supplied by hand.
import { tf } from '../../runtime/tf.js';

export class ConstantMatrix {
  private readonly tensors = new Map<string, { a: tf.Tensor2D; aT: tf.Tensor2D }>();
  private rightFn?: (x: tf.Tensor2D) => tf.Tensor2D;
  private leftFn?: (x: tf.Tensor2D) => tf.Tensor2D;

  constructor(
    readonly rows: number,
    readonly cols: number,
    /** Row-major rows × cols. */
    readonly weights: Float64Array,
  ) {}

  /** The tensors, created on first use on each backend (tensors on another backend would be copied per use). */
  private constants(): { a: tf.Tensor2D; aT: tf.Tensor2D } {
    const backend = tf.getBackend();
    let c = this.tensors.get(backend);
    if (!c) {
      const { rows: n, cols: m, weights: w } = this;
      const a = new Float32Array(n * m);
      const aT = new Float32Array(n * m);
      for (let i = 0; i < n; i++) {
        for (let o = 0; o < m; o++) {
          a[i * m + o] = w[i * m + o];
          aT[o * n + i] = w[i * m + o];
        }
      }
      c = { a: tf.keep(tf.tensor2d(a, [n, m])), aT: tf.keep(tf.tensor2d(aT, [m, n])) };
      this.tensors.set(backend, c);
    }
    return c;
  }

  /** x·A, x·Aᵀ, Aᵀ·x and A·x as plain products, for hand-written gradients that need no autodiff through them. */
  times(x: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(x, this.constants().a);
  }

  timesTransposed(x: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(x, this.constants().aT);
  }

  transposedTimes(x: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(this.constants().aT, x);
  }

  matrixTimes(x: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(this.constants().a, x);
  }

  /** x: [k, rows] → x·A: [k, cols]. */
  right(x: tf.Tensor2D): tf.Tensor2D {
    this.rightFn ??= tf.customGrad<tf.Tensor2D>((...args) => {
      const { a, aT } = this.constants();
      return { value: tf.matMul(args[0] as tf.Tensor2D, a), gradFunc: (dy) => tf.matMul(dy, aT) };
    });
    return this.rightFn(x);
  }

  /** x: [rows, k] → Aᵀ·x: [cols, k]. */
  left(x: tf.Tensor2D): tf.Tensor2D {
    this.leftFn ??= tf.customGrad<tf.Tensor2D>((...args) => {
      const { a, aT } = this.constants();
      return { value: tf.matMul(aT, args[0] as tf.Tensor2D), gradFunc: (dy) => tf.matMul(a, dy) };
    });
    return this.leftFn(x);
  }

  dispose(): void {
    for (const { a, aT } of this.tensors.values()) {
      a.dispose();
      aT.dispose();
    }
    this.tensors.clear();
  }
}
