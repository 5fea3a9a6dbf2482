import { transpose, zeros, type Matrix } from './matrix.js';

export interface SvdResult {
  /** m×p left singular vectors (columns), p = min(m, n). A column whose singular value is 0 is all zeros. */
  u: Matrix;
  /** p singular values, descending. */
  s: Float64Array;
  /** n×p right singular vectors (columns): A = U·diag(s)·Vᵀ. */
  v: Matrix;
}

/**
 * Thin SVD of a small matrix by one-sided (Hestenes) Jacobi: plane rotations orthogonalize the columns of A·V
 * until every pair is orthogonal to working precision. Accurate to relative precision even for tiny singular
 * values; O(m·n²) per sweep, so meant for the (k+p)×(k+p) matrices of randomized SVD, not for images.
 */
export function svd(a: Matrix, maxSweeps = 60): SvdResult {
  if (a.rows < a.cols) {
    const t = svd(transpose(a), maxSweeps);
    return { u: t.v, s: t.s, v: t.u };
  }
  const m = a.rows;
  const n = a.cols;
  // columns of A·V, stored one contiguous column per row of `cols`
  const cols = Array.from({ length: n }, (_, j) => {
    const c = new Float64Array(m);
    for (let i = 0; i < m; i++) c[i] = a.data[i * n + j];
    return c;
  });
  const vcols = Array.from({ length: n }, (_, j) => {
    const c = new Float64Array(n);
    c[j] = 1;
    return c;
  });
  const eps = 2.220446049250313e-16;
  let converged = false;
  for (let sweep = 0; sweep < maxSweeps && !converged; sweep++) {
    converged = true;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const cp = cols[p];
        const cq = cols[q];
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += cp[i] * cp[i];
          beta += cq[i] * cq[i];
          gamma += cp[i] * cq[i];
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        converged = false;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(cp, cq, c, s);
        rotate(vcols[p], vcols[q], c, s);
      }
    }
  }
  const sigma = cols.map((c) => {
    let ss = 0;
    for (let i = 0; i < m; i++) ss += c[i] * c[i];
    return Math.sqrt(ss);
  });
  const order = sigma.map((_, j) => j).sort((i, j) => sigma[j] - sigma[i]);
  const u = zeros(m, n);
  const v = zeros(n, n);
  const s = new Float64Array(n);
  order.forEach((src, dst) => {
    s[dst] = sigma[src];
    const inv = sigma[src] > 0 ? 1 / sigma[src] : 0;
    for (let i = 0; i < m; i++) u.data[i * n + dst] = cols[src][i] * inv;
    for (let i = 0; i < n; i++) v.data[i * n + dst] = vcols[src][i];
  });
  return { u, s, v };
}

function rotate(x: Float64Array, y: Float64Array, c: number, s: number): void {
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const yi = y[i];
    x[i] = c * xi - s * yi;
    y[i] = s * xi + c * yi;
  }
}
