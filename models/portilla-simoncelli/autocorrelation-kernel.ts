// Circular auto-correlations A(d) = mean_p u(p)·u(p + d) of real [h, w] images at a few lags, and their
// gradient, through the Fourier domain (Wiener–Khinchin), as plenoptic's signal.autocorrelation does.
// Two real images share one complex FFT, Z = FFT(u₁ + i·u₂), with U₁ = (Z(f) + Z̄(−f))/2, U₂ = (Z(f) − Z̄(−f))/2i.
// Only the requested lags are evaluated, by a separable partial inverse DFT of the power spectrum P = |U|²:
// A(d) = Σ_f P(f) cos(2π f·d) / N². The gradient is ∂L/∂u = Σ_d g(d)·(u(·+d) + u(·−d)) / N = IFFT(U·K̂) / N²
// with the real kernel K̂(f) = 2 Σ_d g(d) cos(2π f·d): again one complex inverse FFT per pair of images.
// P and K̂ are even, so the partial transforms only visit half the frequencies. An image whose spectrum is already
// known (a reconstructed lowpass image) needs no transform at all: fromSpectrum, and kernelSpectrum for its
// gradient. Spectra are in the transposed [w, h] layout of ../fourier/array-fft.ts.
import { transposingFft2 } from '../fourier/array-fft.js';
import type { ArrayPool } from './array-pool.js';

export type Lag = readonly [number, number];

/** cos / sin(2π·k·d/n) for each distinct lag value d (rows) and frequency k (columns). */
interface LagTable {
  cos: Float64Array;
  sin: Float64Array;
}

function lagTable(values: number[], n: number): LagTable {
  const cos = new Float64Array(values.length * n);
  const sin = new Float64Array(values.length * n);
  values.forEach((d, i) => {
    for (let k = 0; k < n; k++) {
      const a = (2 * Math.PI * (((k * d) % n) + n)) / n;
      cos[i * n + k] = Math.cos(a);
      sin[i * n + k] = Math.sin(a);
    }
  });
  return { cos, sin };
}

/** The FFTs Z of the image pairs, kept for the gradient. */
export interface AutoCorrelationState {
  count: number;
  pairs: Array<{ re: Float64Array; im: Float64Array }>;
}

export class AutoCorrelationKernel {
  readonly h: number;
  readonly w: number;
  readonly lags: readonly Lag[];
  private readonly nY: number;
  private readonly dy: LagTable;
  private readonly dx: LagTable;
  /** For each lag, its row in the dy and dx tables. */
  private readonly lagRows: Array<[number, number]>;
  /** For each spectrum index of the [w, h] layout, the index of −f. */
  private readonly negative: Int32Array;
  private readonly work: Float64Array;
  /** Rows kx = 0..⌊w/2⌋ of the [w, h] layout: with their mirror images they cover every even spectrum. */
  private readonly halfRows: number;

  constructor(h: number, w: number, lags: readonly Lag[], private readonly pool: ArrayPool) {
    this.h = h;
    this.w = w;
    this.lags = lags;
    // A(d) = A(−d): each lag is evaluated as its representative with dy ≥ 0, which leaves fewer distinct dy.
    const canonical = lags.map(([a, b]): Lag => (a < 0 ? [-a, -b] : [a, b]));
    const ys = [...new Set(canonical.map(([a]) => a))];
    const xs = [...new Set(canonical.map(([, b]) => b))];
    this.nY = ys.length;
    this.dy = lagTable(ys, h);
    this.dx = lagTable(xs, w);
    this.lagRows = canonical.map(([a, b]) => [ys.indexOf(a), xs.indexOf(b)]);
    this.negative = new Int32Array(h * w);
    for (let kx = 0; kx < w; kx++) {
      for (let ky = 0; ky < h; ky++) this.negative[kx * h + ky] = ((w - kx) % w) * h + ((h - ky) % h);
    }
    this.work = new Float64Array(h * w);
    this.halfRows = Math.floor(w / 2) + 1;
  }

