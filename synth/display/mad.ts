// plenoptic.synthesize.mad_competition's figures, drawn with display/: display_mad_image, plot_loss,
// plot_pixel_values, plot_synthesis_status, animate, display_mad_image_all and plot_loss_all.
import type { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { Canvas } from '../../display/canvas.js';
import { Figure, hstack } from '../../display/figure.js';
import { encodeGif } from '../../display/gif.js';
import { fittingZoom, imshow, imshowPanels, tensorPanels } from '../../display/imshow.js';
import { C0, C1, linePlot, parseColor, type LineSeries } from '../../display/line-plot.js';
import { freedmanDiaconisBins, histogramOutline } from '../../display/histogram.js';
import { checkStatusPanels, statusPanels, type StatusPanelOptions } from '../../display/status-panels.js';
import type { VRange } from '../../display/vrange.js';
import type { MADCompetition } from '../mad-competition.js';
import type { MADSet } from '../mad-all.js';
import { madImageAllPanels, madImagePanel, madLossAllAxes, madLossAxes, type MadLossAxis } from '../mad-figure-data.js';

export interface MadImageOptions {
  batchIdx?: number;
  /** One channel; default all (shown as RGB when there are several). */
  channelIdx?: number;
  /** Index into the stored progress (negative counts from the end); default the current MAD image. */
  iteration?: number;
  zoom?: number;
  vrange?: VRange | string;
}

function rgbOptions(image: tf.Tensor, channelIdx: number | undefined) {
  return { channelIdx, asRgb: channelIdx === undefined && (image.shape[1] ?? 1) > 1 };
}

/** plenoptic's display_mad_image: the MAD image (or a stored one), titled 'MADCompetition' by default. */
export async function displayMadImage(mad: MADCompetition, options: MadImageOptions & { title?: string } = {}): Promise<Figure> {
  const { image, title } = madImagePanel(mad, { iteration: options.iteration, batchIdx: options.batchIdx, title: options.title });
  try {
    return await imshow(image, { ...rgbOptions(image, options.channelIdx), title, zoom: options.zoom, vrange: options.vrange });
  } finally {
    image.dispose();
  }
}

function axisFigure(axis: MadLossAxis, width: number, height: number): Figure {
  const series: LineSeries[] = axis.lines.map((l) => ({
    y: l.values,
    label: l.label,
    color: l.color ? parseColor(l.color) : undefined,
    dash: l.linestyle === '--' ? [6, 4] : undefined,
  }));
  return linePlot(series, { width, height, title: axis.title, xlabel: axis.xlabel, ylabel: axis.ylabel, markers: axis.markers });
}

/**
 * plenoptic's plot_loss: the reference metric's and the optimized metric's values on two linear axes side by side,
 * each with a red dot at loss index `iteration` (default the last iteration).
 */
export function plotMadLoss(mad: MADCompetition, options: { iteration?: number; width?: number; height?: number } = {}): Figure {
  const width = options.width ?? 800;
  const height = options.height ?? 360;
  const axes = madLossAxes(mad, { iteration: options.iteration });
  return hstack(axes.map((a) => axisFigure(a, Math.floor((width - 20) / 2), height)), { gap: 20 });
}

async function pixelsOf(image: tf.Tensor4D, batchIdx: number, channelIdx: number | undefined): Promise<Float32Array> {
  const [, c, h, w] = image.shape;
  const data = (await image.data()) as Float32Array;
  const plane = h * w;
  if (channelIdx === undefined) return data.slice(batchIdx * c * plane, (batchIdx + 1) * c * plane);
  const start = (batchIdx * c + channelIdx) * plane;
  return data.slice(start, start + plane);
}

/** plenoptic's plot_pixel_values: histograms of the reference image's and the MAD image's pixels. */
export async function plotMadPixelValues(
  mad: MADCompetition,
  options: Omit<MadImageOptions, 'zoom' | 'vrange'> & { width?: number; height?: number } = {},
): Promise<Figure> {
  const batchIdx = options.batchIdx ?? 0;
  const { image } = madImagePanel(mad, { iteration: options.iteration, batchIdx });
  const madPixels = await pixelsOf(image, 0, options.channelIdx);
  image.dispose();
  const reference = await pixelsOf(mad.image, batchIdx, options.channelIdx);
  const bins = Math.max(1, Math.min(freedmanDiaconisBins(reference), 50));
  const series: LineSeries[] = [
    { ...histogramOutline(reference, bins), color: C0, label: 'Reference image' },
    { ...histogramOutline(madPixels, bins), color: C1, label: 'MAD image' },
  ];
  return linePlot(series, { width: options.width ?? 400, height: options.height ?? 360, title: 'Histogram of pixel values' });
}

export const madStatusPlots = ['display_mad_image', 'plot_loss', 'plot_pixel_values'] as const;
export type MadStatusPlot = (typeof madStatusPlots)[number];

export interface MadSynthesisStatusOptions extends Omit<MadImageOptions, 'vrange'>, StatusPanelOptions {
  /** vrange of the MAD image (default 'indep1'). */
  vrange?: VRange | string;
  // includedPlots: default all three of madStatusPlots; widthRatios: plenoptic's image 1, loss 2, pixel values 1.
}

function checkStatusOptions(mad: MADCompetition, options: MadSynthesisStatusOptions): void {
  if (options.iteration !== undefined && !mad.storeProgress) {
    throw new ValueError('synthesis() was run with store_progress=False, cannot specify which iteration to plot (only last one, with iteration=None)');
  }
  checkStatusPanels(madStatusPlots, options);
}

/** The loss index of stored image `iteration`: stored image k was taken before iteration k·storeProgress. */
function lossIndexOf(mad: MADCompetition, iteration: number | undefined): number | undefined {
  if (iteration === undefined) return undefined;
  const count = mad.savedMadImageCount;
  const k = iteration < 0 ? count + iteration : iteration;
  return Math.min(mad.losses.length, k * (mad.storeProgress ?? 1));
}

async function statusFigure(mad: MADCompetition, options: MadSynthesisStatusOptions): Promise<Figure> {
  const { included, widthOf, height: size } = statusPanels(madStatusPlots, options, {
    included: madStatusPlots,
    widthRatios: { display_mad_image: 1, plot_loss: 2, plot_pixel_values: 1 },
  });
  const panels: Figure[] = [];
  for (const plot of included) {
    const width = widthOf(plot);
    if (plot === 'display_mad_image') {
      const [, , h, w] = mad.image.shape;
      const zoom = options.zoom ?? fittingZoom(h, w, size - 50, width);
      panels.push(await displayMadImage(mad, { ...options, zoom, vrange: options.vrange ?? 'indep1' }));
    } else if (plot === 'plot_loss') {
      panels.push(plotMadLoss(mad, { iteration: lossIndexOf(mad, options.iteration), width, height: size }));
    } else {
      panels.push(await plotMadPixelValues(mad, { ...options, width, height: size }));
    }
  }
  return hstack(panels, { gap: 20, padding: 10, align: 'middle' });
}

/**
 * plenoptic's plot_synthesis_status: the MAD image, the two metric curves (red dots at the shown iteration) and the
 * pixel histograms side by side. `iteration` indexes the stored progress.
 */
export async function plotMadSynthesisStatus(mad: MADCompetition, options: MadSynthesisStatusOptions = {}): Promise<Figure> {
  checkStatusOptions(mad, options);
  return statusFigure(mad, options);
}

/** plenoptic's animate: plotMadSynthesisStatus for every stored MAD image, as an animated GIF (bytes). */
export async function animateMad(
  mad: MADCompetition,
  options: Omit<MadSynthesisStatusOptions, 'iteration'> & { framerate?: number; loop?: boolean } = {},
): Promise<Uint8Array> {
  if (!mad.storeProgress) throw new ValueError('synthesize() was run with store_progress=False, cannot animate!');
  checkStatusOptions(mad, options);
  const framerate = options.framerate ?? 10;
  if (!(framerate > 0)) throw new ValueError(`framerate must be positive, got ${framerate}.`);
  const frames: Canvas[] = [];
  for (let i = 0; i < mad.savedMadImageCount; i++) frames.push(await statusFigure(mad, { vrange: [0, 1], ...options, iteration: i }));
  // titles can change a frame's size by a few pixels: pad all to the largest
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

export interface MadSetNames {
  /** Default: metric1Min's optimized metric's name. */
  metric1Name?: string;
  /** Default: metric2Min's optimized metric's name. */
  metric2Name?: string;
}

/**
 * plenoptic's display_mad_image_all: reference and initial (noisy) image, then min/max of metric 1, then min/max
 * of metric 2, in a 3×2 grid. The four syntheses must share their image.
 */
export async function displayMadImageAll(
  set: MADSet,
  options: MadSetNames & { zoom?: number; vrange?: VRange | string; channelIdx?: number } = {},
): Promise<Figure> {
  const panels = await madImageAllPanels(set, options);
  try {
    const images = await Promise.all(panels.map((p) => tensorPanels(p.image, rgbOptions(p.image, options.channelIdx))));
    return imshowPanels(images.flat(), { colMax: 2, title: panels.map((p) => p.title), zoom: options.zoom ?? 1, vrange: options.vrange });
  } finally {
    panels.forEach((p) => p.image.dispose());
  }
}

/**
 * plenoptic's plot_loss_all: two axes, the left with metric 2's values in all four syntheses, the right with metric
 * 1's; colour says which metric was optimized (C0 metric 1, C1 metric 2), dashes mark minimization.
 */
export async function plotMadLossAll(set: MADSet, options: MadSetNames & { width?: number; height?: number } = {}): Promise<Figure> {
  const width = options.width ?? 1000;
  const height = options.height ?? 500;
  const axes = await madLossAllAxes(set, options);
  return hstack(axes.map((a) => axisFigure(a, Math.floor((width - 20) / 2), height)), { gap: 20 });
}
