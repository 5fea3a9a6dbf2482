import { zeros, type Matrix } from './matrix.js';

export interface EighResult {
  /** Eigenvalues in the requested order. */
  values: Float64Array;
  /** n×n, column j is the unit eigenvector of values[j]. */
  vectors: Matrix;
}

export interface EighOptions {
  /** 'ascending' as numpy/torch eigh (default), or 'descending' as plenoptic's flipped result. */
  order?: 'ascending' | 'descending';
  /** Skip the eigenvectors (O(n²) instead of O(n³)); `vectors` is then a 0×0 matrix. */
  valuesOnly?: boolean;
}

const EPS = 2.220446049250313e-16;

/**
 * Eigendecomposition of a real symmetric matrix: Householder reduction to tridiagonal form, then the implicit
 * QL algorithm with Wilkinson-type shifts, then the Householder reflectors applied back to the tridiagonal
 * eigenvectors. Reads the upper triangle only (torch.linalg.eigh(UPLO='U')), so a slightly asymmetric input
 * such as a float32 JᵀJ is treated as symmetric.
 */
export function eigh(a: Matrix, options: EighOptions = {}): EighResult {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError(`eigh needs a square matrix, got ${a.rows}×${a.cols}.`);
  const wantVectors = !options.valuesOnly;
  // Working copy: the lower triangle holds the matrix (mirrored from the upper one); after the reduction, row k
  // right of the diagonal holds reflector k, whose entries are contiguous for the back-transformation.
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) w[i * n + j] = a.data[j * n + i];
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const tau = tridiagonalize(w, n, d, e);
  // z is row-major with one row per component: column j ends up as the eigenvector of d[j]
  const z = wantVectors ? identityArray(n) : null;
  tridiagonalQl(d, e, z, n);
  if (z) applyReflectors(w, tau, z, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i] - d[j]);
  if (options.order === 'descending') order.reverse();
  const values = Float64Array.from(order, (i) => d[i]);
  if (!z) return { values, vectors: zeros(0, 0) };
  const vectors = zeros(n, n);
  for (let row = 0; row < n; row++) {
    const offset = row * n;
    for (let col = 0; col < n; col++) vectors.data[offset + col] = z[offset + order[col]];
  }
  return { values, vectors };
}

function identityArray(n: number): Float64Array {
  const z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) z[i * n + i] = 1;
  return z;
}

/**
 * Householder tridiagonalization Qᵀ A Q = T on the lower triangle of w. Writes T's diagonal into d and its
 * off-diagonal into e (e[i] = T[i][i+1], e[n−1] = 0); returns the reflector scalings τ_k, with v_k left in row k.
 */
function tridiagonalize(w: Float64Array, n: number, d: Float64Array, e: Float64Array): Float64Array {
  const tau = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const start = k + 1;
    let norm2 = 0;
    for (let i = start; i < n; i++) norm2 += w[i * n + k] * w[i * n + k];
    d[k] = w[k * n + k];
    const x0 = w[start * n + k];
    if (norm2 - x0 * x0 <= 0) {
      // already tridiagonal in this column: no reflector needed
      e[k] = x0;
      tau[k] = 0;
      continue;
    }
    const norm = Math.sqrt(norm2);
    const alpha = x0 >= 0 ? -norm : norm;
    const vk = k * n;
    for (let i = start; i < n; i++) w[vk + i] = w[i * n + k];
    w[vk + start] = x0 - alpha;
    const vv = norm2 - x0 * x0 + w[vk + start] * w[vk + start];
    const t = 2 / vv;
    tau[k] = t;
    e[k] = alpha;
    // p = τ·S·v with S the trailing block, read from its lower triangle
    p.fill(0, start, n);
    for (let i = start; i < n; i++) {
      const row = i * n;
      const vi = w[vk + i];
      let acc = 0;
      for (let j = start; j < i; j++) {
        const s = w[row + j];
        acc += s * w[vk + j];
        p[j] += s * vi;
      }
      p[i] += acc + w[row + i] * vi;
    }
    let pv = 0;
    for (let i = start; i < n; i++) {
      p[i] *= t;
      pv += p[i] * w[vk + i];
    }
    // S ← S − v·wᵀ − w·vᵀ with w = p − (τ/2)(pᵀv)·v, on the lower triangle
    const half = 0.5 * t * pv;
    for (let i = start; i < n; i++) p[i] -= half * w[vk + i];
    for (let i = start; i < n; i++) {
      const row = i * n;
      const vi = w[vk + i];
      const wi = p[i];
      for (let j = start; j <= i; j++) w[row + j] -= vi * p[j] + wi * w[vk + j];
    }
  }
  if (n >= 2) {
    d[n - 2] = w[(n - 2) * n + (n - 2)];
    e[n - 2] = w[(n - 1) * n + (n - 2)];
  }
  if (n >= 1) d[n - 1] = w[(n - 1) * n + (n - 1)];
  e[n - 1] = 0;
  return tau;
}

