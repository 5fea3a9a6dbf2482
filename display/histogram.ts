import { Figure } from './figure.js';
import { C0, C1, drawLinePlot, type LineSeries } from './line-plot.js';
import { RasterPainter, SvgPainter, type Painter } from './painter.js';

/** numpy's linear-interpolation percentile of unsorted values. */
function percentile(values: Float64Array, p: number): number {
  const pos = (p / 100) * (values.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(values.length - 1, lo + 1);
  return values[lo] + (values[hi] - values[lo]) * (pos - lo);
}

/**
 * plenoptic's bin count for pixel histograms (Freedman–Diaconis as seaborn wrote it). plenoptic passes
 * percentiles [.25, .75] — fractions of a percent, not the quartiles — and we keep that so the bins match.
 */
export function freedmanDiaconisBins(values: ArrayLike<number>): number {
  if (values.length < 2) return 1;
  const sorted = Float64Array.from(values).sort();
  const iqr = percentile(sorted, 0.75) - percentile(sorted, 0.25);
  const h = (2 * iqr) / Math.cbrt(sorted.length);
  if (h === 0) return Math.floor(Math.sqrt(sorted.length));
  return Math.ceil((sorted[sorted.length - 1] - sorted[0]) / h);
}

/** A histogram as a step outline: the polyline along the tops of `bins` equal bins over the values' range. */
export function histogramOutline(values: ArrayLike<number>, bins: number): LineSeries & { x: Float64Array; y: Float64Array } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) continue;
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  if (min === Infinity) return { x: new Float64Array(0), y: new Float64Array(0) };
  // numpy widens an empty range to ±0.5
  if (max === min) {
    min -= 0.5;
    max += 0.5;
  }
  const counts = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) continue;
    counts[Math.min(bins - 1, Math.floor(((values[i] - min) / (max - min)) * bins))]++;
  }
  const x = new Float64Array(2 * bins + 2);
  const y = new Float64Array(2 * bins + 2);
  for (let b = 0; b < bins; b++) {
    x[2 * b + 1] = min + ((max - min) * b) / bins;
    x[2 * b + 2] = min + ((max - min) * (b + 1)) / bins;
    y[2 * b + 1] = y[2 * b + 2] = counts[b];
  }
  x[0] = min;
  x[2 * bins + 1] = max;
  return { x, y };
}

function drawHistograms(painter: Painter, width: number, height: number, metamer: ArrayLike<number>, image: ArrayLike<number>): void {
  const bins = Math.max(1, Math.min(freedmanDiaconisBins(image), 50));
  const series = [
    { ...histogramOutline(metamer, bins), color: C0, label: 'metamer' },
    { ...histogramOutline(image, bins), color: C1, label: 'target image' },
  ];
  drawLinePlot(painter, { x: 0, y: 0, width, height }, series, { title: 'Histogram of pixel values' });
}

/** Step histograms of the metamer's and the target image's pixels, with plenoptic's bin count. */
export function pixelHistogram(metamer: ArrayLike<number>, image: ArrayLike<number>, options: { width?: number; height?: number } = {}): Figure {
  const width = options.width ?? 400;
  const height = options.height ?? 300;
  const figure = new Figure(width, height);
  drawHistograms(new RasterPainter(figure), width, height, metamer, image);
  const svg = new SvgPainter(width, height);
  svg.fillRect(0, 0, width, height, [255, 255, 255]);
  drawHistograms(svg, width, height, metamer, image);
  figure.svg = svg.toString();
  return figure;
}
