// plenoptic.simulate.models.frontend: the early-vision models of Berardino et al. (2017), "Eigen-distortions of
// hierarchical representations": a center-surround filter, optional luminance and contrast gain control, and a
// softplus, on one channel (LinearNonlinear, LuminanceGainControl, LuminanceContrastGainControl) or on an on-off
// pair (OnOff).
//
// As for the naive models, the learnable parameters of plenoptic are fixed numbers here; without `pretrained` the
// gain-control scalars start, as in plenoptic, uniform in [0, 10), drawn from the seeded generator.
import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { TfjsModel } from '../runtime/model.js';
import { defaultRng, type Rng } from '../runtime/rng.js';
import { kernelShape, type KernelSize } from './filters.js';
import { CenterSurround, Gaussian } from './naive.js';
import type { PadMode } from './padding.js';
import { checkImageBatch } from './image-input.js';
import { stackChannels, toPlanar } from './separable-filter.js';
import { pretrainedKernelSize, pretrainedParameters, type FrontEndParameters } from './berardino-parameters.js';
import { makeDisk } from '../images/procedural.js';

export type Activation = (x: tf.Tensor) => tf.Tensor;

export interface FrontEndOptions {
  /** Default 1.25 (overridden by the pretrained value). */
  amplitudeRatio?: number;
  /** plenoptic's default is 'reflect'. */
  padMode?: PadMode;
  /** Use the published Berardino et al. (2017) parameters; needs kernelSize [31, 31]. */
  pretrained?: boolean;
  /** An elementwise function applied last; default softplus. */
  activation?: Activation;
  /** Accepted for plenoptic's signature; the filters are constants here and always cached. */
  cacheFilt?: boolean;
  /** plenoptic ≤ 1.0's clamp of surroundStd to ≥ widthRatioLimit · centerStd; off by default (as plenoptic 1.1). */
  widthRatioLimit?: number;
  /** Draws the initial gain-control scalars when not pretrained. */
  rng?: Rng;
}

export interface SingleChannelFrontEndOptions extends FrontEndOptions {
  /** true: on-center / off-surround. Default true. */
  onCenter?: boolean;
}

export interface OnOffOptions extends FrontEndOptions {
  /** Multiply the output by a soft disk (plenoptic's make_disk), so synthesis leaves the periphery alone. */
  applyMask?: boolean;
}

type Stage = 'linear' | 'luminance' | 'contrast';

/** The shared pipeline: y = act(ln / (1 + c_s · (√(G_c(ln²)) + 1e-6))), ln = CS(x) / (1 + l_s · G_l(x)). */
abstract class FrontEnd extends TfjsModel {
  readonly kernelSize: [number, number];
  readonly centerSurround: CenterSurround;
  readonly luminance?: Gaussian;
  readonly contrast?: Gaussian;
  /** One per channel. */
  readonly luminanceScalar?: readonly number[];
  readonly contrastScalar?: readonly number[];
  readonly activation: Activation;
  readonly pretrained: boolean;
  readonly cacheFilt: boolean;
  protected readonly channels: number;

  protected constructor(
    readonly name: keyof typeof pretrainedParameters,
    kernelSize: KernelSize,
    stages: readonly Stage[],
    onCenter: readonly boolean[],
    options: FrontEndOptions,
  ) {
    super();
    this.kernelSize = kernelShape(kernelSize);
    this.pretrained = options.pretrained ?? false;
    this.cacheFilt = options.cacheFilt ?? false;
    this.activation = options.activation ?? tf.softplus;
    this.channels = onCenter.length;
    const n = this.channels;
    if (this.pretrained && (this.kernelSize[0] !== pretrainedKernelSize[0] || this.kernelSize[1] !== pretrainedKernelSize[1])) {
      throw new ValueError(`pretrained model has kernel_size (31, 31), but got kernelSize [${this.kernelSize.join(', ')}]. Pass kernelSize [31, 31] or pretrained: false.`);
    }
    const rng = options.rng ?? defaultRng();
    const randomScalars = () => Array.from({ length: n }, () => rng.uniform() * 10);
    const p: FrontEndParameters | null = this.pretrained ? pretrainedParameters[name] : null;
    const padMode = options.padMode ?? 'reflect';
    this.centerSurround = new CenterSurround(this.kernelSize, {
      onCenter,
      outChannels: n,
      amplitudeRatio: p ? p['center_surround.amplitude_ratio'] : options.amplitudeRatio,
      centerStd: p?.['center_surround.center_std'],
      surroundStd: p?.['center_surround.surround_std'],
      padMode,
      widthRatioLimit: options.widthRatioLimit,
    });
    if (stages.includes('luminance')) {
      this.luminance = new Gaussian(this.kernelSize, { std: p?.['luminance.std'], outChannels: n, padMode });
      this.luminanceScalar = p?.luminance_scalar ?? randomScalars();
    }
    if (stages.includes('contrast')) {
      this.contrast = new Gaussian(this.kernelSize, { std: p?.['contrast.std'], outChannels: n, padMode });
      this.contrastScalar = p?.contrast_scalar ?? randomScalars();
    }
  }

