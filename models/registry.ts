// Built-in models by kebab-case name, built from camelCase JSON options: what the CLI's --model / --options and
// any configuration file use. Adding a model is one entry in builtinModels.
import { ValueError } from '../runtime/errors.js';
import type { Model } from '../runtime/model.js';
import type { KernelSize } from './filters.js';
import { CenterSurround, Gaussian, Identity, Linear, type CenterSurroundOptions, type GaussianOptions, type LinearOptions } from './naive.js';
import {
  LinearNonlinear,
  LuminanceContrastGainControl,
  LuminanceGainControl,
  OnOff,
  type OnOffOptions,
  type SingleChannelFrontEndOptions,
} from './frontend.js';
import { SteerablePyramidFreq, type SteerablePyramidOptions } from './pyramids/steerable.js';
import { LaplacianPyramid } from './pyramids/laplacian.js';
import { PortillaSimoncelli, type PortillaSimoncelliOptions } from './portilla-simoncelli/model.js';

export type ModelOptions = Record<string, unknown>;
export interface ModelFactory {
  (options: ModelOptions): Model;
  /** The option names the factory accepts. */
  readonly optionNames: readonly string[];
}

/**
 * A factory that rejects option names it does not know (a typo would otherwise be silently ignored) and, when
 * kernelSize is required, its absence.
 */
export function withOptions<O extends object>(
  model: string,
  known: readonly (keyof O | 'kernelSize')[],
  create: (options: O & { kernelSize: KernelSize }) => Model,
  { kernelSizeRequired = true } = {},
): ModelFactory {
  const factory = (options: ModelOptions) => {
    const unknown = Object.keys(options).filter((k) => !known.includes(k as keyof O));
    if (unknown.length) {
      throw new ValueError(`Unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} for model '${model}'. Known options: ${known.join(', ')}.`);
    }
    if (kernelSizeRequired && options.kernelSize === undefined) {
      throw new ValueError(`Model '${model}' needs the option kernelSize, e.g. {"kernelSize": [31, 31]}.`);
    }
    return create(options as O & { kernelSize: KernelSize });
  };
  return Object.assign(factory, { optionNames: known.map(String) });
}

const frontEndOptions = ['kernelSize', 'amplitudeRatio', 'padMode', 'pretrained', 'cacheFilt', 'widthRatioLimit'] as const;

export const builtinModels: Record<string, ModelFactory> = {
  identity: withOptions<{ name?: string }>('identity', ['name'], (o) => new Identity(o), { kernelSizeRequired: false }),
  linear: withOptions<LinearOptions>('linear', ['kernelSize', 'padMode', 'defaultFilters'], (o) => new Linear(o.kernelSize ?? [3, 3], o), { kernelSizeRequired: false }),
  gaussian: withOptions<GaussianOptions>('gaussian', ['kernelSize', 'std', 'padMode', 'outChannels', 'cacheFilt'], (o) => new Gaussian(o.kernelSize, o)),
  'center-surround': withOptions<CenterSurroundOptions>(
    'center-surround',
    ['kernelSize', 'onCenter', 'amplitudeRatio', 'centerStd', 'surroundStd', 'outChannels', 'padMode', 'cacheFilt', 'widthRatioLimit'],
    (o) => new CenterSurround(o.kernelSize, o),
  ),
  'linear-nonlinear': withOptions<SingleChannelFrontEndOptions>('linear-nonlinear', [...frontEndOptions, 'onCenter'], (o) => new LinearNonlinear(o.kernelSize, o)),
  'luminance-gain-control': withOptions<SingleChannelFrontEndOptions>('luminance-gain-control', [...frontEndOptions, 'onCenter'], (o) => new LuminanceGainControl(o.kernelSize, o)),
  'luminance-contrast-gain-control': withOptions<SingleChannelFrontEndOptions>('luminance-contrast-gain-control', [...frontEndOptions, 'onCenter'], (o) => new LuminanceContrastGainControl(o.kernelSize, o)),
  'on-off': withOptions<OnOffOptions>('on-off', [...frontEndOptions, 'applyMask'], (o) => new OnOff(o.kernelSize, o)),
  'steerable-pyramid': withOptions<SteerablePyramidOptions & { imageShape: number[] }>(
    'steerable-pyramid',
    ['imageShape', 'height', 'order', 'twidth', 'isComplex', 'downsample', 'tightFrame'],
    (o) => new SteerablePyramidFreq(requireImageShape('steerable-pyramid', o.imageShape), o),
    { kernelSizeRequired: false },
  ),
  'laplacian-pyramid': withOptions<{ nScales?: number; scaleFilter?: boolean }>(
    'laplacian-pyramid',
    ['nScales', 'scaleFilter'],
    (o) => new LaplacianPyramid(o.nScales, o.scaleFilter),
    { kernelSizeRequired: false },
  ),
  'portilla-simoncelli': withOptions<PortillaSimoncelliOptions & { imageShape: number[] }>(
    'portilla-simoncelli',
    ['imageShape', 'nScales', 'nOrientations', 'spatialCorrWidth'],
    (o) => new PortillaSimoncelli(requireImageShape('portilla-simoncelli', o.imageShape), o),
    { kernelSizeRequired: false },
  ),
};

function requireImageShape(model: string, imageShape: unknown): number[] {
  if (imageShape === undefined) {
    throw new ValueError(`Model '${model}' needs the option imageShape, the [height, width] of its images, e.g. {"imageShape": [256, 256]}.`);
  }
  return imageShape as number[];
}

/** Builds a built-in model by its kebab-case name from camelCase options. */
export function createModel(name: string, options: ModelOptions = {}): Model {
  const factory = Object.hasOwn(builtinModels, name) ? builtinModels[name] : undefined;
  if (!factory) {
    throw new ValueError(`Unknown model '${name}'. Known models: ${Object.keys(builtinModels).join(', ')}.`);
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(`Options for model '${name}' must be a JSON object, e.g. {"kernelSize": [31, 31]}, but got ${JSON.stringify(options)}.`);
  }
  return factory(options);
}
