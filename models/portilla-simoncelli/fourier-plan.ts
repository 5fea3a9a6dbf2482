// Everything the Portilla-Simoncelli model takes from its complex steerable pyramid, as one FFT of the image and
// one batch of inverse FFTs per scale, with the exact adjoint for the gradient.
//
// plenoptic builds the pyramid, reconstructs a lowpass image per scale with recon_pyr, shrinks it (FFT, crop,
// inverse FFT) and upsamples the parent bands (FFT, pad, inverse FFT). Each of these is a crop of the centred
// image spectrum X times a fixed Fourier mask, so every mask chain is multiplied out once, in float64:
//   band (s, b)     = c · IFFT_s(X_s · L_s · angle_sb · hi_s)                    c = (−i)^order
//   parent (s, b)   = c · IFFT_s(X_s · pad(L_{s+1} · angle_{s+1,b} · hi_{s+1}))  (= expand(band_{s+1,b}, 2) / 4)
//   recon r_s       = IFFT_s(X_s · Q_s)                                          (= shrink(recon_pyr(…)) · 4^…)
// X_s is X cropped to scale s and L_s the product of the lowpass masks above s. Q_s follows recon_pyr:
// T_S = L_S with the DC removed (plenoptic demeans the lowpass residual), T_s = L_s·G_s + pad(lomask_s·T_{s+1})
// with G_s = hi_s² Σ_b angle_sb · angleRecon_sb, and Q_s = L_s·T_s symmetrised, (Q(f) + Q(−f))/2, because
// plenoptic keeps the real part of a real image's reconstruction. The highpass residual only enters through its
// variance, which Parseval gives from X without a transform.
//
// Layouts: spectra are kept in numpy's unshifted order and transposed ([w, h], see fft-kernel.ts), so that every
// transform costs one transpose and images come back in their own [h, w] layout. Masks are built on plenoptic's
// centred grids and stored in that layout once, with the inverse transform's 1/(h·w) folded in; c is applied
// while a window is gathered. The parents' spectra fill only the central half of the frequencies, so their
// transforms skip the zero columns.
import { ArrayPool } from './array-pool.js';
import { fft2dPlan } from './fft-kernel.js';
import { psFourierMasks, type ScalePlan, type SparseMask, type Window } from './fourier-masks.js';

/** A complex array as separate real and imaginary parts. */
export interface ComplexArray {
  re: Float64Array;
  im: Float64Array;
}

export interface ScaleOutput {
  shape: [number, number];
  /** [K, h, w] pyramid coefficients. */
  bands: ComplexArray;
  /** [K, h, w] the next-coarser scale's coefficients upsampled to this scale; null at the coarsest scale. */
  parents: ComplexArray | null;
  /** [h, w] the lowpass image reconstructed from this scale and all coarser ones. */
  reconstructed: Float64Array;
  /** Its spectrum ([w, h]) divided by h·w, i.e. the masked window that was inverse-transformed. */
  reconstructedSpectrum: ComplexArray;
}

export interface AnalysisOutput {
  /** Fine to coarse. */
  scales: ScaleOutput[];
  /** [h_S, w_S] the image reconstructed from the demeaned lowpass residual, and its spectrum / (h_S·w_S). */
  lowpassReconstructed: Float64Array;
  lowpassSpectrum: ComplexArray;
  /** Mean of the squared highpass residual. */
  highpassVariance: number;
  /** The image spectrum (unshifted, [W, H]), kept for the adjoint. */
  spectrum: ComplexArray;
}

/**
 * Gradients with respect to the outputs of one analysis. A reconstructed image's gradient may come in two parts:
 * in space, and directly as the FFT of a spatial gradient ([w, h]), which saves the transform.
 */
export interface ReconstructionGradient {
  spatial: Float64Array;
  spectral: ComplexArray | null;
}

export interface AnalysisGradient {
  scales: Array<{ bands: ComplexArray; parents: ComplexArray | null; reconstructed: ReconstructionGradient }>;
  lowpassReconstructed: ReconstructionGradient;
  highpassVariance: number;
}

/**
 * (−i)^power as the real 2×2 map (a, b) ↦ (α·a + β·b, γ·a + δ·b) on (re, im); conjugate: i^power instead.
 */
function rotation(power: number, conjugate: boolean): [number, number, number, number] {
  switch ((((conjugate ? -power : power) % 4) + 4) % 4) {
    case 0:
      return [1, 0, 0, 1];
    case 1:
      return [0, 1, -1, 0];
    case 2:
      return [-1, 0, 0, -1];
    default:
      return [0, -1, 1, 0];
  }
}

const IDENTITY: [number, number, number, number] = [1, 0, 0, 1];

