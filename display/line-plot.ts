import { type Rgb } from './canvas.js';
import { ValueError } from '../runtime/errors.js';
import { textHeight, textWidth } from './font.js';
import { Figure } from './figure.js';
import { autoScale, drawAxes, layoutAxes, pixelX, pixelY, type AxesSpec, type AxisScale, type PlotFrame } from './axes.js';
import { RasterPainter, SvgPainter, type Painter } from './painter.js';

/** matplotlib's default colour cycle ('C0' … 'C9'). */
export const colorCycle: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];
export const [C0, C1, C2, C3] = colorCycle;

const namedColors: Record<string, Rgb> = { k: [0, 0, 0], r: [255, 0, 0], g: [0, 128, 0], b: [0, 0, 255], w: [255, 255, 255] };

/** A colour from matplotlib-style names: 'C0'…'C9', 'k', 'r', 'g', 'b', 'w', or '#rrggbb'. */
export function parseColor(name: string): Rgb {
  const cycle = /^C(\d)$/.exec(name);
  if (cycle) return colorCycle[Number(cycle[1])];
  if (namedColors[name]) return namedColors[name];
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(name);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  throw new ValueError(`Unknown colour '${name}': use 'C0'…'C9', one of k r g b w, or '#rrggbb'.`);
}

export interface LineSeries {
  y: ArrayLike<number>;
  /** Default 0, 1, 2, ... */
  x?: ArrayLike<number>;
  color?: Rgb;
  lineWidth?: number;
  /** [on, off] pixel lengths for a dashed line (matplotlib's '--' is about [6, 4]). */
  dash?: readonly [number, number];
  /** Shown in a legend at the top right when any series has one. */
  label?: string;
}

export interface Marker {
  x: number;
  y: number;
  color?: Rgb;
  radius?: number;
}

export interface LinePlotOptions {
  width?: number;
  height?: number;
  /** Log10 y axis (semilogy); values ≤ 0 leave gaps. */
  logY?: boolean;
  title?: string;
  xlabel?: string;
  ylabel?: string;
  /** Fixed [min, max] of an axis instead of the data range plus 5%. */
  xlim?: readonly [number, number];
  ylim?: readonly [number, number];
  /** Dots drawn over the lines (plenoptic's red dot at the shown iteration). */
  markers?: readonly Marker[];
  /** Integer font scale; default 2 for plots at least 360 px wide, else 1. */
  fontScale?: number;
}

function xValues(series: LineSeries): ArrayLike<number> {
  return series.x ?? Float64Array.from({ length: series.y.length }, (_, i) => i);
}

/** The axes (scales and labels) a set of series gets, before any drawing. */
export function linePlotAxes(series: readonly LineSeries[], options: LinePlotOptions = {}): AxesSpec {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    const x = xValues(s);
    for (let i = 0; i < s.y.length; i++) {
      xs.push(x[i]);
      ys.push(s.y[i]);
    }
  }
  for (const m of options.markers ?? []) {
    xs.push(m.x);
    ys.push(m.y);
  }
  const log = options.logY ?? false;
  const xScale: AxisScale = options.xlim ? { min: options.xlim[0], max: options.xlim[1], log: false } : autoScale(xs);
  const yScale: AxisScale = options.ylim ? { min: options.ylim[0], max: options.ylim[1], log } : autoScale(ys, log);
  const width = options.width ?? 480;
  return {
    xScale,
    yScale,
    title: options.title,
    xlabel: options.xlabel,
    ylabel: options.ylabel,
    fontScale: options.fontScale ?? (width >= 360 ? 2 : 1),
  };
}

