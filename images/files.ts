// Image and .npy files on disk (Node only: fs + sharp). plenoptic's tools.data.load_images, a PNG writer, and
// NumPy's .npy format, all as NCHW float32 tensors with values in [0, 1].
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { warn } from '../runtime/warnings.js';
import { encodeNpy, npyToTensor, parseNpy, tensorToNpy, type NpyArray } from './npy.js';

/** skimage's rgb2gray weights (ITU-R 709 luma), which plenoptic uses. */
const lumaWeights = [0.2125, 0.7154, 0.0721] as const;

export interface LoadImagesOptions {
  /** Convert colour images to one luminance channel (default, as plenoptic); false keeps or makes 3 channels. */
  asGray?: boolean;
}

interface DecodedImage {
  path: string;
  height: number;
  width: number;
  /** Channel-first planes, values in [0, 1]: 1 plane (gray) or 3 (RGB). */
  planes: Float64Array[];
}

async function decode(path: string): Promise<DecodedImage> {
  let pixels: { data: Buffer; info: OutputInfo };
  let deep: boolean;
  try {
    const meta = await sharp(path).metadata();
    deep = meta.depth === 'ushort';
    if (meta.depth !== 'uchar' && !deep) {
      throw new Error(`its samples are '${meta.depth}'; only 8- and 16-bit integer images are supported`);
    }
    // Gray with alpha is read as RGBA so the alpha can be composited like a colour image's.
    const gray = (meta.channels ?? 3) === 1;
    const space = deep ? (gray ? 'grey16' : 'rgb16') : gray ? 'b-w' : 'srgb';
    pixels = await sharp(path).toColourspace(space).raw(deep ? { depth: 'ushort' } : {}).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new ValueError(`Unable to read ${path} as an image: ${(e as Error).message}. Supported formats: PNG, JPEG, TIFF (8- or 16-bit).`);
  }
  const { data, info } = pixels;
  const samples = deep ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : data;
  const max = deep ? 65535 : 255;
  const { width, height, channels } = info;
  const n = width * height;
  const plane = (c: number) => Float64Array.from({ length: n }, (_, i) => samples[i * channels + c] / max);
  if (channels === 1) return { path, height, width, planes: [plane(0)] };
  const colour = [plane(0), plane(1), plane(2)];
  if (channels === 4) {
    // skimage's rgba2rgb: composite onto a white background
    const alpha = plane(3);
    for (const p of colour) for (let i = 0; i < n; i++) p[i] = (1 - alpha[i]) + alpha[i] * p[i];
  }
  return { path, height, width, planes: colour };
}

function toGray(planes: Float64Array[]): Float64Array {
  if (planes.length === 1) return planes[0];
  const [r, g, b] = planes;
  return r.map((v, i) => lumaWeights[0] * v + lumaWeights[1] * g[i] + lumaWeights[2] * b[i]);
}

/** Files to read: a directory lists its entries (not recursively), a file is itself. */
async function expandPaths(paths: string | readonly string[]): Promise<{ path: string; fromDirectory: boolean }[]> {
  const out: { path: string; fromDirectory: boolean }[] = [];
  for (const p of typeof paths === 'string' ? [paths] : paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      throw new ValueError(`File ${p} not found! Check the path (relative paths start at ${process.cwd()}).`);
    }
    if (info.isDirectory()) {
      const entries = (await readdir(p)).sort();
      out.push(...entries.map((e) => ({ path: join(p, e), fromDirectory: true })));
    } else {
      out.push({ path: p, fromDirectory: false });
    }
  }
  return out;
}

/**
 * plenoptic's load_images: reads PNG, JPEG or TIFF files (8- or 16-bit) into one [N, C, H, W] float32 batch with
 * values in [0, 1] (divided by 255 or 65535). A directory contributes every image in it; its other files are
 * skipped with a warning. All images must have the same height and width.
 *
 * asGray (default): colour becomes luminance 0.2125 R + 0.7154 G + 0.0721 B (skimage's rgb2gray), C = 1.
 * Otherwise C = 3, and a gray image is repeated into 3 channels. An alpha channel is composited onto white.
 */
