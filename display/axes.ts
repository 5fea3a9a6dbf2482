import { BLACK, type Rgb } from './canvas.js';
import { LINE_HEIGHT, textHeight, textWidth } from './font.js';
import type { Painter } from './painter.js';

/** A data interval mapped to pixels, linearly or in log10. */
export interface AxisScale {
  min: number;
  max: number;
  log: boolean;
}

export interface Tick {
  value: number;
  label: string;
}

/** The plot area of an axes, in figure pixels. */
export interface PlotFrame {
  x: number;
  y: number;
  width: number;
  height: number;
}

function trimNumber(s: string): string {
  return s.includes('e') ? s.replace(/\.?0+e/, 'e').replace('e+', 'e') : s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** A short tick label: plain decimals (enough for `step`) for moderate magnitudes, 'me-k' otherwise. */
export function formatTick(v: number, step = Math.abs(v)): string {
  if (v === 0) return '0';
  const mag = Math.abs(v);
  if (mag >= 1e5 || mag < 1e-3) return trimNumber(v.toExponential(3));
  const decimals = Math.max(0, Math.min(8, Math.ceil(-Math.log10(step) + 1e-9) + 1));
  return trimNumber(v.toFixed(decimals));
}

/** About `target` round ticks (1, 2, 2.5 or 5 × 10^k apart) inside [min, max]. */
export function linearTicks(min: number, max: number, target = 5): Tick[] {
  if (!(max > min)) return [{ value: min, label: formatTick(min) }];
  const rough = (max - min) / target;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= rough * 0.999) ?? 10 * pow;
  const ticks: Tick[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) {
    const value = Math.abs(k * step) < step * 1e-9 ? 0 : k * step;
    ticks.push({ value, label: formatTick(value, step) });
  }
  return ticks;
}

function formatPower(mantissa: number, exponent: number): string {
  if (exponent >= -3 && exponent <= 3) return formatTick(mantissa * 10 ** exponent, 10 ** Math.min(0, exponent));
  return `${mantissa}e${exponent}`;
}

/** Ticks of a log axis: decades, or 1-2-5 steps (then 1…9) when the range spans less than two decades. */
export function logTicks(min: number, max: number): Tick[] {
  const lo = Math.log10(min);
  const hi = Math.log10(max);
  for (const mantissas of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const ticks: Tick[] = [];
    for (let e = Math.floor(lo) - 1; e <= Math.ceil(hi); e++) {
      for (const m of mantissas) {
        const l = Math.log10(m) + e;
        if (l >= lo - 1e-9 && l <= hi + 1e-9) ticks.push({ value: m * 10 ** e, label: formatPower(m, e) });
      }
    }
    if (ticks.length >= 2) {
      const thin = Math.ceil(ticks.length / 8);
      return ticks.filter((_, i) => i % thin === 0);
    }
  }
  return [
    { value: min, label: formatTick(min) },
    { value: max, label: formatTick(max) },
  ];
}

export function ticksFor(scale: AxisScale, target = 5): Tick[] {
  return scale.log ? logTicks(scale.min, scale.max) : linearTicks(scale.min, scale.max, target);
}

/** matplotlib's autoscale: the data range plus a 5% margin each side (in log10 for log axes). */
export function autoScale(values: Iterable<number>, log = false): AxisScale {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    const t = log ? Math.log10(v) : v;
    min = Math.min(min, t);
    max = Math.max(max, t);
  }
  if (min === Infinity) return log ? { min: 0.1, max: 10, log } : { min: -1, max: 1, log };
  const spread = max > min ? max - min : Math.max(Math.abs(min) * 0.1, log ? 0.5 : 1);
  const lo = max > min ? min - 0.05 * spread : min - spread;
  const hi = max > min ? max + 0.05 * spread : max + spread;
  return log ? { min: 10 ** lo, max: 10 ** hi, log } : { min: lo, max: hi, log };
}

/** Fraction along the axis of a data value (0 at min, 1 at max); NaN for values a log axis cannot show. */
export function axisFraction(scale: AxisScale, v: number): number {
  if (scale.log) {
    if (!(v > 0)) return NaN;
    return (Math.log10(v) - Math.log10(scale.min)) / (Math.log10(scale.max) - Math.log10(scale.min));
  }
  return (v - scale.min) / (scale.max - scale.min);
}

