// A minimal GIF89a reader for tests, written from the GIF specification independently of display/gif.ts:
// global palette, NETSCAPE loop extension, graphic control delays, full-frame LZW images.

export interface DecodedGif {
  width: number;
  height: number;
  palette: Uint8Array;
  /** null: no NETSCAPE extension (plays once); 0: forever. */
  loopCount: number | null;
  frames: { delayCs: number; indices: Uint8Array; rgba: Uint8Array }[];
}

/** Decodes GIF LZW data (already joined from its sub-blocks). */
export function lzwDecode(data: Uint8Array, minCodeSize: number, expectedLength: number): Uint8Array {
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  const out = new Uint8Array(expectedLength);
  let outPos = 0;
  let table: number[][] = [];
  const reset = () => {
    table = Array.from({ length: clear }, (_, i) => [i]);
    table.push([], []);
  };
  reset();
  let codeSize = minCodeSize + 1;
  let bitPos = 0;
  let previous: number[] | null = null;
  const read = (): number => {
    let code = 0;
    for (let i = 0; i < codeSize; i++) {
      const byte = data[(bitPos + i) >> 3];
      if (byte === undefined) throw new Error('LZW data ended before the end code');
      code |= ((byte >> ((bitPos + i) & 7)) & 1) << i;
    }
    bitPos += codeSize;
    return code;
  };
  for (;;) {
    const code = read();
    if (code === clear) {
      reset();
      codeSize = minCodeSize + 1;
      previous = null;
      continue;
    }
    if (code === end) break;
    let entry: number[];
    if (code < table.length) {
      entry = table[code];
      if (previous) table.push([...previous, entry[0]]);
    } else if (code === table.length && previous) {
      entry = [...previous, previous[0]];
      table.push(entry);
    } else {
      throw new Error(`invalid LZW code ${code} (table has ${table.length} entries)`);
    }
    for (const v of entry) out[outPos++] = v;
    previous = entry;
    if (table.length === 1 << codeSize && codeSize < 12) codeSize++;
  }
  if (outPos !== expectedLength) throw new Error(`LZW produced ${outPos} indices, expected ${expectedLength}`);
  return out;
}

export function decodeGif(bytes: Uint8Array): DecodedGif {
  let p = 0;
  const u8 = () => bytes[p++];
  const u16 = () => bytes[p++] | (bytes[p++] << 8);
  const ascii = (n: number) => String.fromCharCode(...bytes.subarray(p, (p += n)));
  const subBlocks = (): Uint8Array => {
    const parts: number[] = [];
    for (let n = u8(); n > 0; n = u8()) for (let i = 0; i < n; i++) parts.push(u8());
    return Uint8Array.from(parts);
  };
  if (ascii(6) !== 'GIF89a') throw new Error('not a GIF89a file');
  const width = u16();
  const height = u16();
  const packed = u8();
  u8();
  u8();
  if (!(packed & 0x80)) throw new Error('expected a global colour table');
  const palette = bytes.slice(p, (p += 3 << ((packed & 7) + 1)));
  let loopCount: number | null = null;
  let delayCs = 0;
  const frames: DecodedGif['frames'] = [];
  for (;;) {
    const block = u8();
    if (block === 0x3b) break;
    if (block === 0x21) {
      const label = u8();
      if (label === 0xf9) {
        u8();
        u8();
        delayCs = u16();
        u8();
        u8();
      } else if (label === 0xff) {
        const size = u8();
        const id = ascii(size);
        const data = subBlocks();
        if (id === 'NETSCAPE2.0') loopCount = data[1] | (data[2] << 8);
      } else {
        subBlocks();
      }
      continue;
    }
    if (block !== 0x2c) throw new Error(`unexpected block 0x${block.toString(16)} at byte ${p - 1}`);
    u16();
    u16();
    const w = u16();
    const h = u16();
    if (u8() & 0x80) throw new Error('local colour tables are not expected');
    const minCodeSize = u8();
    const indices = lzwDecode(subBlocks(), minCodeSize, w * h);
    const rgba = new Uint8Array(w * h * 4);
    indices.forEach((k, i) => {
      rgba.set(palette.subarray(3 * k, 3 * k + 3), 4 * i);
      rgba[4 * i + 3] = 255;
    });
    frames.push({ delayCs, indices, rgba });
  }
  return { width, height, palette, loopCount, frames };
}
