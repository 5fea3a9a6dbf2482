// Values flowing through the interpreter. tfjs convolutions and pools are NHWC-only, so 4-D values carry their
// layout: spatial ops produce NHWC, elementwise ops keep whatever they get, and everything else asks for NCHW.
// A chain Conv -> Relu -> Conv -> MaxPool thus pays no transposes between its ops.
import { tf } from '../../runtime/tf.js';

export type Layout = 'nchw' | 'nhwc';

export interface Operand {
  t: tf.Tensor;
  /** Only 'nhwc' for rank-4 values that a spatial op produced. */
  layout: Layout;
}

export const NCHW_TO_NHWC = [0, 2, 3, 1];
export const NHWC_TO_NCHW = [0, 3, 1, 2];

export function nchwOperand(t: tf.Tensor): Operand {
  return { t, layout: 'nchw' };
}

export function nhwcOperand(t: tf.Tensor): Operand {
  return { t, layout: 'nhwc' };
}

export function asNCHW(o: Operand): tf.Tensor {
  return o.layout === 'nhwc' ? tf.transpose(o.t, NHWC_TO_NCHW) : o.t;
}

export function asNHWC(o: Operand): tf.Tensor4D {
  if (o.layout === 'nhwc') return o.t as tf.Tensor4D;
  if (o.t.rank !== 4) throw new Error(`expected a 4-D value, got shape [${o.t.shape.join(', ')}]`);
  return tf.transpose(o.t, NCHW_TO_NHWC) as tf.Tensor4D;
}


/**
 * A broadcast operand of lower rank (a bias [C, 1, 1], a scalar) brought to an NHWC rank-4 partner: padded to
 * rank 4 with leading ones, then permuted like the partner.
 */
export function broadcastToNHWC(o: Operand): tf.Tensor {
  if (o.layout === 'nhwc') return o.t;
  const shape = [...Array(4 - o.t.rank).fill(1), ...o.t.shape];
  const padded = o.t.rank === 4 ? o.t : tf.reshape(o.t, shape);
  // A permutation of size-1 axes is a reshape, which is cheaper than a transpose.
  if (shape[1] === 1 || (shape[2] === 1 && shape[3] === 1)) return tf.reshape(padded, [shape[0], shape[2], shape[3], shape[1]]);
  return tf.transpose(padded, NCHW_TO_NHWC);
}

/** Maps an NCHW axis to its NHWC position. */
export function nhwcAxis(axis: number): number {
  return [0, 3, 1, 2][axis];
}
