import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { warn } from '../runtime/warnings.js';
import type { Model } from '../runtime/model.js';
import { Figure, gridFigures, hstack, vstack } from './figure.js';
import { fittingZoom, imshowPanels, type ImagePanel } from './imshow.js';
import { stemPlot } from './stem-plot.js';

/** y limits of stem panels: a pair, null (symmetric ±max|data|, plenoptic's default), or false (data range). */
export type YLimit = readonly [number, number] | null | false;

export interface RepresentationPlotOptions {
  /** Panel title stem: channel i is titled `${title}_${ii}` (null → 'Representation'). Default ''. */
  title?: string | null;
  ylim?: YLimit;
  batchIdx?: number;
  /** Show a 3- or 4-channel image-like representation as one RGB(A) image. */
  asRgb?: boolean;
  /** Size of the whole block of panels, in pixels (default 400 × 400). */
  width?: number;
  height?: number;
}

/**
 * A model that draws its own representation (as plenoptic's Portilla-Simoncelli does) implements this; the
 * generic display below is used otherwise.
 */
export interface RepresentationPlotter {
  plotRepresentation(data: tf.Tensor, options: RepresentationPlotOptions): Figure | Promise<Figure>;
}

export function hasRepresentationPlot(model: unknown): model is RepresentationPlotter {
  return !!model && typeof (model as RepresentationPlotter).plotRepresentation === 'function';
}

/**
 * A model that only says what to plot (titled value groups in a rows × cols grid, row-major), as the
 * Portilla-Simoncelli model does, so that models need not depend on display/.
 */
export interface RepresentationPlotDataSource {
  plotRepresentationData(data: tf.Tensor, batchIdx?: number): { panels: StemPanel[]; rows: number; cols: number };
}

function hasRepresentationPlotData(model: unknown): model is RepresentationPlotDataSource {
  return !!model && typeof (model as RepresentationPlotDataSource).plotRepresentationData === 'function';
}

const GAP = 10;

function splitEntries(data: tf.Tensor | Record<string, tf.Tensor>, options: RepresentationPlotOptions): [string, tf.Tensor][] {
  if (!(data instanceof tf.Tensor)) {
    if (options.title) warn("data has keys, so we're ignoring title!");
    return Object.entries(data);
  }
  const title = options.title === null ? 'Representation' : (options.title ?? '');
  if (options.asRgb || data.rank < 2) return [[title, data]];
  const channels = data.shape[1] ?? 1;
  return Array.from({ length: channels }, (_, i) => [`${title}_${String(i).padStart(2, '0')}`, tf.slice(data, [0, i], [-1, 1])] as [string, tf.Tensor]);
}

/**
 * plenoptic's plot_representation: a model's own plot if it has one (plotRepresentation, or plotRepresentationData
 * drawn as a stem grid); otherwise 3-D data (batch, channel, n) as stem
 * plots, up to four per column, and 4-D data (batch, channel, h, w) as images with symmetric ranges, four per row.
 */
