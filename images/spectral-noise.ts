// Noise with a power-law spectrum (1/f^α amplitude), made in plain JS so the procedural images need no tfjs op
// and run anywhere. Sizes are padded to a power of two for a radix-2 FFT and cropped: the noise is stationary, so
// a crop has the same statistics.
import type { Rng } from '../runtime/rng.js';

/** In-place radix-2 FFT of (re, im) with stride 1; n must be a power of two. inverse: conjugate transform, unscaled. */
function fft1d(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = start + k;
        const b = a + len / 2;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

/** 2-D FFT of an n×n (re, im) pair, row-major, in place. */
function fft2d(re: Float64Array, im: Float64Array, n: number, inverse: boolean): void {
  const rowRe = new Float64Array(n);
  const rowIm = new Float64Array(n);
  for (let pass = 0; pass < 2; pass++) {
    for (let r = 0; r < n; r++) {
      // pass 0 transforms rows, pass 1 columns
      for (let c = 0; c < n; c++) {
        const idx = pass === 0 ? r * n + c : c * n + r;
        rowRe[c] = re[idx];
        rowIm[c] = im[idx];
      }
      fft1d(rowRe, rowIm, inverse);
      for (let c = 0; c < n; c++) {
        const idx = pass === 0 ? r * n + c : c * n + r;
        re[idx] = rowRe[c];
        im[idx] = rowIm[c];
      }
    }
  }
}

/**
 * White Gaussian noise filtered to amplitude ∝ 1/f^exponent (f in cycles per image, the mean removed), h × w,
 * row-major, not rescaled.
 */
export function powerLawNoise(h: number, w: number, exponent: number, rng: Rng): Float64Array {
  let n = 1;
  while (n < Math.max(h, w)) n <<= 1;
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < re.length; i++) re[i] = rng.normal();
  fft2d(re, im, n, false);
  for (let u = 0; u < n; u++) {
    const fu = u <= n / 2 ? u : u - n;
    for (let v = 0; v < n; v++) {
      const fv = v <= n / 2 ? v : v - n;
      const f = Math.hypot(fu, fv);
      const gain = f === 0 ? 0 : f ** -exponent;
      re[u * n + v] *= gain;
      im[u * n + v] *= gain;
    }
  }
  fft2d(re, im, n, true);
  const out = new Float64Array(h * w);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out[i * w + j] = re[i * n + j];
  return out;
}
