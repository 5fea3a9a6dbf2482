// Everything the Portilla-Simoncelli model takes from its complex steerable pyramid, as one FFT of the image and
// a few inverse FFTs per scale, with the exact adjoint for the gradient.
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
// A parent's spectrum is the next band's, padded into the central half of the frequencies, so no frequency folds
// onto another when the parent is decimated: band_{s+1}(y, x) = 4·parent_s(2y, 2x) exactly. Only the finest
// scale's bands need transforms of their own; the others are read off the parents (and, in the adjoint, their
// gradients are added to the parents' at the even pixels).
//
// Layouts: spectra are kept in numpy's unshifted order and transposed ([w, h], see ../fourier/array-fft.ts), so
// that images come back in their own [h, w] layout. Masks are built on plenoptic's centred grids and stored in
// that layout once, with the inverse transform's 1/(h·w) folded in; c is applied while a window is gathered, and
// the transforms skip the rows where a mask is zero. The transforms read and write whole arrays (array-fft's
// RowPlanes), not row callbacks (measured slower in this pipeline). The image and the reconstructed images are
// real: their transforms are the half-cost real and Hermitian ones.
import { transposingFft2 } from '../fourier/array-fft.js';
import { ArrayPool } from './array-pool.js';
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

/** The real 2×2 map (a, b) ↦ (α·a + β·b, γ·a + δ·b) on (re, im) of a power of i. */
type Rotation = [number, number, number, number];

