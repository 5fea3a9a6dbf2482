// The working layout of the separable filters: a batch of P single-channel images held as [H, P, W].
//
// In this layout a filter along W works on the rows of x.reshape([H·P, W]), and a short filter along H is one
// product Aᵀ·x.reshape([H, P·W]) from the left: plain 2-D products (the fast path on wasm) with no transpose, and
// none at the NCHW boundary for a single image (P = 1). A long axis H is transposed to the last place for the
// blocked convolution and back.
import { tf } from '../../runtime/tf.js';
import type { AxisOperator } from './axis-operator.js';

/** [B, C, H, W] → [H, B·C, W]. */
export function toPlanar(x: tf.Tensor4D): tf.Tensor3D {
  const [b, c, h, w] = x.shape;
  const p = b * c;
  if (p === 1) return tf.reshape(x, [h, 1, w]);
  return tf.transpose(tf.reshape(x, [p, h, w]), [1, 0, 2]);
}

/** [H, B·C, W] → [B, C, H, W]. */
export function fromPlanar(y: tf.Tensor3D, batch: number, channels: number): tf.Tensor4D {
  const [h, p, w] = y.shape;
  if (p === 1) return tf.reshape(y, [batch, channels, h, w]);
  return tf.reshape(tf.transpose(y, [1, 0, 2]), [batch, channels, h, w]);
}

/** Applies op along the last axis of a tensor of any rank: [..., n] → [..., op.outSize]. */
export function alongLastAxis<T extends tf.Tensor>(y: T, op: AxisOperator): T {
  const n = y.shape[y.rank - 1];
  const rows = y.size / n;
  return tf.reshape(op.apply(tf.reshape(y, [rows, n])), [...y.shape.slice(0, -1), op.outSize]) as T;
}

/** The transpose of op along the last axis: [..., op.outSize] → [..., op.n]. */
export function alongLastAxisTransposed<T extends tf.Tensor>(y: T, op: AxisOperator): T {
  const m = y.shape[y.rank - 1];
  const rows = y.size / m;
  return tf.reshape(op.applyTransposed(tf.reshape(y, [rows, m])), [...y.shape.slice(0, -1), op.n]) as T;
}

/**
 * Applies op along H: [H, P, W] → [op.outSize, P, W]. A short axis takes one dense product from the left; a long
 * one is transposed to the last axis for the blocked product and back.
 */
export function alongHeight(y: tf.Tensor3D, op: AxisOperator): tf.Tensor3D {
  const [h, p, w] = y.shape;
  if (!op.blocked) return tf.reshape(op.applyToColumns(tf.reshape(y, [h, p * w])), [op.outSize, p, w]);
  const swapped = tf.reshape(tf.transpose(y, [2, 1, 0]), [w * p, h]) as tf.Tensor2D;
  return tf.transpose(tf.reshape(op.apply(swapped), [w, p, op.outSize]), [2, 1, 0]);
}

/** Sum over H and W (or W and H) of each image of a planar tensor, keeping the axes: [A, P, B] → [1, P, 1]. */
export function sumPerImage(y: tf.Tensor): tf.Tensor3D {
  return tf.sum(tf.sum(y, 2, true), 0, true);
}
