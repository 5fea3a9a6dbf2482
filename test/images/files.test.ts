import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { ensureBackend } from '../../runtime/backend.js';
import { Rng } from '../../runtime/rng.js';
import { captureWarnings } from '../../runtime/warnings.js';
import { loadImages, loadNpy, readNpy, saveImage, saveNpy } from '../../images/files.js';
import { expectClose } from '../helpers/compare.js';

let dir: string;
beforeAll(async () => {
  await ensureBackend();
  dir = await mkdtemp(join(tmpdir(), 'plenoptic-images-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Values on the grid k / levels, so a round trip through an integer file is exact. */
function quantized(shape: number[], levels: number, seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => Math.floor(rng.uniform() * (levels + 1)) / levels), shape);
}

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('saveImage / loadImages round trips', () => {
  it('8-bit gray PNG is exact and stays 1-channel 8-bit', async () => {
    const image = quantized([1, 1, 9, 7], 255, 1);
    const path = join(dir, 'gray8.png');
    await saveImage(path, image);
    const meta = await sharp(path).metadata();
    expect([meta.channels, meta.depth]).toEqual([1, 'uchar']);
    const loaded = await loadImages(path);
    expect(loaded.shape).toEqual([1, 1, 9, 7]);
    expect(await values(loaded)).toEqual(await values(image));
  });

  it('16-bit gray PNG is exact, and finer than 8 bits', async () => {
    const image = quantized([1, 1, 6, 11], 65535, 2);
    const path = join(dir, 'gray16.png');
    await saveImage(path, image, { bitDepth: 16 });
    expect((await sharp(path).metadata()).depth).toBe('ushort');
    expect(await values(await loadImages(path))).toEqual(await values(image));
    const eightBit = join(dir, 'gray16as8.png');
    await saveImage(eightBit, image);
    expect(Math.max(...(await values(tf.abs(tf.sub(await loadImages(eightBit), image)))))).toBeGreaterThan(1 / 65535);
  });

  it('RGB PNG keeps 3 channels with asGray false, and becomes skimage luminance with asGray', async () => {
    const image = quantized([1, 3, 5, 4], 255, 3);
    const path = join(dir, 'rgb8.png');
    await saveImage(path, image);
    expect(await values(await loadImages(path, { asGray: false }))).toEqual(await values(image));
    const [r, g, b] = tf.unstack(image, 1);
    const luma = tf.addN([tf.mul(r, 0.2125), tf.mul(g, 0.7154), tf.mul(b, 0.0721)]);
    expectClose(await (await loadImages(path)).data(), await luma.data(), { atol: 1e-6 });
    const path16 = join(dir, 'rgb16.png');
    const deep = quantized([1, 3, 5, 4], 65535, 4);
    await saveImage(path16, deep, { bitDepth: 16 });
    expect(await values(await loadImages(path16, { asGray: false }))).toEqual(await values(deep));
  });

  it('accepts an [H, W] tensor, and clips out-of-range values with a warning', async () => {
    const path = join(dir, 'clipped.png');
    const { warnings } = await captureWarnings(() => saveImage(path, tf.tensor2d([[-0.5, 0.5], [1, 1.5]])));
    expect(warnings.map((w) => w.message).join()).toMatch(/outside \[0, 1\].*clipped/);
    expect(await values(await loadImages(path))).toEqual([0, 128 / 255, 1, 1].map(Math.fround));
  });

  it('rejects what it cannot write, saying what to do', async () => {
    await expect(saveImage(join(dir, 'batch.png'), tf.zeros([2, 1, 4, 4]))).rejects.toThrow(/\[H, W\], \[1, 1, H, W\] or \[1, 3, H, W\].*one at a time/);
    await expect(saveImage(join(dir, 'x.jpg'), tf.zeros([4, 4]))).rejects.toThrow(/\.png/);
    await expect(saveImage(join(dir, 'nan.png'), tf.tensor2d([[NaN, 0]]))).rejects.toThrow(/NaN/);
  });
});

describe('loadImages', () => {
  const w = 6;
  const h = 5;
  // a smooth ramp per channel, which JPEG keeps within a few levels
  const gradient = Buffer.from(Array.from({ length: w * h * 3 }, (_, k) => 40 + 6 * Math.floor(k / 3) + 20 * (k % 3)));

  it('reads JPEG (lossy: within a few levels of the source)', async () => {
    const path = join(dir, 'photo.jpg');
    await sharp(gradient, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toFile(path);
    const colour = await loadImages(path, { asGray: false });
    expect(colour.shape).toEqual([1, 3, h, w]);
    const expected = Array.from({ length: 3 * h * w }, (_, k) => {
      const [c, i] = [Math.floor(k / (h * w)), k % (h * w)];
      return gradient[i * 3 + c] / 255;
    });
    expectClose(await colour.data(), expected, { atol: 4 / 255, label: 'jpeg' });
    expect((await loadImages(path)).shape).toEqual([1, 1, h, w]);
  });

  it('reads 8- and 16-bit TIFF exactly', async () => {
    const g8 = Buffer.from(Array.from({ length: w * h }, (_, i) => i * 8));
    const g16 = new Uint16Array(Array.from({ length: w * h }, (_, i) => i * 2000 + 7));
    await sharp(g8, { raw: { width: w, height: h, channels: 1 } }).toColourspace('b-w').tiff({ compression: 'lzw' }).toFile(join(dir, 'g8.tif'));
    await sharp(g16, { raw: { width: w, height: h, channels: 1 } }).toColourspace('grey16').tiff({ compression: 'lzw' }).toFile(join(dir, 'g16.tiff'));
    expect(await values(await loadImages(join(dir, 'g8.tif')))).toEqual(Array.from(g8, (v) => Math.fround(v / 255)));
    expect(await values(await loadImages(join(dir, 'g16.tiff')))).toEqual(Array.from(g16, (v) => Math.fround(v / 65535)));
  });

  it('composites alpha onto white and repeats gray into 3 channels when asked', async () => {
    // pixel 0: opaque red; pixel 1: transparent black; pixel 2: half-transparent black
    const rgba = Buffer.from([255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 128]);
    const path = join(dir, 'alpha.png');
    await sharp(rgba, { raw: { width: 3, height: 1, channels: 4 } }).png().toFile(path);
    const colour = await loadImages(path, { asGray: false });
    expect(colour.shape).toEqual([1, 3, 1, 3]);
    expectClose(await colour.data(), [1, 1, 127 / 255, 0, 1, 127 / 255, 0, 1, 127 / 255], { atol: 1e-6 });
    const grayPath = join(dir, 'gray-for-rgb.png');
    await saveImage(grayPath, tf.tensor2d([[0.2, 0.4]]));
    const repeated = await loadImages(grayPath, { asGray: false });
    expect(repeated.shape).toEqual([1, 3, 1, 2]);
    expect(await values(repeated)).toEqual([51, 102, 51, 102, 51, 102].map((v) => Math.fround(v / 255)));
  });

  it('stacks same-size images into a batch, in the given order', async () => {
    const a = quantized([1, 1, 4, 4], 255, 5);
    const b = quantized([1, 1, 4, 4], 255, 6);
    await saveImage(join(dir, 'a.png'), a);
    await saveImage(join(dir, 'b.png'), b);
    const batch = await loadImages([join(dir, 'b.png'), join(dir, 'a.png')]);
    expect(batch.shape).toEqual([2, 1, 4, 4]);
    expect(await values(batch)).toEqual([...(await values(b)), ...(await values(a))]);
  });

  it('reads every image of a directory and skips other files with plenoptic warning', async () => {
    const folder = join(dir, 'folder');
    await mkdir(folder);
    await saveImage(join(folder, '1.png'), tf.zeros([3, 3]));
    await saveImage(join(folder, '2.png'), tf.ones([3, 3]));
    await writeFile(join(folder, 'notes.txt'), 'not an image');
    const { result, warnings } = await captureWarnings(() => loadImages(folder));
    expect(result.shape).toEqual([2, 1, 3, 3]);
    expect(warnings.map((w) => w.message)).toEqual([`Unable to load in file ${join(folder, 'notes.txt')}, it's probably not an image, skipping...`]);
  });

  it('names the file and the problem when it cannot load', async () => {
    const missing = join(dir, 'nowhere.png');
    await expect(loadImages(missing)).rejects.toThrow(`File ${missing} not found!`);
    const corrupt = join(dir, 'corrupt.png');
    await writeFile(corrupt, 'this is not a PNG');
    await expect(loadImages(corrupt)).rejects.toThrow(new RegExp(`Unable to read ${corrupt} as an image.*PNG, JPEG, TIFF`));
    await saveImage(join(dir, 'small.png'), tf.zeros([2, 3]));
    await saveImage(join(dir, 'big.png'), tf.zeros([4, 3]));
    await expect(loadImages([join(dir, 'small.png'), join(dir, 'big.png')])).rejects.toThrow(/All images must be the same shape.*small.png: 2x3.*big.png: 4x3/);
  });
});

describe('.npy files', () => {
  it('round-trips a float32 tensor', async () => {
    const t = tf.tensor3d(Float32Array.from({ length: 24 }, (_, i) => Math.sin(i) * 1e3), [2, 3, 4]);
    const path = join(dir, 'np', 't.npy');
    await saveNpy(path, t);
    const back = await loadNpy(path);
    expect(back.shape).toEqual([2, 3, 4]);
    expect(await values(back)).toEqual(await values(t));
    expect((await readNpy(path)).dtype).toBe('float32');
  });

  it('round-trips float64 and uint8 arrays without losing their dtype', async () => {
    const f64 = Float64Array.from([0.1, 1 / 3, -2e-300, 1e300]);
    await saveNpy(join(dir, 'f64.npy'), { data: f64, shape: [2, 2], dtype: 'float64' });
    const a = await readNpy(join(dir, 'f64.npy'));
    expect([a.dtype, a.shape]).toEqual(['float64', [2, 2]]);
    expect(Array.from(a.data)).toEqual(Array.from(f64));
    const u8 = Uint8Array.from([0, 1, 128, 255, 7]);
    await saveNpy(join(dir, 'u8.npy'), { data: u8, shape: [5], dtype: 'uint8' });
    const b = await readNpy(join(dir, 'u8.npy'));
    expect([b.dtype, b.shape, Array.from(b.data)]).toEqual(['uint8', [5], Array.from(u8)]);
    expect(await values(await loadNpy(join(dir, 'u8.npy')))).toEqual([0, 1, 128, 255, 7]);
  });

  it('names the file when it is missing or not a .npy', async () => {
    await expect(readNpy(join(dir, 'none.npy'))).rejects.toThrow(/none\.npy: file not found/);
    await writeFile(join(dir, 'bad.npy'), 'garbage!!!!');
    await expect(readNpy(join(dir, 'bad.npy'))).rejects.toThrow(/bad\.npy is not a \.npy file/);
  });
});
