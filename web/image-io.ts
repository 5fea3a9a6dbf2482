// Pixels in and out of the page: a dropped file becomes a 1×1×H×W gray tensor in [0, 1]; tensors are drawn on
// canvases with their own range stretched to black..white (plenoptic's 'auto1').
import { tf } from '../runtime/tf.js';

export async function fileToGrayTensor(file: Blob, size: number): Promise<tf.Tensor4D> {
  const bitmap = await createImageBitmap(file);
  // centre-crop to a square, then scale to size × size
  const side = Math.min(bitmap.width, bitmap.height);
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, size, size);
  const { data } = ctx.getImageData(0, 0, size, size);
  const gray = new Float32Array(size * size);
  for (let i = 0; i < gray.length; i++) {
    gray[i] = (0.2125 * data[4 * i] + 0.7154 * data[4 * i + 1] + 0.0721 * data[4 * i + 2]) / 255;
  }
  return tf.tensor4d(gray, [1, 1, size, size]);
}

/** Draws the first image (channel 0) of an NCHW tensor, stretched to its own range. */
export async function drawTensor(canvas: HTMLCanvasElement, image: tf.Tensor): Promise<void> {
  const [, , h, w] = image.shape;
  const values = (await tf.tidy(() => tf.slice(image, [0, 0, 0, 0], [1, 1, h, w])).data()) as Float32Array;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = max > min ? 255 / (max - min) : 0;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d')!;
  const pixels = ctx.createImageData(w, h);
  for (let i = 0; i < values.length; i++) {
    const g = (values[i] - min) * scale;
    pixels.data[4 * i] = pixels.data[4 * i + 1] = pixels.data[4 * i + 2] = g;
    pixels.data[4 * i + 3] = 255;
  }
  ctx.putImageData(pixels, 0, 0);
}

export function download(name: string, data: Blob | Uint8Array, type = 'application/octet-stream'): void {
  const blob = data instanceof Blob ? data : new Blob([data as BlobPart], { type });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