export class PortillaSimoncelliFourierPlan {
  readonly imageShape: [number, number];
  readonly nScales: number;
  readonly nOrientations: number;
  private readonly scales: ScalePlan[];
  private readonly lowpass: { window: Window; mask: SparseMask };
  /** hi0mask² in the image spectrum's layout, for the highpass variance by Parseval. */
  private readonly highpassPower: Float64Array;

  /** Where the analysis arrays come from and, once the adjoint has consumed them, go back to. */
  readonly pool: ArrayPool;

  constructor(imageShape: [number, number], nScales: number, nOrientations: number, pool = new ArrayPool()) {
    this.pool = pool;
    this.imageShape = imageShape;
    this.nScales = nScales;
    this.nOrientations = nOrientations;
    ({ scales: this.scales, lowpass: this.lowpass, highpassPower: this.highpassPower } = psFourierMasks(imageShape, nScales, nOrientations));
  }

  /** Size of each scale's bands, fine to coarse. */
  get scaleShapes(): Array<[number, number]> {
    return this.scales.map((s) => s.window.shape);
  }

  /** Size of the lowpass residual. */
  get lowpassShape(): [number, number] {
    return this.lowpass.window.shape;
  }

  /** The pyramid-derived arrays of one image x [H, W] (see the file comment). */
  analyse(x: Float64Array): AnalysisOutput {
    const [H, W] = this.imageShape;
    const { pool } = this;
    const spectrum = { re: pool.copy(x), im: pool.takeZeroed(H * W) };
    fft2dPlan(H, W).transform(spectrum.re, spectrum.im, 'forward');

    const K = this.nOrientations;
    const scales = this.scales.map((plan): ScaleOutput => {
      const [h, w] = plan.window.shape;
      const n = h * w;
      const fft = fft2dPlan(w, h);
      // The masked windows of X, inverse-transformed one channel at a time into the output arrays.
      // c·IFFT(X·mask) with c = (−i)^order, c applied while the window is gathered.
      const c = rotation(K - 1, false);
      const inverse = (masks: SparseMask[], columns?: Array<[number, number]>): ComplexArray => {
        const out = { re: pool.take(masks.length * n), im: pool.take(masks.length * n) };
        masks.forEach((mask, k) => {
          const re = out.re.subarray(k * n, (k + 1) * n);
          const im = out.im.subarray(k * n, (k + 1) * n);
          maskedWindow(spectrum, mask, c, re, im);
          fft.transform(re, im, 'inverse', columns);
        });
        return out;
      };
      const bands = inverse(plan.bandMasks);
      const parents = plan.parentMasks ? inverse(plan.parentMasks, plan.parentColumns) : null;
      const recon = inverseReal(spectrum, plan.window, plan.reconMask, pool);
      return { shape: plan.window.shape, bands, parents, reconstructed: recon.image, reconstructedSpectrum: recon.spectrum };
    });
    const low = inverseReal(spectrum, this.lowpass.window, this.lowpass.mask, pool);

    let power = 0;
    for (let i = 0; i < H * W; i++) power += (spectrum.re[i] ** 2 + spectrum.im[i] ** 2) * this.highpassPower[i];
    return {
      scales,
      lowpassReconstructed: low.image,
      lowpassSpectrum: low.spectrum,
      highpassVariance: power / (H * W) ** 2,
      spectrum,
    };
  }

  /**
   * Adds to gx [H, W] the gradient with respect to the image of ⟨gradient, analyse(x)⟩ (the adjoint of analyse).
   * Consumes both `analysis` and `gradient`: their arrays go back to the pool.
   */
  analyseAdjoint(analysis: AnalysisOutput, gradient: AnalysisGradient, gx: Float64Array): void {
    const [H, W] = this.imageShape;
    const K = this.nOrientations;
    const { pool } = this;
    const gX = { re: pool.takeZeroed(H * W), im: pool.takeZeroed(H * W) };
    const hp = (2 * gradient.highpassVariance) / (H * W) ** 2;
    if (hp !== 0) {
      for (let i = 0; i < H * W; i++) {
        gX.re[i] = hp * this.highpassPower[i] * analysis.spectrum.re[i];
        gX.im[i] = hp * this.highpassPower[i] * analysis.spectrum.im[i];
      }
    }
    const c = rotation(K - 1, true);
    this.scales.forEach((plan, s) => {
      const g = gradient.scales[s];
      accumulateAdjoint(gX, plan.window.shape, plan.bandMasks, c, g.bands);
      if (plan.parentMasks && g.parents) accumulateAdjoint(gX, plan.window.shape, plan.parentMasks, c, g.parents, plan.parentColumns);
      accumulateRealAdjoint(gX, plan.window, plan.reconMask, g.reconstructed, pool);
    });
    accumulateRealAdjoint(gX, this.lowpass.window, this.lowpass.mask, gradient.lowpassReconstructed, pool);
    // X = FFT(x) ⇒ ∂/∂x = Re(FFT^H gX) = Re(IFFT_unnormalised(gX)); gX is [W, H], the result [H, W].
    fft2dPlan(W, H).transform(gX.re, gX.im, 'inverse');
    for (let i = 0; i < gx.length; i++) gx[i] += gX.re[i];

    const recon = (r: ReconstructionGradient) => [r.spatial, ...parts(r.spectral)];
    pool.give(gX.re, gX.im);
    for (const g of gradient.scales) pool.give(...parts(g.bands), ...parts(g.parents), ...recon(g.reconstructed));
    pool.give(...recon(gradient.lowpassReconstructed));
    this.release(analysis);
  }

