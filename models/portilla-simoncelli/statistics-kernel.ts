// The Portilla-Simoncelli statistics of one image and their gradient, on plain arrays. The forward pass writes
// straight into plenoptic 1.1.0's vector layout (only the non-redundant entries) and keeps what the backward
// pass needs; the backward pass follows it in reverse, by hand.
import { AutoCorrelationKernel, type AutoCorrelationState, type Lag } from './autocorrelation-kernel.js';
import { PortillaSimoncelliFourierPlan, type AnalysisGradient, type AnalysisOutput, type ComplexArray } from './fourier-plan.js';
import type { PsLayout, StatisticKey } from './layout.js';
import { pixelStatistics, pixelStatisticsGradient, zeroMeanSkewKurtosis, zeroMeanSkewKurtosisGradient, type PixelStatistics } from './moments.js';
import { ScaleStatistics, type ScaleTape } from './scale-statistics.js';

type Moments = { skew: number; kurtosis: number; flat: boolean };

/** A reconstructed lowpass image's auto-correlation (zero lag last) and moments. */
interface ReconTape {
  image: Float64Array;
  spectrum: ComplexArray;
  lagValues: Float64Array;
  moments: Moments;
}

export interface ImageTape {
  /** Set once backward has consumed the tape (its arrays are recycled). */
  consumed: boolean;
  analysis: AnalysisOutput;
  pixel: PixelStatistics;
  scales: Array<{ stats: ScaleTape; autocorr: AutoCorrelationState; lagValues: Float64Array[]; recon: ReconTape }>;
  lowpass: ReconTape;
}

function offsetsOf(layout: PsLayout): Record<StatisticKey, number> {
  const out = {} as Record<StatisticKey, number>;
  let o = 0;
  for (const g of layout.groups) {
    out[g.key] = o;
    o += g.nNecessary;
  }
  return out;
}

export class StatisticsKernel {
  readonly nStats: number;
  private readonly K: number;
  private readonly S: number;
  private readonly nLags: number;
  private readonly offsets: Record<StatisticKey, number>;
  private readonly autocorrs: AutoCorrelationKernel[];
  private readonly scaleStatistics: ScaleStatistics;

  constructor(
    private readonly plan: PortillaSimoncelliFourierPlan,
    layout: PsLayout,
    keptLags: readonly Lag[],
  ) {
    this.nStats = layout.nStats;
    this.K = plan.nOrientations;
    this.S = plan.nScales;
    this.nLags = keptLags.length;
    this.offsets = offsetsOf(layout);
    const lags = [...keptLags, [0, 0] as const];
    // One per scale, then the lowpass residual's.
    this.autocorrs = [...plan.scaleShapes, plan.lowpassShape].map(([h, w]) => new AutoCorrelationKernel(h, w, lags, plan.pool));
    this.scaleStatistics = new ScaleStatistics(this.K, plan.pool);
  }

  /** The statistics vector of image x [H·W] (written into out) and the tape for the gradient. */
  forward(x: Float64Array, out: Float64Array): ImageTape {
    const { K, S, nLags, offsets: o } = this;
    const analysis = this.plan.analyse(x);
    const pixel = pixelStatistics(x, this.plan.pool.take(x.length));
    out.set(pixel.values, o.pixel_statistics);
    const pixelVariance = pixel.values[1];

    // Auto-correlation (from the spectrum: FFT(r) = h·w·spectrum), std, skew and kurtosis of a reconstructed image.
    const recon = (i: number, image: Float64Array, spectrum: ComplexArray): ReconTape => {
      const lagValues = this.autocorrs[i].fromSpectrum(spectrum, image.length);
      const variance = lagValues[nLags];
      for (let l = 0; l < nLags; l++) out[o.auto_correlation_reconstructed + l * (S + 1) + i] = lagValues[l] / variance;
      out[o.std_reconstructed + i] = Math.sqrt(variance);
      const moments = zeroMeanSkewKurtosis(image, variance, pixelVariance);
      out[o.skew_reconstructed + i] = moments.skew;
      out[o.kurtosis_reconstructed + i] = moments.kurtosis;
      return { image, spectrum, lagValues, moments };
    };

    const scales = analysis.scales.map((scale, s) => {
      const n = scale.shape[0] * scale.shape[1];
      const stats = this.scaleStatistics.forward(scale.bands, scale.parents, n);
      const magnitudes = stats.magnitudes.bands;
      const ac = this.autocorrs[s].forward(
        Array.from({ length: K }, (_, k) => magnitudes.subarray(k * n, (k + 1) * n)),
        true,
      );
      for (let k = 0; k < K; k++) {
        const a = ac.values[k];
        for (let l = 0; l < nLags; l++) out[o.auto_correlation_magnitude + (l * K + k) * S + s] = a[l] / a[nLags];
        out[o.magnitude_std + k * S + s] = Math.sqrt(a[nLags]);
      }
      let pair = 0;
      for (let k1 = 0; k1 < K; k1++) {
        for (let k2 = 0; k2 < k1; k2++) out[o.cross_orientation_correlation_magnitude + pair++ * S + s] = stats.crossOrientation[k1 * K + k2];
      }
      if (scale.parents) {
        for (let i = 0; i < K * K; i++) out[o.cross_scale_correlation_magnitude + i * (S - 1) + s] = stats.crossScaleMagnitude[i];
        for (let i = 0; i < 2 * K * K; i++) out[o.cross_scale_correlation_real + i * (S - 1) + s] = stats.crossScaleReal[i];
      }
      return { stats, autocorr: ac.state, lagValues: ac.values, recon: recon(s, scale.reconstructed, scale.reconstructedSpectrum) };
    });
    const lowpass = recon(S, analysis.lowpassReconstructed, analysis.lowpassSpectrum);
    out[o.var_highpass_residual] = analysis.highpassVariance;
    return { consumed: false, analysis, pixel, scales, lowpass };
  }

