// The n×k matrices of the iterative eigensolvers, held as k float64 columns of length n: the model sees them as a
// batch of k images, and the small dense algebra (QR, dot products) runs on them in plain TypeScript.
import { tf } from '../runtime/tf.js';
import { qr } from './linalg/qr.js';
import type { Matrix } from './linalg/matrix.js';

export type Columns = Float64Array[];

/** Columns from a batch-major [k, ...] buffer of k·n values. */
export function columnsOf(flat: ArrayLike<number>, k: number): Columns {
  const n = flat.length / k;
  return Array.from({ length: k }, (_, j) => Float64Array.from({ length: n }, (_, i) => flat[j * n + i]));
}

/** Columns as an image batch [k, ...imageShape] (float32). */
export function fromColumns(columns: Columns, imageShape: readonly [number, number, number]): tf.Tensor4D {
  const n = columns[0].length;
  const flat = new Float32Array(columns.length * n);
  columns.forEach((c, j) => flat.set(c, j * n));
  return tf.tensor4d(flat, [columns.length, ...imageShape]);
}

/** The k columns of an n×k matrix drawn from `draw` in row-major order, as torch.randn(n, k) fills it. */
export function randomColumns(n: number, k: number, draw: (count: number) => ArrayLike<number>): Columns {
  const values = draw(n * k);
  return Array.from({ length: k }, (_, j) => Float64Array.from({ length: n }, (_, i) => values[i * k + j]));
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** diag(Aᵀ B): the dot product of matching columns. */
export function columnDots(a: Columns, b: Columns): Float64Array {
  return Float64Array.from(a, (col, j) => dot(col, b[j]));
}

export function normalizeColumns(columns: Columns): Columns {
  return columns.map((c) => {
    const norm = Math.sqrt(dot(c, c));
    return c.map((x) => x / norm);
  });
}

/** The Q of a reduced QR of the n×k matrix with these columns (an orthonormal basis of their span). */
export function orthonormalize(columns: Columns): Columns {
  const k = columns.length;
  const n = columns[0].length;
  const a: Matrix = { rows: n, cols: k, data: new Float64Array(n * k) };
  columns.forEach((col, j) => {
    for (let i = 0; i < n; i++) a.data[i * k + j] = col[i];
  });
  const { q } = qr(a);
  return Array.from({ length: q.cols }, (_, j) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = q.data[i * q.cols + j];
    return out;
  });
}

/** Python's f'{x:.{digits}E}', e.g. 1e-7 → '1.00E-07', inf → 'INF'. */
export function formatPythonExp(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NAN' : x > 0 ? 'INF' : '-INF';
  const [mantissa, exponent] = x.toExponential(digits).toUpperCase().split('E');
  const e = Number(exponent);
  return `${mantissa}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}
