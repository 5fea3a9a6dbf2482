// plenoptic's tools.conv.same_padding: pad an NCHW batch so that a stride-1 'valid' convolution keeps its size,
// in torch's four modes. tfjs pads only with constants (tf.mirrorPad's gradient is wrong), so 'reflect',
// 'replicate' and 'circular' are built from slice, reverse, tile and concat, whose gradients are exact on every
// backend.
import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { kernelShape, type KernelSize } from './filters.js';

/** torch.nn.functional.pad's modes: 'reflect' excludes the edge sample, 'replicate' repeats it. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

export const padModes: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

export function checkPadMode(padMode: string, what = 'padMode'): PadMode {
  if (!padModes.includes(padMode as PadMode)) {
    throw new ValueError(`${what} '${padMode}' is not supported. Choose one of: ${padModes.join(', ')}.`);
  }
  return padMode as PadMode;
}

/**
 * The padding 'same' needs along an axis of n samples, split as torch's same_padding splits it: the extra sample
 * of an odd total goes after (right / bottom).
 */
export function samePaddingAmounts(n: number, kernel: number, stride = 1, dilation = 1): { before: number; after: number } {
  const total = Math.max((Math.ceil(n / stride) - 1) * stride + (kernel - 1) * dilation + 1 - n, 0);
  const before = Math.floor(total / 2);
  return { before, after: total - before };
}

/** Throws torch's size limits as a ValueError: 'reflect' needs pad < n, 'circular' needs pad <= n. */
export function checkPadFits(before: number, after: number, n: number, mode: PadMode, axis: string): void {
  const pad = Math.max(before, after);
  if (mode === 'reflect' && pad >= n) {
    throw new ValueError(
      `reflect padding of ${pad} pixels needs more than ${pad} pixels along ${axis}, but the image has ${n}. ` +
        `Use a larger image, a smaller kernelSize, or padMode 'replicate' / 'constant'.`,
    );
  }
  if (mode === 'circular' && pad > n) {
    throw new ValueError(
      `circular padding of ${pad} pixels needs at least ${pad} pixels along ${axis}, but the image has ${n}. ` +
        `Use a larger image, a smaller kernelSize, or padMode 'replicate' / 'constant'.`,
    );
  }
}

/** Pads one axis of x by (before, after) in the given mode. */
function padAxis(x: tf.Tensor, axis: number, before: number, after: number, mode: PadMode): tf.Tensor {
  if (before === 0 && after === 0) return x;
  const n = x.shape[axis];
  const slab = (start: number, size: number) => {
    const begin = x.shape.map(() => 0);
    const sizes = [...x.shape];
    begin[axis] = start;
    sizes[axis] = size;
    return tf.slice(x, begin, sizes);
  };
  const repeat = (t: tf.Tensor, times: number) => tf.tile(t, x.shape.map((_, i) => (i === axis ? times : 1)));
  const parts: tf.Tensor[] = [];
  switch (mode) {
    case 'constant': {
      const paddings = x.shape.map((_, i): [number, number] => (i === axis ? [before, after] : [0, 0]));
      return tf.pad(x, paddings);
    }
    case 'reflect':
      // Not tf.mirrorPad: its gradient (tfjs 4.22) only crops dy and drops the reflected part.
      if (before > 0) parts.push(tf.reverse(slab(1, before), axis));
      parts.push(x);
      if (after > 0) parts.push(tf.reverse(slab(n - 1 - after, after), axis));
      break;
    case 'replicate':
      if (before > 0) parts.push(repeat(slab(0, 1), before));
      parts.push(x);
      if (after > 0) parts.push(repeat(slab(n - 1, 1), after));
      break;
    case 'circular':
      if (before > 0) parts.push(slab(n - before, before));
      parts.push(x);
      if (after > 0) parts.push(slab(0, after));
      break;
  }
  return tf.concat(parts, axis);
}

/**
 * Pads the last two axes (height, width) of x: padding = [left, right, top, bottom], torch's F.pad order.
 * Like torch, 'reflect' needs each pad < the axis length and 'circular' needs each pad <= it.
 */
export function pad2d(x: tf.Tensor, padding: readonly [number, number, number, number], mode: PadMode = 'constant'): tf.Tensor {
  checkPadMode(mode);
  if (x.rank < 2) throw new ValueError(`pad2d needs a tensor whose last two axes are height and width, but got shape [${x.shape.join(', ')}].`);
  const [left, right, top, bottom] = padding;
  const hAxis = x.rank - 2;
  const wAxis = x.rank - 1;
  checkPadFits(top, bottom, x.shape[hAxis], mode, 'the height');
  checkPadFits(left, right, x.shape[wAxis], mode, 'the width');
  return tf.tidy(() => padAxis(padAxis(x, hAxis, top, bottom, mode), wAxis, left, right, mode));
}

export interface SamePaddingOptions {
  stride?: KernelSize;
  dilation?: KernelSize;
  /** plenoptic's default is 'circular'. */
  padMode?: PadMode;
}

/** plenoptic's same_padding: pads height and width so a 'valid' convolution with kernelSize keeps the size. */
export function samePadding(x: tf.Tensor, kernelSize: KernelSize, options: SamePaddingOptions = {}): tf.Tensor {
  if (x.rank < 3) {
    throw new ValueError(`Input must be tensor whose last dims are height x width, but got shape [${x.shape.join(', ')}].`);
  }
  const [kh, kw] = kernelShape(kernelSize);
  const [sh, sw] = kernelShape(options.stride ?? 1, 'stride');
  const [dh, dw] = kernelShape(options.dilation ?? 1, 'dilation');
  const [ih, iw] = x.shape.slice(-2);
  const h = samePaddingAmounts(ih, kh, sh, dh);
  const w = samePaddingAmounts(iw, kw, sw, dw);
  return pad2d(x, [w.before, w.after, h.before, h.after], options.padMode ?? 'circular');
}
