// plenoptic.simulate.models.naive: Identity, Linear, Gaussian and CenterSurround.
//
// plenoptic keeps the Gaussian widths as learnable nn.Parameters; synthesis never trains them, so here they are
// plain numbers fixed at construction, and the filters built from them are constants (always cached: `cacheFilt`
// is accepted for plenoptic's signature but changes nothing).
import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { TfjsModel } from '../runtime/model.js';
import { defaultRng, type Rng } from '../runtime/rng.js';
import { kernelShape, stdPerChannel, type KernelSize } from './filters.js';
import { checkPadMode, samePadding, type PadMode } from './padding.js';
import { checkImageBatch } from './image-input.js';
import { filterPlanar, gaussianTerm, stackChannels, termsToKernel, toPlanar, type SeparableTerm } from './separable-filter.js';

/** plenoptic's Identity: a copy of the input. Useful when only the loss function matters. */
export class Identity extends TfjsModel {
  readonly name: string;
  constructor(options: { name?: string } = {}) {
    super();
    this.name = options.name ?? 'Identity';
  }
  tfjsForward(x: tf.Tensor4D): tf.Tensor {
    checkImageBatch(x, this.name);
    return tf.mul(x, 1);
  }
}

/**
 * torch sums short float32 vectors in 8 interleaved lanes (AVX2), then adds the lanes; Linear's band-pass is
 * divided by a sum that is ~0, so only this order reproduces plenoptic's 3×3 default filters exactly.
 */
function float32LaneSum(values: Float32Array): number {
  const lanes = new Array<number>(8).fill(0);
  values.forEach((v, i) => (lanes[i % 8] = Math.fround(lanes[i % 8] + v)));
  return lanes.reduce((a, b) => Math.fround(a + b), 0);
}

/** circular_gaussian2d computed step by step in float32, as torch does, for Linear's default filters. */
function float32CircularGaussian(kh: number, kw: number, std: number): Float32Array {
  const f = Math.fround;
  const shift = (n: number) => Array.from({ length: n }, (_, i) => f(i + 1 - f((n + 1) / 2)));
  const ys = shift(kh);
  const xs = shift(kw);
  const denominator = f(-2 * f(std * std));
  const out = new Float32Array(kh * kw);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) out[i * kw + j] = Math.exp(f(f(f(ys[i] * ys[i]) + f(xs[j] * xs[j])) / denominator));
  const total = float32LaneSum(out);
  return out.map((v) => v / total);
}

export interface LinearOptions {
  /** plenoptic's default is 'circular'. */
  padMode?: PadMode;
  /** true: a Gaussian low-pass and a difference-of-Gaussians "band-pass" (plenoptic's default_filters). */
  defaultFilters?: boolean;
  /** With defaultFilters false, the generator for torch's default (Kaiming-uniform) initialisation. */
  rng?: Rng;
}

/**
 * plenoptic's Linear: a 2-channel convolution of a 1-channel image with 'same' padding.
 *
 * The default filters are f1 = circularGaussian2d(k, √3) and f2 = (g1 − f1) / Σ(g1 − f1) with g1 =
 * circularGaussian2d(k, 1). Σ(g1 − f1) is zero up to float32 rounding, so f2 is huge (±2e6 for 3×3): this is
 * plenoptic's behaviour, reproduced exactly for the default 3×3 and kept as is for other sizes.
 */
export class Linear extends TfjsModel {
  readonly name = 'Linear';
  readonly kernelSize: [number, number];
  readonly padMode: PadMode;
  /** The (2, 1, kh, kw) weights, row-major. */
  readonly weights: Float32Array;
  private kernel: tf.Tensor4D | null = null;

  constructor(kernelSize: KernelSize = [3, 3], options: LinearOptions = {}) {
    super();
    this.kernelSize = kernelShape(kernelSize);
    this.padMode = checkPadMode(options.padMode ?? 'circular');
    const [kh, kw] = this.kernelSize;
    if (options.defaultFilters ?? true) {
      const f1 = float32CircularGaussian(kh, kw, Math.fround(Math.sqrt(3)));
      const g1 = float32CircularGaussian(kh, kw, Math.fround(Math.sqrt(Math.fround(3 / 3))));
      const bandpass = g1.map((v, i) => v - f1[i]);
      const total = float32LaneSum(bandpass);
      this.weights = Float32Array.from([...f1, ...bandpass.map((v) => v / total)]);
    } else {
      const bound = 1 / Math.sqrt(kh * kw);
      const rng = options.rng ?? defaultRng();
      this.weights = Float32Array.from({ length: 2 * kh * kw }, () => (2 * rng.uniform() - 1) * bound);
    }
  }