  /**
   * A(d) for each image [h·w] and lag: values[image][lag]. demean: of the images minus their means, which only
   * changes the spectra at f = 0 (set to 0 there, for the gradient too).
   */
  forward(images: Float64Array[], demean = false): { values: Float64Array[]; state: AutoCorrelationState } {
    const { h, w, negative } = this;
    const n = h * w;
    const power = this.work;
    const pairs: AutoCorrelationState['pairs'] = [];
    const values: Float64Array[] = [];
    for (let i = 0; i < images.length; i += 2) {
      const second = i + 1 < images.length ? images[i + 1] : this.pool.takeZeroed(n);
      const re = this.pool.take(n);
      const im = this.pool.take(n);
      transposingFft2(h, w).transform(-1, { re: images[i], im: second, offset: 0 }, { re, im, offset: 0 });
      if (i + 1 >= images.length) this.pool.give(second);
      if (demean) re[0] = im[0] = 0;
      pairs.push({ re, im });
      // U₁ = (Z + Z̄(−f))/2 and U₂ = (Z − Z̄(−f))/2i have |U|² = |Z(f) ± Z̄(−f)|²/4 (needed on the rows kx ≤ w/2).
      const half = this.halfRows * h;
      for (let p = 0; p < half; p++) {
        const q = negative[p];
        const sr = re[p] + re[q];
        const si = im[p] - im[q];
        power[p] = (sr * sr + si * si) / 4;
      }
      values.push(this.evaluateAtLags(power));
      if (i + 1 < images.length) {
        for (let p = 0; p < half; p++) {
          const q = negative[p];
          const sr = re[p] - re[q];
          const si = im[p] + im[q];
          power[p] = (sr * sr + si * si) / 4;
        }
        values.push(this.evaluateAtLags(power));
      }
    }
    return { values, state: { count: images.length, pairs } };
  }

  /** Returns a state no gradient will be asked of to the pool. */
  release(state: AutoCorrelationState): void {
    for (const z of state.pairs) this.pool.give(z.re, z.im);
  }

  /** A(d) at each lag for an image u whose unnormalised FFT is `scale`·spectrum (both [w, h]). */
  fromSpectrum(spectrum: { re: Float64Array; im: Float64Array }, scale: number): Float64Array {
    const power = this.work;
    const s2 = scale * scale;
    for (let p = 0; p < this.halfRows * this.h; p++) power[p] = s2 * (spectrum.re[p] * spectrum.re[p] + spectrum.im[p] * spectrum.im[p]);
    return this.evaluateAtLags(power);
  }

  /**
   * The real kernel K̂(f) = 2 Σ_d g(d) cos(2π f·d) on the [w, h] layout, given g[lag] = ∂L/∂A(lag): the gradient
   * of L with respect to an image u is IFFT(FFT(u)·K̂) / N². Written into `out` (by default a shared buffer, valid
   * until the next call).
   */
  kernelSpectrum(g: Float64Array, out: Float64Array = this.work): Float64Array {
    const { h, w, dx, dy, nY, halfRows } = this;
    const kc = new Float64Array(halfRows * nY);
    const ks = new Float64Array(halfRows * nY);
    this.lagRows.forEach(([iy, ix], l) => {
      const v = 2 * g[l];
      if (v === 0) return;
      for (let kx = 0; kx < halfRows; kx++) {
        kc[kx * nY + iy] += v * dx.cos[ix * w + kx];
        ks[kx * nY + iy] += v * dx.sin[ix * w + kx];
      }
    });
    // cos is even and sin odd in ky: with A = Σ c·cos and B = Σ s·sin over the lags, K̂(ky) = A − B and
    // K̂(−ky) = A + B, so each pair ±ky costs one evaluation.
    const pairs = Math.floor((h - 1) / 2);
    const middle = h % 2 === 0 ? h / 2 : -1;
    out.fill(0, 0, halfRows * h);
    for (let kx = 0; kx < halfRows; kx++) {
      const row = kx * h;
      for (let j = 0; j < nY; j++) {
        const c = kc[kx * nY + j];
        const s = ks[kx * nY + j];
        if (c === 0 && s === 0) continue;
        const t = j * h;
        out[row] += c * dy.cos[t] - s * dy.sin[t];
        for (let ky = 1; ky <= pairs; ky++) {
          out[row + ky] += c * dy.cos[t + ky];
          out[row + h - ky] += s * dy.sin[t + ky];
        }
        if (middle > 0) out[row + middle] += c * dy.cos[t + middle] - s * dy.sin[t + middle];
      }
      for (let ky = 1; ky <= pairs; ky++) {
        const a = out[row + ky];
        const b = out[row + h - ky];
        out[row + ky] = a - b;
        out[row + h - ky] = a + b;
      }
    }
    // K̂ is even: the other rows mirror these, K̂(w − kx, ky) = K̂(kx, −ky).
    for (let kx = halfRows; kx < w; kx++) {
      const row = kx * h;
      const mirror = (w - kx) * h;
      out[row] = out[mirror];
      for (let ky = 1; ky < h; ky++) out[row + ky] = out[mirror + h - ky];
    }
    return out;
  }

