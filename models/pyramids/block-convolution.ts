// A periodic 1-D operator as a small convolution over blocks of samples ("space to depth").
//
// A signal cut into blocks of inBlock samples is a 1-D image of blocks with inBlock channels; an operator whose
// weights repeat every inBlock inputs and outBlock outputs (a strided filter, an upsampling) is then a 'valid'
// conv2d with a [1, taps, inBlock, outBlock] filter. XNNPACK runs that ~5× faster than the dense matrix of the
// same operator and ~10× faster than a single-channel conv2d, and the transpose is the same kind of convolution
// with the filter reversed and its channels swapped (wasm has no fast conv2dTranspose), so both directions and
// their gradients are forward convolutions.
import { tf } from '../../runtime/tf.js';

export class BlockConvolution {
  private readonly tensors = new Map<string, { forward: tf.Tensor4D; transposed: tf.Tensor4D }>();
  private readonly applyFn: (x: tf.Tensor4D) => tf.Tensor4D;
  private readonly transposedFn: (y: tf.Tensor4D) => tf.Tensor4D;

  /** weights[(j·inBlock + ci)·outBlock + co]: the weight of input ci of block c + j in output co of block c. */
  constructor(
    readonly inBlock: number,
    readonly outBlock: number,
    readonly taps: number,
    private readonly weights: Float64Array,
  ) {
    this.applyFn = tf.customGrad<tf.Tensor4D>((...args) => ({
      value: this.convolve(args[0] as tf.Tensor4D),
      gradFunc: (dy) => this.applyTransposed(dy),
    }));
    this.transposedFn = tf.customGrad<tf.Tensor4D>((...args) => ({
      value: this.convolveTransposed(args[0] as tf.Tensor4D),
      gradFunc: (dx) => this.apply(dx),
    }));
  }

  private filters(): { forward: tf.Tensor4D; transposed: tf.Tensor4D } {
    const backend = tf.getBackend();
    let f = this.tensors.get(backend);
    if (!f) {
      const { inBlock: ci, outBlock: co, taps: k, weights: w } = this;
      const forward = new Float32Array(k * ci * co);
      const transposed = new Float32Array(k * ci * co);
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < ci; i++) {
          for (let o = 0; o < co; o++) {
            const v = w[(j * ci + i) * co + o];
            forward[(j * ci + i) * co + o] = v;
            transposed[((k - 1 - j) * co + o) * ci + i] = v;
          }
        }
      }
      f = { forward: tf.keep(tf.tensor4d(forward, [1, k, ci, co])), transposed: tf.keep(tf.tensor4d(transposed, [1, k, co, ci])) };
      this.tensors.set(backend, f);
    }
    return f;
  }

  private convolve(x: tf.Tensor4D): tf.Tensor4D {
    return tf.conv2d(x, this.filters().forward, 1, 'valid');
  }

  private convolveTransposed(y: tf.Tensor4D): tf.Tensor4D {
    const padded = tf.pad(y, [
      [0, 0],
      [0, 0],
      [this.taps - 1, this.taps - 1],
      [0, 0],
    ]);
    return tf.conv2d(padded as tf.Tensor4D, this.filters().transposed, 1, 'valid');
  }

  /** [rows, 1, blocks + taps − 1, inBlock] → [rows, 1, blocks, outBlock]. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return this.applyFn(x);
  }

  /** The transpose: [rows, 1, blocks, outBlock] → [rows, 1, blocks + taps − 1, inBlock]. */
  applyTransposed(y: tf.Tensor4D): tf.Tensor4D {
    return this.transposedFn(y);
  }

  dispose(): void {
    for (const { forward, transposed } of this.tensors.values()) {
      forward.dispose();
      transposed.dispose();
    }
    this.tensors.clear();
  }
}
