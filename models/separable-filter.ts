// A 2-D filter written as a sum of separable terms Σ outer(rows_t, cols_t), applied with 'same' padding.
//
// Every filter of the Gaussian, center-surround and front-end models is one: a circular Gaussian is
// outer(g_h, g_w) exactly, and a difference of Gaussians is two such terms. Each term is two matrix products
// (axis-matrix.ts): on wasm a 31×31 Gaussian on 256² then costs a few ms forward and backward, where conv2d takes
// ~80 ms forward and ~400 ms for its input gradient.
//
// Images travel in a "planar" layout [H, P, W] (P = batch·channels): a filter along W is x.reshape([H·P, W])·A
// and one along H is Aᵀ·x.reshape([H, P·W]), both plain 2-D products, with no transpose for a single image.
import { tf } from '../runtime/tf.js';
import { sameCorrelation } from './axis-matrix.js';
import { circularGaussianFactor } from './filters.js';
import type { PadMode } from './padding.js';

/** outer(rows, cols); a weight is folded into rows. */
export interface SeparableTerm {
  rows: readonly number[];
  cols: readonly number[];
}

/** weight · circularGaussian2d([kh, kw], std) as one term. */
export function gaussianTerm(kernel: readonly [number, number], std: number, weight = 1): SeparableTerm {
  return { rows: circularGaussianFactor(kernel[0], std).map((v) => v * weight), cols: circularGaussianFactor(kernel[1], std) };
}

/** Σ_t outer(rows_t, cols_t) as a row-major (kh, kw) array: the kernel a model applies. */
export function termsToKernel(terms: readonly SeparableTerm[]): Float32Array {
  const kh = terms[0].rows.length;
  const kw = terms[0].cols.length;
  const out = new Float64Array(kh * kw);
  for (const { rows, cols } of terms) {
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) out[i * kw + j] += rows[i] * cols[j];
  }
  return Float32Array.from(out);
}

/** [B, C, H, W] → [H, B·C, W]. */
export function toPlanar(x: tf.Tensor4D): tf.Tensor3D {
  const [b, c, h, w] = x.shape;
  if (b * c === 1) return tf.reshape(x, [h, 1, w]);
  return tf.transpose(tf.reshape(x, [b * c, h, w]), [1, 0, 2]);
}

/** Planar outputs [H, B, W], one per channel, → [B, C, H, W]. */
export function stackChannels(channels: readonly tf.Tensor3D[], batch: number): tf.Tensor4D {
  const [h, , w] = channels[0].shape;
  const c = channels.length;
  if (batch * c === 1) return tf.reshape(channels[0], [1, 1, h, w]);
  // [H, B, C, W] → [B, C, H, W]
  return tf.transpose(tf.stack(channels as tf.Tensor3D[], 2), [1, 2, 0, 3]) as tf.Tensor4D;
}

/**
 * Correlates each planar image [H, P, W] with Σ outer(rows_t, cols_t) after torch's same_padding in padMode,
 * as plenoptic's same_padding + conv2d do. The output has the input's shape.
 */
export function filterPlanar(y: tf.Tensor3D, terms: readonly SeparableTerm[], padMode: PadMode): tf.Tensor3D {
  const [h, p, w] = y.shape;
  let out: tf.Tensor3D | null = null;
  for (const { rows, cols } of terms) {
    const alongWidth = sameCorrelation(w, cols, padMode, 'the width').right(tf.reshape(y, [h * p, w]));
    const alongHeight = sameCorrelation(h, rows, padMode, 'the height').left(tf.reshape(alongWidth, [h, p * w]));
    const term = tf.reshape(alongHeight, [h, p, w]) as tf.Tensor3D;
    out = out ? tf.add(out, term) : term;
  }
  if (!out) throw new Error('filterPlanar needs at least one term');
  return out;
}
