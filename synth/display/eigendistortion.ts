// plenoptic's display_eigendistortion, plus the usual figure of the most and least noticeable distortions.
import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { imshow, type ImshowOptions } from '../../display/imshow.js';
import { gridFigures, type Figure } from '../../display/figure.js';
import type { Eigendistortion } from '../eigendistortion.js';

export interface EigendistortionDisplayOptions {
  /** Which eigendistortion, in eigenindex numbering: 0 = top, −1 = bottom. Default 0. */
  eigenindex?: number;
  /** image + alpha · eigendistortion is shown. Default 5. */
  alpha?: number;
  /** Applied to image + alpha · distortion before clamping to [0, 1], e.g. to undo a normalisation. */
  processImage?: (x: tf.Tensor4D) => tf.Tensor4D;
}

function distortionAt(e: Eigendistortion, eigenindex: number): tf.Tensor4D {
  const all = e.eigendistortions;
  if (!all) throw new ValueError('No eigendistortions synthesized; call synthesize() first.');
  const position = e.indexer(eigenindex);
  return tf.slice(all, [position, 0, 0, 0], [1, -1, -1, -1]);
}

/** clamp(processImage(image + alpha · eigendistortion), 0, 1): the image display_eigendistortion shows. Caller owns it. */
export function eigendistortionImage(e: Eigendistortion, options: EigendistortionDisplayOptions = {}): tf.Tensor4D {
  const alpha = options.alpha ?? 5;
  const process = options.processImage ?? ((x: tf.Tensor4D) => x);
  return tf.tidy(() => {
    const distorted = tf.add(e.image, tf.mul(distortionAt(e, options.eigenindex ?? 0), alpha)) as tf.Tensor4D;
    return tf.clipByValue(process(distorted), 0, 1) as tf.Tensor4D;
  });
}

/** plenoptic's display_eigendistortion: shows image + alpha · eigendistortion (clamped) with imshow. */
export async function displayEigendistortion(
  e: Eigendistortion,
  options: EigendistortionDisplayOptions & ImshowOptions = {},
): Promise<Figure> {
  const image = eigendistortionImage(e, options);
  try {
    return await imshow(image, { asRgb: image.shape[1] === 3 || image.shape[1] === 4, ...options });
  } finally {
    image.dispose();
  }
}

export interface TopBottomOptions {
  /** alpha for the top and the bottom distortion (plenoptic's examples use a larger one for the bottom). Default [3, 4]. */
  alpha?: number | readonly [number, number];
  processImage?: (x: tf.Tensor4D) => tf.Tensor4D;
  zoom?: number;
}

/**
 * The most and the least noticeable distortion: one row each, the eigendistortion itself (symmetric range around
 * 0) beside image + alpha · distortion. Needs eigenindex 0 and n − 1, as the power method computes them.
 */
export async function plotTopBottomEigendistortions(e: Eigendistortion, options: TopBottomOptions = {}): Promise<Figure> {
  const [alphaTop, alphaBottom] = typeof options.alpha === 'number' ? [options.alpha, options.alpha] : (options.alpha ?? [3, 4]);
  const values = e.eigenvalues ? ((await e.eigenvalues.data()) as Float32Array) : null;
  const cells: Figure[] = [];
  for (const [eigenindex, alpha, label] of [[0, alphaTop, 'top'], [-1, alphaBottom, 'bottom']] as const) {
    const position = e.indexer(eigenindex);
    const lambda = values ? values[position].toExponential(3) : '?';
    const distortion = distortionAt(e, eigenindex);
    cells.push(await imshow(distortion, { vrange: 'indep0', zoom: options.zoom, title: `${label} eigendistortion (eigenvalue ${lambda})` }));
    distortion.dispose();
    cells.push(
      await displayEigendistortion(e, { eigenindex, alpha, processImage: options.processImage, zoom: options.zoom, vrange: [0, 1], title: `image + ${alpha} * ${label}` }),
    );
  }
  return gridFigures(cells, 2);
}
