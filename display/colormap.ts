import type { Rgb } from './canvas.js';

export type ColormapName = 'gray' | 'RdBu_r';

// ColorBrewer's 11-class RdBu (red to blue), the control points matplotlib interpolates; reversed for RdBu_r.
const rdBu: Rgb[] = [
  [103, 0, 31],
  [178, 24, 43],
  [214, 96, 77],
  [244, 165, 130],
  [253, 219, 199],
  [247, 247, 247],
  [209, 229, 240],
  [146, 197, 222],
  [67, 147, 195],
  [33, 102, 172],
  [5, 48, 97],
];

function interpolatedLut(points: readonly Rgb[]): Uint8Array {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (points.length - 1);
    const k = Math.min(points.length - 2, Math.floor(t));
    const f = t - k;
    for (let c = 0; c < 3; c++) lut[3 * i + c] = Math.round(points[k][c] * (1 - f) + points[k + 1][c] * f);
  }
  return lut;
}

const luts: Record<ColormapName, Uint8Array> = {
  gray: Uint8Array.from({ length: 256 * 3 }, (_, i) => Math.floor(i / 3)),
  RdBu_r: interpolatedLut([...rdBu].reverse()),
};

export function isColormapName(name: string): name is ColormapName {
  return name in luts;
}

/** 256 RGB entries of a colormap. */
export function colormapLut(name: ColormapName): Uint8Array {
  return luts[name];
}

/**
 * matplotlib's mapping of a value to one of 256 colormap entries: floor(256·(v − vmin)/(vmax − vmin)), clipped to
 * [0, 255]; a flat range maps everything to entry 0. NaN gives −1 (drawn as background).
 */
export function colormapIndex(v: number, vmin: number, vmax: number): number {
  if (Number.isNaN(v)) return -1;
  const t = vmax > vmin ? (v - vmin) / (vmax - vmin) : 0;
  const i = Math.floor(t * 256);
  return i < 0 ? 0 : i > 255 ? 255 : i;
}
