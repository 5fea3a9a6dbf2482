// plenoptic's SteerablePyramidFreq: a steerable pyramid built in the Fourier domain (circular boundaries).
// Analysis runs as linear operators over the differentiable matmul FFTs of models/fourier (steerable-analysis.ts);
// all fftshifts are folded into the transforms and all mask chains into one mask per band (steerable-constants.ts).
import { tf } from '../../runtime/tf.js';
import { TfjsModel, type ForwardOptions, type Scale } from '../../runtime/model.js';
import { ValueError } from '../../runtime/errors.js';
import { warn } from '../../runtime/warnings.js';
import { fft2, ifft2Real, type FftNorm } from '../fourier/fft2.js';
import type { Complex } from '../fourier/complex.js';
import { takeSlice } from '../fourier/linear-operator.js';
import { disposeSteerableConstants, steerableConstants, type ScaleConstants, type SteerableConstants } from './steerable-constants.js';
import { steerableAnalysis, type SteerableAnalysis } from './steerable-analysis.js';
import { bandKey, isComplexBand, type PyramidBand, type PyramidCoeffs, type PyramidKey } from './pyramid-coeffs.js';
import { checkReconBands, checkReconLevels, selectScales } from './steerable-args.js';
import { concatLastAxis, convertPyrToTensor, convertTensorToPyr, type PyrInfo } from './steerable-convert.js';

export interface SteerablePyramidOptions {
  /** Number of scales, or 'auto' for floor(log2(min(h, w))) − 2. */
  height?: 'auto' | number;
  /** Derivative order of the angular filters, in [1, 15]; there are order + 1 orientations. */
  order?: number;
  /** Width of the radial transition, in octaves. */
  twidth?: number;
  /** Complex (quadrature-pair) bands; the residuals stay real. */
  isComplex?: boolean;
  /** Halve each scale (true) or keep every band at the image size (false). */
  downsample?: boolean;
  /** Orthonormal FFTs, so that the coefficients' energy equals the image's (Parseval). */
  tightFrame?: boolean;
}

export interface ReconOptions {
  /** 'all', or a list of scale indices and 'residual_highpass' / 'residual_lowpass'. */
  levels?: 'all' | readonly Scale[];
  /** 'all', or a list of orientation indices. */
  bands?: 'all' | readonly number[];
}

/**
 * The pyramid with each scale's orientations stacked on axis 2, like plenoptic ≥ 2.0: bands[i] is
 * [B, C, K, h_i, w_i] (a {re, im} pair for complex pyramids). Absent parts were not requested.
 */
export interface PyramidScales {
  highpass?: tf.Tensor;
  bands: Map<number, PyramidBand>;
  lowpass?: tf.Tensor;
}

export class SteerablePyramidFreq extends TfjsModel {
  readonly name = 'SteerablePyramidFreq';
  readonly imageShape: [number, number];
  readonly numScales: number;
  readonly numOrientations: number;
  readonly order: number;
  readonly twidth: number;
  readonly isComplex: boolean;
  readonly downsample: boolean;
  readonly tightFrame: boolean;
  readonly fftNorm: FftNorm;
  /** Coarse to fine: ['residual_lowpass', numScales − 1, …, 0, 'residual_highpass']. */
  override readonly scales: Scale[];
  /** The (h, w) of each band of the last forward call (empty before the first), like plenoptic's pyr_size. */
  readonly pyrSize = new Map<PyramidKey, [number, number]>();

  private readonly constants: SteerableConstants;
  private readonly analysis: SteerableAnalysis;

