import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { BLACK, Canvas, WHITE } from './canvas.js';
import { colormapIndex, colormapLut, type ColormapName } from './colormap.js';
import { Figure, gridFigures } from './figure.js';
import { textHeight, textWidth } from './font.js';
import { colormapRanges, type VRange } from './vrange.js';

/**
 * One image to draw: `height × width` values in row-major order, or `height × width × channels` (channel last)
 * for RGB(A). The common input of imshow, pyrshow and the method-specific displays.
 */
export interface ImagePanel {
  data: ArrayLike<number>;
  height: number;
  width: number;
  /** 1 (default, drawn through the colormap) or 3 / 4 (RGB(A), clipped to [0, 1]). */
  channels?: 1 | 3 | 4;
  /** Title above the panel ('' = only the range and size lines; null = nothing). */
  title?: string | null;
}

export interface PanelLayoutOptions {
  /** Value range mode or [vmin, vmax] (default 'indep1'); see VRange. */
  vrange?: VRange | string;
  /**
   * Display pixels per image pixel: an integer ≥ 1, or 1/d with d dividing the largest image's size. Smaller
   * images are enlarged by an integer factor to the largest one's size first. Default 1.
   */
  zoom?: number;
  /**
   * A title for every panel, one per panel, or null for none. Each title gets plenoptic's subtitle lines
   * ("range: [vmin, vmax]", "dims: [h, w] * zoom"). Default '' (subtitles only).
   */
  title?: string | readonly (string | null)[] | null;
  /** Panels per row (plenoptic's col_wrap); default: all in one row. */
  colMax?: number;
  /** Default: RdBu_r for the '…0' vrange modes, gray otherwise. */
  cmap?: ColormapName;
  /** Pixels between panels (default 10). */
  gap?: number;
}

export interface ImshowOptions extends PanelLayoutOptions {
  /** Show only this batch element. */
  batchIdx?: number;
  /** Show only this channel. */
  channelIdx?: number;
  /** Treat the 3 or 4 channels as one RGB(A) image. */
  asRgb?: boolean;
}

/** Python's '{:.1e}' (two-digit exponent), as plenoptic's panel subtitles print ranges. */
export function formatExp1(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const [mantissa, exponent] = v.toExponential(1).split('e');
  const sign = exponent.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exponent.replace(/^[-+]/, '').padStart(2, '0')}`;
}

function checkZoom(zoom: number, maxH: number, maxW: number): void {
  const fine =
    zoom > 0 &&
    (zoom >= 1 ? Number.isInteger(zoom) : Number.isInteger(1 / zoom) && maxH % (1 / zoom) === 0 && maxW % (1 / zoom) === 0);
  if (!fine) {
    throw new ValueError(
      `zoom must be an integer ≥ 1, or 1/d where d divides the largest image's size [${maxH}, ${maxW}]; got ${zoom}. ` +
        'Non-integer zooms would alias the pixels.',
    );
  }
}

/** Nearest-neighbour resampling of one panel to outH × outW RGB pixels. */
function renderPanel(panel: ImagePanel, range: [number, number], cmap: ColormapName, outH: number, outW: number): Canvas {
  const canvas = new Canvas(outW, outH, WHITE);
  const channels = panel.channels ?? 1;
  const lut = colormapLut(cmap);
  const srcCol = Int32Array.from({ length: outW }, (_, c) => Math.floor((c * panel.width) / outW));
  for (let r = 0; r < outH; r++) {
    const srcRow = Math.floor((r * panel.height) / outH);
    for (let c = 0; c < outW; c++) {
      const s = (srcRow * panel.width + srcCol[c]) * channels;
      const o = 4 * (r * outW + c);
      if (channels === 1) {
        const k = colormapIndex(panel.data[s], range[0], range[1]);
        if (k < 0) continue;
        canvas.rgba[o] = lut[3 * k];
        canvas.rgba[o + 1] = lut[3 * k + 1];
        canvas.rgba[o + 2] = lut[3 * k + 2];
      } else {
        // matplotlib ignores vmin/vmax for RGB(A) and clips to [0, 1]; alpha is composed over white
        const alpha = channels === 4 ? Math.min(1, Math.max(0, panel.data[s + 3])) : 1;
        for (let k = 0; k < 3; k++) {
          const v = Math.min(1, Math.max(0, panel.data[s + k]));
          canvas.rgba[o + k] = Math.round(255 * (v * alpha + (1 - alpha)));
        }
      }
    }
  }
  return canvas;
}

/** Font scale of panel titles: grows with the image, as pyrtools' 12 pt per 256 pixels of axis. */
function titleScale(imageWidth: number): number {
  return imageWidth >= 600 ? 3 : imageWidth >= 200 ? 2 : 1;
}

