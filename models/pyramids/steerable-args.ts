// Validation of the scale / level / band arguments of SteerablePyramidFreq, with plenoptic's messages.
import type { Scale } from '../../runtime/model.js';
import { ValueError } from '../../runtime/errors.js';

const residuals = ['residual_highpass', 'residual_lowpass'];

/** forward's `scales` as a set (undefined: all of them). */
export function selectScales(scales: readonly Scale[] | undefined, numScales: number): Set<Scale> {
  if (scales === undefined) {
    return new Set<Scale>(['residual_highpass', ...Array.from({ length: numScales }, (_, i) => i), 'residual_lowpass']);
  }
  if (!Array.isArray(scales)) {
    throw new ValueError(`scales must be a list drawn from model.scales, but got ${String(scales)}.`);
  }
  for (const s of scales) {
    if (typeof s === 'number') {
      if (!Number.isInteger(s) || s < 0 || s >= numScales) {
        throw new ValueError(`Scales must be within 0 and num_scales-1 (${numScales - 1}), but got ${s}.`);
      }
    } else if (!residuals.includes(s)) {
      throw new ValueError(`Unknown scale '${s}': use integers 0..${numScales - 1}, 'residual_highpass' or 'residual_lowpass'.`);
    }
  }
  return new Set(scales);
}

/** recon_pyr's `levels`, resolved to highpass, sorted scale indices, lowpass. */
export function checkReconLevels(levels: 'all' | readonly Scale[], numScales: number): Scale[] {
  if (typeof levels === 'string') {
    if (levels !== 'all') throw new TypeError(`levels must be a list of levels or the string 'all' but got ${levels}`);
    return ['residual_highpass', ...Array.from({ length: numScales }, (_, i) => i), 'residual_lowpass'];
  }
  if (!Array.isArray(levels)) {
    throw new TypeError(`levels must be a list of levels or the string 'all' but got ${String(levels)}`);
  }
  const ints: number[] = [];
  for (const l of levels) {
    if (typeof l === 'number') {
      if (!Number.isInteger(l) || l < 0 || l >= numScales) {
        throw new ValueError(`Level numbers must be in the range [0, ${numScales - 1}], but got ${l}.`);
      }
      ints.push(l);
    } else if (!residuals.includes(l)) {
      throw new ValueError(`Unknown level '${l}': use integers 0..${numScales - 1}, 'residual_highpass' or 'residual_lowpass'.`);
    }
  }
  const out: Scale[] = [...new Set(ints)].sort((a, b) => a - b);
  if (levels.includes('residual_highpass')) out.unshift('residual_highpass');
  if (levels.includes('residual_lowpass')) out.push('residual_lowpass');
  return out;
}

/** recon_pyr's `bands`, resolved to a list of orientation indices. */
export function checkReconBands(bands: 'all' | readonly number[], numOrientations: number): number[] {
  if (typeof bands === 'string') {
    if (bands !== 'all') throw new TypeError(`bands must be a list of ints or the string 'all' but got ${bands}`);
    return Array.from({ length: numOrientations }, (_, i) => i);
  }
  if (!Array.isArray(bands)) {
    throw new TypeError(`bands must be a list of ints or the string 'all' but got ${String(bands)}`);
  }
  for (const b of bands) {
    if (!Number.isInteger(b) || b < 0 || b >= numOrientations) {
      throw new ValueError(`Error: band numbers must be in the range [0, ${numOrientations - 1}], but got ${b}.`);
    }
  }
  return [...new Set(bands)].sort((a, b) => a - b);
}