export async function plotRepresentation(
  model: Model | RepresentationPlotter | RepresentationPlotDataSource | null | undefined,
  data: tf.Tensor | Record<string, tf.Tensor>,
  options: RepresentationPlotOptions = {},
): Promise<Figure> {
  if (hasRepresentationPlot(model) && data instanceof tf.Tensor) return model.plotRepresentation(data, options);
  if (hasRepresentationPlotData(model) && data instanceof tf.Tensor) {
    const { panels, rows, cols } = model.plotRepresentationData(data, options.batchIdx ?? 0);
    return stemGrid(panels, { rows, cols, ylim: options.ylim === undefined ? null : options.ylim, width: options.width, height: options.height });
  }
  const entries = splitEntries(data, options);
  // channel slices are ours to dispose; the caller's tensors are not
  const owned = data instanceof tf.Tensor ? entries.map(([, t]) => t).filter((t) => t !== data) : [];
  try {
    const rank = entries[0][1].rank;
    if (entries.some(([, t]) => t.rank !== rank) || (rank !== 3 && rank !== 4)) {
      const shapes = entries.map(([, t]) => `[${t.shape.join(', ')}]`).join(', ');
      throw new ValueError(`Don't know what to do with data of shape ${shapes}: representations must be 3-D (batch, channel, n) or 4-D (batch, channel, h, w).`);
    }
    const batchIdx = options.batchIdx ?? 0;
    for (const [key, t] of entries) {
      if (batchIdx < 0 || batchIdx >= t.shape[0]) throw new ValueError(`batchIdx ${batchIdx} is out of range for '${key}' with batch size ${t.shape[0]}.`);
    }
    const width = options.width ?? 400;
    const height = options.height ?? 400;
    const n = entries.length;
    if (rank === 3) return await stemPanels(entries, batchIdx, options.ylim === undefined ? null : options.ylim, width, height);
    const rows = Math.ceil(n / 4);
    const cols = Math.min(4, n);
    const panels: ImagePanel[] = [];
    for (const [key, t] of entries) {
      const [, c, h, w] = t.shape;
      const plane = h * w;
      const all = (await t.data()) as Float32Array;
      if (options.asRgb && (c === 3 || c === 4)) {
        const rgb = new Float32Array(plane * c);
        for (let k = 0; k < c; k++) for (let p = 0; p < plane; p++) rgb[p * c + k] = all[(batchIdx * c + k) * plane + p];
        panels.push({ data: rgb, height: h, width: w, channels: c as 3 | 4, title: key });
      } else {
        panels.push({ data: all.subarray(batchIdx * c * plane, batchIdx * c * plane + plane), height: h, width: w, title: key });
      }
    }
    const maxH = Math.max(...panels.map((p) => p.height));
    const maxW = Math.max(...panels.map((p) => p.width));
    // leave room for the three title lines above each image
    const zoom = fittingZoom(maxH, maxW, (height - GAP * (rows - 1)) / rows - 40, (width - GAP * (cols - 1)) / cols);
    return imshowPanels(panels, { vrange: 'indep0', zoom, colMax: cols });
  } finally {
    owned.forEach((t) => t.dispose());
  }
}

async function stemPanels(entries: [string, tf.Tensor][], batchIdx: number, ylim: YLimit, width: number, height: number): Promise<Figure> {
  const panels: StemPanel[] = [];
  for (const [title, t] of entries) {
    const per = t.size / t.shape[0];
    const all = (await t.data()) as Float32Array;
    panels.push({ title, values: all.slice(batchIdx * per, (batchIdx + 1) * per) });
  }
  const n = panels.length;
  return stemGrid(panels, { rows: Math.min(4, n), cols: Math.ceil(n / 4), order: 'column', ylim, width, height });
}

export interface StemPanel {
  title: string;
  values: ArrayLike<number>;
}

export interface StemGridOptions {
  rows: number;
  cols: number;
  /** How panels fill the grid: 'row' (row-major) or 'column' (plenoptic's generic stem layout). Default 'row'. */
  order?: 'row' | 'column';
  /** null (default): all panels symmetric about 0 at the largest |value|; false: each its own range; a pair: fixed. */
  ylim?: YLimit;
  /** Size of the whole grid in pixels (default 400 × 400; panels are at least 160 × 100). */
  width?: number;
  height?: number;
}

/** Titled stem plots in a grid: the generic representation display, and the building block of models' own plots. */
export function stemGrid(panels: readonly StemPanel[], options: StemGridOptions): Figure {
  if (panels.length === 0) throw new ValueError('stemGrid got no panels to draw.');
  const { rows, cols } = options;
  if (rows * cols < panels.length) throw new ValueError(`A ${rows}×${cols} grid cannot hold ${panels.length} panels.`);
  const ylim = options.ylim === undefined ? null : options.ylim;
  let limits: readonly [number, number] | undefined;
  if (ylim === null) {
    let m = 0;
    for (const p of panels) for (let i = 0; i < p.values.length; i++) if (Number.isFinite(p.values[i])) m = Math.max(m, Math.abs(p.values[i]));
    limits = m > 0 ? [-m, m] : undefined;
  } else if (ylim !== false) {
    limits = ylim;
  }
  const width = options.width ?? 400;
  const height = options.height ?? 400;
  const panelW = Math.max(160, Math.floor((width - GAP * (cols - 1)) / cols));
  const panelH = Math.max(100, Math.floor((height - GAP * (rows - 1)) / rows));
  const figures = panels.map((p) => stemPlot(p.values, { title: p.title, ylim: limits, width: panelW, height: panelH }));
  if ((options.order ?? 'row') === 'row') return gridFigures(figures, cols, { gap: GAP });
  const columns: Figure[] = [];
  for (let c = 0; c * rows < figures.length; c++) columns.push(vstack(figures.slice(c * rows, (c + 1) * rows), { gap: GAP }));
  return hstack(columns, { gap: GAP });
}
