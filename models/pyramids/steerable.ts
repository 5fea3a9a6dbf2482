// plenoptic's SteerablePyramidFreq: a steerable pyramid built in the Fourier domain (circular boundaries).
// The analysis, the reconstruction and their gradients are plain-JavaScript kernels on float64 arrays
// (steerable-frame.ts), each wrapped as one linear-operator node of the tfjs graph whose gradient is the adjoint
// kernel. As for Portilla-Simoncelli, the same code runs on every backend; on wasm it is 2–3× faster than the
// same transforms as tfjs ops. Every mask chain is multiplied out once (steerable-constants.ts), and every
// fftshift and crop is an index table.
import { tf } from '../../runtime/tf.js';
import { TfjsModel, type ForwardOptions, type Scale } from '../../runtime/model.js';
import { ValueError } from '../../runtime/errors.js';
import { warn } from '../../runtime/warnings.js';
import type { FftNorm } from '../fourier/fft2.js';
import type { Complex } from '../fourier/complex.js';
import { linearOperator, takeSlice, type LinearOperator } from '../fourier/linear-operator.js';
import { steerableConstants, type SteerableConstants } from './steerable-constants.js';
import { analyze, makeFrame, synthesize, type PartLayout } from './steerable-frame.js';
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
  /** Analysis and reconstruction operators, by layout. */
  private readonly operators = new Map<string, LinearOperator>();

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
  }

  /**
   * The coefficients with each scale's orientations stacked (plenoptic ≥ 2.0 layout): the cheapest form for
   * models built on the pyramid.
   */
  forwardScales(x: tf.Tensor4D, options: ForwardOptions = {}): PyramidScales {
    this.checkInput(x);
    const wanted = selectScales(options.scales, this.numScales);
    const { layout, size } = this.scalesLayout(wanted);
    const [b, c] = x.shape;
    const out: PyramidScales = { bands: new Map() };
    const parts = tf.tidy(() => {
      const flat = this.analysisOperator(`scales|${[...wanted]}`, layout, size, (bb, cc) => [bb, cc, size])(x);
      // [P, size] views of the flat coefficients, one slice per stored plane block
      const take = (offset: number, length: number, shape: number[]) => takeSlice(flat, [b * c, size], [0, offset], [b * c, length], [b, c, ...shape]);
      // a scale's orientations are contiguous: its block starts at orientation 0
      return layout.flatMap(({ part, re, im }) => {
        if (part === 'highpass') return [[take(re, this.imageShape[0] * this.imageShape[1], this.imageShape)]];
        if (part === 'lowpass') return [[take(re, this.constants.lowpassGrid.shape[0] * this.constants.lowpassGrid.shape[1], this.constants.lowpassGrid.shape)]];
        if (part[1] !== 0) return [];
        const [h, w] = this.constants.scaleGrids[part[0]].shape;
        const stacked = [this.numOrientations, h, w];
        const n = this.numOrientations * h * w;
        return [im === undefined ? [take(re, n, stacked)] : [take(re, n, stacked), take(im, n, stacked)]];
      });
    });
    let next = 0;
    for (const { part } of layout) {
      if (part === 'highpass') out.highpass = parts[next++][0];
      else if (part === 'lowpass') out.lowpass = parts[next++][0];
      else if (part[1] === 0) {
        const [re, im] = parts[next++];
        out.bands.set(part[0], im ? { re, im } : re);
      }
    }
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
    this.checkInput(x);
    const wanted = selectScales(options?.scales, this.numScales);
    if (this.downsample) {
      const { layout, size } = this.scalesLayout(wanted);
      return this.analysisOperator(`scales|${[...wanted]}`, layout, size, (b, c) => [b, c, size])(x);
    }
    const { layout, size } = this.channelsLayout(wanted);
    const [h, w] = this.imageShape;
    return this.analysisOperator(`channels|${[...wanted]}`, layout, size, (b, c) => [b, (c * size) / (h * w), h, w])(x);
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
    const lowpass = coeffs.get('residual_lowpass') as tf.Tensor;
    const [batch, channels] = lowpass.shape as number[];
    // The parts in the order they are flattened into the operator's input, with their offsets there.
    const layout: PartLayout[] = [];
    const planes: tf.Tensor[] = [];
    let size = 0;
    const add = (band: PyramidBand, part: PartLayout['part']) => {
      const n = (isComplexBand(band) ? band.re : band).size / (batch * channels);
      if (isComplexBand(band)) {
        layout.push({ part, re: size, im: size + n });
        planes.push(band.re, band.im);
        size += 2 * n;
      } else {
        layout.push({ part, re: size });
        planes.push(band);
        size += n;
      }
    };
    if (levels.includes('residual_highpass')) add(coeffs.get('residual_highpass')!, 'highpass');
    for (let i = 0; i < this.numScales; i++) {
      if (levels.includes(i)) for (const b of bands) add(coeffs.get(bandKey(i, b))!, [i, b]);
    }
    if (levels.includes('residual_lowpass')) add(lowpass, 'lowpass');
    if (layout.length === 0) return tf.zeros([batch, channels, ...this.imageShape]);
    return tf.tidy(() => {
      const flat = planes.map((t) => tf.reshape(t, [batch, channels, -1]));
      const input = flat.length === 1 ? flat[0] : concatLastAxis(flat);
      return this.reconOperator(`recon|${levels}|${bands}`, layout, size)(input) as tf.Tensor4D;
    });
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

  /** Highpass, then per scale the K real planes and (complex) the K imaginary planes, then lowpass. */
  private scalesLayout(wanted: Set<Scale>): { layout: PartLayout[]; size: number } {
    const layout: PartLayout[] = [];
    let size = 0;
    const [H, W] = this.imageShape;
    if (wanted.has('residual_highpass')) {
      layout.push({ part: 'highpass', re: 0 });
      size += H * W;
    }
    for (let i = 0; i < this.numScales; i++) {
      if (!wanted.has(i)) continue;
      const [h, w] = this.constants.scaleGrids[i].shape;
      const block = this.numOrientations * h * w;
      for (let b = 0; b < this.numOrientations; b++) {
        layout.push({ part: [i, b], re: size + b * h * w, im: this.isComplex ? size + block + b * h * w : undefined });
      }
      size += this.isComplex ? 2 * block : block;
    }
    if (wanted.has('residual_lowpass')) {
      const [h, w] = this.constants.lowpassGrid.shape;
      layout.push({ part: 'lowpass', re: size });
      size += h * w;
    }
    return { layout, size };
  }

  /** plenoptic's convertPyrToTensor channels (every band at the image size): highpass, bands (real, imaginary), lowpass. */
  private channelsLayout(wanted: Set<Scale>): { layout: PartLayout[]; size: number } {
    const plane = this.imageShape[0] * this.imageShape[1];
    const layout: PartLayout[] = [];
    let size = 0;
    const add = (part: PartLayout['part'], complex: boolean) => {
      layout.push({ part, re: size, im: complex ? size + plane : undefined });
      size += complex ? 2 * plane : plane;
    };
    if (wanted.has('residual_highpass')) add('highpass', false);
    for (let i = 0; i < this.numScales; i++) {
      if (wanted.has(i)) for (let b = 0; b < this.numOrientations; b++) add([i, b], this.isComplex);
    }
    if (wanted.has('residual_lowpass')) add('lowpass', false);
    return { layout, size };
  }

  /** x [B, C, H, W] → coefficients of shape coeffShape(B, C), one node whose gradient is the adjoint kernel. */
  private analysisOperator(key: string, layout: PartLayout[], size: number, coeffShape: (b: number, c: number) => number[]): LinearOperator {
    let op = this.operators.get(key);
    if (!op) {
      const frame = makeFrame(this.constants, this.constants.analysis, this.fftNorm, true, layout, size);
      const [H, W] = this.imageShape;
      op = linearOperator(
        1,
        ([x]) => tf.tensor(analyze(frame, x.dataSync(), x.size / (H * W), false), coeffShape(x.shape[0], x.shape[1] as number)),
        (g) => {
          const [b] = g.shape;
          return [tf.tensor4d(synthesize(frame, g.dataSync(), g.size / size, true), [b, g.size / size / b, H, W])];
        },
      );
      this.operators.set(key, op);
    }
    return op;
  }

  /** Coefficients [B, C, size] → images [B, C, H, W], one node whose gradient is the adjoint kernel. */
  private reconOperator(key: string, layout: PartLayout[], size: number): LinearOperator {
    let op = this.operators.get(key);
    if (!op) {
      const frame = makeFrame(this.constants, this.constants.synthesis, this.fftNorm, false, layout, size);
      const [H, W] = this.imageShape;
      op = linearOperator(
        1,
        ([c]) => {
          const [b, ch] = c.shape;
          return tf.tensor4d(synthesize(frame, c.dataSync(), b * ch, false), [b, ch, H, W]);
        },
        (g) => {
          const [b, ch] = g.shape;
          return [tf.tensor3d(analyze(frame, g.dataSync(), b * ch, true), [b, ch, size])];
        },
      );
      this.operators.set(key, op);
    }
    return op;
  }

  /** Drops the cached operators (they hold only JavaScript arrays, rebuilt on demand). */
  override dispose(): void {
    this.operators.clear();
  }
}

/** Orientation b of [B, C, K, h, w] as [B, C, h, w]. */
function orientation(t: tf.Tensor, b: number): tf.Tensor {
  const [batch, ch, k, h, w] = t.shape as number[];
  return takeSlice(t, [batch * ch, k, h * w], [0, b, 0], [batch * ch, 1, h * w], [batch, ch, h, w]);
}