/**
 * Implicit QL iterations on the symmetric tridiagonal (d, e): d becomes the eigenvalues. When z is given, the
 * plane rotations are applied to its columns, which then hold the eigenvectors of the tridiagonal matrix.
 */
function tridiagonalQl(d: Float64Array, e: Float64Array, z: Float64Array | null, n: number): void {
  const cs = new Float64Array(n);
  const sn = new Float64Array(n);
  for (let l = 0; l < n; l++) {
    for (let iteration = 0; ; iteration++) {
      let m = l;
      for (; m < n - 1; m++) {
        const scale = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= EPS * scale) break;
      }
      if (m === l) break;
      if (iteration >= 60) throw new Error(`eigh: the QL iteration did not converge for eigenvalue ${l} of ${n}.`);
      // shift from the eigenvalue of the leading 2×2 block closer to d[l]
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        cs[i] = c;
        sn[i] = s;
      }
      // the sweep's rotations act on columns i, i + 1 for i = m − 1 down to the last one computed
      if (z) rotateColumns(z, n, cs, sn, underflow ? i + 1 : l, m);
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/**
 * Applies the plane rotations (cs[i], sn[i]), i = hi − 1 down to lo, to columns (i, i + 1) of every row of z. Within
 * a row the rotations chain through one running value, so each element is read and written once per sweep; four
 * rows go through the chain together, since one chain alone waits on its own multiply latency.
 */
function rotateColumns(z: Float64Array, n: number, cs: Float64Array, sn: Float64Array, lo: number, hi: number): void {
  if (lo >= hi) return;
  let row = 0;
  for (; row + 4 <= n; row += 4) {
    const o0 = row * n;
    const o1 = o0 + n;
    const o2 = o1 + n;
    const o3 = o2 + n;
    let c0 = z[o0 + hi];
    let c1 = z[o1 + hi];
    let c2 = z[o2 + hi];
    let c3 = z[o3 + hi];
    for (let i = hi - 1; i >= lo; i--) {
      const c = cs[i];
      const s = sn[i];
      const z0 = z[o0 + i];
      const z1 = z[o1 + i];
      const z2 = z[o2 + i];
      const z3 = z[o3 + i];
      z[o0 + i + 1] = s * z0 + c * c0;
      z[o1 + i + 1] = s * z1 + c * c1;
      z[o2 + i + 1] = s * z2 + c * c2;
      z[o3 + i + 1] = s * z3 + c * c3;
      c0 = c * z0 - s * c0;
      c1 = c * z1 - s * c1;
      c2 = c * z2 - s * c2;
      c3 = c * z3 - s * c3;
    }
    z[o0 + lo] = c0;
    z[o1 + lo] = c1;
    z[o2 + lo] = c2;
    z[o3 + lo] = c3;
  }
  for (; row < n; row++) {
    const o = row * n;
    let carry = z[o + hi];
    for (let i = hi - 1; i >= lo; i--) {
      const zi = z[o + i];
      z[o + i + 1] = sn[i] * zi + cs[i] * carry;
      carry = cs[i] * zi - sn[i] * carry;
    }
    z[o + lo] = carry;
  }
}

/**
 * Eigenvectors of A from those of T: Z ← H_0 ⋯ H_{n−3} Z. Z is processed in panels of columns so that a panel stays
 * in cache while every reflector is applied to it.
 */
function applyReflectors(w: Float64Array, tau: Float64Array, z: Float64Array, n: number): void {
  const panel = 64;
  const dots = new Float64Array(panel);
  for (let c0 = 0; c0 < n; c0 += panel) {
    const width = Math.min(panel, n - c0);
    for (let k = n - 3; k >= 0; k--) {
      const t = tau[k];
      if (t === 0) continue;
      const vk = k * n;
      dots.fill(0);
      for (let i = k + 1; i < n; i++) {
        const vi = w[vk + i];
        if (vi === 0) continue;
        const o = i * n + c0;
        for (let j = 0; j < width; j++) dots[j] += vi * z[o + j];
      }
      for (let j = 0; j < width; j++) dots[j] *= t;
      for (let i = k + 1; i < n; i++) {
        const vi = w[vk + i];
        if (vi === 0) continue;
        const o = i * n + c0;
        for (let j = 0; j < width; j++) z[o + j] -= vi * dots[j];
      }
    }
  }
}
