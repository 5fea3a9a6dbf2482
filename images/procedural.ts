// Built-in images made from a formula and a seed, so the library runs with no image files at all (and in a
// browser). Each returns a 1×1×H×W float32 batch in [0, 1]; the random ones are reproducible from their seed.
import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { Rng } from '../runtime/rng.js';
import { powerLawNoise } from './spectral-noise.js';

export type ImageSize = number | readonly [number, number];

export interface ProceduralOptions {
  /** Side length, or [height, width]. Default 256. */
  size?: ImageSize;
  /** Seed of the random images (the deterministic ones ignore it). Default 0. */
  seed?: number;
}

function imageShape(size: ImageSize = 256): [number, number] {
  const shape: [number, number] = typeof size === 'number' ? [size, size] : [size[0], size[1]];
  const ok = (typeof size === 'number' || size.length === 2) && shape.every((n) => Number.isInteger(n) && n >= 1);
  if (!ok) throw new ValueError(`size must be a positive integer or [height, width], but got ${JSON.stringify(size)}.`);
  return shape;
}

function toImage(values: ArrayLike<number>, [h, w]: [number, number]): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(values, (v) => Math.min(1, Math.max(0, v))), [1, 1, h, w]);
}

/** Affine map of the values onto [0, 1] (a constant array becomes 0.5). */
function rescale(values: ArrayLike<number>): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const range = max - min;
  return Float64Array.from(values as ArrayLike<number>, (v) => (range > 0 ? (v - min) / range : 0.5));
}

function fill([h, w]: [number, number], f: (i: number, j: number) => number): Float64Array {
  const out = new Float64Array(h * w);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out[i * w + j] = f(i, j);
  return out;
}

/**
 * plenoptic's tools.signal.make_disk: 1 within innerRadius of the image centre ((h−1)/2, (w−1)/2), 0 beyond
 * outerRadius, and a raised-cosine fall-off between. Defaults: outer (min(h, w) − 1)/2, inner half of it.
 */
export function makeDisk(size: ImageSize, outerRadius?: number, innerRadius?: number): Float32Array {
  const [h, w] = imageShape(size);
  const outer = outerRadius ?? (Math.min(h, w) - 1) / 2;
  const inner = innerRadius ?? outer / 2;
  const ci = (h - 1) / 2;
  const cj = (w - 1) / 2;
  return Float32Array.from(
    fill([h, w], (i, j) => {
      const r = Math.hypot(i - ci, j - cj);
      if (r > outer) return 0;
      if (r < inner) return 1;
      return (1 + Math.cos((Math.PI * (r - inner)) / (outer - inner))) / 2;
    }),
  );
}

export interface DiskOptions extends ProceduralOptions {
  outerRadius?: number;
  innerRadius?: number;
}

/** A soft-edged disk (plenoptic's make_disk) on a black background. */
export function disk(options: DiskOptions = {}): tf.Tensor4D {
  const shape = imageShape(options.size);
  return toImage(makeDisk(shape, options.outerRadius, options.innerRadius), shape);
}

export interface GratingOptions extends ProceduralOptions {
  /** Pixels per cycle. Default: an eighth of the width. */
  period?: number;
  /** Direction of variation in radians: 0 varies along x (vertical bars). Default 0. */
  direction?: number;
  phase?: number;
  /** Michelson contrast in [0, 1]. Default 1. */
  contrast?: number;
}

/** 0.5 + 0.5 · contrast · sin(2π (x cos θ + y sin θ) / period + phase). */
export function sineGrating(options: GratingOptions = {}): tf.Tensor4D {
  const shape = imageShape(options.size);
  const period = options.period ?? shape[1] / 8;
  if (!(period > 0)) throw new ValueError(`period must be positive, but got ${period}.`);
  const theta = options.direction ?? 0;
  const contrast = options.contrast ?? 1;
  const phase = options.phase ?? 0;
  const k = (2 * Math.PI) / period;
  return toImage(fill(shape, (i, j) => 0.5 + 0.5 * contrast * Math.sin(k * (j * Math.cos(theta) + i * Math.sin(theta)) + phase)), shape);
}

/** pyrtools' zone plate, 0.5 + 0.5 · cos(π r² / max(h, w) + phase): the local frequency grows linearly with r. */
export function zonePlate(options: ProceduralOptions & { phase?: number } = {}): tf.Tensor4D {
  const shape = imageShape(options.size);
  const [h, w] = shape;
  const phase = options.phase ?? 0;
  return toImage(fill(shape, (i, j) => 0.5 + 0.5 * Math.cos((Math.PI * ((i - h / 2) ** 2 + (j - w / 2) ** 2)) / Math.max(h, w) + phase)), shape);
}

/** Black and white squares of side `period` pixels (default an eighth of the width), white at the top left. */
export function checkerboard(options: ProceduralOptions & { period?: number } = {}): tf.Tensor4D {
  const shape = imageShape(options.size);
  const period = options.period ?? Math.max(1, Math.round(shape[1] / 8));
  if (!(period > 0)) throw new ValueError(`period must be positive, but got ${period}.`);
  return toImage(fill(shape, (i, j) => 1 - ((Math.floor(i / period) + Math.floor(j / period)) % 2)), shape);
}

