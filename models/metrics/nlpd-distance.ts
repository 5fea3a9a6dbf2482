// NLPD's distance between two stacks of flattened normalized Laplacian pyramids, as an op in plain loops: the
// root-mean-square difference at each of the six levels (with 1e-10 under the root), averaged over the levels.
import { tf } from '../../runtime/tf.js';
import { tensorFrom, valuesOf } from './host-arrays.js';
import { NLP_SCALES } from './nlp-normalization.js';

const EPSILON = 1e-10;

/** sqrt(mean((b − a)²) + ε) of each level of each of the P flattened pyramid pairs: [P, 6]. */
function levelDistances(a: Float32Array, b: Float32Array, sizes: readonly number[]): Float64Array {
  const n = sizes.reduce((s, v) => s + v, 0);
  const p = a.length / n;
  const distances = new Float64Array(p * NLP_SCALES);
  for (let q = 0, offset = 0; q < p; q++) {
    for (let k = 0; k < NLP_SCALES; k++) {
      let sum = 0;
      const end = offset + sizes[k];
      for (let i = offset; i < end; i++) {
        const d = b[i] - a[i];
        sum += d * d;
      }
      distances[q * NLP_SCALES + k] = Math.sqrt(sum / sizes[k] + EPSILON);
      offset = end;
    }
  }
  return distances;
}

/** ∂/∂b of Σ_q upstream_q · mean_k distance_qk: [P, N]. */
function distanceGradient(a: Float32Array, b: Float32Array, sizes: readonly number[], distances: Float64Array, upstream: ArrayLike<number>): Float32Array {
  const grad = new Float32Array(a.length);
  for (let q = 0, offset = 0; q < upstream.length; q++) {
    for (let k = 0; k < NLP_SCALES; k++) {
      const scale = upstream[q] / (NLP_SCALES * sizes[k] * distances[q * NLP_SCALES + k]);
      const end = offset + sizes[k];
      for (let i = offset; i < end; i++) grad[i] = scale * (b[i] - a[i]);
      offset = end;
    }
  }
  return grad;
}

/** Σ_i w_i · c_i over each of the P rows of w and c ([P, N]): [P]. */
function rowDots(w: Float32Array, c: Float32Array, p: number): Float32Array {
  const n = w.length / p;
  const dots = new Float32Array(p);
  for (let q = 0; q < p; q++) {
    let sum = 0;
    for (let i = q * n; i < (q + 1) * n; i++) sum += w[i] * c[i];
    dots[q] = sum;
  }
  return dots;
}

/**
 * The distance of each pair of rows of fa and fb ([P, N], each row the six levels of an H×W image flattened fine
 * to coarse): [P]. Its gradients with respect to fa and fb are ∓ the same array, which is linear in the upstream
 * gradient and is itself an op differentiable in it (for the double-vjp jvp of a model built on NLPD).
 */
export function pyramidDistance(fa: tf.Tensor2D, fb: tf.Tensor2D, sizes: readonly number[]): tf.Tensor1D {
  const op = tf.customGrad((...args) => {
    const a = valuesOf(args[0] as tf.Tensor);
    const b = valuesOf(args[1] as tf.Tensor);
    const p = (args[0] as tf.Tensor).shape[0];
    const distances = levelDistances(a, b, sizes);
    const value = new Float32Array(p);
    for (let q = 0; q < p; q++) {
      let total = 0;
      for (let k = 0; k < NLP_SCALES; k++) total += distances[q * NLP_SCALES + k];
      value[q] = total / NLP_SCALES;
    }
    const gradientOfB = tf.customGrad((...upstream) => ({
      value: tensorFrom(distanceGradient(a, b, sizes, distances, valuesOf(upstream[0] as tf.Tensor)), [p, a.length / p]),
      gradFunc: (w: tf.Tensor) => tensorFrom(rowDots(valuesOf(w), distanceGradient(a, b, sizes, distances, new Float32Array(p).fill(1)), p), [p]),
    }));
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const gradB = gradientOfB(dy);
      return [tf.neg(gradB), gradB];
    };
    return { value: tf.tensor1d(value), gradFunc };
  });
  return op(fa, fb) as tf.Tensor1D;
}
