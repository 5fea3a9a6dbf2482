// plenoptic 1.1.0 returns an OrderedDict keyed by 'residual_highpass', (scale, orientation) tuples and
// 'residual_lowpass'. Here the tuple keys become strings 's{scale}_o{orientation}' (also the fixture file names)
// and the dict a Map, which keeps plenoptic's order.
import { tf } from '../../runtime/tf.js';
import type { Complex } from '../fourier/complex.js';
import { ValueError } from '../../runtime/errors.js';

export type ResidualKey = 'residual_highpass' | 'residual_lowpass';
export type PyramidKey = ResidualKey | `s${number}_o${number}`;
/** A real band, or a complex band as a real/imaginary pair (complex pyramids; residuals are always real). */
export type PyramidBand = tf.Tensor | Complex;
export type PyramidCoeffs = Map<PyramidKey, PyramidBand>;

export function bandKey(scale: number, orientation: number): PyramidKey {
  return `s${scale}_o${orientation}`;
}

/** [scale, orientation] of a band key, or null for a residual. */
export function parseBandKey(key: string): [number, number] | null {
  const m = /^s(\d+)_o(\d+)$/.exec(key);
  if (m) return [Number(m[1]), Number(m[2])];
  if (key === 'residual_highpass' || key === 'residual_lowpass') return null;
  throw new ValueError(`'${key}' is not a pyramid key: use 'residual_highpass', 'residual_lowpass' or 's{scale}_o{orientation}'.`);
}

export function isComplexBand(band: PyramidBand): band is Complex {
  return !(band instanceof tf.Tensor);
}

/** Disposes every tensor of a coefficient map. */
export function disposeCoeffs(coeffs: PyramidCoeffs): void {
  for (const band of coeffs.values()) {
    if (isComplexBand(band)) tf.dispose([band.re, band.im]);
    else band.dispose();
  }
}
