import type { Canvas } from './canvas.js';

// sharp (Node) is looked up at run time, so that display/ stays importable in a browser, where figure.rgba goes
// straight into an ImageData instead.
const sharpModule = 'sharp';

/** PNG bytes of an opaque canvas, stored as 8-bit RGB (Node: through sharp). */
export async function encodePng(canvas: Canvas): Promise<Uint8Array> {
  let sharp: typeof import('sharp').default;
  try {
    sharp = ((await import(/* @vite-ignore */ sharpModule)) as typeof import('sharp')).default;
  } catch (e) {
    throw new Error(`PNG encoding needs the sharp package (Node); in a browser draw figure.rgba into a canvas instead. (${(e as Error).message})`);
  }
  const buffer = await sharp(canvas.rgba, { raw: { width: canvas.width, height: canvas.height, channels: 4 } })
    .removeAlpha()
    .png()
    .toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
