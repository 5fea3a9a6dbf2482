import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { warn } from '../runtime/warnings.js';
import type { Metamer } from '../synth/metamer.js';
import { Canvas } from './canvas.js';
import { Figure, hstack } from './figure.js';
import { encodeGif } from './gif.js';
import { fittingZoom, imshow } from './imshow.js';
import { lossCurve, type LossCurveOptions } from './line-plot.js';
import { pixelHistogram } from './histogram.js';
import { plotRepresentation, type YLimit } from './representation.js';
import { checkStatusPanels, statusPanels, type StatusPanelOptions } from './status-panels.js';
import type { VRange } from './vrange.js';

export const statusPlots = ['display_metamer', 'plot_loss', 'plot_representation_error', 'plot_pixel_values'] as const;
export type StatusPlot = (typeof statusPlots)[number];

export interface MetamerImageOptions {
  batchIdx?: number;
  /** One channel; default all (shown as RGB when there are 3 or 4). */
  channelIdx?: number;
  /** Index into the stored progress (negative counts from the end); default the current metamer. */
  iteration?: number;
}

/** The stored-progress index `iteration` refers to, with plenoptic's errors. */
function storedIndex(metamer: Metamer, iteration: number): number {
  const count = metamer.savedMetamerCount;
  if (!metamer.storeProgress) {
    throw new ValueError('synthesis() was run with store_progress=False, cannot specify which iteration to plot (only last one, with iteration=None)');
  }
  const idx = iteration < 0 ? count + iteration : iteration;
  if (!Number.isInteger(iteration) || idx < 0 || idx >= count) {
    throw new ValueError(`iteration ${iteration} is out of range: ${count} images were stored (storeProgress=${metamer.storeProgress}).`);
  }
  return idx;
}

/** The metamer shown for `iteration` (a new tensor the caller owns). */
async function metamerAt(metamer: Metamer, iteration: number | undefined): Promise<tf.Tensor4D> {
  if (iteration === undefined) return metamer.metamer.clone() as tf.Tensor as tf.Tensor4D;
  const idx = storedIndex(metamer, iteration);
  const all = metamer.savedMetamer;
  const one = tf.tidy(() => all.slice([idx], [1]).reshape(metamer.image.shape)) as tf.Tensor4D;
  all.dispose();
  return one;
}

/** The loss plotted for a stored image: saved image k was taken before iteration k·storeProgress. */
function lossIndexOf(metamer: Metamer, iteration: number | undefined): number {
  const last = metamer.losses.length - 1;
  if (iteration === undefined) return last;
  return Math.min(last, storedIndex(metamer, iteration) * (metamer.storeProgress ?? 1));
}

function imageOptions(image: tf.Tensor, options: MetamerImageOptions) {
  const batchIdx = options.batchIdx ?? 0;
  if (!Number.isInteger(batchIdx)) throw new ValueError('batch_idx must be an integer!');
  return { batchIdx, channelIdx: options.channelIdx, asRgb: options.channelIdx === undefined && (image.shape[1] ?? 1) > 1 };
}

async function drawMetamerImage(metamer: Metamer, image: tf.Tensor4D, options: MetamerImageOptions & { zoom?: number; vrange?: VRange | string }): Promise<Figure> {
  return imshow(image, { ...imageOptions(metamer.image, options), title: 'Metamer', zoom: options.zoom, vrange: options.vrange });
}

/** plenoptic's display_metamer: the metamer (or a stored one) titled 'Metamer'. */
export async function displayMetamer(
  metamer: Metamer,
  options: MetamerImageOptions & { zoom?: number; vrange?: VRange | string } = {},
): Promise<Figure> {
  const image = await metamerAt(metamer, options.iteration);
  try {
    return await drawMetamerImage(metamer, image, options);
  } finally {
    image.dispose();
  }
}

/** plenoptic's plot_loss: the losses on a log axis, a red dot at loss index `iteration` (default the last). */
export function plotLoss(synthesis: { readonly losses: readonly number[] }, options: LossCurveOptions = {}): Figure {
  return lossCurve(synthesis.losses, options);
}

/** model(image) − targetRepresentation; a new tensor the caller owns. */
async function errorOf(metamer: Metamer, image: tf.Tensor4D): Promise<tf.Tensor> {
  await metamer.init();
  const rep = await metamer.model.forward(image);
  const error = tf.sub(rep, metamer.targetRepresentation);
  rep.dispose();
  return error;
}

