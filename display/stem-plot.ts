import { Figure } from './figure.js';
import { autoScale, drawAxes, layoutAxes, pixelX, pixelY, type AxesSpec, type PlotFrame } from './axes.js';
import { C0, C3 } from './line-plot.js';
import { RasterPainter, SvgPainter, type Painter } from './painter.js';

export interface StemPlotOptions {
  width?: number;
  height?: number;
  title?: string;
  /** Fixed [min, max] of the y axis; default the data range (and 0) plus 5%. */
  ylim?: readonly [number, number];
  /** Integer font scale; default 1. */
  fontScale?: number;
}

/** The axes of plenoptic's clean_stem_plot: only the left spine, no x axis. */
function stemAxes(values: ArrayLike<number>, options: StemPlotOptions): AxesSpec {
  const yScale = options.ylim ? { min: options.ylim[0], max: options.ylim[1], log: false } : autoScale([0, ...Array.from(values)]);
  return {
    xScale: { min: -0.5, max: Math.max(0.5, values.length - 0.5), log: false },
    yScale,
    title: options.title,
    showXAxis: false,
    spines: { top: false, right: false, bottom: false },
    fontScale: options.fontScale ?? 1,
  };
}

/** Draws stems from 0 to each value, with a dot on top and a red baseline; NaN values leave gaps. */
export function drawStemPlot(painter: Painter, box: PlotFrame, values: ArrayLike<number>, options: StemPlotOptions = {}): PlotFrame {
  const axes = stemAxes(values, options);
  const frame = layoutAxes(box, axes);
  const zero = Math.min(frame.y + frame.height, Math.max(frame.y, pixelY(frame, axes.yScale, 0)));
  const radius = Math.max(1, Math.min(3, frame.width / Math.max(1, values.length) / 3));
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) continue;
    const px = pixelX(frame, axes.xScale, i);
    const py = Math.min(frame.y + frame.height, Math.max(frame.y, pixelY(frame, axes.yScale, values[i])));
    painter.polyline([px, zero, px, py], C0, 1);
    painter.circle(px, py, radius, C0);
  }
  painter.polyline([frame.x, zero, frame.x + frame.width, zero], C3, 1.5);
  drawAxes(painter, frame, axes);
  return frame;
}

/** A stem plot as a figure (raster, with `figure.svg`). */
export function stemPlot(values: ArrayLike<number>, options: StemPlotOptions = {}): Figure {
  const width = options.width ?? 360;
  const height = options.height ?? 240;
  const box = { x: 0, y: 0, width, height };
  const figure = new Figure(width, height);
  drawStemPlot(new RasterPainter(figure), box, values, options);
  const svg = new SvgPainter(width, height);
  svg.fillRect(0, 0, width, height, [255, 255, 255]);
  drawStemPlot(svg, box, values, options);
  figure.svg = svg.toString();
  return figure;
}
