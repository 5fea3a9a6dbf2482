// The divisive normalization of the normalized Laplacian pyramid (Laparra et al. 2016), with the parameters
// plenoptic ships (DN_filts.npy, DN_sigmas.npy), which were learned on natural images.
import { tf } from '../../runtime/tf.js';
import { correlationOperator, type AxisOperator } from '../pyramids/axis-operator.js';

export const NLP_SCALES = 6;
/** DN_sigmas: the additive constant of each scale's normalization. */
export const NLP_SIGMAS: readonly number[] = [0.0248, 0.0185, 0.0179, 0.0191, 0.022, 0.2782];
/**
 * DN_filts: each 5×5 pooling filter is zero off its middle row and middle column (and at the centre), so pooling is
 * a 1-D filter along W (the middle row) plus a 1-D filter along H (the middle column), with zero padding.
 */
const poolRows = [
  [0, 0.1493, 0, 0.146, 0.0072],
  [0, 0.1986, 0, 0.1846, 0],
  [0, 0.2138, 0, 0.2243, 0],
  [0, 0.2503, 0, 0.2616, 0],
  [0, 0.2598, 0, 0.2552, 0],
  [0, 0.2215, 0, 0.0717, 0],
];
const poolColumns: (number[] | null)[] = [[0, 0.1011, 0, 0.1015, 0], [0, 0.0757, 0, 0.0837, 0], [0, 0.0477, 0, 0.0467, 0], null, null, null];
const zeroPad = { before: 2, after: 2, mode: 'constant' as const };
/** Sides at least this long pool by shifted copies; shorter ones by one dense product per axis (fewer kernels). */
const SHIFT_POOL_MIN = 64;

/** 'same' zero-padded correlation along one axis (0: H, 2: W) of planar images, as a sum of shifted copies. */
function shiftPool(y: tf.Tensor3D, taps: readonly number[], axis: 0 | 2): tf.Tensor3D {
  const half = (taps.length - 1) / 2;
  const padding: [number, number][] = [
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  padding[axis] = [half, half];
  const padded = tf.pad(y, padding);
  const terms = taps.flatMap((t, k) => {
    if (t === 0) return [];
    const begin = [0, 0, 0];
    begin[axis] = k;
    return [tf.mul(tf.slice(padded, begin, y.shape), t)];
  });
  return tf.addN(terms) as tf.Tensor3D;
}

function denseAlongW(y: tf.Tensor3D, op: AxisOperator): tf.Tensor3D {
  const [h, p, w] = y.shape;
  return tf.reshape(op.apply(tf.reshape(y, [h * p, w]) as tf.Tensor2D), [h, p, w]);
}

function denseAlongH(y: tf.Tensor3D, op: AxisOperator): tf.Tensor3D {
  const [h, p, w] = y.shape;
  return tf.reshape(op.applyToColumns(tf.reshape(y, [h, p * w]) as tf.Tensor2D), [h, p, w]);
}

/**
 * The pooling of level k of an h×w image as one operator along W and, for the three finest levels, one along H
 * (their outputs add up).
 */
export function poolOperators(h: number, w: number, level: number): { alongW: AxisOperator; alongH: AxisOperator | null } {
  const columns = poolColumns[level];
  return { alongW: correlationOperator(w, poolRows[level], zeroPad), alongH: columns ? correlationOperator(h, columns, zeroPad) : null };
}

/** The pooling of level k (a weighted sum of each coefficient's neighbours) on planar images [h, P, w]. */
function poolPlanar(y: tf.Tensor3D, level: number): tf.Tensor3D {
  const [h, , w] = y.shape;
  const { alongW: opW, alongH: opH } = poolOperators(h, w, level);
  const alongW = w >= SHIFT_POOL_MIN ? shiftPool(y, poolRows[level], 2) : denseAlongW(y, opW);
  if (!opH) return alongW;
  const alongH = h >= SHIFT_POOL_MIN ? shiftPool(y, poolColumns[level] as number[], 0) : denseAlongH(y, opH);
  return tf.add(alongW, alongH);
}

/**
 * σ_k + pool_k(|L|): what level k is divided by, in tfjs ops (differentiated by tfjs; nlp-kernel.ts computes the
 * same in plain loops for NLPD and NLP).
 */
export function normalizer(level: tf.Tensor3D, k: number): tf.Tensor3D {
  return tf.add(poolPlanar(tf.abs(level), k), NLP_SIGMAS[k]);
}