/** model(metamer or a stored one) − targetRepresentation; a new tensor the caller owns. */
export async function representationError(metamer: Metamer, iteration?: number): Promise<tf.Tensor> {
  const image = await metamerAt(metamer, iteration);
  try {
    return await errorOf(metamer, image);
  } finally {
    image.dispose();
  }
}

export interface RepresentationErrorOptions {
  batchIdx?: number;
  iteration?: number;
  /** null (default): symmetric about 0; false: the data range; a pair: fixed. */
  ylim?: YLimit;
  asRgb?: boolean;
  width?: number;
  height?: number;
}

async function drawRepresentationError(metamer: Metamer, image: tf.Tensor4D, options: RepresentationErrorOptions): Promise<Figure> {
  const error = await errorOf(metamer, image);
  try {
    return await plotRepresentation(metamer.model, error, { ...options, title: 'Representation error', ylim: options.ylim === undefined ? null : options.ylim });
  } finally {
    error.dispose();
  }
}

/** plenoptic's plot_representation_error, drawn by plotRepresentation with the title 'Representation error'. */
export async function plotRepresentationError(metamer: Metamer, options: RepresentationErrorOptions = {}): Promise<Figure> {
  const image = await metamerAt(metamer, options.iteration);
  try {
    return await drawRepresentationError(metamer, image, options);
  } finally {
    image.dispose();
  }
}

async function drawPixelValues(metamer: Metamer, image: tf.Tensor4D, options: MetamerImageOptions & { width?: number; height?: number }): Promise<Figure> {
  const pick = async (t: tf.Tensor4D) => {
    const b = options.batchIdx ?? 0;
    const sliced = tf.tidy(() => {
      const one = t.slice([b], [1]);
      return options.channelIdx === undefined ? one : one.slice([0, options.channelIdx], [1, 1]);
    });
    const values = (await sliced.data()) as Float32Array;
    sliced.dispose();
    return values;
  };
  return pixelHistogram(await pick(image), await pick(metamer.image), options);
}

/** plenoptic's plot_pixel_values: histograms of the metamer's and the target image's pixels. */
export async function plotPixelValues(metamer: Metamer, options: MetamerImageOptions & { width?: number; height?: number } = {}): Promise<Figure> {
  const image = await metamerAt(metamer, options.iteration);
  try {
    return await drawPixelValues(metamer, image, options);
  } finally {
    image.dispose();
  }
}

export interface SynthesisStatusOptions extends MetamerImageOptions, StatusPanelOptions {
  /** y limits of the representation error (see RepresentationErrorOptions). */
  ylim?: YLimit;
  /** vrange of the metamer image (default 'indep1'). */
  vrange?: VRange | string;
  /** Zoom of the metamer image; default the largest that fits its panel. */
  zoom?: number;
  plotRepresentationErrorAsRgb?: boolean;
  // includedPlots: default the first three of statusPlots; widthRatios: default 1 each.
}

interface StatusFrame {
  image: tf.Tensor4D;
  lossIndex: number;
  ylim: YLimit;
}

async function statusFigure(metamer: Metamer, frame: StatusFrame, options: SynthesisStatusOptions): Promise<Figure> {
  const { included, widthOf, height: size } = statusPanels(statusPlots, options, { included: statusPlots.slice(0, 3) });
  const panels: Figure[] = [];
  for (const plot of included) {
    const width = widthOf(plot);
    if (plot === 'display_metamer') {
      const [, , h, w] = metamer.image.shape;
      const zoom = options.zoom ?? fittingZoom(h, w, size - 50, width);
      panels.push(await drawMetamerImage(metamer, frame.image, { ...options, zoom }));
    } else if (plot === 'plot_loss') {
      panels.push(lossCurve(metamer.losses, { iteration: frame.lossIndex, width, height: size }));
    } else if (plot === 'plot_representation_error') {
      panels.push(
        await drawRepresentationError(metamer, frame.image, {
          batchIdx: options.batchIdx,
          ylim: frame.ylim,
          asRgb: options.plotRepresentationErrorAsRgb,
          width,
          height: size,
        }),
      );
    } else {
      panels.push(await drawPixelValues(metamer, frame.image, { ...options, width, height: size }));
    }
  }
  return hstack(panels, { gap: 20, padding: 10, align: 'middle' });
}

function checkStatusOptions(metamer: Metamer, options: SynthesisStatusOptions): void {
  if (options.iteration !== undefined && !metamer.storeProgress) {
    throw new ValueError('synthesis() was run with store_progress=False, cannot specify which iteration to plot (only last one, with iteration=None)');
  }
  if (metamer.metamer.rank !== 3 && metamer.metamer.rank !== 4) {
    throw new ValueError('plot_synthesis_status() expects 3 or 4d data;unexpected behavior will result otherwise!');
  }
  checkStatusPanels(statusPlots, options);
}

