// Resize as separable interpolation matrices applied with matMul along H and W: one formulation for every mode
// (nearest, linear, cubic) and coordinate transform, whose gradients of every order are matMuls. Integer nearest
// upsampling, the common case, repeats rows and columns with rank-3 tiles instead.
import { tf } from '../../runtime/tf.js';
import { opError, resizeParams, type ResizeParams } from '../op-params.js';
import type { KernelFactory } from './kernel.js';
import { asNCHW, nchwOperand } from './operand.js';

/** Position in the input that output index x samples, per ONNX's coordinate_transformation_mode. */
function sourceCoordinate(x: number, inSize: number, outSize: number, scale: number, mode: string): number {
  switch (mode) {
    case 'align_corners':
      return outSize === 1 ? 0 : (x * (inSize - 1)) / (outSize - 1);
    case 'asymmetric':
      return x / scale;
    case 'pytorch_half_pixel':
      return outSize > 1 ? (x + 0.5) / scale - 0.5 : 0;
    case 'half_pixel_symmetric': {
      const adjustment = outSize / (scale * inSize);
      return (inSize / 2) * (1 - adjustment) + (x + 0.5) / scale - 0.5;
    }
    default:
      return (x + 0.5) / scale - 0.5;
  }
}

function nearestIndex(v: number, mode: string): number {
  const frac = v - Math.floor(v);
  switch (mode) {
    case 'floor':
      return Math.floor(v);
    case 'ceil':
      return Math.ceil(v);
    case 'round_prefer_ceil':
      return frac === 0.5 ? Math.ceil(v) : Math.round(v);
    default:
      return frac === 0.5 ? Math.floor(v) : Math.round(v);
  }
}

function cubicWeights(t: number, a: number): number[] {
  const far = (d: number) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  const near = (d: number) => ((a + 2) * d - (a + 3)) * d * d + 1;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/** The [outSize, inSize] matrix mapping one axis of the input to the output. */
export function interpolationMatrix(inSize: number, outSize: number, scale: number, p: ResizeParams): Float32Array {
  const m = new Float32Array(outSize * inSize);
  const clampIndex = (i: number) => Math.min(Math.max(i, 0), inSize - 1);
  for (let o = 0; o < outSize; o++) {
    const src = sourceCoordinate(o, inSize, outSize, scale, p.coordinateMode);
    const row = o * inSize;
    if (p.mode === 'nearest') {
      m[row + clampIndex(nearestIndex(src, p.nearestMode))] = 1;
    } else if (p.mode === 'linear') {
      const s = Math.min(Math.max(src, 0), inSize - 1);
      const i0 = Math.floor(s);
      const i1 = Math.min(i0 + 1, inSize - 1);
      m[row + i0] += 1 - (s - i0);
      m[row + i1] += s - i0;
    } else {
      const i0 = Math.floor(src);
      const w = cubicWeights(src - i0, p.cubicCoeffA);
      const taps = [-1, 0, 1, 2].map((k) => i0 + k);
      const inside = taps.map((i) => i >= 0 && i < inSize);
      const total = p.excludeOutside ? w.reduce((acc, v, k) => acc + (inside[k] ? v : 0), 0) : 1;
      taps.forEach((i, k) => {
        if (p.excludeOutside && !inside[k]) return;
        m[row + clampIndex(i)] += w[k] / total;
      });
    }
  }
  return m;
}

/** The integer repeat factor when the matrix repeats each input index r times in order, else 0. */
function repeatFactor(m: Float32Array, inSize: number, outSize: number): number {
  if (outSize % inSize !== 0) return 0;
  const r = outSize / inSize;
  for (let o = 0; o < outSize; o++) if (m[o * inSize + Math.floor(o / r)] !== 1) return 0;
  return r;
}

const resize: KernelFactory = (ctx) => {
  const shape = ctx.shape(0);
  const p = resizeParams(ctx, shape);
  const out = p.sizes as number[];
  if (shape.length !== 4 || out[0] !== shape[0] || out[1] !== shape[1]) {
    throw opError(ctx, 'only resizes the last two axes of an NCHW image are supported.');
  }
  const [n, c, h, w] = shape;
  const [oh, ow] = [out[2], out[3]];
  const mh = interpolationMatrix(h, oh, p.scales[2], p);
  const mw = interpolationMatrix(w, ow, p.scales[3], p);
  const rh = repeatFactor(mh, h, oh);
  const rw = repeatFactor(mw, w, ow);
  if (rh && rw) {
    return (args) => {
      let y = tf.reshape(asNCHW(args.get(0)), [n * c * h, 1, w]);
      y = tf.reshape(tf.tile(y, [1, rh, 1]), [n * c * oh, w, 1]);
      return [nchwOperand(tf.reshape(tf.tile(y, [1, 1, rw]), [n, c, oh, ow]))];
    };
  }
  const rows = ctx.hold(tf.tensor2d(mh, [oh, h]));
  const colsT = ctx.hold(tf.transpose(tf.tensor2d(mw, [ow, w])));
  return (args) => {
    const alongW = tf.matMul(tf.reshape(asNCHW(args.get(0)), [n * c * h, w]), colsT);
    // [oh, h] x [n*c, h, ow]: matMul broadcasts the matrix over the batch.
    const alongH = tf.matMul(rows, tf.reshape(alongW, [n * c, h, ow]));
    return [nchwOperand(tf.reshape(alongH, [n, c, oh, ow]))];
  };
};

export const resizeKernels: Record<string, KernelFactory> = { Resize: resize };
