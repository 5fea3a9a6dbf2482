/**
 * A palette of at most 256 colours for a set of RGBA rasters (alpha ignored), by median cut over the colours'
 * histogram. Rasters with ≤ 256 distinct colours (gray images plus a few plot colours) keep them exactly.
 */
export interface Palette {
  /** RGB triplets. */
  colors: Uint8Array;
  size: number;
  /** Palette index of every pixel of an RGBA raster. */
  indexPixels(rgba: Uint8Array): Uint8Array;
}

/** Histogram pixels sampled from all rasters: enough for the palette, bounded in time for long animations. */
const MAX_SAMPLES = 4_000_000;

interface ColorBox {
  colors: number[];
  /** Widest channel and its extent, computed once per box. */
  span: number;
  channel: number;
}

function channel(color: number, c: number): number {
  return (color >> (16 - 8 * c)) & 0xff;
}

function makeBox(colors: number[]): ColorBox {
  let best = { span: -1, channel: 0 };
  for (let c = 0; c < 3; c++) {
    let lo = 255;
    let hi = 0;
    for (const color of colors) {
      const v = channel(color, c);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi - lo > best.span) best = { span: hi - lo, channel: c };
  }
  return { colors, ...best };
}

function medianCut(histogram: Map<number, number>, maxColors: number): number[][] {
  const boxes: ColorBox[] = [makeBox([...histogram.keys()])];
  while (boxes.length < maxColors) {
    let pick = -1;
    boxes.forEach((box, i) => {
      if (box.colors.length > 1 && box.span > 0 && (pick < 0 || box.span > boxes[pick].span)) pick = i;
    });
    if (pick < 0) break;
    const box = boxes[pick];
    const c = box.channel;
    box.colors.sort((a, b) => channel(a, c) - channel(b, c));
    const total = box.colors.reduce((s, color) => s + histogram.get(color)!, 0);
    let acc = 0;
    let cut = 1;
    for (let i = 0; i < box.colors.length - 1; i++) {
      acc += histogram.get(box.colors[i])!;
      cut = i + 1;
      if (acc >= total / 2) break;
    }
    boxes.splice(pick, 1, makeBox(box.colors.slice(0, cut)), makeBox(box.colors.slice(cut)));
  }
  return boxes.map((b) => b.colors);
}

export function buildPalette(rasters: readonly Uint8Array[], maxColors = 256): Palette {
  const totalPixels = rasters.reduce((s, r) => s + r.length / 4, 0);
  const stride = Math.max(1, Math.ceil(totalPixels / MAX_SAMPLES));
  const histogram = new Map<number, number>();
  for (const rgba of rasters) {
    // figures are mostly runs of one colour: count a run, then update the map once
    let run = -1;
    let count = 0;
    for (let p = 0; p < rgba.length; p += 4 * stride) {
      const color = (rgba[p] << 16) | (rgba[p + 1] << 8) | rgba[p + 2];
      if (color === run) {
        count++;
        continue;
      }
      if (count) histogram.set(run, (histogram.get(run) ?? 0) + count);
      run = color;
      count = 1;
    }
    if (count) histogram.set(run, (histogram.get(run) ?? 0) + count);
  }
  const groups = histogram.size <= maxColors ? [...histogram.keys()].map((c) => [c]) : medianCut(histogram, maxColors);
  const size = Math.max(1, groups.length);
  const colors = new Uint8Array(size * 3);
  // A direct lookup for every colour seen; colours skipped by sampling get their nearest entry on first use.
  const lut = new Uint8Array(1 << 24);
  const known = new Uint8Array(1 << 21);
  groups.forEach((group, i) => {
    let weight = 0;
    const sum = [0, 0, 0];
    for (const color of group) {
      const n = histogram.get(color)!;
      weight += n;
      for (let c = 0; c < 3; c++) sum[c] += channel(color, c) * n;
      lut[color] = i;
      known[color >> 3] |= 1 << (color & 7);
    }
    for (let c = 0; c < 3; c++) colors[3 * i + c] = Math.round(sum[c] / weight);
  });
  const nearest = (color: number): number => {
    let best = 0;
    let bestDistance = Infinity;
    for (let i = 0; i < size; i++) {
      let d = 0;
      for (let c = 0; c < 3; c++) d += (channel(color, c) - colors[3 * i + c]) ** 2;
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
      }
    }
    return best;
  };
  return {
    colors,
    size,
    indexPixels(rgba: Uint8Array): Uint8Array {
      const out = new Uint8Array(rgba.length / 4);
      for (let p = 0, o = 0; p < rgba.length; p += 4, o++) {
        const color = (rgba[p] << 16) | (rgba[p + 1] << 8) | rgba[p + 2];
        if (!(known[color >> 3] & (1 << (color & 7)))) {
          lut[color] = nearest(color);
          known[color >> 3] |= 1 << (color & 7);
        }
        out[o] = lut[color];
      }
      return out;
    },
  };
}
