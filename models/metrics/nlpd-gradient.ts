// The normalized Laplacian pyramid as one op with a hand-written gradient, and NLPD on top of it.
//
// Differentiating the pyramid through tfjs's tape costs three times its forward pass (hundreds of kernels, each
// with its bookkeeping); the chain rule written out reuses the forward intermediates and runs each linear step's
// transpose once. Keeping the pyramid of each image a separate op lets tfjs skip the reference image's backward
// pass when only the other image needs a gradient, as torch does.
//
// Forward, per planar image batch x:
//   x_0 = x;  x_{k+1} = D_k x_k;  L_k = x_k − U_k x_{k+1} (k < 5), L_5 = x_5
//   z_k = σ_k + pool_k(|L_k|);  y_k = L_k / z_k, flattened and concatenated into [P, N]
// Backward, from ∂y_k:
//   ∂L_k = ∂y_k / z_k + sign(L_k) · poolᵀ_k(−∂y_k · y_k / z_k)
//   ∂x_5 = ∂L_5;  ∂x_k = ∂L_k + D_kᵀ(∂x_{k+1} − U_kᵀ ∂L_k)
import { tf } from '../../runtime/tf.js';
import { correlationOperator, upsampleOperator, type AxisOperator } from '../pyramids/axis-operator.js';
import { downsampleTaps, upsampleTaps } from '../pyramids/blur.js';
import { ConstantMatrix } from '../pyramids/constant-matrix.js';
import { laplacianLevelsPlanar } from '../pyramids/laplacian.js';
import { NLP_SCALES, normalizer, poolPlanar } from './nlp-normalization.js';

const EPSILON = 1e-10;

/** The transpose of op along W of [H, P, W]: [H, P, op.outSize] → [H, P, op.n]. */
function transposeAlongW(y: tf.Tensor3D, op: AxisOperator): tf.Tensor3D {
  const [h, p, m] = y.shape;
  return tf.reshape(op.applyTransposed(tf.reshape(y, [h * p, m]) as tf.Tensor2D), [h, p, op.n]);
}

/** The transpose of op along H of [H, P, W]: [op.outSize, P, W] → [op.n, P, W]. */
function transposeAlongH(y: tf.Tensor3D, op: AxisOperator): tf.Tensor3D {
  const [m, p, w] = y.shape;
  if (!op.transposedBlocked) return tf.reshape(op.applyTransposedToColumns(tf.reshape(y, [m, p * w]) as tf.Tensor2D), [op.n, p, w]);
  const swapped = tf.reshape(tf.transpose(y, [2, 1, 0]), [w * p, m]) as tf.Tensor2D;
  return tf.transpose(tf.reshape(op.applyTransposed(swapped), [w, p, op.n]), [2, 1, 0]);
}

/** The operators of one pyramid step from an h×w image (the same cached instances laplacianLevelsPlanar uses). */
function stepOperators(h: number, w: number) {
  const down = downsampleTaps('binom5', true);
  const up = upsampleTaps('binom5', true);
  const pad = { before: 2, after: 2, mode: 'reflect' as const, stride: 2 };
  const downW = correlationOperator(w, down, pad);
  const downH = correlationOperator(h, down, pad);
  return {
    downW,
    downH,
    upW: upsampleOperator(downW.outSize, up, (w % 2) as 0 | 1),
    upH: upsampleOperator(downH.outSize, up, (h % 2) as 0 | 1),
  };
}

/** Planar [h, P, w] → [P, h·w]. */
function flattenLevel(level: tf.Tensor): tf.Tensor2D {
  const [h, p, w] = level.shape;
  const byImage = p === 1 ? level : tf.transpose(level, [1, 0, 2]);
  return tf.reshape(byImage, [p, h * w]) as tf.Tensor2D;
}

/** [P, h·w] → planar [h, P, w]. */
function unflattenLevel(flat: tf.Tensor, h: number, w: number): tf.Tensor3D {
  const p = flat.shape[0];
  return (p === 1 ? tf.reshape(flat, [h, 1, w]) : tf.transpose(tf.reshape(flat, [p, h, w]), [1, 0, 2])) as tf.Tensor3D;
}