/** Draws image panels in a grid, as pyrtools' imshow: same display size for all, optional titles, per-panel ranges. */
export function imshowPanels(panels: readonly ImagePanel[], options: PanelLayoutOptions = {}): Figure {
  if (panels.length === 0) throw new ValueError('imshow got no images to show.');
  const maxH = Math.max(...panels.map((p) => p.height));
  const maxW = Math.max(...panels.map((p) => p.width));
  const factors = panels.map((p) => {
    const fh = maxH / p.height;
    const fw = maxW / p.width;
    if (!Number.isInteger(fh) || fh !== fw) {
      throw new ValueError(
        `All images must be able to be 'zoomed in' to the largest image: [${p.height}, ${p.width}] is not an integer ` +
          `fraction (the same on both axes) of [${maxH}, ${maxW}]. Show images of different sizes in separate calls.`,
      );
    }
    return fh;
  });
  const zoom = options.zoom ?? 1;
  checkZoom(zoom, maxH, maxW);
  const outH = Math.round(maxH * zoom);
  const outW = Math.round(maxW * zoom);

  const titles = panels.map((p, i) => {
    const t = options.title;
    if (t === undefined) return p.title === undefined ? '' : p.title;
    if (t === null || typeof t === 'string') return t;
    if (t.length !== panels.length) throw new ValueError(`Got ${t.length} titles for ${panels.length} images; give one per image, one string, or null.`);
    return t[i];
  });
  const values = panels.map((p) => p.data);
  const { ranges, cmap: defaultCmap } = colormapRanges(values, options.vrange ?? 'indep1');
  const cmap = options.cmap ?? defaultCmap;
  const showTitles = titles.some((t) => t !== null);
  const lines = panels.map((p, i) =>
    titles[i] === null
      ? []
      : [
          ...(titles[i] ? [titles[i] as string] : []),
          `range: [${formatExp1(ranges[i][0])}, ${formatExp1(ranges[i][1])}]`,
          `dims: [${p.height}, ${p.width}] * ${zoom * factors[i]}`,
        ],
  );
  const scale = titleScale(outW);
  const titleLines = Math.max(0, ...lines.map((l) => l.length));
  const titleH = showTitles ? textHeight(titleLines, scale) + 6 * scale : 0;
  // titles wider than the image widen the cell (1 px clear each side), never shrink the image
  const cellW = Math.max(outW, ...lines.flat().map((l) => textWidth(l, scale) + 2));

  const cells = panels.map((p, i) => {
    const cell = new Canvas(cellW, titleH + outH, WHITE);
    const x = Math.floor((cellW - outW) / 2);
    cell.drawCanvas(renderPanel(p, ranges[i], cmap, outH, outW), x, titleH);
    if (lines[i].length) {
      cell.drawText(lines[i].join('\n'), Math.floor(cellW / 2), titleH - 3 * scale, { scale, align: 'middle', baseline: 'bottom', color: BLACK });
    }
    return cell;
  });
  return gridFigures(cells, options.colMax ?? panels.length, { gap: options.gap ?? 10 });
}

/**
 * Splits NCHW tensors into panels by plenoptic's rules: every (batch, channel) pair is a panel (batch-major)
 * unless asRgb; several channels and several batch elements at once need batchIdx or channelIdx.
 */
export async function tensorPanels(
  images: tf.Tensor | readonly tf.Tensor[],
  options: Pick<ImshowOptions, 'batchIdx' | 'channelIdx' | 'asRgb'> = {},
): Promise<ImagePanel[]> {
  const list = images instanceof tf.Tensor ? [images] : images;
  const panels: ImagePanel[] = [];
  for (const image of list) {
    if (!(image instanceof tf.Tensor) || image.rank !== 4) {
      throw new ValueError(
        `imshow expects 4-D tensors (batch, channel, height, width); got ${image instanceof tf.Tensor ? `shape [${image.shape.join(', ')}]` : typeof image}. ` +
          'Reshape a single image with x.reshape([1, 1, h, w]).',
      );
    }
    const [b, c, h, w] = image.shape;
    const pick = (idx: number | undefined, n: number, name: string): number[] => {
      if (idx === undefined) return Array.from({ length: n }, (_, i) => i);
      if (!Number.isInteger(idx) || idx < 0 || idx >= n) throw new ValueError(`${name} ${idx} is out of range for a tensor with ${n} along that dimension.`);
      return [idx];
    };
    const batches = pick(options.batchIdx, b, 'batchIdx');
    const channels = pick(options.channelIdx, c, 'channelIdx');
    if (options.asRgb && channels.length !== 3 && channels.length !== 4) {
      throw new ValueError('If as_rgb is True, then channel must have 3 or 4 elements!');
    }
    if (!options.asRgb && channels.length > 1 && batches.length > 1) {
      throw new ValueError(
        "Don't know how to plot images with more than one channel and batch! Use batch_idx / channel_idx to choose a subset for plotting",
      );
    }
    const data = (await image.data()) as Float32Array;
    const plane = h * w;
    for (const bi of batches) {
      if (options.asRgb) {
        const n = channels.length as 3 | 4;
        const rgb = new Float32Array(plane * n);
        channels.forEach((ci, k) => {
          const base = (bi * c + ci) * plane;
          for (let p = 0; p < plane; p++) rgb[p * n + k] = data[base + p];
        });
        panels.push({ data: rgb, height: h, width: w, channels: n });
      } else {
        for (const ci of channels) {
          const base = (bi * c + ci) * plane;
          panels.push({ data: data.subarray(base, base + plane), height: h, width: w });
        }
      }
    }
  }
  return panels;
}

/**
 * plenoptic's imshow: shows 4-D image tensors (or a list of them) as a grid of panels, one per (batch, channel)
 * pair, with nearest-neighbour zoom, value ranges per `vrange`, and titles.
 */
export async function imshow(images: tf.Tensor | readonly tf.Tensor[], options: ImshowOptions = {}): Promise<Figure> {
  return imshowPanels(await tensorPanels(images, options), options);
}

/**
 * The zoom plenoptic picks when an axes size is known: the largest integer that fits the image in the box, or,
 * for an image larger than the box, 1/d for the smallest d dividing its size that makes it fit.
 */
export function fittingZoom(height: number, width: number, boxHeight: number, boxWidth: number): number {
  const whole = Math.floor(Math.min(boxHeight / height, boxWidth / width));
  if (whole >= 1) return whole;
  for (let d = 2; d <= Math.max(height, width); d++) {
    if (height % d === 0 && width % d === 0 && height / d <= boxHeight && width / d <= boxWidth) return 1 / d;
  }
  return 1;
}
