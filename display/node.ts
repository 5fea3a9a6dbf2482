// Node-only file output of figures: PNG (through sharp), SVG text, and encoded bytes such as animate()'s GIF.
import { writeFile } from 'node:fs/promises';
import type { Canvas } from './canvas.js';
import { encodePng } from './png.js';

export async function writePng(path: string, canvas: Canvas): Promise<void> {
  await writeFile(path, await encodePng(canvas));
}

export async function writeSvg(path: string, svg: string): Promise<void> {
  await writeFile(path, svg, 'utf8');
}

export async function writeBytesFile(path: string, bytes: Uint8Array): Promise<void> {
  await writeFile(path, bytes);
}
