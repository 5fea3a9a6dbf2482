import { stat } from 'node:fs/promises';
import { tf } from '../runtime/tf.js';
import { builtinImage, builtinImages } from '../images/procedural.js';
import { loadImages, loadNpy } from '../images/files.js';
import { UsageError } from './args.js';

export interface ImageSpecOptions {
  /** Size of built-in images (default 256). */
  size?: number;
  /** Seed of random built-in images (default 0). */
  seed?: number;
  /** What the image is, for messages ('--image', '--input'). */
  what?: string;
}

/** A .npy array as an NCHW batch: [h, w] and [c, h, w] get the missing leading dimensions. */
function toBatch(t: tf.Tensor, source: string, what: string): tf.Tensor4D {
  if (t.rank === 4) return t as tf.Tensor4D;
  if (t.rank === 2 || t.rank === 3) {
    const batch = t.reshape([1, ...(t.rank === 2 ? [1] : []), ...t.shape]) as tf.Tensor4D;
    t.dispose();
    return batch;
  }
  const shape = t.shape;
  t.dispose();
  throw new UsageError(`${what} '${source}' has shape [${shape.join(', ')}]; an image array must be [h, w], [c, h, w] or [batch, c, h, w].`);
}

/**
 * The image an `--image` / `--input` argument names: 'builtin:NAME' (a procedural image), a .npy array, or an
 * image file (PNG, JPEG, TIFF; read as gray in [0, 1], as plenoptic's load_images does by default).
 */
export async function resolveImage(spec: string, options: ImageSpecOptions = {}): Promise<tf.Tensor4D> {
  const what = options.what ?? '--image';
  if (spec.startsWith('builtin:')) {
    const name = spec.slice('builtin:'.length);
    if (!Object.hasOwn(builtinImages, name)) {
      throw new UsageError(`unknown built-in image '${name}' in ${what}. Known images: ${Object.keys(builtinImages).join(', ')} (see 'plenoptic images').`);
    }
    return builtinImage(name, { size: options.size ?? 256, seed: options.seed ?? 0 });
  }
  try {
    if (!(await stat(spec)).isFile()) throw new UsageError(`cannot read ${what} '${spec}': it is not a file.`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${what} '${spec}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}. Give an image file, a .npy file, or builtin:NAME.`);
  }
  if (/\.npy$/i.test(spec)) {
    try {
      return toBatch(await loadNpy(spec), spec, what);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`cannot read ${what} '${spec}': ${(e as Error).message}`);
    }
  }
  try {
    return await loadImages([spec], { asGray: true });
  } catch (e) {
    throw new UsageError(`cannot read ${what} '${spec}': ${(e as Error).message}`);
  }
}