  /** The (2, 1, kh, kw) filters; the caller owns the tensor. */
  filt(): tf.Tensor4D {
    return tf.tensor4d(this.weights, [2, 1, ...this.kernelSize]);
  }

  private hwioKernel(): tf.Tensor4D {
    if (!this.kernel) {
      this.kernel = tf.tidy(() => tf.keep(tf.transpose(this.filt(), [2, 3, 1, 0]) as tf.Tensor4D));
    }
    return this.kernel;
  }

  tfjsForward(x: tf.Tensor4D): tf.Tensor {
    checkImageBatch(x, this.name, 1);
    const [b, , h, w] = x.shape;
    const padded = samePadding(x, this.kernelSize, { padMode: this.padMode });
    const [ph, pw] = padded.shape.slice(-2);
    const nhwc = tf.reshape(padded, [b, ph, pw, 1]) as tf.Tensor4D;
    const out = tf.conv2d(nhwc, this.hwioKernel(), 1, 'valid');
    return tf.reshape(tf.transpose(out, [0, 3, 1, 2]), [b, 2, h, w]);
  }

  override dispose(): void {
    this.kernel?.dispose();
    this.kernel = null;
  }
}

/** A model whose channels are each a sum of separable filters applied to a 1-channel input. */
abstract class SeparableFilterModel extends TfjsModel {
  abstract readonly kernelSize: [number, number];
  abstract readonly padMode: PadMode;
  /** The separable terms of each output channel's filter. */
  abstract channelTerms(): SeparableTerm[][];

  /** The (outChannels, 1, kh, kw) filters, plenoptic's `filt`; the caller owns the tensor. */
  filt(): tf.Tensor4D {
    const channels = this.channelTerms();
    const [kh, kw] = this.kernelSize;
    const data = new Float32Array(channels.length * kh * kw);
    channels.forEach((terms, c) => data.set(termsToKernel(terms), c * kh * kw));
    return tf.tensor4d(data, [channels.length, 1, kh, kw]);
  }

  /** Filters planar images [H, P, W] with output channel c's filter. */
  filterChannel(planar: tf.Tensor3D, channel: number): tf.Tensor3D {
    return filterPlanar(planar, this.channelTerms()[channel], this.padMode);
  }

  /** Every output channel applied to the same planar input [H, B, W]. */
  filterAllChannels(planar: tf.Tensor3D): tf.Tensor3D[] {
    return this.channelTerms().map((terms) => filterPlanar(planar, terms, this.padMode));
  }

  tfjsForward(x: tf.Tensor4D): tf.Tensor {
    checkImageBatch(x, this.name, 1);
    return stackChannels(this.filterAllChannels(toPlanar(x)), x.shape[0]);
  }
}

export interface GaussianOptions {
  /** One std for all channels, or one per channel. plenoptic's default is 3. */
  std?: number | readonly number[];
  /** plenoptic's default is 'reflect'. */
  padMode?: PadMode;
  outChannels?: number;
  /** Accepted for plenoptic's signature; the filters are constants here and always cached. */
  cacheFilt?: boolean;
}

/**
 * plenoptic's Gaussian: correlation of a 1-channel image with outChannels circular Gaussians (each summing to 1)
 * after 'same' padding. Computed as two 1-D passes, which is exact because the kernel is separable.
 */
export class Gaussian extends SeparableFilterModel {
  readonly name = 'Gaussian';
  readonly kernelSize: [number, number];
  readonly std: readonly number[];
  readonly padMode: PadMode;
  readonly outChannels: number;
  readonly cacheFilt: boolean;
  private readonly terms: SeparableTerm[][];

  constructor(kernelSize: KernelSize, options: GaussianOptions = {}) {
    super();
    this.kernelSize = kernelShape(kernelSize);
    this.outChannels = options.outChannels ?? 1;
    const std = options.std ?? 3;
    if ((typeof std === 'number' ? [std] : std).some((s) => !(s > 0))) {
      throw new ValueError(`Gaussian standard deviation must be positive, but got std = ${JSON.stringify(std)}.`);
    }
    this.std = stdPerChannel(std, this.outChannels);
    this.padMode = checkPadMode(options.padMode ?? 'reflect');
    this.cacheFilt = options.cacheFilt ?? false;
    this.terms = this.std.map((s) => [gaussianTerm(this.kernelSize, s)]);
  }

