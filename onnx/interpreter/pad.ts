// Pad in constant, reflect and edge modes (negative pads crop). An NHWC input is padded in place, its pads permuted.
import { tf } from '../../runtime/tf.js';
import { opError, padParams, type PadParams } from '../op-params.js';
import type { KernelFactory } from './kernel.js';
import type { Operand } from './operand.js';

function edgePad(x: tf.Tensor, pads: [number, number][]): tf.Tensor {
  let y = x;
  pads.forEach(([before, after], axis) => {
    const parts: tf.Tensor[] = [];
    const size = y.shape[axis];
    const edge = (at: number, times: number) => {
      const begin = y.shape.map((_, i) => (i === axis ? at : 0));
      const extent = y.shape.map((d, i) => (i === axis ? 1 : d));
      return tf.tile(tf.slice(y, begin, extent), y.shape.map((_, i) => (i === axis ? times : 1)));
    };
    if (before > 0) parts.push(edge(0, before));
    parts.push(y);
    if (after > 0) parts.push(edge(size - 1, after));
    if (parts.length > 1) y = tf.concat(parts, axis);
  });
  return y;
}

function applyPad(x: tf.Tensor, { mode, pads, value }: PadParams): tf.Tensor {
  const grow = pads.map(([b, a]): [number, number] => [Math.max(b, 0), Math.max(a, 0)]);
  let y = x;
  if (grow.some(([b, a]) => b > 0 || a > 0)) {
    if (mode === 'constant') y = tf.pad(y, grow, value);
    else if (mode === 'reflect') y = tf.mirrorPad(y, grow, 'reflect');
    else y = edgePad(y, grow);
  }
  if (pads.some(([b, a]) => b < 0 || a < 0)) {
    const begin = pads.map(([b]) => Math.max(-b, 0));
    const size = y.shape.map((d, i) => d - begin[i] - Math.max(-pads[i][1], 0));
    y = tf.slice(y, begin, size);
  }
  return y;
}

const pad: KernelFactory = (ctx) => {
  const shape = ctx.shape(0);
  const params = padParams(ctx, shape.length);
  if (params.mode === 'reflect' && params.pads.some(([b, a], i) => b >= shape[i] || a >= shape[i])) {
    throw opError(ctx, 'reflect padding must be smaller than the padded dimension.');
  }
  const nhwcPads = shape.length === 4 ? [0, 1, 2, 3].map((i) => params.pads[[0, 2, 3, 1][i]]) : params.pads;
  return (args) => {
    const x: Operand = args.get(0);
    if (x.layout === 'nhwc') return [{ t: applyPad(x.t, { ...params, pads: nhwcPads }), layout: 'nhwc' }];
    return [{ t: applyPad(x.t, params), layout: 'nchw' }];
  };
};

export const padKernels: Record<string, KernelFactory> = { Pad: pad };