  constructor(imageShape: readonly number[], options: SteerablePyramidOptions = {}) {
    super();
    const { height = 'auto', order = 3, twidth = 1, isComplex = false, downsample = true, tightFrame = false } = options;
    if (!Array.isArray(imageShape) || imageShape.length !== 2) {
      throw new ValueError(`image_shape must be a tuple of length 2, but got [${imageShape}]! Pass [height, width].`);
    }
    if (!imageShape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new ValueError(`image_shape must be castable to ints, but got [${imageShape}]! Pass positive integers.`);
    }
    this.imageShape = [imageShape[0], imageShape[1]];
    if (imageShape[0] % 2 !== 0 || imageShape[1] % 2 !== 0) {
      warn('Reconstruction will not be perfect with odd-sized images');
    }
    const maxHeight = Math.floor(Math.log2(Math.min(imageShape[0], imageShape[1]))) - 2;
    if (height === 'auto') {
      this.numScales = Math.max(0, maxHeight);
    } else if (!Number.isInteger(height) || height < 0) {
      throw new ValueError(`Height must be a non-negative integer (or 'auto'), but got ${String(height)}.`);
    } else if (height > maxHeight) {
      throw new ValueError(
        `Cannot build pyramid higher than ${maxHeight} levels. An image of ${imageShape[0]}×${imageShape[1]} allows ` +
          `height ≤ floor(log2(min(h, w))) − 2 = ${maxHeight}; use height: 'auto' or a larger image.`,
      );
    } else {
      this.numScales = height;
    }
    if (!Number.isInteger(order) || order < 1 || order > 15) {
      throw new ValueError(`order must be an integer in the range [1,15]. Got ${String(order)}.`);
    }
    if (!(twidth > 0)) throw new ValueError(`twidth must be positive. Got ${String(twidth)}.`);
    this.order = order;
    this.twidth = Math.trunc(twidth);
    this.numOrientations = order + 1;
    this.isComplex = isComplex;
    this.downsample = downsample;
    this.tightFrame = tightFrame;
    this.fftNorm = tightFrame ? 'ortho' : 'backward';
    this.scales = ['residual_lowpass', ...Array.from({ length: this.numScales }, (_, i) => this.numScales - 1 - i), 'residual_highpass'];
    this.constants = steerableConstants(this.imageShape, this.numScales, order, this.twidth, isComplex, downsample, tightFrame);
    this.analysis = steerableAnalysis(this.constants, this.imageShape, this.fftNorm, isComplex);
  }

  /**
   * The coefficients with each scale's orientations stacked (plenoptic ≥ 2.0 layout): the cheapest form for
   * models built on the pyramid, such as Portilla-Simoncelli.
   */
  forwardScales(x: tf.Tensor4D, options: ForwardOptions = {}): PyramidScales {
    this.checkInput(x);
    const wanted = selectScales(options.scales, this.numScales);
    const out: PyramidScales = { bands: new Map() };
    const parts = tf.tidy(() => {
      const spectrum = this.analysis.spectrum(x);
      const result: tf.Tensor[] = [];
      if (wanted.has('residual_highpass')) result.push(this.analysis.highpass(spectrum));
      for (let i = 0; i < this.numScales; i++) if (wanted.has(i)) result.push(this.analysis.scale[i](spectrum));
      if (wanted.has('residual_lowpass')) result.push(this.analysis.lowpass(spectrum));
      return result;
    });
    let next = 0;
    if (wanted.has('residual_highpass')) out.highpass = parts[next++];
    for (let i = 0; i < this.numScales; i++) {
      if (!wanted.has(i)) continue;
      const t = parts[next++];
      out.bands.set(i, this.isComplex ? splitStacked(t) : t);
    }
    if (wanted.has('residual_lowpass')) out.lowpass = parts[next++];
    return out;
  }

  /** The coefficients of x (NCHW) keyed like plenoptic 1.1.0; `scales` keeps only some of model.scales. */
  forwardPyramid(x: tf.Tensor4D, options: ForwardOptions = {}): PyramidCoeffs {
    const byScale = this.forwardScales(x, options);
    const coeffs: PyramidCoeffs = new Map();
    if (byScale.highpass) coeffs.set('residual_highpass', byScale.highpass);
    for (const [i, stacked] of byScale.bands) {
      for (let b = 0; b < this.numOrientations; b++) {
        coeffs.set(
          bandKey(i, b),
          isComplexBand(stacked) ? { re: orientation(stacked.re, b), im: orientation(stacked.im, b) } : orientation(stacked, b),
        );
      }
      if (isComplexBand(stacked)) tf.dispose([stacked.re, stacked.im]);
      else stacked.dispose();
    }
    if (byScale.lowpass) coeffs.set('residual_lowpass', byScale.lowpass);
    for (const [key, band] of coeffs) {
      const t = isComplexBand(band) ? band.re : band;
      this.pyrSize.set(key, [t.shape[2] as number, t.shape[3] as number]);
    }
    return coeffs;
  }

