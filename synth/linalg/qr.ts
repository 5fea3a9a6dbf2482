import { zeros, type Matrix } from './matrix.js';

export interface QrResult {
  /** m×p with orthonormal columns, p = min(m, n). */
  q: Matrix;
  /** p×n upper triangular, with a non-negative diagonal (so the factorization is unique for full-rank A). */
  r: Matrix;
}

/**
 * Reduced QR by Householder reflections (torch.linalg.qr(A, 'reduced')). The diagonal of R is made non-negative:
 * in power iteration this keeps each vector pointing the same way from one step to the next.
 */
export function qr(a: Matrix): QrResult {
  const m = a.rows;
  const n = a.cols;
  const p = Math.min(m, n);
  const w = Float64Array.from(a.data);
  // reflector j is I − τ_j v_j v_jᵀ acting on rows j..m−1; v_j is kept in its own array (v_j[0] belongs to row j)
  const reflectors: { v: Float64Array; tau: number }[] = [];
  for (let j = 0; j < p; j++) {
    let norm2 = 0;
    for (let i = j; i < m; i++) norm2 += w[i * n + j] * w[i * n + j];
    const norm = Math.sqrt(norm2);
    const x0 = w[j * n + j];
    const v = new Float64Array(m - j);
    if (norm === 0) {
      reflectors.push({ v, tau: 0 });
      continue;
    }
    // alpha has the sign opposite to x0, so that v0 = x0 − alpha does not cancel
    const alpha = x0 >= 0 ? -norm : norm;
    for (let i = j; i < m; i++) v[i - j] = w[i * n + j];
    v[0] = x0 - alpha;
    const vv = norm2 - x0 * x0 + v[0] * v[0];
    const tau = 2 / vv;
    for (let c = j; c < n; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i - j] * w[i * n + c];
      const f = tau * dot;
      for (let i = j; i < m; i++) w[i * n + c] -= f * v[i - j];
    }
    reflectors.push({ v, tau });
  }
  const r = zeros(p, n);
  for (let i = 0; i < p; i++) for (let c = i; c < n; c++) r.data[i * n + c] = w[i * n + c];
  // Q = H_0 ⋯ H_{p−1} applied to the first p columns of the identity, reflectors taken last to first
  const q = zeros(m, p);
  for (let i = 0; i < p; i++) q.data[i * p + i] = 1;
  for (let j = p - 1; j >= 0; j--) {
    const { v, tau } = reflectors[j];
    if (tau === 0) continue;
    for (let c = j; c < p; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i - j] * q.data[i * p + c];
      const f = tau * dot;
      for (let i = j; i < m; i++) q.data[i * p + c] -= f * v[i - j];
    }
  }
  for (let i = 0; i < p; i++) {
    if (r.data[i * n + i] >= 0) continue;
    for (let c = i; c < n; c++) r.data[i * n + c] = -r.data[i * n + c];
    for (let row = 0; row < m; row++) q.data[row * p + i] = -q.data[row * p + i];
  }
  return { q, r };
}