  /** Returns the arrays of an analysis that no gradient will be asked of to the pool. */
  release(analysis: AnalysisOutput): void {
    const { pool } = this;
    pool.give(...parts(analysis.spectrum), analysis.lowpassReconstructed, ...parts(analysis.lowpassSpectrum));
    for (const s of analysis.scales) pool.give(...parts(s.bands), ...parts(s.parents), s.reconstructed, ...parts(s.reconstructedSpectrum));
  }
}

function parts(z: ComplexArray | null): Float64Array[] {
  return z ? [z.re, z.im] : [];
}

/** re/im ← X[window]·mask·c, for a rotation c (see rotation()); zero where the mask is. */
function maskedWindow(spectrum: ComplexArray, mask: SparseMask, [ca, cb, cc, cd]: [number, number, number, number], re: Float64Array, im: Float64Array): void {
  const { index, source, value } = mask;
  re.fill(0);
  im.fill(0);
  for (let j = 0; j < index.length; j++) {
    const a = spectrum.re[source[j]] * value[j];
    const b = spectrum.im[source[j]] * value[j];
    re[index[j]] = ca * a + cb * b;
    im[index[j]] = cc * a + cd * b;
  }
}

/** The real image IFFT(X[window]·mask) of a Hermitian-symmetric masked window, and that window. */
function inverseReal(spectrum: ComplexArray, window: Window, mask: SparseMask, pool: ArrayPool): { image: Float64Array; spectrum: ComplexArray } {
  const [h, w] = window.shape;
  const re = pool.take(h * w);
  const im = pool.take(h * w);
  maskedWindow(spectrum, mask, IDENTITY, re, im);
  const masked = { re: pool.copy(re), im: pool.copy(im) };
  fft2dPlan(w, h).transform(re, im, 'inverse');
  pool.give(im);
  return { image: re, spectrum: masked };
}

/** accumulateAdjoint for one real image whose gradient is given in space and/or as a spectrum. */
function accumulateRealAdjoint(gX: ComplexArray, window: Window, mask: SparseMask, g: ReconstructionGradient, pool: ArrayPool): void {
  const re = g.spatial;
  const im = pool.takeZeroed(re.length);
  fft2dPlan(window.shape[0], window.shape[1]).transform(re, im, 'forward');
  const extra = g.spectral;
  const { index, source, value } = mask;
  for (let j = 0; j < index.length; j++) {
    const i = index[j];
    gX.re[source[j]] += value[j] * (extra ? re[i] + extra.re[i] : re[i]);
    gX.im[source[j]] += value[j] * (extra ? im[i] + extra.im[i] : im[i]);
  }
  pool.give(im);
}

/**
 * gX[window] += Σ_k mask_k · c̄ · FFT(g_k): the adjoint of z_k = c·IFFT(X[window]·mask_k), channel by channel, on
 * the [h, w] gradient planes of g (overwritten); cBar is the conjugate rotation. outputColumns: the window
 * columns where the masks are nonzero.
 */
function accumulateAdjoint(
  gX: ComplexArray,
  [h, w]: [number, number],
  masks: SparseMask[],
  [ca, cb, cc, cd]: [number, number, number, number],
  g: ComplexArray,
  outputColumns?: Array<[number, number]>,
): void {
  const n = h * w;
  masks.forEach((mask, k) => {
    const re = g.re.subarray(k * n, (k + 1) * n);
    const im = g.im.subarray(k * n, (k + 1) * n);
    fft2dPlan(h, w).transform(re, im, 'forward', undefined, outputColumns);
    const { index, source, value } = mask;
    for (let j = 0; j < index.length; j++) {
      const i = index[j];
      gX.re[source[j]] += value[j] * (ca * re[i] + cb * im[i]);
      gX.im[source[j]] += value[j] * (cc * re[i] + cd * im[i]);
    }
  });
}