/** Pixel polylines of a series, split where values are missing (NaN, or ≤ 0 on a log axis). */
export function seriesPolylines(series: LineSeries, frame: PlotFrame, axes: AxesSpec): number[][] {
  const x = xValues(series);
  const runs: number[][] = [];
  let run: number[] = [];
  for (let i = 0; i < series.y.length; i++) {
    const px = pixelX(frame, axes.xScale, x[i]);
    const py = pixelY(frame, axes.yScale, series.y[i]);
    if (Number.isFinite(px) && Number.isFinite(py)) {
      run.push(px, py);
    } else if (run.length) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  return runs;
}

/** Draws a line plot into a box of the painter; returns the plot area used. */
export function drawLinePlot(painter: Painter, box: PlotFrame, series: readonly LineSeries[], options: LinePlotOptions = {}): PlotFrame {
  const axes = linePlotAxes(series, { ...options, width: box.width });
  const frame = layoutAxes(box, axes);
  series.forEach((s, i) => {
    for (const run of seriesPolylines(s, frame, axes)) painter.polyline(run, s.color ?? colorCycle[i % 10], s.lineWidth ?? 1.5, s.dash);
  });
  for (const m of options.markers ?? []) {
    const px = pixelX(frame, axes.xScale, m.x);
    const py = pixelY(frame, axes.yScale, m.y);
    if (Number.isFinite(px) && Number.isFinite(py)) painter.circle(px, py, m.radius ?? 4, m.color ?? C3);
  }
  drawAxes(painter, frame, axes);
  drawLegend(painter, frame, series, axes.fontScale ?? 1);
  return frame;
}

function drawLegend(painter: Painter, frame: PlotFrame, series: readonly LineSeries[], scale: number): void {
  const labelled = series.map((s, i) => ({ s, color: s.color ?? colorCycle[i % 10] })).filter(({ s }) => s.label);
  if (!labelled.length) return;
  const lineH = textHeight(1, scale) + 4 * scale;
  const sample = 16 * scale;
  const widest = Math.max(...labelled.map(({ s }) => textWidth(s.label!, scale)));
  const x = frame.x + frame.width - widest - sample - 12 * scale;
  labelled.forEach(({ s, color }, i) => {
    const y = frame.y + 6 * scale + i * lineH + textHeight(1, scale) / 2;
    painter.polyline([x, y, x + sample, y], color, s.lineWidth ?? 1.5, s.dash);
    painter.text(s.label!, x + sample + 4 * scale, y, { scale, baseline: 'middle' });
  });
}

/** A line plot as a figure (raster, with `figure.svg` holding the same plot as SVG). */
export function linePlot(series: readonly LineSeries[], options: LinePlotOptions = {}): Figure {
  const width = options.width ?? 480;
  const height = options.height ?? 360;
  const box = { x: 0, y: 0, width, height };
  const figure = new Figure(width, height);
  drawLinePlot(new RasterPainter(figure), box, series, options);
  figure.svg = linePlotSvg(series, options);
  return figure;
}

/** A line plot as SVG text. */
export function linePlotSvg(series: readonly LineSeries[], options: LinePlotOptions = {}): string {
  const width = options.width ?? 480;
  const height = options.height ?? 360;
  const svg = new SvgPainter(width, height);
  svg.fillRect(0, 0, width, height, [255, 255, 255]);
  drawLinePlot(svg, { x: 0, y: 0, width, height }, series, options);
  return svg.toString();
}

export interface LossCurveOptions extends Omit<LinePlotOptions, 'markers'> {
  /** Index of the loss to mark with a red dot (negative counts from the end); default the last. */
  iteration?: number;
}

function lossCurveOptions(values: ArrayLike<number>, options: LossCurveOptions): LinePlotOptions {
  const n = values.length;
  const idx = options.iteration === undefined ? n - 1 : options.iteration < 0 ? n + options.iteration : options.iteration;
  return {
    logY: true,
    xlabel: 'Synthesis iteration',
    ylabel: 'Loss',
    ...options,
    markers: idx >= 0 && idx < n ? [{ x: idx, y: values[idx] }] : [],
  };
}

/** plenoptic's plot_loss as SVG: semilogy of the losses with a red dot at `iteration`. */
export function lossCurveSvg(values: ArrayLike<number>, options: LossCurveOptions = {}): string {
  return linePlotSvg([{ y: values }], lossCurveOptions(values, options));
}

/** plenoptic's plot_loss as a figure (raster plus SVG). */
export function lossCurve(values: ArrayLike<number>, options: LossCurveOptions = {}): Figure {
  return linePlot([{ y: values }], lossCurveOptions(values, options));
}
