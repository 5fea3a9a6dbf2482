import { describe, expect, it } from 'vitest';
import { Rng } from '../../runtime/rng.js';
import { ValueError } from '../../runtime/errors.js';
import { encodeGif, lzwEncode, Canvas } from '../../display/index.js';
import { decodeGif, lzwDecode } from './gif-decoder.js';

function grayFrame(width: number, height: number, level: (x: number, y: number) => number): Canvas {
  const c = new Canvas(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = level(x, y);
      c.rgba.set([v, v, v, 255], 4 * (y * width + x));
    }
  }
  return c;
}

describe('GIF LZW', () => {
  it('round-trips random indices through more than one table reset', () => {
    const rng = new Rng(7);
    // random bytes compress to about one code each: 20k of them fill the 4096-entry table several times
    const indices = Uint8Array.from({ length: 20_000 }, () => Math.floor(rng.uniform() * 256));
    const encoded = lzwEncode(indices, 8);
    expect(lzwDecode(encoded, 8, indices.length)).toEqual(indices);
  });

  it('round-trips long runs and a 2-bit alphabet, and compresses runs', () => {
    const runs = Uint8Array.from({ length: 20_000 }, (_, i) => Math.floor(i / 500) % 4);
    const encoded = lzwEncode(runs, 2);
    expect(lzwDecode(encoded, 2, runs.length)).toEqual(runs);
    expect(encoded.length).toBeLessThan(runs.length / 20);
  });

  it('rejects impossible code sizes', () => {
    expect(() => lzwEncode(new Uint8Array(4), 9)).toThrow(/2\.\.8/);
  });
});

describe('encodeGif', () => {
  it('writes a GIF89a whose frames decode to the input pixels (≤ 256 colours: exact)', () => {
    const frames = [0, 1, 2].map((t) => grayFrame(37, 23, (x, y) => (x * 7 + y * 3 + t * 40) % 256));
    const bytes = encodeGif(frames, { delayMs: 250 });
    expect(new TextDecoder().decode(bytes.subarray(0, 6))).toBe('GIF89a');
    expect(bytes[bytes.length - 1]).toBe(0x3b);
    const gif = decodeGif(bytes);
    expect([gif.width, gif.height]).toEqual([37, 23]);
    expect(gif.frames.length).toBe(3);
    expect(gif.loopCount).toBeNull();
    gif.frames.forEach((f, i) => {
      expect(f.delayCs).toBe(25);
      expect(f.rgba).toEqual(frames[i].rgba);
    });
  });

  it('loops when asked, and quantizes many colours to a 256-entry palette with small error', () => {
    const rng = new Rng(3);
    const frame = new Canvas(64, 64);
    for (let i = 0; i < frame.rgba.length; i += 4) frame.rgba.set([rng.uniform() * 255, rng.uniform() * 255, rng.uniform() * 255], i);
    const gif = decodeGif(encodeGif([frame], { loop: true }));
    expect(gif.loopCount).toBe(0);
    expect(gif.palette.length).toBe(256 * 3);
    let err = 0;
    for (let i = 0; i < frame.rgba.length; i++) if (i % 4 !== 3) err = Math.max(err, Math.abs(gif.frames[0].rgba[i] - frame.rgba[i]));
    // 4096 uniform random colours in 256 median-cut boxes: each box spans at most ~1/4 of a channel
    expect(err).toBeLessThan(80);
  });

  it('refuses frames of different sizes and empty animations', () => {
    expect(() => encodeGif([new Canvas(4, 4), new Canvas(4, 5)])).toThrow(ValueError);
    expect(() => encodeGif([new Canvas(4, 4), new Canvas(4, 5)])).toThrow(/same size/);
    expect(() => encodeGif([])).toThrow(/at least one frame/);
  });
});
