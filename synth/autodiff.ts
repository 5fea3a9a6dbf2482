// plenoptic.synthesize.autodiff over the Model protocol: Jacobian products for a single image x, batched over
// several vectors at once by repeating x along the batch axis. Only forward / vjp / jvp are used, so any Model
// (tfjs, ONNX, user-written) works, provided it treats the batch elements independently.
import { tf } from '../runtime/tf.js';
import { ValueError, throwIfAborted } from '../runtime/errors.js';
import { warn } from '../runtime/warnings.js';
import type { ForwardOptions, Model } from '../runtime/model.js';
import type { RunOptions } from '../runtime/progress.js';

/** How many vectors go through the model in one call unless told otherwise. */
export const DEFAULT_PRODUCT_BATCH = 8;

function checkSingleImage(x: tf.Tensor4D): void {
  if (x.rank !== 4 || x.shape[0] !== 1) {
    throw new ValueError(`x must be one image [1, C, H, W], got shape [${x.shape.join(', ')}]. Pass one image at a time.`);
  }
}

/** x [1, C, H, W] repeated k times: [k, C, H, W]. */
function repeatImage(x: tf.Tensor4D, k: number): tf.Tensor4D {
  return k === 1 ? x.clone() : tf.tile(x, [k, 1, 1, 1]);
}

/** Runs fn on consecutive chunks of at most `batch` elements of the leading axis and concatenates the results. */
async function inChunks<T extends tf.Tensor>(
  vectors: tf.Tensor,
  batch: number,
  fn: (chunk: tf.Tensor) => Promise<T>,
): Promise<T> {
  const k = vectors.shape[0];
  if (k <= batch) return fn(vectors);
  const parts: T[] = [];
  try {
    for (let start = 0; start < k; start += batch) {
      const size = Math.min(batch, k - start);
      const chunk = tf.slice(vectors, start, size);
      try {
        parts.push(await fn(chunk));
      } finally {
        chunk.dispose();
      }
    }
    return tf.concat(parts, 0) as T;
  } finally {
    tf.dispose(parts);
  }
}

export interface ProductOptions {
  /** Largest number of vectors sent through the model in one call (default 8). */
  batch?: number;
  forwardOptions?: ForwardOptions;
}

/**
 * J·v for each of the k tangents v: [k, C, H, W] at the single image x [1, C, H, W]; returns [k, ...output dims].
 * (plenoptic's jacobian_vector_product, there done with the double-backward trick; here the model's own jvp.)
 */
export async function jacobianVectorProduct(model: Model, x: tf.Tensor4D, tangents: tf.Tensor4D, options: ProductOptions = {}): Promise<tf.Tensor> {
  checkSingleImage(x);
  return inChunks(tangents, options.batch ?? DEFAULT_PRODUCT_BATCH, async (chunk) => {
    const xs = repeatImage(x, chunk.shape[0]);
    try {
      return await model.jvp(xs, chunk as tf.Tensor4D, options.forwardOptions);
    } finally {
      xs.dispose();
    }
  });
}

/** Jᵀ·u for each of the k cotangents u: [k, ...output dims] at x [1, C, H, W]; returns [k, C, H, W]. */
export async function vectorJacobianProduct(model: Model, x: tf.Tensor4D, cotangents: tf.Tensor, options: ProductOptions = {}): Promise<tf.Tensor4D> {
  checkSingleImage(x);
  return inChunks(cotangents, options.batch ?? DEFAULT_PRODUCT_BATCH, async (chunk) => {
    const xs = repeatImage(x, chunk.shape[0]);
    try {
      return await model.vjp(xs, chunk, options.forwardOptions);
    } finally {
      xs.dispose();
    }
  });
}

/**
 * The Fisher information matrix F = JᵀJ (white Gaussian response noise) applied to each of the k vectors
 * v: [k, C, H, W], without forming F: Fv = Jᵀ(Jv). Returns [k, C, H, W].
 */
export async function fisherVectorProduct(model: Model, x: tf.Tensor4D, vectors: tf.Tensor4D, options: ProductOptions = {}): Promise<tf.Tensor4D> {
  checkSingleImage(x);
  return inChunks(vectors, options.batch ?? DEFAULT_PRODUCT_BATCH, async (chunk) => {
    const xs = repeatImage(x, chunk.shape[0]);
    let jv: tf.Tensor | undefined;
    try {
      jv = await model.jvp(xs, chunk as tf.Tensor4D, options.forwardOptions);
      return await model.vjp(xs, jv, options.forwardOptions);
    } finally {
      xs.dispose();
      jv?.dispose();
    }
  });
}

export interface JacobianOptions extends RunOptions {
  /** Rows computed per model call (one vjp per output element, batched). Default: as many as fit ~16M floats, ≤ 256. */
  batch?: number;
  forwardOptions?: ForwardOptions;
}

/**
 * The full Jacobian of the flattened output with respect to the flattened image x [1, C, H, W]: [m, n], built
 * row by row from vjps with one-hot cotangents. Meant for small inputs (plenoptic recommends < 100×100).
 */
export async function jacobian(model: Model, x: tf.Tensor4D, options: JacobianOptions = {}): Promise<tf.Tensor2D> {
  checkSingleImage(x);
  const n = x.size;
  if (n > 1e4) {
    warn(
      'Calculation of Jacobian with input dimensionality greater than 1E4 may take too long; consider' +
        'an iterative method (e.g. power method, randomized svd) instead.',
    );
  }
  const output = await model.forward(x, options.forwardOptions);
  const outShape = output.shape.slice(1);
  const m = output.size;
  output.dispose();
  const batch = Math.max(1, Math.min(options.batch ?? Math.floor(16_000_000 / (n + m)), 256, m));
  const rows = new Float32Array(m * n);
  for (let start = 0; start < m; start += batch) {
    throwIfAborted(options.signal);
    const size = Math.min(batch, m - start);
    // built on the host: wasm's OneHot ignores dtype 'float32' and writes integer bits
    const oneHot = new Float32Array(size * m);
    for (let r = 0; r < size; r++) oneHot[r * m + start + r] = 1;
    const cotangents = tf.tensor(oneHot, [size, ...outShape], 'float32');
    let grads: tf.Tensor4D;
    try {
      grads = await vectorJacobianProduct(model, x, cotangents, { batch: size, forwardOptions: options.forwardOptions });
    } finally {
      cotangents.dispose();
    }
    rows.set((await grads.data()) as Float32Array, start * n);
    grads.dispose();
    options.onProgress?.({ iteration: start + size, total: m, postfix: {} });
  }
  return tf.tensor2d(rows, [m, n]);
}