export async function loadImages(paths: string | readonly string[], options: LoadImagesOptions = {}): Promise<tf.Tensor4D> {
  const asGray = options.asGray ?? true;
  const files = await expandPaths(paths);
  const images: DecodedImage[] = [];
  for (const { path, fromDirectory } of files) {
    try {
      images.push(await decode(path));
    } catch (e) {
      if (!fromDirectory) throw e;
      warn(`Unable to load in file ${path}, it's probably not an image, skipping...`);
    }
  }
  if (images.length === 0) {
    throw new ValueError(`No images found in ${JSON.stringify(paths)}. Pass PNG, JPEG or TIFF files, or a directory holding some.`);
  }
  const { height, width } = images[0];
  if (images.some((im) => im.height !== height || im.width !== width)) {
    const shapes = images.map((im) => `${im.path}: ${im.height}x${im.width}`).join(', ');
    throw new ValueError(`All images must be the same shape but got the following: ${shapes}. Crop or resize them to one size.`);
  }
  const channels = asGray ? 1 : 3;
  const n = height * width;
  const data = new Float32Array(images.length * channels * n);
  images.forEach((im, b) => {
    const planes = asGray ? [toGray(im.planes)] : im.planes.length === 1 ? [im.planes[0], im.planes[0], im.planes[0]] : im.planes;
    planes.forEach((p, c) => data.set(p, (b * channels + c) * n));
  });
  return tf.tensor4d(data, [images.length, channels, height, width]);
}

export interface SaveImageOptions {
  /** 8 (default) or 16 bits per sample. */
  bitDepth?: 8 | 16;
}

/**
 * Writes one image as PNG: [H, W], [1, 1, H, W] (gray) or [1, 3, H, W] (RGB), values in [0, 1] rounded to the
 * nearest of 256 or 65536 levels. Values outside [0, 1] are clipped, with a warning. Creates missing folders.
 */
export async function saveImage(path: string, image: tf.Tensor, options: SaveImageOptions = {}): Promise<void> {
  const bitDepth = options.bitDepth ?? 8;
  if (bitDepth !== 8 && bitDepth !== 16) throw new ValueError(`bitDepth must be 8 or 16, but got ${bitDepth}.`);
  if (extname(path).toLowerCase() !== '.png') {
    throw new ValueError(`saveImage writes PNG files, but ${path} does not end in .png. Use a .png path.`);
  }
  const shape = image.shape;
  const ok = shape.length === 2 || (shape.length === 4 && shape[0] === 1 && (shape[1] === 1 || shape[1] === 3));
  if (!ok) {
    throw new ValueError(`saveImage needs one image of shape [H, W], [1, 1, H, W] or [1, 3, H, W], but got [${shape.join(', ')}]. Save batch items one at a time.`);
  }
  const [channels, height, width]: number[] = shape.length === 2 ? [1, ...shape] : shape.slice(1);
  const values = (await image.data()) as Float32Array;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) throw new ValueError(`Cannot save ${path}: the image contains NaN or infinite values.`);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (min < 0 || max > 1) {
    warn(`Image range falls outside [0, 1] (min ${min}, max ${max}) when saving ${path}; values are clipped to [0, 1].`);
  }
  const levels = bitDepth === 8 ? 255 : 65535;
  const n = height * width;
  const interleaved = bitDepth === 8 ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < n; i++) interleaved[i * channels + c] = Math.round(Math.min(1, Math.max(0, values[c * n + i])) * levels);
  }
  const space = bitDepth === 8 ? (channels === 1 ? 'b-w' : 'srgb') : channels === 1 ? 'grey16' : 'rgb16';
  await mkdir(dirname(path), { recursive: true });
  await sharp(interleaved, { raw: { width, height, channels: channels as 1 | 3 } })
    .toColourspace(space)
    .png()
    .toFile(path);
}

/** Reads a .npy file, keeping its dtype. */
export async function readNpy(path: string): Promise<NpyArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ValueError(`Cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message}.`);
  }
  return parseNpy(bytes, path);
}

/** Reads a .npy file as a float32 tensor of the same shape. */
export async function loadNpy(path: string): Promise<tf.Tensor> {
  return npyToTensor(await readNpy(path));
}

/** Writes a tensor (as float32) or a typed array with its shape and dtype as a .npy file. Creates missing folders. */
export async function saveNpy(
  path: string,
  array: tf.Tensor | { data: ArrayLike<number>; shape: number[]; dtype?: 'float32' | 'float64' | 'uint8' | 'int32' },
): Promise<void> {
  const bytes = array instanceof tf.Tensor ? await tensorToNpy(array) : encodeNpy(array);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
}
