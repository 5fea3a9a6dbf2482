// A pyramid's coefficients as a folder of .npy files, one per band, named as the reference fixtures:
// residual_highpass.npy, s{scale}_o{orientation}.npy (complex bands as _real.npy and _imag.npy), residual_lowpass.npy
// for the steerable pyramid; level{i}.npy, fine to coarse, for the Laplacian pyramid.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '../runtime/tf.js';
import type { Model } from '../runtime/model.js';
import { saveNpy } from '../images/files.js';
import { SteerablePyramidFreq } from '../models/pyramids/steerable.js';
import { LaplacianPyramid } from '../models/pyramids/laplacian.js';
import { isComplexBand } from '../models/pyramids/pyramid-coeffs.js';

export type NamedBand = readonly [file: string, band: tf.Tensor];

export function isPyramid(model: Model): model is SteerablePyramidFreq | LaplacianPyramid {
  return model instanceof SteerablePyramidFreq || model instanceof LaplacianPyramid;
}

/** The bands of `input`, in the pyramid's order, with their file names. The caller disposes them. */
export function pyramidBands(model: SteerablePyramidFreq | LaplacianPyramid, input: tf.Tensor4D): NamedBand[] {
  if (model instanceof LaplacianPyramid) return model.forwardLevels(input).map((level, i) => [`level${i}.npy`, level]);
  const bands: NamedBand[] = [];
  for (const [key, band] of model.forwardPyramid(input)) {
    if (isComplexBand(band)) bands.push([`${key}_real.npy`, band.re], [`${key}_imag.npy`, band.im]);
    else bands.push([`${key}.npy`, band]);
  }
  return bands;
}

/** Writes the bands into `dir` (created if needed) and disposes them. */
export async function writeBands(bands: readonly NamedBand[], dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    for (const [file, band] of bands) await saveNpy(join(dir, file), band);
  } finally {
    tf.dispose(bands.map(([, band]) => band));
  }
}
