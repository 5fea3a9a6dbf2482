import { ValueError } from '../runtime/errors.js';
import { warn } from '../runtime/warnings.js';
import type { ColormapName } from './colormap.js';

/**
 * plenoptic's (pyrtools') value ranges. 'autoN' gives all images one range, 'indepN' one per image:
 * 0: ±max|x|; 1: [min, max]; 2: mean ± 2·std; 3: [p10 − (p90−p10)/8, p90 + (p90−p10)/8]. A pair is used as is.
 */
export type VRangeMode = 'auto' | 'auto0' | 'auto1' | 'auto2' | 'auto3' | 'indep0' | 'indep1' | 'indep2' | 'indep3';
export type VRange = VRangeMode | readonly [number, number];

const rules = ['0', '1', '2', '3'] as const;
type Rule = (typeof rules)[number];

function finiteSorted(values: readonly ArrayLike<number>[]): Float64Array {
  let n = 0;
  for (const v of values) for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i])) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (const v of values) for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i])) out[k++] = v[i];
  return out.sort();
}

/** numpy's default (linear) percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** One range over all values (NaN ignored), by rule. */
function rangeOf(values: readonly ArrayLike<number>[], rule: Rule): [number, number] {
  const sorted = finiteSorted(values);
  if (sorted.length === 0) return [NaN, NaN];
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  switch (rule) {
    case '0': {
      const m = Math.max(Math.abs(min), Math.abs(max));
      return [-m, m];
    }
    case '1':
      return [min, max];
    case '2': {
      let mean = 0;
      for (const v of sorted) mean += v;
      mean /= sorted.length;
      let variance = 0;
      for (const v of sorted) variance += (v - mean) ** 2;
      const std = Math.sqrt(variance / sorted.length);
      return [mean - 2 * std, mean + 2 * std];
    }
    case '3': {
      const p10 = percentile(sorted, 10);
      const p90 = percentile(sorted, 90);
      return [p10 - (p90 - p10) / 8, p90 + (p90 - p10) / 8];
    }
  }
}

/**
 * The (vmin, vmax) of each image and the default colormap (RdBu_r for the symmetric '…0' modes, gray otherwise),
 * as pyrtools' colormap_range. An unknown mode warns and uses 'auto1'.
 */
export function colormapRanges(images: readonly ArrayLike<number>[], vrange: VRange | string = 'indep1'): { ranges: [number, number][]; cmap: ColormapName } {
  if (typeof vrange !== 'string') {
    const pair = vrange as readonly number[];
    if (pair.length !== 2) throw new ValueError(`vrange as numbers must be a pair [vmin, vmax], got ${pair.length} numbers.`);
    return { ranges: images.map(() => [vrange[0], vrange[1]]), cmap: 'gray' };
  }
  const cmap: ColormapName = vrange.includes('0') ? 'RdBu_r' : 'gray';
  const auto = /^auto([0-3]?)$/.exec(vrange);
  if (auto) {
    const range = rangeOf(images, (auto[1] || '1') as Rule);
    return { ranges: images.map(() => [range[0], range[1]]), cmap };
  }
  const indep = /^indep([0-3])$/.exec(vrange);
  if (indep) return { ranges: images.map((im) => rangeOf([im], indep[1] as Rule)), cmap };
  warn('Unknown vrange argument, using auto1 instead');
  return { ranges: images.map(() => rangeOf(images, '1')), cmap: 'gray' };
}
