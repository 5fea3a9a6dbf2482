import { Canvas, WHITE, type Rgb } from './canvas.js';
import { ValueError } from '../runtime/errors.js';
import { svgColor } from './painter.js';
import { encodePng } from './png.js';

// File access is looked up at run time so that display/ stays importable in a browser.
const fsModule = 'node:fs/promises';

/**
 * A finished figure: an opaque RGBA raster, plus the same drawing as SVG text when it was drawn only with vector
 * primitives (line and stem plots).
 */
export class Figure extends Canvas {
  /** SVG document of the same drawing, or null for figures holding images. */
  svg: string | null = null;

  constructor(width: number, height: number, background: Rgb = WHITE) {
    super(width, height, background);
  }

  /** PNG-encoded bytes (Node: needs sharp). */
  async toPngBytes(): Promise<Uint8Array> {
    return encodePng(this);
  }

  /** Writes the figure as a PNG file (Node). */
  async toPng(path: string): Promise<void> {
    const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
    await fs.writeFile(path, await encodePng(this));
  }

  /** The SVG text of a vector figure. */
  toSvg(): string {
    if (this.svg === null) {
      throw new ValueError('This figure holds raster images and has no SVG form; save it with toPng() instead.');
    }
    return this.svg;
  }
}

export interface StackOptions {
  /** Pixels between neighbouring figures (default 10). */
  gap?: number;
  /** Pixels around the whole composition (default 0). */
  padding?: number;
  /** Where smaller figures sit across the stacking direction (default 'start': top or left). */
  align?: 'start' | 'middle' | 'end';
  background?: Rgb;
}

function crossOffset(free: number, align: StackOptions['align']): number {
  return align === 'middle' ? Math.floor(free / 2) : align === 'end' ? free : 0;
}

/** Places figures in rows of `columns`, each cell as large as the largest figure of its row / column. */
export function gridFigures(figures: readonly Canvas[], columns: number, options: StackOptions = {}): Figure {
  if (figures.length === 0) throw new ValueError('Nothing to lay out: the list of figures is empty.');
  const gap = options.gap ?? 10;
  const pad = options.padding ?? 0;
  const cols = Math.max(1, Math.min(columns, figures.length));
  const rows = Math.ceil(figures.length / cols);
  const colW = new Array<number>(cols).fill(0);
  const rowH = new Array<number>(rows).fill(0);
  figures.forEach((f, i) => {
    colW[i % cols] = Math.max(colW[i % cols], f.width);
    rowH[Math.floor(i / cols)] = Math.max(rowH[Math.floor(i / cols)], f.height);
  });
  const width = 2 * pad + colW.reduce((a, b) => a + b, 0) + gap * (cols - 1);
  const height = 2 * pad + rowH.reduce((a, b) => a + b, 0) + gap * (rows - 1);
  const background = options.background ?? WHITE;
  const out = new Figure(width, height, background);
  // vector figures compose into a vector figure: each one nested as an <svg> at its place
  const allVector = figures.every((f) => f instanceof Figure && f.svg !== null);
  const nested: string[] = [];
  let y = pad;
  for (let r = 0; r < rows; r++) {
    let x = pad;
    for (let c = 0; c < cols; c++) {
      const f = figures[r * cols + c];
      if (f) {
        const fx = x + crossOffset(colW[c] - f.width, options.align);
        const fy = y + crossOffset(rowH[r] - f.height, options.align);
        out.drawCanvas(f, fx, fy);
        if (allVector) nested.push((f as Figure).svg!.trim().replace(/^<svg /, `<svg x="${fx}" y="${fy}" `));
      }
      x += colW[c] + gap;
    }
    y += rowH[r] + gap;
  }
  if (allVector) {
    out.svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n` +
      `<rect x="0" y="0" width="${width}" height="${height}" fill="${svgColor(background)}"/>\n${nested.join('\n')}\n</svg>\n`;
  }
  return out;
}

/** Figures side by side, left to right. */
export function hstack(figures: readonly Canvas[], options: StackOptions = {}): Figure {
  return gridFigures(figures, figures.length, options);
}

/** Figures one above the other, top to bottom. */
export function vstack(figures: readonly Canvas[], options: StackOptions = {}): Figure {
  return gridFigures(figures, 1, options);
}
