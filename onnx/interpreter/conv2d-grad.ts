// conv2d whose input gradient is computed by conv2d itself (on the zero-upsampled cotangent, with the filter
// rotated by 180 degrees and its channels swapped), through tf.customGrad. tfjs-wasm's Conv2DBackpropInput
// kernel is 5-10x slower than its XNNPACK conv2d; this keeps the backward pass (and the second-order pass of the
// double-vjp jvp) on the fast kernel.
import { tf } from '../../runtime/tf.js';
import { zeroUpsample } from './depthwise.js';

/** A [kh, kw, in, out] filter together with the one its gradient convolves with. */
export interface ConvFilter {
  filter: tf.Tensor4D;
  transposed: ConvFilter;
}

export function convFilter(filter: tf.Tensor4D, hold: <T extends tf.Tensor>(t: T) => T): ConvFilter {
  const main = { filter } as ConvFilter;
  const back: ConvFilter = {
    filter: hold(tf.tidy(() => tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]))),
    transposed: main,
  };
  main.transposed = back;
  return main;
}

/** [top, bottom, left, right] padding; negative values crop. */
type Pads = [number, number, number, number];

function padOrCrop(x: tf.Tensor4D, [top, bottom, left, right]: Pads): { x: tf.Tensor4D; pads: Pads } {
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return { x, pads: [top, bottom, left, right] };
  const [n, h, w, c] = x.shape;
  const begin = [0, Math.max(0, -top), Math.max(0, -left), 0];
  const size = [n, h - begin[1] - Math.max(0, -bottom), w - begin[2] - Math.max(0, -right), c];
  return { x: tf.slice(x, begin, size) as tf.Tensor4D, pads: [Math.max(0, top), Math.max(0, bottom), Math.max(0, left), Math.max(0, right)] };
}

/** NHWC conv2d with explicit [top, bottom, left, right] padding and a conv2d-based input gradient. */
export function conv2dFast(x: tf.Tensor4D, f: ConvFilter, strides: [number, number], padding: Pads): tf.Tensor4D {
  const [top, bottom, left, right] = padding;
  const explicit: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xx = inputs[0] as tf.Tensor4D;
    return {
      value: tf.conv2d(xx, f.filter, strides, top || bottom || left || right ? explicit : 'valid'),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const [kh, kw] = f.filter.shape;
        const [, h, w] = xx.shape;
        const up = zeroUpsample(dy as tf.Tensor4D, strides);
        // dx[i] = sum_k up[i + top - k] * filter[k]: a correlation with the rotated filter, padded so that it
        // yields exactly h rows (rows past the last window get zero).
        const { x: source, pads } = padOrCrop(up, [
          kh - 1 - top,
          h + top - up.shape[1],
          kw - 1 - left,
          w + left - up.shape[2],
        ]);
        return conv2dFast(source, f.transposed, [1, 1], pads);
      },
    };
  });
  return op(x) as tf.Tensor4D;
}
