// The plain-JavaScript kernels behind PortillaSimoncelli, against direct definitions (no tfjs involved, so these
// run once, not per backend).
import { describe, expect, it } from 'vitest';
import { transposingFft2 } from '../../../models/fourier/array-fft.js';
import { AutoCorrelationKernel, type Lag } from '../../../models/portilla-simoncelli/autocorrelation-kernel.js';
import { pixelStatistics, pixelStatisticsGradient } from '../../../models/portilla-simoncelli/moments.js';
import { PortillaSimoncelliFourierPlan, type AnalysisGradient } from '../../../models/portilla-simoncelli/fourier-plan.js';
import { ScaleStatistics } from '../../../models/portilla-simoncelli/scale-statistics.js';
import { keptLagIndices, windowLags } from '../../../models/portilla-simoncelli/layout.js';
import { ArrayPool } from '../../../models/portilla-simoncelli/array-pool.js';
import { psFourierMasks } from '../../../models/portilla-simoncelli/fourier-masks.js';
import { Rng } from '../../../runtime/rng.js';
import { expectClose } from '../../helpers/compare.js';

function randomArray(n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal());
}

/** Σ x[y, x]·e^{sign·2πi(ky·y/h + kx·x/w)}, laid out [w, h] like the kernel's output. */
function naiveDft(re: Float64Array, im: Float64Array, h: number, w: number, sign: number): { re: Float64Array; im: Float64Array } {
  const outRe = new Float64Array(h * w);
  const outIm = new Float64Array(h * w);
  for (let ky = 0; ky < h; ky++) {
    for (let kx = 0; kx < w; kx++) {
      let sr = 0;
      let si = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const a = sign * 2 * Math.PI * ((ky * y) / h + (kx * x) / w);
          const c = Math.cos(a);
          const s = Math.sin(a);
          sr += re[y * w + x] * c - im[y * w + x] * s;
          si += re[y * w + x] * s + im[y * w + x] * c;
        }
      }
      outRe[kx * h + ky] = sr;
      outIm[kx * h + ky] = si;
    }
  }
  return { re: outRe, im: outIm };
}

