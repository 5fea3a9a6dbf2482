// 2-D discrete Fourier transforms over the last two axes of any tensor of rank ≥ 2, differentiable to any order on
// every backend. tfjs has no FFT gradient and wasm no complex kernels, so each call is one linear-operator node
// (linear-operator.ts) around the matmul FFT kernel of dft2-kernel.ts, with the adjoint transform as its gradient.
import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import type { Complex } from './complex.js';
import { adjointSpec, dft2, type AxisTransform, type Dft2Spec } from './dft2-kernel.js';
import { linearOperator, takeSlice, type LinearOperator } from './linear-operator.js';

/** numpy / torch normalisation modes: which direction divides by n ('ortho': both by √n). */
export type FftNorm = 'backward' | 'ortho' | 'forward';

export interface FftOptions {
  norm?: FftNorm;
  /**
   * fft2: return fftshift(fft2(x)) (zero frequency at ⌊n/2⌋). ifft2: take a centred spectrum, i.e. compute
   * ifft2(ifftshift(X)). Folded into the DFT constants, so it is free. Default false.
   */
  centered?: boolean;
}

function normScale(norm: FftNorm, n: number, inverse: boolean): number {
  if (norm === 'ortho') return 1 / Math.sqrt(n);
  if (norm === 'backward') return inverse ? 1 / n : 1;
  if (norm === 'forward') return inverse ? 1 : 1 / n;
  throw new ValueError(`Invalid norm '${String(norm)}': use 'backward', 'ortho' or 'forward'.`);
}

/** The transform spec of fft2 (inverse = false) or ifft2 over an h×w grid. */
export function dft2Spec(
  h: number,
  w: number,
  inverse: boolean,
  options: FftOptions,
  realInput: boolean,
  realOutput: boolean,
): Dft2Spec {
  const norm = options.norm ?? 'backward';
  const axis = (n: number): AxisTransform => {
    const shift = options.centered ? Math.floor(n / 2) : 0;
    return {
      n,
      sign: inverse ? 1 : -1,
      scale: normScale(norm, n, inverse),
      inShift: inverse ? shift : 0,
      outShift: inverse ? 0 : shift,
    };
  };
  return { h: axis(h), w: axis(w), realInput, realOutput };
}

const operators = new Map<string, LinearOperator>();

/**
 * The differentiable transform for a spec: real input takes one tensor, complex input two (re, im); complex output
 * is stacked [2, ...shape], real output is the real part alone.
 */
export function dft2Operator(spec: Dft2Spec): LinearOperator {
  const key = JSON.stringify(spec);
  let op = operators.get(key);
  if (!op) {
    const adj = adjointSpec(spec);
    const splitPair = (stacked: tf.Tensor): tf.Tensor[] => {
      const [, ...rest] = stacked.shape as number[];
      const size = rest.reduce((a, b) => a * b, 1);
      const rows = tf.reshape(stacked, [2, size]);
      return [0, 1].map((i) => tf.reshape(tf.slice(rows, [i, 0], [1, size]), rest));
    };
    op = linearOperator(
      spec.realInput ? 1 : 2,
      (xs) => dft2(spec.realInput ? xs[0] : tf.stack(xs), spec),
      (y) => {
        const g = dft2(y, adj);
        return adj.realOutput ? [g] : splitPair(g);
      },
    );
    operators.set(key, op);
  }
  return op;
}

function checkPair(re: tf.Tensor, im: tf.Tensor | null | undefined, fn: string): void {
  if (re.rank < 2) {
    throw new ValueError(`${fn} transforms the last two axes, so it needs a tensor of rank ≥ 2; got shape [${re.shape}].`);
  }
  if (im && !tf.util.arraysEqual(re.shape, im.shape)) {
    throw new ValueError(`${fn}: real part [${re.shape}] and imaginary part [${im.shape}] must have the same shape.`);
  }
}

function lastTwo(t: tf.Tensor): [number, number] {
  return [t.shape[t.rank - 2] as number, t.shape[t.rank - 1] as number];
}

function unstackPair(stacked: tf.Tensor, shape: number[]): Complex {
  const size = shape.reduce((a, b) => a * b, 1);
  const part = (i: number) => takeSlice(stacked, [2, size], [i, 0], [1, size], shape);
  return { re: part(0), im: part(1) };
}

function transform(re: tf.Tensor, im: tf.Tensor | null | undefined, inverse: boolean, options: FftOptions, fn: string): Complex {
  checkPair(re, im, fn);
  const [h, w] = lastTwo(re);
  const op = dft2Operator(dft2Spec(h, w, inverse, options, !im, false));
  return tf.tidy(() => unstackPair(im ? op(re, im) : op(re), re.shape as number[]) as unknown as tf.TensorContainer) as unknown as Complex;
}

/**
 * 2-D DFT over the last two axes of any tensor of rank ≥ 2 (e.g. NCHW), like torch.fft.fft2. Pass im = null for
 * a real input (the cheaper path, like rfft2 but returning the full spectrum).
 */
export function fft2(re: tf.Tensor, im?: tf.Tensor | null, options: FftOptions = {}): Complex {
  return transform(re, im, false, options, 'fft2');
}

/** Inverse 2-D DFT over the last two axes, like torch.fft.ifft2. */
export function ifft2(re: tf.Tensor, im?: tf.Tensor | null, options: FftOptions = {}): Complex {
  return transform(re, im, true, options, 'ifft2');
}

/** The real part of ifft2, computed alone (e.g. irfft2 of a Hermitian spectrum, or plenoptic's `.real`). */
export function ifft2Real(re: tf.Tensor, im?: tf.Tensor | null, options: FftOptions = {}): tf.Tensor {
  checkPair(re, im, 'ifft2Real');
  const [h, w] = lastTwo(re);
  const op = dft2Operator(dft2Spec(h, w, true, options, !im, true));
  return im ? op(re, im) : op(re);
}