  /**
   * The pyramid as one tensor, for synthesis. downsample=false: plenoptic's convertPyrToTensor layout
   * (B, C·bands, H, W), complex bands split into real, imaginary channels. downsample=true (bands of different
   * sizes): (B, C, N) holding, per (b, c), the highpass, then for each scale the K bands' real parts followed by
   * (complex pyramids) their imaginary parts, then the lowpass, each band flattened row-major.
   */
  tfjsForward(x: tf.Tensor4D, options?: ForwardOptions): tf.Tensor {
    return tf.tidy(() => {
      if (!this.downsample) return convertPyrToTensor(this.forwardPyramid(x, options), true).tensor as tf.Tensor;
      const byScale = this.forwardScales(x, options);
      const [b, c] = x.shape;
      const flat = (t: tf.Tensor) => tf.reshape(t, [b, c, -1]);
      const pieces: tf.Tensor[] = [];
      if (byScale.highpass) pieces.push(flat(byScale.highpass));
      for (const stacked of byScale.bands.values()) {
        if (isComplexBand(stacked)) pieces.push(flat(stacked.re), flat(stacked.im));
        else pieces.push(flat(stacked));
      }
      if (byScale.lowpass) pieces.push(flat(byScale.lowpass));
      return pieces.length === 1 ? pieces[0] : concatLastAxis(pieces);
    });
  }

  /** Reconstructs the image (B, C, H, W) from all or some of the coefficients of a full forward call. */
  reconPyr(coeffs: PyramidCoeffs, options: ReconOptions = {}): tf.Tensor4D {
    for (const s of this.scales) {
      const keys: PyramidKey[] =
        typeof s === 'number' ? Array.from({ length: this.numOrientations }, (_, b) => bandKey(s, b)) : [s as PyramidKey];
      if (keys.some((k) => !coeffs.has(k))) {
        throw new ValueError(
          `scale ${s} not in pyr_coeffs! pyr_coeffs must include all scales, so make sure forward() was called with arg scales=None`,
        );
      }
    }
    const levels = checkReconLevels(options.levels ?? 'all', this.numScales);
    const bands = checkReconBands(options.bands ?? 'all', this.numOrientations);
    return tf.tidy(() => this.synthesise(coeffs, levels, bands));
  }

  private synthesise(coeffs: PyramidCoeffs, levels: Scale[], bands: number[]): tf.Tensor4D {
    const opts = { norm: this.fftNorm, centered: true };
    const c = this.constants;
    const lowpass = coeffs.get('residual_lowpass') as tf.Tensor;
    const [batch, channels] = lowpass.shape as number[];
    // R_S = F(lowpass); R_i = pad(R_{i+1}·lomask_i) + i^order·Σ_b F(band_ib)·mask_ib; out = R_0·lo0 + F(hp)·hi0.
    let recon: Complex | null = levels.includes('residual_lowpass') ? fft2(lowpass, null, opts) : null;
    for (let i = this.numScales - 1; i >= 0; i--) {
      const sc = c.scales[i];
      if (recon) recon = upOneScale(recon, sc);
      if (!levels.includes(i) || bands.length === 0) continue;
      const selected = bands.map((b) => coeffs.get(bandKey(i, b))!);
      const complexBands = isComplexBand(selected[0]);
      const f = fft2(
        tf.stack(selected.map((band) => (isComplexBand(band) ? band.re : band))),
        complexBands ? tf.stack(selected.map((band) => (band as Complex).im)) : null,
        opts,
      );
      // The masks are constants, so gathering them needs no gradient (wasm has none for gather).
      const masks = bands.length === this.numOrientations ? sc.synthesisMasks : tf.gather(sc.synthesisMasks, bands);
      let summed: Complex = { re: tf.sum(tf.mul(f.re, masks), 0), im: tf.sum(tf.mul(f.im, masks), 0) };
      if (c.synthesisUnit.imaginary) summed = { re: tf.neg(summed.im), im: summed.re };
      recon = recon ? { re: tf.add(recon.re, summed.re), im: tf.add(recon.im, summed.im) } : summed;
    }
    const parts: tf.Tensor[][] = [[], []];
    if (recon) {
      parts[0].push(tf.mul(recon.re, c.lo0mask));
      parts[1].push(tf.mul(recon.im, c.lo0mask));
    }
    if (levels.includes('residual_highpass')) {
      const f = fft2(coeffs.get('residual_highpass') as tf.Tensor, null, opts);
      parts[0].push(tf.mul(f.re, c.hi0mask));
      parts[1].push(tf.mul(f.im, c.hi0mask));
    }
    if (parts[0].length === 0) return tf.zeros([batch, channels, ...this.imageShape]);
    const sum = (ts: tf.Tensor[]) => (ts.length === 1 ? ts[0] : tf.addN(ts));
    return ifft2Real(sum(parts[0]), sum(parts[1]), opts) as tf.Tensor4D;
  }