export function pixelX(frame: PlotFrame, scale: AxisScale, v: number): number {
  return frame.x + axisFraction(scale, v) * frame.width;
}

export function pixelY(frame: PlotFrame, scale: AxisScale, v: number): number {
  return frame.y + (1 - axisFraction(scale, v)) * frame.height;
}

export interface AxesSpec {
  xScale: AxisScale;
  yScale: AxisScale;
  title?: string;
  xlabel?: string;
  ylabel?: string;
  /** Draw the x axis (ticks and labels); plenoptic's stem plots hide it. Default true. */
  showXAxis?: boolean;
  /** Which sides of the frame to draw (default all four, as matplotlib). */
  spines?: { top?: boolean; right?: boolean; bottom?: boolean; left?: boolean };
  /** Integer font scale (default 1). */
  fontScale?: number;
}

const TICK = 4;
const PAD = 6;

/** Where the plot area goes inside a `width × height` box so that the labels of `spec` fit around it. */
export function layoutAxes(box: PlotFrame, spec: AxesSpec): PlotFrame {
  const s = spec.fontScale ?? 1;
  const lineH = textHeight(1, s);
  const yTicks = ticksFor(spec.yScale);
  const xTicks = spec.showXAxis === false ? [] : ticksFor(spec.xScale);
  const left = PAD + (spec.ylabel ? lineH + 2 * PAD : 0) + Math.max(0, ...yTicks.map((t) => textWidth(t.label, s))) + TICK + 3;
  const bottom = PAD + (xTicks.length ? TICK + 3 + lineH : 0) + (spec.xlabel ? lineH + PAD : 0);
  const top = PAD + (spec.title ? textHeight(spec.title.split('\n').length, s) + PAD : 0);
  const lastLabel = xTicks.length ? textWidth(xTicks[xTicks.length - 1].label, s) : 0;
  const right = PAD + Math.ceil(lastLabel / 2);
  return {
    x: box.x + left,
    y: box.y + top,
    width: Math.max(1, box.width - left - right),
    height: Math.max(1, box.height - top - bottom),
  };
}

/** Draws the frame, ticks, tick labels, axis labels and title around a plot area. */
export function drawAxes(painter: Painter, frame: PlotFrame, spec: AxesSpec, color: Rgb = BLACK): void {
  const s = spec.fontScale ?? 1;
  const spines = { top: true, right: true, bottom: true, left: true, ...spec.spines };
  const { x, y, width: w, height: h } = frame;
  const line = (x0: number, y0: number, x1: number, y1: number) => painter.polyline([x0, y0, x1, y1], color, 1);
  if (spines.left) line(x, y, x, y + h);
  if (spines.right) line(x + w, y, x + w, y + h);
  if (spines.top) line(x, y, x + w, y);
  if (spines.bottom) line(x, y + h, x + w, y + h);
  for (const t of ticksFor(spec.yScale)) {
    const py = pixelY(frame, spec.yScale, t.value);
    line(x - TICK, py, x, py);
    painter.text(t.label, x - TICK - 3, py, { scale: s, align: 'end', baseline: 'middle', color });
  }
  if (spec.showXAxis !== false) {
    for (const t of ticksFor(spec.xScale)) {
      const px = pixelX(frame, spec.xScale, t.value);
      line(px, y + h, px, y + h + TICK);
      painter.text(t.label, px, y + h + TICK + 3, { scale: s, align: 'middle', baseline: 'top', color });
    }
  }
  if (spec.xlabel) {
    const below = y + h + (spec.showXAxis === false ? 0 : TICK + 3 + textHeight(1, s)) + PAD;
    painter.text(spec.xlabel, x + w / 2, below, { scale: s, align: 'middle', baseline: 'top', color });
  }
  if (spec.ylabel) {
    const widest = Math.max(0, ...ticksFor(spec.yScale).map((t) => textWidth(t.label, s)));
    const at = x - TICK - 3 - widest - PAD - LINE_HEIGHT * s;
    painter.text(spec.ylabel, Math.max(0, at), y + h / 2, { scale: s, align: 'middle', baseline: 'top', vertical: true, color });
  }
  if (spec.title) painter.text(spec.title, x + w / 2, y - PAD, { scale: s, align: 'middle', baseline: 'bottom', color });
}
