// plenoptic's canonical_computations.filters: the 1-D and circular 2-D Gaussian kernels its models are built from.
import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';

/** A kernel size as plenoptic takes it: one int for a square kernel, or (height, width). */
export type KernelSize = number | readonly [number, number];

/** Normalises a kernel size to [height, width], checking it is made of positive integers. */
export function kernelShape(kernelSize: KernelSize, what = 'kernelSize'): [number, number] {
  const shape: [number, number] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : [kernelSize[0], kernelSize[1]];
  const ok = Array.isArray(kernelSize) ? kernelSize.length === 2 : typeof kernelSize === 'number';
  if (!ok || !shape.every((k) => Number.isInteger(k) && k >= 1)) {
    throw new ValueError(`${what} must be a positive integer or a pair [height, width] of them, but got ${JSON.stringify(kernelSize)}. Example: [31, 31].`);
  }
  return shape;
}

/** One std per output channel: a single number is repeated, an array must have outChannels entries, all > 0. */
export function stdPerChannel(std: number | readonly number[], outChannels: number, what = 'std'): number[] {
  if (!Number.isInteger(outChannels) || outChannels < 1) {
    throw new ValueError(`number of filters must be positive integer, but outChannels is ${outChannels}.`);
  }
  const stds = typeof std === 'number' ? new Array<number>(outChannels).fill(std) : [...std];
  if (stds.length !== outChannels) {
    throw new ValueError(`Number of stds must equal out_channels: got ${stds.length} values of ${what} for outChannels = ${outChannels}.`);
  }
  if (!stds.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0)) {
    throw new ValueError(`stdev must be positive: ${what} = [${stds.join(', ')}]. Pass values > 0.`);
  }
  return stds;
}

/**
 * plenoptic's gaussian1d: exp(−(x−μ)²/(2σ²)) on x = 0..k−1 with μ = floor(k/2), normalised to sum 1.
 * The default is SSIM's 11-tap window.
 */
export function gaussian1d(kernelSize = 11, std = 1.5): Float32Array {
  if (!(std > 0)) throw new ValueError(`std must be positive! Got ${std}.`);
  if (!Number.isInteger(kernelSize) || kernelSize < 1) {
    throw new ValueError(`kernelSize must be a positive integer, but got ${kernelSize}.`);
  }
  const mu = Math.floor(kernelSize / 2);
  const taps = Array.from({ length: kernelSize }, (_, x) => Math.exp(-((x - mu) ** 2) / (2 * std * std)));
  const total = taps.reduce((a, b) => a + b, 0);
  return Float32Array.from(taps, (v) => v / total);
}

/**
 * The 1-D factor of circularGaussian2d along an axis of n taps: centred at (n+1)/2 in 1-based coordinates (between
 * two taps for even n), normalised to sum 1. The 2-D kernel is exactly outer(factor(h), factor(w)), because
 * exp(−(x²+y²)/2σ²) factorises and so does its total sum.
 */
export function circularGaussianFactor(n: number, std: number): number[] {
  const origin = (n + 1) / 2;
  const taps = Array.from({ length: n }, (_, i) => Math.exp(-((i + 1 - origin) ** 2) / (2 * std * std)));
  const total = taps.reduce((a, b) => a + b, 0);
  return taps.map((v) => v / total);
}

/**
 * plenoptic's circular_gaussian2d: one isotropic Gaussian per output channel, each normalised by its pixel sum
 * (not by 2π·std²). Returns (outChannels, 1, h, w); the caller owns it.
 */
export function circularGaussian2d(kernelSize: KernelSize, std: number | readonly number[], outChannels = 1): tf.Tensor4D {
  const [h, w] = kernelShape(kernelSize);
  const stds = stdPerChannel(std, outChannels);
  const data = new Float32Array(outChannels * h * w);
  stds.forEach((s, c) => {
    const fy = circularGaussianFactor(h, s);
    const fx = circularGaussianFactor(w, s);
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) data[(c * h + i) * w + j] = fy[i] * fx[j];
  });
  return tf.tensor4d(data, [outChannels, 1, h, w]);
}
