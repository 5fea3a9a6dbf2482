import { CHAR_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, LINE_HEIGHT, glyphFor, textHeight, textWidth } from './font.js';

/** An sRGB colour, each channel 0–255. */
export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];

export type HorizontalAlign = 'start' | 'middle' | 'end';
export type VerticalAlign = 'top' | 'middle' | 'bottom';

export interface TextStyle {
  color?: Rgb;
  /** Integer magnification of the 5×7 font (default 1: 7 px capitals, 6 px per character). */
  scale?: number;
  align?: HorizontalAlign;
  baseline?: VerticalAlign;
  /** Draw reading bottom to top (a y-axis label). */
  vertical?: boolean;
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/**
 * An opaque RGBA raster: rgba[4·(y·width + x) + k]. Drawing is anti-aliased for lines and discs (coverage from the
 * distance to the shape), exact for rectangles, images and text.
 */
export class Canvas {
  readonly rgba: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = WHITE,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`A canvas needs positive integer sizes, got ${width}×${height}.`);
    }
    this.rgba = new Uint8Array(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  /** Covers the pixels of [x, x+w) × [y, y+h) (clipped to the canvas) with a colour. */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) {
      for (let xx = x0; xx < x1; xx++) {
        const i = 4 * (yy * this.width + xx);
        this.rgba[i] = color[0];
        this.rgba[i + 1] = color[1];
        this.rgba[i + 2] = color[2];
        this.rgba[i + 3] = 255;
      }
    }
  }

  /** Mixes a colour into one pixel with weight alpha in [0, 1]; out-of-canvas pixels are ignored. */
  blend(x: number, y: number, color: Rgb, alpha: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return;
    const a = Math.min(1, alpha);
    const i = 4 * (y * this.width + x);
    for (let k = 0; k < 3; k++) this.rgba[i + k] = clampByte(this.rgba[i + k] * (1 - a) + color[k] * a);
  }

  /**
   * Strokes a polyline given as flat [x0, y0, x1, y1, ...] in pixel coordinates (pixel centres at +0.5). Coverage
   * is the maximum over segments, so joints are not darkened twice.
   */
  strokePolyline(points: ArrayLike<number>, color: Rgb, lineWidth = 1): void {
    const n = Math.floor(points.length / 2);
    if (n === 0) return;
    const half = lineWidth / 2;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, points[2 * i]);
      maxX = Math.max(maxX, points[2 * i]);
      minY = Math.min(minY, points[2 * i + 1]);
      maxY = Math.max(maxY, points[2 * i + 1]);
    }
    const bx0 = Math.max(0, Math.floor(minX - half - 1));
    const by0 = Math.max(0, Math.floor(minY - half - 1));
    const bx1 = Math.min(this.width, Math.ceil(maxX + half + 1));
    const by1 = Math.min(this.height, Math.ceil(maxY + half + 1));
    if (bx1 <= bx0 || by1 <= by0) return;
    const bw = bx1 - bx0;
    const coverage = new Float32Array(bw * (by1 - by0));
    const segments = Math.max(1, n - 1);
    for (let s = 0; s < segments; s++) {
      const ax = points[2 * s];
      const ay = points[2 * s + 1];
      const cx = n > 1 ? points[2 * s + 2] : ax;
      const cy = n > 1 ? points[2 * s + 3] : ay;
      const dx = cx - ax;
      const dy = cy - ay;
      const len2 = dx * dx + dy * dy;
      const x0 = Math.max(bx0, Math.floor(Math.min(ax, cx) - half - 1));
      const x1 = Math.min(bx1, Math.ceil(Math.max(ax, cx) + half + 1));
      const y0 = Math.max(by0, Math.floor(Math.min(ay, cy) - half - 1));
      const y1 = Math.min(by1, Math.ceil(Math.max(ay, cy) + half + 1));
      for (let y = y0; y < y1; y++) {
        const py = y + 0.5;
        for (let x = x0; x < x1; x++) {
          const px = x + 0.5;
          const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
          const ex = px - (ax + t * dx);
          const ey = py - (ay + t * dy);
          const c = Math.min(1, half + 0.5 - Math.sqrt(ex * ex + ey * ey));
          const k = (y - by0) * bw + (x - bx0);
          if (c > coverage[k]) coverage[k] = c;
        }
      }
    }
    for (let y = by0; y < by1; y++) {
      for (let x = bx0; x < bx1; x++) {
        const c = coverage[(y - by0) * bw + (x - bx0)];
        if (c > 0) this.blend(x, y, color, c);
      }
    }
  }

  /** Fills a disc centred at (cx, cy) in pixel coordinates. */
  fillCircle(cx: number, cy: number, radius: number, color: Rgb): void {
    const x0 = Math.max(0, Math.floor(cx - radius - 1));
    const x1 = Math.min(this.width, Math.ceil(cx + radius + 1));
    const y0 = Math.max(0, Math.floor(cy - radius - 1));
    const y1 = Math.min(this.height, Math.ceil(cy + radius + 1));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        this.blend(x, y, color, radius + 0.5 - d);
      }
    }
  }

  /** Copies another canvas with its top-left corner at (x, y), clipped to this canvas. */
  drawCanvas(source: Canvas, x: number, y: number): void {
    const x0 = Math.max(0, x);
    const x1 = Math.min(this.width, x + source.width);
    if (x1 <= x0) return;
    for (let sy = 0; sy < source.height; sy++) {
      const ty = y + sy;
      if (ty < 0 || ty >= this.height) continue;
      const from = 4 * (sy * source.width + (x0 - x));
      this.rgba.set(source.rgba.subarray(from, from + 4 * (x1 - x0)), 4 * (ty * this.width + x0));
    }
  }

  /**
   * Draws text (lines split on '\n') with the built-in bitmap font. `align` places the text along its reading
   * direction relative to (x, y), `baseline` across it; vertical text reads bottom to top.
   */
  drawText(text: string, x: number, y: number, style: TextStyle = {}): void {
    const scale = Math.max(1, Math.round(style.scale ?? 1));
    const color = style.color ?? BLACK;
    const lines = text.split('\n');
    const blockH = textHeight(lines.length, scale);
    const vStart = style.baseline === 'middle' ? -Math.floor(blockH / 2) : style.baseline === 'bottom' ? -blockH : 0;
    lines.forEach((line, li) => {
      const lineW = textWidth(line, scale);
      const uStart = style.align === 'middle' ? -Math.floor(lineW / 2) : style.align === 'end' ? -lineW : 0;
      const vLine = vStart + li * LINE_HEIGHT * scale;
      for (let c = 0; c < line.length; c++) {
        const glyph = glyphFor(line[c]);
        for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
          const row = glyph[gy];
          for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
            if (!(row & (1 << (GLYPH_WIDTH - 1 - gx)))) continue;
            const u = uStart + (c * CHAR_ADVANCE + gx) * scale;
            const v = vLine + gy * scale;
            if (style.vertical) this.fillRect(Math.round(x) + v, Math.round(y) - u - scale, scale, scale, color);
            else this.fillRect(Math.round(x) + u, Math.round(y) + v, scale, scale, color);
          }
        }
      }
    });
  }
}
