// The constructor checks of PortillaSimoncelli, with messages that say which size or value would work.
import { ValueError } from '../../runtime/errors.js';

function positiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** The smallest multiple of `step` that is ≥ max(n, minimum). */
function roundUp(n: number, step: number, minimum: number): number {
  return Math.max(Math.ceil(n / step), Math.ceil(minimum / step)) * step;
}

export function checkPortillaSimoncelliArgs(
  imageShape: readonly number[],
  nScales: number,
  nOrientations: number,
  spatialCorrWidth: number,
): void {
  if (!Array.isArray(imageShape) || imageShape.length !== 2 || !imageShape.every(positiveInteger)) {
    throw new ValueError(`image_shape must be [height, width] with positive integers, but got [${String(imageShape)}].`);
  }
  if (!positiveInteger(nScales)) throw new ValueError(`n_scales must be a positive integer, but got ${String(nScales)}.`);
  if (!positiveInteger(nOrientations) || nOrientations < 2 || nOrientations > 16) {
    throw new ValueError(
      `n_orientations must be an integer in [2, 16] (the pyramid's order n_orientations − 1 must lie in [1, 15]), but got ${String(nOrientations)}.`,
    );
  }
  if (!positiveInteger(spatialCorrWidth)) {
    throw new ValueError(`spatial_corr_width must be a positive integer, but got ${String(spatialCorrWidth)}.`);
  }
  const [h, w] = imageShape;
  const step = 2 ** nScales;
  // The coarsest scale (the lowpass residual, size/2^n_scales) must hold the M×M auto-correlation window, and the
  // pyramid needs at least 4 pixels there (height ≤ log2(size) − 2).
  const minimum = step * Math.max(spatialCorrWidth, 4);
  const suggestion = `${roundUp(h, step, minimum)}×${roundUp(w, step, minimum)}`;
  if (h % step !== 0 || w % step !== 0) {
    throw new ValueError(
      'Because of how the Portilla-Simoncelli model handles multiscale representations, it only works with images whose ' +
        `shape can be divided by 2 \`n_scales\` times. Got ${h}×${w} with n_scales=${nScales}: both sides must be multiples ` +
        `of 2^${nScales} = ${step} (e.g. ${suggestion}).`,
    );
  }
  if (h / step < spatialCorrWidth || w / step < spatialCorrWidth || h < minimum || w < minimum) {
    throw new ValueError(
      `Image ${h}×${w} is too small for n_scales=${nScales} and spatial_corr_width=${spatialCorrWidth}: the coarsest scale ` +
        `would be ${h / step}×${w / step}, smaller than the ${spatialCorrWidth}×${spatialCorrWidth} auto-correlation window. ` +
        `Use images of at least ${minimum}×${minimum} (multiples of ${step}, e.g. ${suggestion}), or a smaller n_scales or spatial_corr_width.`,
    );
  }
}