  /**
   * ∂L/∂u for each image, given gradients[image][lag] = ∂L/∂A(lag), written into out[image] (length h·w each).
   * Consumes the state.
   */
  backward(state: AutoCorrelationState, gradients: Float64Array[], out: Float64Array[]): void {
    const { h, w, negative } = this;
    const n = h * w;
    const scale = 1 / (n * n);
    state.pairs.forEach((z, pair) => {
      const k1 = this.kernelSpectrum(gradients[2 * pair], this.pool.take(n));
      const hasSecond = 2 * pair + 1 < state.count;
      const k2 = hasSecond ? this.kernelSpectrum(gradients[2 * pair + 1]) : null;
      // IFFT(U₁K̂₁ + i·U₂K̂₂): both products are Hermitian, so the real part is image 1's gradient and the
      // imaginary part image 2's. The spectrum is formed in the output planes and transformed in place.
      const re = out[2 * pair];
      const im = hasSecond ? out[2 * pair + 1] : this.pool.take(n);
      for (let p = 0; p < n; p++) {
        const q = negative[p];
        const a = k1[p] * scale;
        re[p] = ((z.re[p] + z.re[q]) / 2) * a;
        im[p] = ((z.im[p] - z.im[q]) / 2) * a;
        if (k2) {
          const b = k2[p] * scale;
          re[p] -= ((z.re[q] - z.re[p]) / 2) * b;
          im[p] += ((z.im[p] + z.im[q]) / 2) * b;
        }
      }
      transposingFft2(w, h).transform(1, { re, im, offset: 0 }, { re, im, offset: 0 });
      if (!hasSecond) this.pool.give(im);
      this.pool.give(k1, z.re, z.im);
    });
  }

  /**
   * Σ_f P(f) cos(2π f·d) / N² at each lag d, separably on the [w, h] layout: the vertical frequencies (contiguous)
   * by the dy table, then the horizontal ones by the dx table.
   */
  private evaluateAtLags(power: Float64Array): Float64Array {
    const { h, w, dx, dy, nY, halfRows } = this;
    // P is even, so row w − kx contributes what row kx does: sum the rows kx ≤ w/2, the inner ones twice.
    const pairs = Math.floor((h - 1) / 2);
    const middle = h % 2 === 0 ? h / 2 : -1;
    const rc = new Float64Array(halfRows * nY);
    const rs = new Float64Array(halfRows * nY);
    for (let kx = 0; kx < halfRows; kx++) {
      const row = kx * h;
      const weight = kx === 0 || 2 * kx === w ? 1 : 2;
      for (let j = 0; j < nY; j++) {
        const t = j * h;
        let c = power[row] * dy.cos[t];
        let s = power[row] * dy.sin[t];
        // ±ky together: cos is even and sin odd in ky
        for (let ky = 1; ky <= pairs; ky++) {
          const p = power[row + ky];
          const q = power[row + h - ky];
          c += (p + q) * dy.cos[t + ky];
          s += (p - q) * dy.sin[t + ky];
        }
        if (middle > 0) {
          c += power[row + middle] * dy.cos[t + middle];
          s += power[row + middle] * dy.sin[t + middle];
        }
        rc[kx * nY + j] = weight * c;
        rs[kx * nY + j] = weight * s;
      }
    }
    const scale = 1 / (h * w) ** 2;
    return Float64Array.from(this.lagRows, ([iy, ix]) => {
      let a = 0;
      for (let kx = 0; kx < halfRows; kx++) a += dx.cos[ix * w + kx] * rc[kx * nY + iy] - dx.sin[ix * w + kx] * rs[kx * nY + iy];
      return a * scale;
    });
  }
}