/** Noise with amplitude spectrum 1/f^fractDim (1: pink noise, as pyrtools' pink_noise), rescaled to [0, 1]. */
export function pinkNoise(options: ProceduralOptions & { fractDim?: number } = {}): tf.Tensor4D {
  const shape = imageShape(options.size);
  return toImage(rescale(powerLawNoise(shape[0], shape[1], options.fractDim ?? 1, new Rng(options.seed ?? 0))), shape);
}

export interface DeadLeavesOptions extends ProceduralOptions {
  /** Disk radii follow p(r) ∝ r⁻³ on [minRadius, maxRadius] pixels, which makes the image scale-invariant. */
  minRadius?: number;
  maxRadius?: number;
}

/**
 * The dead-leaves model: opaque disks of uniform random gray, scale-invariant sizes, falling on each other. Disks
 * are laid front to back, each filling only pixels no earlier disk covers, until the image is covered.
 */
export function deadLeaves(options: DeadLeavesOptions = {}): tf.Tensor4D {
  const shape = imageShape(options.size);
  const [h, w] = shape;
  const rMin = options.minRadius ?? Math.max(1, Math.min(h, w) / 128);
  const rMax = options.maxRadius ?? Math.min(h, w) / 4;
  if (!(rMin > 0 && rMax >= rMin)) throw new ValueError(`need 0 < minRadius <= maxRadius, but got ${rMin} and ${rMax}.`);
  const rng = new Rng(options.seed ?? 0);
  const out = new Float64Array(h * w).fill(-1);
  let uncovered = h * w;
  const a = rMin ** -2;
  const b = rMax ** -2;
  for (let leaf = 0; uncovered > 0 && leaf < 50 * h * w; leaf++) {
    const r = (a - rng.uniform() * (a - b)) ** -0.5;
    const ci = rng.uniform() * (h + 2 * r) - r;
    const cj = rng.uniform() * (w + 2 * r) - r;
    const gray = rng.uniform();
    for (let i = Math.max(0, Math.ceil(ci - r)); i <= Math.min(h - 1, Math.floor(ci + r)); i++) {
      const half = Math.sqrt(Math.max(0, r * r - (i - ci) ** 2));
      for (let j = Math.max(0, Math.ceil(cj - half)); j <= Math.min(w - 1, Math.floor(cj + half)); j++) {
        if (out[i * w + j] < 0) {
          out[i * w + j] = gray;
          uncovered--;
        }
      }
    }
  }
  return toImage(out.map((v) => (v < 0 ? 0.5 : v)), shape);
}

/**
 * A stationary texture for texture-metamer demos: a few oriented gratings at random orientations, frequencies and
 * phases, modulated and mixed with pink noise, rescaled to [0, 1].
 */
export function texture(options: ProceduralOptions & { components?: number } = {}): tf.Tensor4D {
  const shape = imageShape(options.size);
  const rng = new Rng(options.seed ?? 0);
  const components = Array.from({ length: options.components ?? 5 }, () => ({
    theta: rng.uniform() * Math.PI,
    k: (2 * Math.PI) / (4 + rng.uniform() * 20),
    phase: rng.uniform() * 2 * Math.PI,
    amplitude: 0.5 + rng.uniform(),
  }));
  const noise = rescale(powerLawNoise(shape[0], shape[1], 1, rng));
  const values = fill(shape, (i, j) => {
    let v = 0;
    for (const c of components) v += c.amplitude * Math.sin(c.k * (j * Math.cos(c.theta) + i * Math.sin(c.theta)) + c.phase);
    return Math.abs(v) + 2 * noise[i * shape[1] + j];
  });
  return toImage(rescale(values), shape);
}

export interface BuiltinImage {
  description: string;
  make(options?: ProceduralOptions): tf.Tensor4D;
}

/** The built-in images by name, for the CLI's `builtin:NAME`. */
export const builtinImages: Record<string, BuiltinImage> = {
  'dead-leaves': { description: 'occluding disks of random gray with scale-invariant sizes (natural-image-like statistics); seeded', make: deadLeaves },
  'pink-noise': { description: '1/f noise, the power spectrum of natural images; seeded', make: pinkNoise },
  'sine-grating': { description: 'vertical sine grating, 8 cycles across', make: sineGrating },
  'zone-plate': { description: 'circular zone plate: frequency grows with distance from the centre', make: zonePlate },
  disk: { description: 'soft-edged white disk on black (plenoptic make_disk)', make: disk },
  checkerboard: { description: 'black and white checkerboard, 8 squares across', make: checkerboard },
  texture: { description: 'oriented gratings mixed with pink noise: a target for texture metamers; seeded', make: texture },
};

/** A built-in image by name, 1×1×H×W in [0, 1]. */
export function builtinImage(name: string, options: ProceduralOptions = {}): tf.Tensor4D {
  const entry = Object.hasOwn(builtinImages, name) ? builtinImages[name] : undefined;
  if (!entry) {
    throw new ValueError(`Unknown built-in image '${name}'. Known images: ${Object.keys(builtinImages).join(', ')}.`);
  }
  return entry.make(options);
}