/**
 * plenoptic's plot_synthesis_status: the metamer, the loss (red dot at the shown iteration) and the representation
 * error side by side (plus, on request, the pixel histograms). `iteration` indexes the stored progress.
 */
export async function plotSynthesisStatus(metamer: Metamer, options: SynthesisStatusOptions = {}): Promise<Figure> {
  checkStatusOptions(metamer, options);
  const image = await metamerAt(metamer, options.iteration);
  try {
    return await statusFigure(metamer, { image, lossIndex: lossIndexOf(metamer, options.iteration), ylim: options.ylim === undefined ? null : options.ylim }, options);
  } finally {
    image.dispose();
  }
}

export interface AnimateOptions extends Omit<SynthesisStatusOptions, 'iteration' | 'ylim'> {
  /** Frames per second (default 10). */
  framerate?: number;
  /**
   * Representation-error limits: a pair (fixed), null (default: symmetric, from the first frame's error), false
   * (each frame's own range), 'rescale' (recomputed 10 times over the animation) or 'rescaleN' (every N frames).
   */
  ylim?: YLimit | string;
  /** Loop the GIF (default false: play once, as plenoptic). */
  loop?: boolean;
}

function rescaleEvery(ylim: string, frames: number): number {
  const m = /^rescale(\d*)$/.exec(ylim);
  if (!m) throw new ValueError(`Don't know how to handle ylim '${ylim}': use a pair, null, false, 'rescale' or 'rescaleN'.`);
  return m[1] ? Math.max(1, Number(m[1])) : Math.max(1, Math.ceil(frames / 10));
}

async function symmetricLimit(metamer: Metamer, image: tf.Tensor4D): Promise<YLimit> {
  const error = await errorOf(metamer, image);
  const m = (await tf.tidy(() => tf.max(tf.abs(error))).data())[0];
  error.dispose();
  return m > 0 ? [-m, m] : false;
}

/**
 * plenoptic's animate: plot_synthesis_status for every stored iteration, as an animated GIF (bytes). Needs
 * synthesize() to have been run with storeProgress.
 */
export async function animate(metamer: Metamer, options: AnimateOptions = {}): Promise<Uint8Array> {
  if (!metamer.storeProgress) throw new ValueError('synthesize() was run with store_progress=False, cannot animate!');
  checkStatusPanels(statusPlots, options);
  const count = metamer.savedMetamerCount;
  const framerate = options.framerate ?? 10;
  if (!(framerate > 0)) throw new ValueError(`framerate must be positive, got ${framerate}.`);
  await metamer.init();
  let ylim: YLimit | string = options.ylim === undefined ? null : options.ylim;
  let every = typeof ylim === 'string' ? rescaleEvery(ylim, count) : 0;
  if (metamer.targetRepresentation.rank === 4 && ylim !== false) {
    warn("Looks like representation is image-like, haven't fully thought out how to best handle rescaling color ranges yet!");
    ylim = false;
    every = 0;
  }
  const all = metamer.savedMetamer;
  const frames: Canvas[] = [];
  let limit: YLimit = typeof ylim === 'string' ? null : ylim;
  try {
    for (let i = 0; i < count; i++) {
      const image = tf.tidy(() => all.slice([i], [1]).reshape(metamer.image.shape)) as tf.Tensor4D;
      try {
        // null: symmetric limits from the first frame, kept; 'rescale…': recomputed every few frames
        if ((limit === null && i === 0) || (every && i % every === 0)) limit = await symmetricLimit(metamer, image);
        const lossIndex = Math.min(metamer.losses.length - 1, i * metamer.storeProgress);
        frames.push(await statusFigure(metamer, { image, lossIndex, ylim: limit }, { vrange: [0, 1], ...options, ylim: limit }));
      } finally {
        image.dispose();
      }
    }
  } finally {
    all.dispose();
  }
  // frames can differ by a few pixels (title widths); pad all to the largest
  const width = Math.max(...frames.map((f) => f.width));
  const height = Math.max(...frames.map((f) => f.height));
  const padded = frames.map((f) => {
    if (f.width === width && f.height === height) return f;
    const c = new Canvas(width, height);
    c.drawCanvas(f, 0, 0);
    return c;
  });
  return encodeGif(padded, { delayMs: 1000 / framerate, loop: options.loop ?? false });
}
