import { ValueError } from '../runtime/errors.js';
import { lzwEncode } from './lzw.js';
import { buildPalette } from './palette.js';

/** Anything with an RGBA raster: a Figure, a Canvas, or raw pixels. */
export interface GifFrame {
  width: number;
  height: number;
  rgba: Uint8Array;
}

export interface GifOptions {
  /** Time each frame is shown, in milliseconds (GIF stores hundredths of a second; minimum 20 ms). Default 100. */
  delayMs?: number;
  /** false (default, as plenoptic's animations): play once; true: loop forever; a number: that many repeats. */
  loop?: boolean | number;
}

class ByteWriter {
  private bytes = new Uint8Array(1 << 16);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
  byte(v: number): void {
    this.reserve(1);
    this.bytes[this.length++] = v & 0xff;
  }
  u16(v: number): void {
    this.byte(v);
    this.byte(v >> 8);
  }
  ascii(s: string): void {
    for (const ch of s) this.byte(ch.charCodeAt(0));
  }
  array(a: Uint8Array): void {
    this.reserve(a.length);
    this.bytes.set(a, this.length);
    this.length += a.length;
  }
  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/**
 * Encodes frames of equal size as an animated GIF89a: one global palette (median cut, exact for ≤ 256 colours),
 * LZW-compressed frames, a graphic control extension per frame for its delay.
 */
export function encodeGif(frames: readonly GifFrame[], options: GifOptions = {}): Uint8Array {
  if (frames.length === 0) throw new ValueError('A GIF needs at least one frame.');
  const { width, height } = frames[0];
  if (width > 0xffff || height > 0xffff) throw new ValueError(`GIF frames are limited to 65535 pixels a side, got ${width}×${height}.`);
  for (const [i, f] of frames.entries()) {
    if (f.width !== width || f.height !== height || f.rgba.length !== width * height * 4) {
      throw new ValueError(`GIF frame ${i} is ${f.width}×${f.height}, but frame 0 is ${width}×${height}; all frames must have the same size.`);
    }
  }
  const palette = buildPalette(frames.map((f) => f.rgba));
  const tableBits = Math.max(1, Math.ceil(Math.log2(palette.size)));
  const delay = Math.max(2, Math.round((options.delayMs ?? 100) / 10));

  const w = new ByteWriter();
  w.ascii('GIF89a');
  w.u16(width);
  w.u16(height);
  // global colour table present, 8 bits per primary, table size 2^tableBits
  w.byte(0x80 | (7 << 4) | (tableBits - 1));
  w.byte(0);
  w.byte(0);
  const table = new Uint8Array(3 << tableBits);
  table.set(palette.colors);
  w.array(table);

  const loop = options.loop ?? false;
  if (loop !== false) {
    w.byte(0x21);
    w.byte(0xff);
    w.byte(11);
    w.ascii('NETSCAPE2.0');
    w.byte(3);
    w.byte(1);
    w.u16(loop === true ? 0 : Math.max(0, Math.round(loop)));
    w.byte(0);
  }

  const minCodeSize = Math.max(2, tableBits);
  for (const frame of frames) {
    w.byte(0x21);
    w.byte(0xf9);
    w.byte(4);
    w.byte(1 << 2); // disposal: leave the frame in place
    w.u16(delay);
    w.byte(0);
    w.byte(0);

    w.byte(0x2c);
    w.u16(0);
    w.u16(0);
    w.u16(width);
    w.u16(height);
    w.byte(0);
    w.byte(minCodeSize);
    const data = lzwEncode(palette.indexPixels(frame.rgba), minCodeSize);
    for (let p = 0; p < data.length; p += 255) {
      const block = data.subarray(p, Math.min(data.length, p + 255));
      w.byte(block.length);
      w.array(block);
    }
    w.byte(0);
  }
  w.byte(0x3b);
  return w.result();
}
