import { describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { captureWarnings } from '../../runtime/warnings.js';
import { colormapLut, colormapRanges, formatExp1, imshow, imshowPanels, type Figure } from '../../display/index.js';

/** The red channel of each pixel (gray images have r = g = b). */
function reds(f: Figure): number[] {
  return Array.from({ length: f.width * f.height }, (_, i) => f.rgba[4 * i]);
}

function pixel(f: Figure, x: number, y: number): number[] {
  return Array.from(f.rgba.subarray(4 * (y * f.width + x), 4 * (y * f.width + x) + 3));
}

/** matplotlib's mapping: floor(256·(v − vmin)/(vmax − vmin)) clipped to [0, 255]. */
function level(v: number, vmin: number, vmax: number): number {
  return Math.min(255, Math.max(0, Math.floor((256 * (v - vmin)) / (vmax - vmin))));
}

/** A 16×16 image whose pixels run a + b·k for k = 0..255. */
function ramp(a: number, b: number): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({ length: 256 }, (_, k) => a + b * k), [1, 1, 16, 16]);
}

describe('imshow value mapping', () => {
  it("'indep1' maps each image's own [min, max] onto the 256 gray levels", async () => {
    const f = await imshow(ramp(-3, 0.25), { title: null });
    expect([f.width, f.height]).toEqual([16, 16]);
    // k·0.25 over a range of 255·0.25: level floor(256k/255) = k
    expect(reds(f)).toEqual(Array.from({ length: 256 }, (_, k) => k));
    expect(pixel(f, 5, 5)).toEqual([85, 85, 85]);
  });

  it("'auto1' shares one [min, max] across images; 'indep1' does not", async () => {
    const a = ramp(0, 1 / 255);
    const b = ramp(0, 0.5 / 255);
    const shared = await imshow([a, b], { vrange: 'auto1', title: null, gap: 0 });
    expect([shared.width, shared.height]).toEqual([32, 16]);
    for (let k = 0; k < 256; k++) {
      const [x, y] = [k % 16, Math.floor(k / 16)];
      expect(pixel(shared, 16 + x, y)[0]).toBe(level((0.5 / 255) * k, 0, 1));
    }
    const own = await imshow([a, b], { vrange: 'indep1', title: null, gap: 0 });
    expect(pixel(own, 31, 15)[0]).toBe(255);
    expect(pixel(shared, 31, 15)[0]).toBe(level(0.5, 0, 1));
  });

  it("'indep0' is symmetric about 0 with the RdBu_r colormap; 'auto0' shares ±max|x|", async () => {
    const lut = colormapLut('RdBu_r');
    const entry = (k: number) => Array.from(lut.subarray(3 * k, 3 * k + 3));
    // values -2..1: range ±2, so -2 -> entry 0 (blue), 0 -> entry 128 (near white), 1 -> entry 192
    const x = tf.tensor4d([-2, 0, 1, -1], [1, 1, 2, 2]);
    const f = await imshow(x, { vrange: 'indep0', title: null });
    expect(pixel(f, 0, 0)).toEqual(entry(0));
    expect(pixel(f, 1, 0)).toEqual(entry(128));
    expect(pixel(f, 0, 1)).toEqual(entry(level(1, -2, 2)));
    expect(pixel(f, 1, 1)).toEqual(entry(level(-1, -2, 2)));
    // ColorBrewer's ends: dark blue for negative, dark red for positive, near-white centre
    expect(entry(0)[2]).toBeGreaterThan(entry(0)[0]);
    expect(entry(255)[0]).toBeGreaterThan(entry(255)[2]);
    expect(Math.min(...entry(128))).toBeGreaterThan(230);

    const y = tf.tensor4d([0.5, 0.5, 0.5, 0.5], [1, 1, 2, 2]);
    const g = await imshow([x, y], { vrange: 'auto0', title: null, gap: 0 });
    expect(pixel(g, 2, 0)).toEqual(entry(level(0.5, -2, 2)));
  });

  it('a [vmin, vmax] pair clips values outside it', async () => {
    const f = await imshow(tf.tensor4d([-1, 0.25, 0.5, 2], [1, 1, 1, 4]), { vrange: [0, 1], title: null });
    expect(reds(f)).toEqual([0, 64, 128, 255]);
  });

  it("computes plenoptic's '2' (mean ± 2 std) and '3' (percentile) ranges", () => {
    const values = Float32Array.from({ length: 101 }, (_, i) => i);
    const [r2] = colormapRanges([values], 'indep2').ranges;
    const std = Math.sqrt(values.reduce((s, v) => s + (v - 50) ** 2, 0) / 101);
    expect(r2[0]).toBeCloseTo(50 - 2 * std, 9);
    expect(r2[1]).toBeCloseTo(50 + 2 * std, 9);
    // p10 = 10, p90 = 90: [10 - 80/8, 90 + 80/8]
    expect(colormapRanges([values], 'auto3').ranges[0]).toEqual([0, 100]);
    expect(colormapRanges([values], 'auto0').cmap).toBe('RdBu_r');
    expect(colormapRanges([values], 'indep1').cmap).toBe('gray');
  });

  it('ignores NaN in ranges and draws it as background', async () => {
    const f = await imshow(tf.tensor4d([NaN, 0, 1, 0.5], [1, 1, 2, 2]), { title: null });
    expect(pixel(f, 0, 0)).toEqual([255, 255, 255]);
    expect(pixel(f, 1, 0)).toEqual([0, 0, 0]);
  });

  it('warns about an unknown vrange and uses auto1', async () => {
    const { result, warnings } = await captureWarnings(() => imshow(ramp(0, 1), { vrange: 'bogus', title: null }));
    expect(warnings.map((w) => w.message)).toEqual(['Unknown vrange argument, using auto1 instead']);
    expect(reds(result)[255]).toBe(255);
  });
});