/** The unnormalised DFT of the [h, w] array (re, im), laid out [w, h] (array-fft's transposed result). */
function fft2(re: Float64Array, im: Float64Array, h: number, w: number, sign: 1 | -1): { re: Float64Array; im: Float64Array } {
  const out = { re: new Float64Array(h * w), im: new Float64Array(h * w) };
  transposingFft2(h, w).transform(
    sign,
    (r, rowRe, rowIm, at) => {
      rowRe.set(re.subarray(r * w, (r + 1) * w), at);
      rowIm.set(im.subarray(r * w, (r + 1) * w), at);
    },
    (k, rowRe, rowIm, at) => {
      out.re.set(rowRe.subarray(at, at + h), k * h);
      out.im.set(rowIm.subarray(at, at + h), k * h);
    },
  );
  return out;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function dotProduct(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

describe('Portilla-Simoncelli kernels', () => {
  it('auto-correlations: a cosine grating gives cos(2π f·d) exactly (analytic), noise matches the direct sum', () => {
    const [h, w] = [16, 12];
    const lags: Lag[] = [...windowLags(7), [0, 0]];
    const kernel = new AutoCorrelationKernel(h, w, lags, new ArrayPool());
    const grating = Float64Array.from({ length: h * w }, (_, p) => Math.cos(2 * Math.PI * ((3 * Math.floor(p / w)) / h + (2 * (p % w)) / w)));
    const rng = new Rng(13);
    const noise = randomArray(h * w, rng);
    const extra = randomArray(h * w, rng);
    const { values } = kernel.forward([grating, noise, extra]);
    const analytic = lags.map(([dy, dx]) => 0.5 * Math.cos(2 * Math.PI * ((3 * dy) / h + (2 * dx) / w)));
    expectClose(values[0], analytic, { atol: 1e-12, label: 'grating' });
    for (const [i, u] of [noise, extra].entries()) {
      const direct = lags.map(([dy, dx]) => {
        let s = 0;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) s += u[y * w + x] * u[((y + dy + h) % h) * w + ((x + dx + w) % w)];
        }
        return s / (h * w);
      });
      expectClose(values[i + 1], direct, { atol: 1e-12, label: `noise ${i}` });
    }
    // The same values from the image's spectrum.
    const spectrum = fft2(noise, new Float64Array(h * w), h, w, -1);
    expectClose(kernel.fromSpectrum(spectrum, 1), values[1], { atol: 1e-12, label: 'fromSpectrum' });
  });

  it('auto-correlations of demeaned images (demean: the spectra lose f = 0) match the direct sums, gradient too', () => {
    const [h, w] = [12, 10];
    const lags: Lag[] = [...keptLagIndices(5).map((i) => windowLags(5)[i]), [0, 0]];
    const kernel = new AutoCorrelationKernel(h, w, lags, new ArrayPool());
    const rng = new Rng(19);
    const images = [0, 1, 2].map(() => randomArray(h * w, rng).map((v) => v * v + 1));
    const demeaned = images.map((u) => {
      const mean = u.reduce((a, b) => a + b, 0) / u.length;
      return u.map((v) => v - mean);
    });
    const { values, state } = kernel.forward(images, true);
    demeaned.forEach((u, i) => {
      const direct = lags.map(([dy, dx]) => {
        let s = 0;
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) s += u[y * w + x] * u[((y + dy + h) % h) * w + ((x + dx + w) % w)];
        return s / (h * w);
      });
      expectClose(values[i], direct, { atol: 1e-12, label: `demeaned ${i}` });
    });
    // The gradient with respect to the demeaned images (what the statistics kernel feeds on), by finite difference.
    const weights = images.map(() => randomArray(lags.length, rng));
    const grads = images.map(() => new Float64Array(h * w));
    kernel.backward(state, weights, grads);
    const loss = (ims: Float64Array[]) => kernel.forward(ims, true).values.reduce((s, v, i) => s + dotProduct(v, weights[i]), 0);
    const directions = images.map(() => randomArray(h * w, rng));
    const eps = 1e-5;
    const shifted = (sign: number) => images.map((u, i) => u.map((v, p) => v + sign * eps * directions[i][p]));
    const numeric = (loss(shifted(1)) - loss(shifted(-1))) / (2 * eps);
    const analytic = grads.reduce((s, g, i) => s + dotProduct(g, directions[i]), 0);
    expect(Math.abs(numeric - analytic)).toBeLessThan(1e-7 * Math.max(1, Math.abs(analytic)));
  });

  it('auto-correlation gradient: backward is the adjoint of the linearised forward (finite difference)', () => {
    const [h, w] = [8, 10];
    const lags: Lag[] = [...keptLagIndices(5).map((i) => windowLags(5)[i]), [0, 0]];
    const kernel = new AutoCorrelationKernel(h, w, lags, new ArrayPool());
    const rng = new Rng(14);
    const images = [randomArray(h * w, rng), randomArray(h * w, rng), randomArray(h * w, rng)];
    const weights = images.map(() => randomArray(lags.length, rng));
    const loss = (ims: Float64Array[]) => kernel.forward(ims).values.reduce((s, v, i) => s + dotProduct(v, weights[i]), 0);
    const { state } = kernel.forward(images);
    const grads = images.map(() => new Float64Array(h * w));
    kernel.backward(state, weights, grads);
    const directions = images.map(() => randomArray(h * w, rng));
    const eps = 1e-5;
    const shifted = (sign: number) => images.map((u, i) => u.map((v, p) => v + sign * eps * directions[i][p]));
    const numeric = (loss(shifted(1)) - loss(shifted(-1))) / (2 * eps);
    const analytic = grads.reduce((s, g, i) => s + dotProduct(g, directions[i]), 0);
    expect(Math.abs(numeric - analytic)).toBeLessThan(1e-7 * Math.max(1, Math.abs(analytic)));
  });

  it('pixel statistics: values by definition (unbiased variance), gradient by finite difference, ties share min/max', () => {
    const rng = new Rng(15);
    const x = Float64Array.from({ length: 30 }, () => rng.normal() ** 2);
    const s = pixelStatistics(x);
    const n = x.length;
    const mean = x.reduce((a, b) => a + b, 0) / n;
    const m = (k: number) => x.reduce((a, b) => a + (b - mean) ** k, 0) / n;
    const v = (m(2) * n) / (n - 1);
    expectClose(s.values, [mean, v, m(3) / v ** 1.5, m(4) / v ** 2, Math.min(...x), Math.max(...x)], { atol: 1e-12, label: 'pixel stats' });

    const weights = Float64Array.of(0.3, -1.2, 0.7, 0.4, 0, 0);
    const gx = new Float64Array(n);
    pixelStatisticsGradient(s, weights, gx);
    const direction = randomArray(n, rng);
    const eps = 1e-6;
    const f = (sign: number) => dotProduct(pixelStatistics(x.map((xi, i) => xi + sign * eps * direction[i])).values, weights);
    expect(Math.abs((f(1) - f(-1)) / (2 * eps) - dotProduct(gx, direction))).toBeLessThan(1e-6);

    const ties = pixelStatistics(Float64Array.of(1, 3, 3, 0));
    const g = new Float64Array(4);
    pixelStatisticsGradient(ties, Float64Array.of(0, 0, 0, 0, 1, 10), g);
    expect(Array.from(g)).toEqual([0, 5, 5, 1]);
  });

  it('scale statistics match their definitions (demeaned magnitudes, doubled parents), over several blocks', () => {
    for (const [K, n] of [[4, 700], [3, 300]] as const) {
      const rng = new Rng(20 + K);
      const field = () => ({ re: randomArray(K * n, rng), im: randomArray(K * n, rng) });
      const bands = field();
      const parents = field();
      const tape = new ScaleStatistics(K, new ArrayPool()).forward(bands, parents, n);
      const plane = (a: Float64Array, k: number) => a.subarray(k * n, (k + 1) * n);
      const magnitude = (z: typeof bands, k: number) => plane(z.re, k).map((a, p) => Math.hypot(a, plane(z.im, k)[p]));
      const demean = (a: Float64Array) => {
        const mean = a.reduce((s, v) => s + v, 0) / n;
        return a.map((v) => v - mean);
      };
      const correlation = (a: Float64Array, b: Float64Array) => dotProduct(a, b) / Math.sqrt(dotProduct(a, a) * dotProduct(b, b));
      const md = range(K).map((k) => demean(magnitude(bands, k)));
      const pmd = range(K).map((k) => demean(magnitude(parents, k)));
      const doubled = range(K).flatMap((k) => {
        const m = magnitude(parents, k);
        const [qr, qi] = [plane(parents.re, k), plane(parents.im, k)];
        return [qr.map((a, p) => (a * a - qi[p] * qi[p]) / m[p]), qr.map((a, p) => (2 * a * qi[p]) / m[p])];
      });
      // doubled parents ordered real parts then imaginary parts
      const doubledOrdered = [...range(K).map((k) => doubled[2 * k]), ...range(K).map((k) => doubled[2 * k + 1])];
      for (let k = 0; k < K; k++) {
        for (let k2 = 0; k2 < k; k2++) expect(tape.crossOrientation[k * K + k2]).toBeCloseTo(correlation(md[k], md[k2]), 12);
        for (let k2 = 0; k2 < K; k2++) expect(tape.crossScaleMagnitude[k * K + k2]).toBeCloseTo(correlation(md[k], pmd[k2]), 12);
        for (let j = 0; j < 2 * K; j++) expect(tape.crossScaleReal[k * 2 * K + j]).toBeCloseTo(correlation(plane(bands.re, k), doubledOrdered[j]), 12);
        expect(tape.varMd[k]).toBeCloseTo(dotProduct(md[k], md[k]) / n, 12);
      }
    }
  });

  it('scale statistics gradient matches a finite difference of the correlations', () => {
    const K = 3;
    const n = 40;
    const rng = new Rng(16);
    const field = () => ({ re: randomArray(K * n, rng), im: randomArray(K * n, rng) });
    const bands = field();
    const parents = field();
    const stats = new ScaleStatistics(K, new ArrayPool());
    const g = {
      crossOrientation: randomArray(K * K, rng).map((v, i) => (Math.floor(i / K) > i % K ? v : 0)),
      crossScaleMagnitude: randomArray(K * K, rng),
      crossScaleReal: randomArray(2 * K * K, rng),
    };
    // What reaches the demeaned magnitudes from their auto-correlations has zero mean per map (it is a
    // correlation of zero-mean maps); the kernel relies on that.
    const gMd = randomArray(K * n, rng);
    for (let k = 0; k < K; k++) {
      const plane = gMd.subarray(k * n, (k + 1) * n);
      const mean = plane.reduce((a, b) => a + b, 0) / n;
      plane.forEach((v, i) => (plane[i] = v - mean));
    }
    const loss = (b: typeof bands, p: typeof parents) => {
      const tape = stats.forward(b, p, n);
      const demeanedMagnitudes = tape.magnitudes.bands.map((m, i) => m - tape.magnitudeMean[Math.floor(i / n)]);
      return (
        dotProduct(tape.crossOrientation, g.crossOrientation) +
        dotProduct(tape.crossScaleMagnitude, g.crossScaleMagnitude) +
        dotProduct(tape.crossScaleReal, g.crossScaleReal) +
        dotProduct(demeanedMagnitudes, gMd)
      );
    };
    const tape = stats.forward(bands, parents, n);
    const grad = stats.backward(tape, g, gMd);
    const dir = { b: field(), p: field() };
    const eps = 1e-6;
    const shift = (z: typeof bands, d: typeof bands, sign: number) => ({
      re: z.re.map((v, i) => v + sign * eps * d.re[i]),
      im: z.im.map((v, i) => v + sign * eps * d.im[i]),
    });
    const numeric = (loss(shift(bands, dir.b, 1), shift(parents, dir.p, 1)) - loss(shift(bands, dir.b, -1), shift(parents, dir.p, -1))) / (2 * eps);
    const analytic =
      dotProduct(grad.bands.re, dir.b.re) + dotProduct(grad.bands.im, dir.b.im) + dotProduct(grad.parents!.re, dir.p.re) + dotProduct(grad.parents!.im, dir.p.im);
    expect(Math.abs(numeric - analytic)).toBeLessThan(1e-6 * Math.max(1, Math.abs(analytic)));
  });

  it('the Fourier plan’s bands, read off the parents at the coarser scales, equal the masked inverse DFTs', () => {
    const [H, W] = [32, 48];
    const [nScales, K] = [3, 3];
    const plan = new PortillaSimoncelliFourierPlan([H, W], nScales, K);
    const masks = psFourierMasks([H, W], nScales, K);
    const x = randomArray(H * W, new Rng(21));
    const out = plan.analyse(x);
    const spectrum = naiveDft(x, new Float64Array(H * W), H, W, -1);
    masks.scales.forEach((scale, s) => {
      const [h, w] = scale.window.shape;
      scale.bandMasks.forEach((mask, k) => {
        const re = new Float64Array(h * w);
        const im = new Float64Array(h * w);
        mask.index.forEach((i, j) => {
          // c = (−i)^(K−1) = −1 for K = 3
          re[i] = -spectrum.re[mask.source[j]] * mask.value[j];
          im[i] = -spectrum.im[mask.source[j]] * mask.value[j];
        });
        const band = naiveDft(re, im, w, h, 1);
        const n = h * w;
        expectClose(out.scales[s].bands.re.subarray(k * n, (k + 1) * n), band.re, { atol: 1e-12, label: `band ${s},${k} re` });
        expectClose(out.scales[s].bands.im.subarray(k * n, (k + 1) * n), band.im, { atol: 1e-12, label: `band ${s},${k} im` });
      });
    });
  });

  it('the Fourier plan’s adjoint satisfies ⟨g, A x⟩ = ⟨Aᵀg, x⟩ (dot-product test), non-square image', () => {
    const [H, W] = [32, 48];
    const plan = new PortillaSimoncelliFourierPlan([H, W], 2, 3);
    const rng = new Rng(17);
    const x = randomArray(H * W, rng);
    const out = plan.analyse(x);
    const complexLike = (z: { re: Float64Array }) => ({ re: randomArray(z.re.length, rng), im: randomArray(z.re.length, rng) });
    const gradient: AnalysisGradient = {
      scales: out.scales.map((s) => ({
        bands: complexLike(s.bands),
        parents: s.parents ? complexLike(s.parents) : null,
        reconstructed: { spatial: randomArray(s.reconstructed.length, rng), spectral: null },
      })),
      lowpassReconstructed: { spatial: randomArray(out.lowpassReconstructed.length, rng), spectral: null },
      highpassVariance: 0,
    };
    let inner = 0;
    out.scales.forEach((s, i) => {
      const gs = gradient.scales[i];
      inner += dotProduct(s.bands.re, gs.bands.re) + dotProduct(s.bands.im, gs.bands.im) + dotProduct(s.reconstructed, gs.reconstructed.spatial);
      if (s.parents && gs.parents) inner += dotProduct(s.parents.re, gs.parents.re) + dotProduct(s.parents.im, gs.parents.im);
    });
    inner += dotProduct(out.lowpassReconstructed, gradient.lowpassReconstructed.spatial);
    // The reconstructions are real: the symmetrised masks leave no imaginary part to drop.
    for (const s of out.scales) {
      const check = fft2(s.reconstructedSpectrum.re, s.reconstructedSpectrum.im, s.shape[1], s.shape[0], 1);
      expect(Math.max(...check.im.map(Math.abs))).toBeLessThan(1e-12 * Math.max(...check.re.map(Math.abs)));
      expectClose(check.re, s.reconstructed, { atol: 1e-12, label: 'recon' });
    }
    const adjoint = new Float64Array(H * W);
    plan.analyseAdjoint(out, gradient, adjoint);
    expect(Math.abs(inner - dotProduct(adjoint, x))).toBeLessThan(1e-9 * Math.abs(inner));
  });
});