  /** Recycles the arrays of a tape whose gradient will not be asked for (a forward pass outside tf.grad). */
  release(tape: ImageTape): void {
    if (tape.consumed) return;
    tape.consumed = true;
    this.plan.release(tape.analysis);
    this.plan.pool.give(tape.pixel.centred);
    tape.scales.forEach((t, s) => {
      this.scaleStatistics.release(t.stats);
      this.autocorrs[s].release(t.autocorr);
    });
  }

  /**
   * Writes ∂L/∂x [H·W] into gx given g = ∂L/∂(statistics vector) of the image taped by forward. Consumes the tape:
   * a second gradient of the same forward pass would need a new forward pass.
   */
  backward(tape: ImageTape, g: Float64Array, gx: Float64Array): void {
    if (tape.consumed) throw new Error('PortillaSimoncelli: this forward pass has already been differentiated once; run forward again.');
    tape.consumed = true;
    const { K, S, nLags, offsets: o } = this;
    const { pool } = this.plan;
    gx.fill(0);
    pixelStatisticsGradient(tape.pixel, g.subarray(o.pixel_statistics, o.pixel_statistics + 6), gx);
    pool.give(tape.pixel.centred);

    // A reconstructed image's gradient: in space from its skew and kurtosis, and as a spectrum (FFT(r)·K̂/N² through
    // FFT(r) = N·spectrum) from its auto-correlation and std, which saves two transforms.
    const reconGradient = (i: number, t: ReconTape) => {
      const variance = t.lagValues[nLags];
      const gLags = new Float64Array(nLags + 1);
      let gVar = g[o.std_reconstructed + i] / (2 * Math.sqrt(variance));
      for (let l = 0; l < nLags; l++) {
        const gc = g[o.auto_correlation_reconstructed + l * (S + 1) + i];
        gLags[l] = gc / variance;
        gVar -= (gc * t.lagValues[l]) / variance ** 2;
      }
      const spatial = pool.takeZeroed(t.image.length);
      gVar += zeroMeanSkewKurtosisGradient(t.image, variance, t.moments, g[o.skew_reconstructed + i], g[o.kurtosis_reconstructed + i], spatial);
      gLags[nLags] = gVar;
      const kernel = this.autocorrs[i].kernelSpectrum(gLags);
      const spectral = { re: pool.take(kernel.length), im: pool.take(kernel.length) };
      for (let p = 0; p < kernel.length; p++) {
        spectral.re[p] = t.spectrum.re[p] * kernel[p];
        spectral.im[p] = t.spectrum.im[p] * kernel[p];
      }
      return { spatial, spectral };
    };

    const analysisGradient: AnalysisGradient = {
      scales: [],
      lowpassReconstructed: reconGradient(S, tape.lowpass),
      highpassVariance: g[o.var_highpass_residual],
    };
    tape.scales.forEach((t, s) => {
      const n = t.stats.n;
      // Magnitude auto-correlations and standard deviations: A_k(l)/A_k(0) and sqrt(A_k(0)).
      const lagGradients = t.lagValues.map((a, k) => {
        const variance = a[nLags];
        const gA = new Float64Array(nLags + 1);
        let gVar = g[o.magnitude_std + k * S + s] / (2 * Math.sqrt(variance));
        for (let l = 0; l < nLags; l++) {
          const gc = g[o.auto_correlation_magnitude + (l * K + k) * S + s];
          gA[l] = gc / variance;
          gVar -= (gc * a[l]) / variance ** 2;
        }
        gA[nLags] = gVar;
        return gA;
      });
      const gMd = pool.take(K * n);
      this.autocorrs[s].backward(
        t.autocorr,
        lagGradients,
        Array.from({ length: K }, (_, k) => gMd.subarray(k * n, (k + 1) * n)),
      );

      const crossOrientation = new Float64Array(K * K);
      let pair = 0;
      for (let k1 = 0; k1 < K; k1++) for (let k2 = 0; k2 < k1; k2++) crossOrientation[k1 * K + k2] = g[o.cross_orientation_correlation_magnitude + pair++ * S + s];
      const hasParents = s < S - 1;
      const crossScaleMagnitude = Float64Array.from({ length: K * K }, (_, i) => (hasParents ? g[o.cross_scale_correlation_magnitude + i * (S - 1) + s] : 0));
      const crossScaleReal = Float64Array.from({ length: 2 * K * K }, (_, i) => (hasParents ? g[o.cross_scale_correlation_real + i * (S - 1) + s] : 0));
      const coefficients = this.scaleStatistics.backward(t.stats, { crossOrientation, crossScaleMagnitude, crossScaleReal }, gMd);
      pool.give(gMd);
      analysisGradient.scales.push({ ...coefficients, reconstructed: reconGradient(s, t.recon) });
    });

    this.plan.analyseAdjoint(tape.analysis, analysisGradient, gx);
  }
}