describe('imshow zoom and layout', () => {
  const sixteen = () => tf.tensor4d(Float32Array.from({ length: 256 }, (_, k) => k), [1, 1, 16, 16]);

  it('zooms by integers with nearest neighbours and by 1/d by subsampling', async () => {
    const up = await imshow(sixteen(), { zoom: 3, title: null });
    expect([up.width, up.height]).toEqual([48, 48]);
    const k = (x: number, y: number) => y * 16 + x;
    expect(pixel(up, 5, 7)[0]).toBe(level(k(1, 2), 0, 255));
    expect(pixel(up, 47, 47)[0]).toBe(255);
    const down = await imshow(sixteen(), { zoom: 0.5, title: null });
    expect([down.width, down.height]).toEqual([8, 8]);
    expect(pixel(down, 3, 2)[0]).toBe(level(k(6, 4), 0, 255));
  });

  it('enlarges smaller images to the largest one by an integer factor', async () => {
    const small = tf.tensor4d([0, 1, 1, 0], [1, 1, 2, 2]);
    const f = await imshow([sixteen(), small], { zoom: 2, title: null, gap: 0 });
    expect([f.width, f.height]).toEqual([64, 32]);
    // the 2×2 image is drawn 16× larger: its top-right quarter is white
    expect(pixel(f, 32 + 20, 3)[0]).toBe(255);
    expect(pixel(f, 32 + 3, 3)[0]).toBe(0);
  });

  it('rejects zooms that would alias and sizes that are not integer multiples', async () => {
    await expect(imshow(sixteen(), { zoom: 1.5 })).rejects.toThrow(/zoom must be an integer/);
    await expect(imshow(sixteen(), { zoom: 1 / 3 })).rejects.toThrow(ValueError);
    await expect(imshow([sixteen(), tf.zeros([1, 1, 6, 6])])).rejects.toThrow(/zoomed in/);
  });

  it('lays panels out in rows of colMax, batch-major, with gaps', async () => {
    const batch = tf.tensor4d(Float32Array.from({ length: 5 * 4 }, (_, i) => Math.floor(i / 4)), [5, 1, 2, 2]);
    const f = await imshow(batch, { colMax: 2, title: null, vrange: [0, 4] });
    expect([f.width, f.height]).toEqual([2 * 2 + 10, 3 * 2 + 2 * 10]);
    const topLeft = (i: number) => pixel(f, (i % 2) * 12, Math.floor(i / 2) * 12)[0];
    expect([0, 1, 2, 3, 4].map(topLeft)).toEqual([0, 1, 2, 3, 4].map((i) => level(i, 0, 4)));
  });

  it('draws titles with plenoptic\'s range and size lines above the image', async () => {
    const plain = await imshow(sixteen(), { zoom: 4, title: null });
    const titled = await imshow(sixteen(), { zoom: 4, title: 'Metamer' });
    expect(titled.height).toBeGreaterThan(plain.height);
    const titleRows = titled.height - plain.height;
    const offset = Math.floor((titled.width - 64) / 2);
    // the image is the bottom of the figure, unchanged
    expect(pixel(titled, offset + 10, titleRows + 10)).toEqual(pixel(plain, 10, 10));
    // some title pixels are ink
    let ink = 0;
    for (let y = 0; y < titleRows; y++) for (let x = 0; x < titled.width; x++) if (pixel(titled, x, y)[0] === 0) ink++;
    expect(ink).toBeGreaterThan(50);
    expect(formatExp1(0.0031)).toBe('3.1e-03');
    expect(formatExp1(1)).toBe('1.0e+00');
    expect(formatExp1(-0.2)).toBe('-2.0e-01');
    expect(formatExp1(123456)).toBe('1.2e+05');
  });

  it("applies plenoptic's batch / channel rules", async () => {
    const x = tf.zeros([2, 3, 4, 4]);
    await expect(imshow(x)).rejects.toThrow("Don't know how to plot images with more than one channel and batch!");
    await expect(imshow(tf.zeros([1, 2, 4, 4]), { asRgb: true })).rejects.toThrow('If as_rgb is True, then channel must have 3 or 4 elements!');
    await expect(imshow(tf.zeros([4, 4]) as tf.Tensor)).rejects.toThrow(/4-D tensors/);
    const oneChannel = await imshow(x, { channelIdx: 1, title: null });
    expect(oneChannel.width).toBe(2 * 4 + 10);
    const rgb = await imshow(tf.tensor4d([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0], [1, 3, 2, 2]), { asRgb: true, title: null });
    expect(pixel(rgb, 0, 0)).toEqual([255, 0, 0]);
    expect(pixel(rgb, 1, 0)).toEqual([0, 255, 0]);
    expect(pixel(rgb, 0, 1)).toEqual([0, 0, 255]);
  });

  it('takes plain panels (ImagePanel) with their own titles', () => {
    const f = imshowPanels([{ data: [0, 1, 2, 3], height: 2, width: 2, title: null }]);
    expect([f.width, f.height]).toEqual([2, 2]);
    expect(() => imshowPanels([])).toThrow(/no images/);
  });
});