/** (−i)^power as a Rotation; conjugate: i^power instead. */
function rotation(power: number, conjugate: boolean): Rotation {
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

/** Rows 0 … ⌊n/2⌋ of n: the rows of a Hermitian spectrum that determine the others. */
function halfRows(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, r) => (2 * r <= n ? 1 : 0));
}

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
    const K = this.nOrientations;
    const { pool } = this;
    const spectrum = { re: pool.take(H * W), im: pool.take(H * W) };
    imageSpectrum(x, H, W, spectrum);

    const c = rotation(K - 1, false);
    const bands = this.scales.map((plan) => {
      const [h, w] = plan.window.shape;
      return { re: pool.take(K * h * w), im: pool.take(K * h * w) };
    });
    const scales = this.scales.map((plan, s): ScaleOutput => {
      const [h, w] = plan.window.shape;
      const n = h * w;
      const fft = transposingFft2(w, h);
      const window = { re: pool.take(n), im: pool.take(n), offset: 0 };
      const inverse = (mask: SparseMask, out: ComplexArray, k: number) => {
        maskWindow(spectrum, mask, c, window, true);
        fft.transform(1, window, { ...out, offset: k * n }, { inputRows: mask.rows });
      };
      if (s === 0) plan.bandMasks.forEach((mask, k) => inverse(mask, bands[0], k));
      let parents: ComplexArray | null = null;
      if (plan.parentMasks) {
        const out = { re: pool.take(K * n), im: pool.take(K * n) };
        plan.parentMasks.forEach((mask, k) => inverse(mask, out, k));
        decimate(out, bands[s + 1], K, h, w);
        parents = out;
      }
      pool.give(window.re, window.im);
      const recon = inverseReal(spectrum, plan.window, plan.reconMask, pool);
      return { shape: plan.window.shape, bands: bands[s], parents, reconstructed: recon.image, reconstructedSpectrum: recon.spectrum };
    });
    const low = inverseReal(spectrum, this.lowpass.window, this.lowpass.mask, pool);

    return {
      scales,
      lowpassReconstructed: low.image,
      lowpassSpectrum: low.spectrum,
      highpassVariance: weightedPower(spectrum, this.highpassPower) / (H * W) ** 2,
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
    addWeighted(gX, analysis.spectrum, this.highpassPower, (2 * gradient.highpassVariance) / (H * W) ** 2);
    const c = rotation(K - 1, true);
    this.scales.forEach((plan, s) => {
      const [h, w] = plan.window.shape;
      const n = h * w;
      const g = gradient.scales[s];
      const fft = transposingFft2(h, w);
      const window = { re: pool.take(n), im: pool.take(n), offset: 0 };
      const adjoint = (mask: SparseMask, from: ComplexArray, k: number) => {
        fft.transform(-1, { ...from, offset: k * n }, window, { outputRows: mask.rows });
        accumulateMasked(gX, mask, c, window);
      };
      if (s === 0) plan.bandMasks.forEach((mask, k) => adjoint(mask, g.bands, k));
      if (plan.parentMasks) {
        const gParents = g.parents ?? { re: pool.takeZeroed(K * n), im: pool.takeZeroed(K * n) };
        g.parents = gParents;
        decimateAdjoint(gParents, gradient.scales[s + 1].bands, K, h, w);
        plan.parentMasks.forEach((mask, k) => adjoint(mask, gParents, k));
      }
      accumulateRealAdjoint(gX, plan.window, plan.reconMask, g.reconstructed, window);
      pool.give(window.re, window.im);
    });
    const [hS, wS] = this.lowpass.window.shape;
    const lowWindow = { re: pool.take(hS * wS), im: pool.take(hS * wS), offset: 0 };
    accumulateRealAdjoint(gX, this.lowpass.window, this.lowpass.mask, gradient.lowpassReconstructed, lowWindow);
    pool.give(lowWindow.re, lowWindow.im);
    // X = FFT(x) ⇒ ∂/∂x = Re(FFT^H gX) = IFFT_unnormalised of gX's Hermitian part; gX is [W, H], the result [H, W].
    const hermitian = { re: pool.take(H * W), im: pool.take(H * W), offset: 0 };
    hermitianPart(gX, W, H, hermitian);
    transposingFft2(W, H).transform(1, hermitian, hermitian, { hermitianInput: true });
    for (let i = 0; i < gx.length; i++) gx[i] += hermitian.re[i];
    pool.give(hermitian.re, hermitian.im);

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

/** Σ |z|²·weight. */
function weightedPower(z: ComplexArray, weight: Float64Array): number {
  let power = 0;
  for (let i = 0; i < weight.length; i++) power += (z.re[i] * z.re[i] + z.im[i] * z.im[i]) * weight[i];
  return power;
}

/** y += scale·weight·z. */
function addWeighted(y: ComplexArray, z: ComplexArray, weight: Float64Array, scale: number): void {
  if (scale === 0) return;
  for (let i = 0; i < weight.length; i++) {
    y.re[i] += scale * weight[i] * z.re[i];
    y.im[i] += scale * weight[i] * z.im[i];
  }
}

function parts(z: ComplexArray | null): Float64Array[] {
  return z ? [z.re, z.im] : [];
}

/**
 * The spectrum [W, H] of the real image x [H, W]: rows kx ≤ W/2 by the real transform, the others by Hermitian
 * symmetry, X(kx, ky) = conj X(−kx, −ky).
 */
function imageSpectrum(x: Float64Array, H: number, W: number, spectrum: ComplexArray): void {
  transposingFft2(H, W).transform(-1, { re: x, im: x, offset: 0 }, { ...spectrum, offset: 0 }, { realInput: true, outputRows: halfRows(W) });
  const { re, im } = spectrum;
  for (let kx = Math.floor(W / 2) + 1; kx < W; kx++) {
    const mirror = (W - kx) * H;
    re[kx * H] = re[mirror];
    im[kx * H] = -im[mirror];
    for (let ky = 1; ky < H; ky++) {
      re[kx * H + ky] = re[mirror + H - ky];
      im[kx * H + ky] = -im[mirror + H - ky];
    }
  }
}

/**
 * window ← c·X[window]·mask, for a rotation c; zero where the mask is. onlyMaskRows: only the mask's rows are
 * written (the only ones a transform with inputRows reads).
 */
function maskWindow(spectrum: ComplexArray, mask: SparseMask, [ca, cb, cc, cd]: Rotation, window: ComplexArray, onlyMaskRows: boolean): void {
  const { index, source, value, rows } = mask;
  if (rows && onlyMaskRows) {
    const h = window.re.length / rows.length;
    for (let r = 0; r < rows.length; r++) {
      if (!rows[r]) continue;
      window.re.fill(0, r * h, (r + 1) * h);
      window.im.fill(0, r * h, (r + 1) * h);
    }
  } else {
    window.re.fill(0);
    window.im.fill(0);
  }
  for (let j = 0; j < index.length; j++) {
    const a = spectrum.re[source[j]] * value[j];
    const b = spectrum.im[source[j]] * value[j];
    window.re[index[j]] = ca * a + cb * b;
    window.im[index[j]] = cc * a + cd * b;
  }
}

/** gX[window] += mask · c̄ · F, for F = FFT(g) in `window`: the adjoint of z = c·IFFT(X[window]·mask), c̄ the conjugate rotation. */
function accumulateMasked(gX: ComplexArray, mask: SparseMask, [ca, cb, cc, cd]: Rotation, window: ComplexArray): void {
  const { index, source, value } = mask;
  for (let j = 0; j < index.length; j++) {
    const a = window.re[index[j]];
    const b = window.im[index[j]];
    gX.re[source[j]] += value[j] * (ca * a + cb * b);
    gX.im[source[j]] += value[j] * (cc * a + cd * b);
  }
}

/** Band k of the next scale ([h/2, w/2]) from the even pixels of parent k ([h, w]), times 4, for each k < K. */
function decimate(parents: ComplexArray, next: ComplexArray, K: number, h: number, w: number): void {
  const half = w / 2;
  for (let k = 0; k < K; k++) {
    for (let y = 0; y < h; y += 2) {
      const o = (k * h + y) * w;
      const d = ((k * h) / 2 + y / 2) * half;
      for (let x = 0; x < half; x++) {
        next.re[d + x] = 4 * parents.re[o + 2 * x];
        next.im[d + x] = 4 * parents.im[o + 2 * x];
      }
    }
  }
}

/** The adjoint of decimate: adds 4 × the next scale's band gradients to the parents' gradients at the even pixels. */
function decimateAdjoint(parents: ComplexArray, next: ComplexArray, K: number, h: number, w: number): void {
  const half = w / 2;
  for (let k = 0; k < K; k++) {
    for (let y = 0; y < h; y += 2) {
      const o = (k * h + y) * w;
      const d = ((k * h) / 2 + y / 2) * half;
      for (let x = 0; x < half; x++) {
        parents.re[o + 2 * x] += 4 * next.re[d + x];
        parents.im[o + 2 * x] += 4 * next.im[d + x];
      }
    }
  }
}

/** The real image IFFT(X[window]·mask) of a Hermitian-symmetric masked window, and that window. */
function inverseReal(spectrum: ComplexArray, window: Window, mask: SparseMask, pool: ArrayPool): { image: Float64Array; spectrum: ComplexArray } {
  const [h, w] = window.shape;
  const masked = { re: pool.take(h * w), im: pool.take(h * w) };
  maskWindow(spectrum, mask, [1, 0, 0, 1], masked, false);
  const image = pool.take(h * w);
  transposingFft2(w, h).transform(1, { ...masked, offset: 0 }, { re: image, im: image, offset: 0 }, { hermitianInput: true, inputRows: mask.rows });
  return { image, spectrum: masked };
}

/**
 * The adjoint of inverseReal for a gradient given in space and/or as a spectrum, with `work` ([w, h]) as scratch.
 * The spatial part's FFT is real-input, so its rows kx ≤ w/2 are transformed and the others read from them,
 * F(−kx, ky) = conj F(kx, −ky).
 */
function accumulateRealAdjoint(gX: ComplexArray, window: Window, mask: SparseMask, g: ReconstructionGradient, work: ComplexArray): void {
  const [h, w] = window.shape;
  const { index, column, source, value, rowStart } = mask;
  transposingFft2(h, w).transform(-1, { re: g.spatial, im: g.spatial, offset: 0 }, { ...work, offset: 0 }, { realInput: true, outputRows: halfRows(w) });
  const extra = g.spectral;
  for (let kx = 0; kx < w; kx++) {
    const mirror = kx <= w / 2 ? -1 : (w - kx) * h;
    for (let j = rowStart[kx]; j < rowStart[kx + 1]; j++) {
      const i = index[j];
      let a: number, b: number;
      if (mirror < 0) {
        a = work.re[i];
        b = work.im[i];
      } else {
        const m = mirror + (column[j] === 0 ? 0 : h - column[j]);
        a = work.re[m];
        b = -work.im[m];
      }
      if (extra) {
        a += extra.re[i];
        b += extra.im[i];
      }
      gX.re[source[j]] += value[j] * a;
      gX.im[source[j]] += value[j] * b;
    }
  }
}

/** Rows r ≤ w/2 of the Hermitian part (z(f) + conj z(−f))/2 of the [w, h] spectrum z, the rows a Hermitian transform reads. */
function hermitianPart(z: ComplexArray, w: number, h: number, out: ComplexArray): void {
  for (let row = 0; 2 * row <= w; row++) {
    const o = row * h;
    const m = ((w - row) % w) * h;
    out.re[o] = (z.re[o] + z.re[m]) / 2;
    out.im[o] = (z.im[o] - z.im[m]) / 2;
    for (let k = 1; k < h; k++) {
      out.re[o + k] = (z.re[o + k] + z.re[m + h - k]) / 2;
      out.im[o + k] = (z.im[o + k] - z.im[m + h - k]) / 2;
    }
  }
}
