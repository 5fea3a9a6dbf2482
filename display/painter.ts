import { BLACK, Canvas, type Rgb, type TextStyle } from './canvas.js';
import { textHeight } from './font.js';

/**
 * The drawing surface of vector plots. A plot draws once through this interface and gets both a raster (for PNG
 * and GIF) and an SVG with the same geometry; text metrics are the bitmap font's in both.
 */
export interface Painter {
  readonly width: number;
  readonly height: number;
  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void;
  /** Flat [x0, y0, x1, y1, ...]; `dash` = [on, off] lengths in pixels for a dashed line. */
  polyline(points: ArrayLike<number>, color: Rgb, lineWidth?: number, dash?: readonly [number, number]): void;
  circle(cx: number, cy: number, radius: number, color: Rgb): void;
  text(text: string, x: number, y: number, style?: TextStyle): void;
}

export class RasterPainter implements Painter {
  constructor(readonly canvas: Canvas) {}
  get width(): number {
    return this.canvas.width;
  }
  get height(): number {
    return this.canvas.height;
  }
  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    this.canvas.fillRect(x, y, w, h, color);
  }
  polyline(points: ArrayLike<number>, color: Rgb, lineWidth = 1, dash?: readonly [number, number]): void {
    if (!dash) {
      this.canvas.strokePolyline(points, color, lineWidth);
      return;
    }
    for (const piece of dashPieces(points, dash)) this.canvas.strokePolyline(piece, color, lineWidth);
  }
  circle(cx: number, cy: number, radius: number, color: Rgb): void {
    this.canvas.fillCircle(cx, cy, radius, color);
  }
  text(text: string, x: number, y: number, style?: TextStyle): void {
    this.canvas.drawText(text, x, y, style);
  }
}

/** The "on" pieces of a dashed polyline, measured along its length. */
export function dashPieces(points: ArrayLike<number>, dash: readonly [number, number]): number[][] {
  const [on, off] = dash;
  const pieces: number[][] = [];
  let piece: number[] | null = [points[0], points[1]];
  let phase = 0; // distance into the current on+off period
  for (let i = 2; i + 1 < points.length; i += 2) {
    let x = points[i - 2];
    let y = points[i - 1];
    const ex = points[i];
    const ey = points[i + 1];
    let remaining = Math.hypot(ex - x, ey - y);
    while (remaining > 0) {
      const inOn = phase < on;
      const step = Math.min(remaining, inOn ? on - phase : on + off - phase);
      const t = step / remaining;
      x += (ex - x) * t;
      y += (ey - y) * t;
      remaining -= step;
      phase += step;
      if (inOn) piece!.push(x, y);
      if (phase >= on + off - 1e-9) phase = 0;
      if (inOn && phase >= on - 1e-9) {
        pieces.push(piece!);
        piece = null;
      } else if (!inOn && phase === 0) {
        piece = [x, y];
      }
    }
  }
  if (piece && piece.length >= 4) pieces.push(piece);
  return pieces;
}

export function svgColor(c: Rgb): string {
  return `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

/** Coordinates in SVG text: two decimals are far below a pixel and keep files small. */
export function svgNumber(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Collects SVG elements; `toString()` gives the document. Monospace at 10 px per scale matches the 6 px advance. */
export class SvgPainter implements Painter {
  private readonly parts: string[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    this.parts.push(`<rect x="${svgNumber(x)}" y="${svgNumber(y)}" width="${svgNumber(w)}" height="${svgNumber(h)}" fill="${svgColor(color)}"/>`);
  }

  polyline(points: ArrayLike<number>, color: Rgb, lineWidth = 1, dash?: readonly [number, number]): void {
    const coords: string[] = [];
    for (let i = 0; i + 1 < points.length; i += 2) coords.push(`${svgNumber(points[i])},${svgNumber(points[i + 1])}`);
    const dashAttr = dash ? ` stroke-dasharray="${svgNumber(dash[0])} ${svgNumber(dash[1])}"` : '';
    this.parts.push(
      `<polyline points="${coords.join(' ')}" fill="none" stroke="${svgColor(color)}" stroke-width="${svgNumber(lineWidth)}"${dashAttr} stroke-linejoin="round" stroke-linecap="round"/>`,
    );
  }

  circle(cx: number, cy: number, radius: number, color: Rgb): void {
    this.parts.push(`<circle cx="${svgNumber(cx)}" cy="${svgNumber(cy)}" r="${svgNumber(radius)}" fill="${svgColor(color)}"/>`);
  }

  text(text: string, x: number, y: number, style: TextStyle = {}): void {
    const scale = Math.max(1, Math.round(style.scale ?? 1));
    const anchor = style.align === 'middle' ? 'middle' : style.align === 'end' ? 'end' : 'start';
    const lines = text.split('\n');
    const blockH = textHeight(lines.length, scale);
    // the top of the block, measured across the reading direction, as the raster painter lays it out
    const top = style.baseline === 'middle' ? -blockH / 2 : style.baseline === 'bottom' ? -blockH : 0;
    const transform = style.vertical ? ` transform="rotate(-90 ${svgNumber(x)} ${svgNumber(y)})"` : '';
    const tspans = lines
      .map((line, i) => `<tspan x="${svgNumber(x)}" y="${svgNumber(y + top + (i * 9 + 7) * scale)}">${escapeXml(line)}</tspan>`)
      .join('');
    this.parts.push(
      `<text font-family="monospace" font-size="${10 * scale}" fill="${svgColor(style.color ?? BLACK)}" text-anchor="${anchor}"${transform}>${tspans}</text>`,
    );
  }

  toString(): string {
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" viewBox="0 0 ${this.width} ${this.height}">\n` +
      this.parts.join('\n') +
      '\n</svg>\n'
    );
  }
}