/** The sizes (h, w) of the six levels of an H×W image. */
export function levelShapes(h: number, w: number): [number, number][] {
  const shapes: [number, number][] = [];
  for (let k = 0; k < NLP_SCALES; k++) {
    shapes.push([h, w]);
    [h, w] = [Math.ceil(h / 2), Math.ceil(w / 2)];
  }
  return shapes;
}

/**
 * The normalized Laplacian pyramid of planar images [H, P, W], the six levels flattened and concatenated fine to
 * coarse into [P, N], with its hand-written gradient.
 */
export const normalizedLaplacianFlat = tf.customGrad<tf.Tensor2D>((...args) => {
  const x = args[0] as tf.Tensor3D;
  const save = args[1] as unknown as (tensors: tf.Tensor[]) => void;
  const [height, p, width] = x.shape;
  const shapes = levelShapes(height, width);
  const levels = laplacianLevelsPlanar(x, NLP_SCALES, true);
  const normalizers = levels.map((level, k) => normalizer(level, k));
  const normalized = levels.map((level, k) => tf.div(level, normalizers[k]) as tf.Tensor3D);
  save([...levels, ...normalizers, ...normalized]);
  const value = tf.concat(normalized.map(flattenLevel), 1) as tf.Tensor2D;

  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
    const n = NLP_SCALES;
    const [L, Z, Y] = [0, 1, 2].map((i) => saved.slice(i * n, (i + 1) * n) as tf.Tensor3D[]);
    const parts = tf.split(dy, shapes.map(([h, w]) => h * w), 1);
    const gradLevels = shapes.map(([h, w], k) => {
      const overZ = tf.div(unflattenLevel(parts[k], h, w), Z[k]);
      const throughPool = poolPlanar(tf.neg(tf.mul(overZ, Y[k])) as tf.Tensor3D, k, true);
      return tf.add(overZ, tf.mul(tf.sign(L[k]), throughPool)) as tf.Tensor3D;
    });
    let gx = gradLevels[n - 1];
    for (let k = n - 2; k >= 0; k--) {
      const ops = stepOperators(...shapes[k]);
      const throughUp = transposeAlongH(transposeAlongW(gradLevels[k], ops.upW), ops.upH);
      gx = tf.add(gradLevels[k], transposeAlongH(transposeAlongW(tf.sub(gx, throughUp) as tf.Tensor3D, ops.downW), ops.downH));
    }
    return gx;
  };
  return { value, gradFunc };
});

const levelMeans = new Map<string, ConstantMatrix>();

/** The [N, 6] matrix whose product with squared flattened levels gives each level's mean. */
function levelMeanMatrix(h: number, w: number): ConstantMatrix {
  const key = `${h}x${w}`;
  let m = levelMeans.get(key);
  if (!m) {
    const sizes = levelShapes(h, w).map(([a, b]) => a * b);
    const total = sizes.reduce((a, b) => a + b, 0);
    const weights = new Float64Array(total * NLP_SCALES);
    let row = 0;
    sizes.forEach((size, k) => {
      for (let i = 0; i < size; i++, row++) weights[row * NLP_SCALES + k] = 1 / size;
    });
    m = new ConstantMatrix(total, NLP_SCALES, weights);
    levelMeans.set(key, m);
  }
  return m;
}

/**
 * NLPD of planar image batches of the same shape, [P]: the root-mean-square difference of the normalized levels
 * at each scale (with 1e-10 under the root), averaged over the six scales.
 */
export function nlpdPlanar(x: tf.Tensor3D, y: tf.Tensor3D): tf.Tensor1D {
  const [h, , w] = x.shape;
  const squared = tf.square(tf.sub(normalizedLaplacianFlat(y), normalizedLaplacianFlat(x))) as tf.Tensor2D;
  const distances = tf.sqrt(tf.add(levelMeanMatrix(h, w).right(squared), EPSILON));
  return tf.mean(distances, 1) as tf.Tensor1D;
}