  /** The model's output before any mask: [B, channels, H, W]. */
  protected responses(x: tf.Tensor4D): tf.Tensor4D {
    checkImageBatch(x, this.name, 1);
    const planar = toPlanar(x);
    const linear = this.centerSurround.filterAllChannels(planar);
    const luminance = this.luminance?.filterAllChannels(planar);
    const outputs = linear.map((lin, c) => {
      let y: tf.Tensor3D = lin;
      if (luminance && this.luminanceScalar) {
        y = tf.div(y, tf.add(1, tf.mul(this.luminanceScalar[c], luminance[c])));
      }
      if (this.contrast && this.contrastScalar) {
        const contrast = tf.add(tf.sqrt(this.contrast.filterChannel(tf.square(y), c)), 1e-6);
        y = tf.div(y, tf.add(1, tf.mul(this.contrastScalar[c], contrast)));
      }
      return this.activation(y) as tf.Tensor3D;
    });
    return stackChannels(outputs, x.shape[0]);
  }

  tfjsForward(x: tf.Tensor4D): tf.Tensor {
    return this.responses(x);
  }

  /** The filters in plenoptic's display order (center-surround, luminance, contrast); the caller owns them. */
  filters(): { title: string; filt: tf.Tensor4D }[] {
    const suffix = (c: number) => (this.channels > 1 ? (c === 0 ? ' on' : ' off') : '');
    const out: { title: string; filt: tf.Tensor4D }[] = [];
    const add = (label: string, model?: CenterSurround | Gaussian) => {
      if (!model) return;
      const all = model.filt();
      for (let c = 0; c < this.channels; c++) out.push({ title: `${label} filt${suffix(c)}`, filt: tf.slice(all, [c, 0, 0, 0], [1, -1, -1, -1]) });
      all.dispose();
    };
    add('linear', this.centerSurround);
    add('luminance', this.luminance);
    add('contrast', this.contrast);
    return out;
  }
}

/** Center-surround filter, then softplus. */
export class LinearNonlinear extends FrontEnd {
  constructor(kernelSize: KernelSize, options: SingleChannelFrontEndOptions = {}) {
    super('LinearNonlinear', kernelSize, ['linear'], [options.onCenter ?? true], options);
  }
}

/** Center-surround filter divided by (1 + s · local luminance), then softplus. */
export class LuminanceGainControl extends FrontEnd {
  constructor(kernelSize: KernelSize, options: SingleChannelFrontEndOptions = {}) {
    super('LuminanceGainControl', kernelSize, ['linear', 'luminance'], [options.onCenter ?? true], options);
  }
}

/** LuminanceGainControl's output further divided by (1 + s · local contrast), then softplus. */
export class LuminanceContrastGainControl extends FrontEnd {
  constructor(kernelSize: KernelSize, options: SingleChannelFrontEndOptions = {}) {
    super('LuminanceContrastGainControl', kernelSize, ['linear', 'luminance', 'contrast'], [options.onCenter ?? true], options);
  }
}

/** Two LuminanceContrastGainControl channels, on-center and off-center: output [B, 2, H, W]. */
export class OnOff extends FrontEnd {
  readonly applyMask: boolean;
  private disk: { key: string; mask: tf.Tensor4D } | null = null;

  constructor(kernelSize: KernelSize, options: OnOffOptions = {}) {
    super('OnOff', kernelSize, ['linear', 'luminance', 'contrast'], [true, false], options);
    this.applyMask = options.applyMask ?? false;
  }

  private mask(h: number, w: number): tf.Tensor4D {
    const key = `${h}x${w}`;
    if (this.disk?.key !== key) {
      this.disk?.mask.dispose();
      this.disk = { key, mask: tf.keep(tf.tensor4d(makeDisk([h, w]), [1, 1, h, w])) };
    }
    return this.disk.mask;
  }

  override tfjsForward(x: tf.Tensor4D): tf.Tensor {
    const y = this.responses(x);
    return this.applyMask ? tf.mul(y, this.mask(x.shape[2], x.shape[3])) : y;
  }

  override dispose(): void {
    this.disk?.mask.dispose();
    this.disk = null;
  }
}