  channelTerms(): SeparableTerm[][] {
    return this.terms;
  }
}

export interface CenterSurroundOptions {
  /** true: on-center / off-surround; one value for all channels or one per channel. Default true. */
  onCenter?: boolean | readonly boolean[];
  /** Ratio of center to surround amplitude, >= 1. Default 1.25. */
  amplitudeRatio?: number;
  centerStd?: number | readonly number[];
  surroundStd?: number | readonly number[];
  outChannels?: number;
  /** plenoptic's default is 'reflect'. */
  padMode?: PadMode;
  /** Accepted for plenoptic's signature; the filters are constants here and always cached. */
  cacheFilt?: boolean;
  /**
   * plenoptic ≤ 1.0 clamped surroundStd to at least widthRatioLimit · centerStd (and required the limit > 1);
   * 1.1 dropped the clamp. Give a value to get the old behaviour; the default applies no clamp.
   */
  widthRatioLimit?: number;
}

/**
 * plenoptic's CenterSurround: a difference of Gaussians amplitudeRatio · sign · (G(centerStd) − G(surroundStd)),
 * sign = +1 for on-center channels and −1 for off-center ones. As in plenoptic (whatever its docstring says) the
 * filter is not normalised, and sums to ~0.
 */
export class CenterSurround extends SeparableFilterModel {
  readonly name = 'CenterSurround';
  readonly kernelSize: [number, number];
  readonly onCenter: readonly boolean[];
  readonly amplitudeRatio: number;
  readonly centerStd: readonly number[];
  readonly surroundStd: readonly number[];
  readonly outChannels: number;
  readonly padMode: PadMode;
  readonly cacheFilt: boolean;
  private readonly terms: SeparableTerm[][];

  constructor(kernelSize: KernelSize, options: CenterSurroundOptions = {}) {
    super();
    this.kernelSize = kernelShape(kernelSize);
    const n = options.outChannels ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new ValueError(`outChannels must be a positive integer, but got ${n}.`);
    this.outChannels = n;
    const onCenter = options.onCenter ?? true;
    this.onCenter = typeof onCenter === 'boolean' ? new Array<boolean>(n).fill(onCenter) : [...onCenter];
    if (this.onCenter.length !== n) {
      throw new ValueError(`len(on_center) must match out_channels: onCenter has ${this.onCenter.length} values for outChannels = ${n}.`);
    }
    const center = options.centerStd ?? 1;
    const surround = options.surroundStd ?? 4;
    const lengthOf = (v: number | readonly number[]) => (typeof v === 'number' ? n : v.length);
    if (lengthOf(center) !== n || lengthOf(surround) !== n) {
      throw new ValueError(`stds must correspond to each out_channel: centerStd and surroundStd need ${n} values each.`);
    }
    this.centerStd = stdPerChannel(center, n, 'centerStd');
    let surroundStd = stdPerChannel(surround, n, 'surroundStd');
    const amplitudeRatio = options.amplitudeRatio ?? 1.25;
    if (!(amplitudeRatio >= 1)) {
      throw new ValueError(`ratio of amplitudes must at least be 1., but amplitudeRatio = ${amplitudeRatio}.`);
    }
    this.amplitudeRatio = amplitudeRatio;
    if (options.widthRatioLimit !== undefined) {
      const limit = options.widthRatioLimit;
      if (!(limit > 1)) throw new ValueError(`stdev of surround must be greater than center: widthRatioLimit must be > 1, but got ${limit}.`);
      surroundStd = surroundStd.map((s, c) => Math.max(s, limit * this.centerStd[c]));
    }
    this.surroundStd = surroundStd;
    this.padMode = checkPadMode(options.padMode ?? 'reflect');
    this.cacheFilt = options.cacheFilt ?? false;
    this.terms = this.onCenter.map((on, c) => {
      const weight = amplitudeRatio * (on ? 1 : -1);
      return [gaussianTerm(this.kernelSize, this.centerStd[c], weight), gaussianTerm(this.kernelSize, this.surroundStd[c], -weight)];
    });
  }

  channelTerms(): SeparableTerm[][] {
    return this.terms;
  }
}