  static convertPyrToTensor(coeffs: PyramidCoeffs, splitComplex = false): { tensor: tf.Tensor | Complex; info: PyrInfo } {
    return convertPyrToTensor(coeffs, splitComplex);
  }

  static convertTensorToPyr(
    tensor: tf.Tensor | Complex,
    numChannels: number,
    splitComplex: boolean,
    pyrKeys: readonly PyramidKey[],
  ): PyramidCoeffs {
    return convertTensorToPyr(tensor, numChannels, splitComplex, pyrKeys);
  }

  private checkInput(x: tf.Tensor): void {
    if (x.rank !== 4) {
      throw new ValueError(
        `Input must be batch of images of shape BxCxHxW, but got shape [${x.shape}]. Add the missing axes, e.g. x.reshape([1, 1, h, w]).`,
      );
    }
    if (x.shape[2] !== this.imageShape[0] || x.shape[3] !== this.imageShape[1]) {
      throw new ValueError(
        `Input tensor height/width (${x.shape[2]}, ${x.shape[3]}) does not match image_shape set at initialization ` +
          `(${this.imageShape[0]}, ${this.imageShape[1]}). Either resize the input or re-initialize this model.`,
      );
    }
  }

  override dispose(): void {
    disposeSteerableConstants(this.constants);
  }
}

/** The next-coarser reconstruction spectrum, low-passed and placed at the centre of this scale's grid. */
function upOneScale(recon: Complex, sc: ScaleConstants): Complex {
  const [h, w] = sc.shape;
  const place = (t: tf.Tensor) => {
    const m = tf.mul(t, sc.synthesisLomask);
    if (m.shape[2] === h && m.shape[3] === w) return m;
    return tf.pad(m, [
      [0, 0],
      [0, 0],
      [sc.loStart[0], h - sc.loEnd[0]],
      [sc.loStart[1], w - sc.loEnd[1]],
    ]);
  };
  return { re: place(recon.re), im: place(recon.im) };
}

/** {re, im} of a stacked [2, ...] tensor (the two slices are contiguous). */
function splitStacked(t: tf.Tensor): Complex {
  const [, ...rest] = t.shape as number[];
  const size = t.size / 2;
  const out = { re: takeSlice(t, [2, size], [0, 0], [1, size], rest), im: takeSlice(t, [2, size], [1, 0], [1, size], rest) };
  t.dispose();
  return out;
}

/** Orientation b of [B, C, K, h, w] as [B, C, h, w]. */
function orientation(t: tf.Tensor, b: number): tf.Tensor {
  const [batch, ch, k, h, w] = t.shape as number[];
  return takeSlice(t, [batch * ch, k, h * w], [0, b, 0], [batch * ch, 1, h * w], [batch, ch, h, w]);
}
