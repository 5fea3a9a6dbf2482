// The plain-JavaScript kernels behind PortillaSimoncelli, against direct definitions (no tfjs involved, so these
// run once, not per backend).
import { describe, expect, it } from 'vitest';
import { Fft2d } from '../../../models/portilla-simoncelli/fft-kernel.js';
import { AutoCorrelationKernel, type Lag } from '../../../models/portilla-simoncelli/autocorrelation-kernel.js';
import { pixelStatistics, pixelStatisticsGradient } from '../../../models/portilla-simoncelli/moments.js';
import { PortillaSimoncelliFourierPlan, type AnalysisGradient } from '../../../models/portilla-simoncelli/fourier-plan.js';
import { ScaleStatistics } from '../../../models/portilla-simoncelli/scale-statistics.js';
import { keptLagIndices, windowLags } from '../../../models/portilla-simoncelli/layout.js';
import { ArrayPool } from '../../../models/portilla-simoncelli/array-pool.js';
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

function dotProduct(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

describe('Portilla-Simoncelli kernels', () => {
  it('Fft2d matches the direct DFT for radix-4/2/3/5/7 and prime sizes, both directions, output transposed', () => {
    const rng = new Rng(11);
    for (const [h, w] of [[8, 16], [12, 10], [14, 9], [16, 4], [11, 6], [16, 16], [32, 32], [12, 12]] as const) {
      for (const direction of ['forward', 'inverse'] as const) {
        const re = randomArray(h * w, rng);
        const im = randomArray(h * w, rng);
        const expected = naiveDft(re, im, h, w, direction === 'forward' ? -1 : 1);
        new Fft2d(h, w).transform(re, im, direction);
        expectClose(re, expected.re, { atol: 1e-11, label: `${h}x${w} ${direction} re` });
        expectClose(im, expected.im, { atol: 1e-11, label: `${h}x${w} ${direction} im` });
      }
    }
  });

  it('Fft2d’s column restrictions give the same values where they promise them (square and not, odd and even stage counts)', () => {
    const rng = new Rng(12);
    for (const [h, w] of [[16, 8], [16, 16], [32, 32], [8, 8]] as const) {
      const re = randomArray(h * w, rng);
      const im = randomArray(h * w, rng);
      const inCols: Array<[number, number]> = [[0, w / 4], [w - w / 4, w]];
      const outCols: Array<[number, number]> = [[0, h / 4], [h - h / 4, h]];
      for (let y = 0; y < h; y++) for (let x = w / 4; x < w - w / 4; x++) re[y * w + x] = im[y * w + x] = 0;
      const expected = naiveDft(re, im, h, w, 1);
      new Fft2d(h, w).transform(re, im, 'inverse', inCols, outCols);
      for (let kx = 0; kx < w; kx++) {
        for (const [a, b] of outCols) {
          for (let ky = a; ky < b; ky++) {
            expect(Math.abs(re[kx * h + ky] - expected.re[kx * h + ky])).toBeLessThan(1e-10);
            expect(Math.abs(im[kx * h + ky] - expected.im[kx * h + ky])).toBeLessThan(1e-10);
          }
        }
      }
    }
  });

  it('Fft2d’s forward transform with different input and output column restrictions (16×8)', () => {
    const rng = new Rng(18);
    const h = 16;
    const w = 8;
    const re = randomArray(h * w, rng);
    const im = randomArray(h * w, rng);
    // Input zero outside columns [0, 2) ∪ [6, 8); only output columns [0, 4) ∪ [12, 16) wanted.
    for (let y = 0; y < h; y++) for (let x = 2; x < 6; x++) re[y * w + x] = im[y * w + x] = 0;
    const expected = naiveDft(re, im, h, w, -1);
    new Fft2d(h, w).transform(re, im, 'forward', [[0, 2], [6, 8]], [[0, 4], [12, 16]]);
    for (let kx = 0; kx < w; kx++) {
      for (const ky of [0, 1, 2, 3, 12, 13, 14, 15]) {
        expect(Math.abs(re[kx * h + ky] - expected.re[kx * h + ky])).toBeLessThan(1e-11);
        expect(Math.abs(im[kx * h + ky] - expected.im[kx * h + ky])).toBeLessThan(1e-11);
      }
    }
  });

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
    const spectrum = { re: Float64Array.from(noise), im: new Float64Array(h * w) };
    new Fft2d(h, w).transform(spectrum.re, spectrum.im, 'forward');
    expectClose(kernel.fromSpectrum(spectrum, 1), values[1], { atol: 1e-12, label: 'fromSpectrum' });
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
      const { tape, demeanedMagnitudes } = stats.forward(b, p, n);
      return (
        dotProduct(tape.crossOrientation, g.crossOrientation) +
        dotProduct(tape.crossScaleMagnitude, g.crossScaleMagnitude) +
        dotProduct(tape.crossScaleReal, g.crossScaleReal) +
        dotProduct(demeanedMagnitudes, gMd)
      );
    };
    const { tape } = stats.forward(bands, parents, n);
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
      const check = { re: Float64Array.from(s.reconstructedSpectrum.re), im: Float64Array.from(s.reconstructedSpectrum.im) };
      new Fft2d(s.shape[1], s.shape[0]).transform(check.re, check.im, 'inverse');
      expect(Math.max(...check.im.map(Math.abs))).toBeLessThan(1e-12 * Math.max(...check.re.map(Math.abs)));
      expectClose(check.re, s.reconstructed, { atol: 1e-12, label: 'recon' });
    }
    const adjoint = new Float64Array(H * W);
    plan.analyseAdjoint(out, gradient, adjoint);
    expect(Math.abs(inner - dotProduct(adjoint, x))).toBeLessThan(1e-9 * Math.abs(inner));
  });
});
