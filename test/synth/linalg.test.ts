import { describe, expect, it } from 'vitest';
import { eigh } from '../../synth/linalg/eigh.js';
import { qr } from '../../synth/linalg/qr.js';
import { svd } from '../../synth/linalg/svd.js';
import { column, fromRows, identity, matmul, maxAbsDifference, transpose, zeros, type Matrix } from '../../synth/linalg/matrix.js';
import { Rng } from '../../runtime/rng.js';

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

function randomSymmetric(n: number, seed: number): Matrix {
  const a = randomMatrix(n, n, seed);
  const s = zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s.data[i * n + j] = a.data[i * n + j] + a.data[j * n + i];
  return s;
}

function diag(values: ArrayLike<number>): Matrix {
  const n = values.length;
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = values[i];
  return m;
}

/** max |A V − V Λ| and max |VᵀV − I|. */
function eighResiduals(a: Matrix, values: Float64Array, vectors: Matrix): { residual: number; orthogonality: number } {
  const av = matmul(a, vectors);
  const vl = matmul(vectors, diag(values));
  return {
    residual: maxAbsDifference(av, vl),
    orthogonality: maxAbsDifference(matmul(transpose(vectors), vectors), identity(a.rows)),
  };
}

describe('eigh', () => {
  it('solves the 2×2 case analytically', () => {
    const { values, vectors } = eigh(fromRows([[2, 1], [1, 2]]));
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
    const top = column(vectors, 1);
    expect(Math.abs(top[0] * Math.SQRT1_2 + top[1] * Math.SQRT1_2)).toBeCloseTo(1, 14);
  });

  it('matches the analytic spectrum of the discrete Laplacian tridiag(−1, 2, −1)', () => {
    const n = 40;
    const a = zeros(n, n);
    for (let i = 0; i < n; i++) {
      a.data[i * n + i] = 2;
      if (i > 0) a.data[i * n + i - 1] = a.data[(i - 1) * n + i] = -1;
    }
    const { values, vectors } = eigh(a, { order: 'descending' });
    for (let k = 1; k <= n; k++) {
      const expected = 2 - 2 * Math.cos((k * Math.PI) / (n + 1));
      expect(Math.abs(values[n - k] - expected)).toBeLessThan(1e-13);
      // eigenvector k is sin(j k π / (n + 1)), up to sign and scale
      const v = column(vectors, n - k);
      const s = Float64Array.from({ length: n }, (_, j) => Math.sin(((j + 1) * k * Math.PI) / (n + 1)));
      const norm = Math.hypot(...s);
      const cosine = v.reduce((acc, x, j) => acc + (x * s[j]) / norm, 0);
      expect(Math.abs(cosine)).toBeCloseTo(1, 12);
    }
  });

  it('decomposes dense random matrices, including the embedding of a diagonal one', () => {
    for (const [n, seed] of [[1, 1], [3, 2], [17, 3], [120, 4]] as const) {
      const a = randomSymmetric(n, seed);
      const { values, vectors } = eigh(a);
      const { residual, orthogonality } = eighResiduals(a, values, vectors);
      expect(residual).toBeLessThan(1e-12 * n);
      expect(orthogonality).toBeLessThan(1e-12 * n);
      for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    }
    const d = eigh(diag([3, -1, 2, 0]), { order: 'descending' });
    expect(Array.from(d.values)).toEqual([3, 2, 0, -1]);
  });

  it('keeps eigenvectors orthonormal in a degenerate eigenspace (I + rank one)', () => {
    const n = 30;
    const u = randomMatrix(n, 1, 9);
    const a = identity(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.data[i * n + j] += u.data[i] * u.data[j];
    const { values, vectors } = eigh(a, { order: 'descending' });
    const uu = u.data.reduce((s, x) => s + x * x, 0);
    expect(values[0]).toBeCloseTo(1 + uu, 11);
    for (let i = 1; i < n; i++) expect(values[i]).toBeCloseTo(1, 12);
    const { residual, orthogonality } = eighResiduals(a, values, vectors);
    expect(residual).toBeLessThan(1e-11);
    expect(orthogonality).toBeLessThan(1e-12);
  });

  it('reads only the upper triangle, as torch.linalg.eigh(UPLO="U")', () => {
    const upper = fromRows([[2, 1], [99, 2]]);
    expect(Array.from(eigh(upper).values).map((v) => +v.toFixed(12))).toEqual([1, 3]);
  });

  it('gives the same eigenvalues without vectors', () => {
    const a = randomSymmetric(25, 5);
    expect(Array.from(eigh(a, { valuesOnly: true }).values)).toEqual(Array.from(eigh(a).values));
  });

  it('rejects a non-square matrix', () => {
    expect(() => eigh(zeros(2, 3))).toThrow(/square matrix, got 2×3/);
  });
});

describe('qr', () => {
  it('factors tall, square and wide matrices with orthonormal Q and a non-negative diagonal', () => {
    for (const [m, n, seed] of [[9, 4, 1], [5, 5, 2], [3, 6, 3], [2000, 3, 4]] as const) {
      const a = randomMatrix(m, n, seed);
      const { q, r } = qr(a);
      const p = Math.min(m, n);
      expect([q.rows, q.cols, r.rows, r.cols]).toEqual([m, p, p, n]);
      expect(maxAbsDifference(matmul(q, r), a)).toBeLessThan(1e-12 * Math.sqrt(m));
      expect(maxAbsDifference(matmul(transpose(q), q), identity(p))).toBeLessThan(1e-13 * Math.sqrt(m));
      for (let i = 0; i < p; i++) {
        expect(r.data[i * n + i]).toBeGreaterThanOrEqual(0);
        for (let j = 0; j < i; j++) expect(r.data[i * n + j]).toBe(0);
      }
    }
  });

  it('normalizes a single column and leaves an orthonormal input unchanged', () => {
    const { q, r } = qr(fromRows([[3], [4]]));
    expect(q.data[0]).toBeCloseTo(0.6, 15);
    expect(q.data[1]).toBeCloseTo(0.8, 15);
    expect(r.data[0]).toBeCloseTo(5, 14);
    const basis = fromRows([[1, 0], [0, 1], [0, 0]]);
    expect(maxAbsDifference(qr(basis).q, basis)).toBeLessThan(1e-15);
  });

  it('handles a zero column', () => {
    const a = fromRows([[1, 0, 2], [1, 0, 0], [1, 0, 1]]);
    const { q, r } = qr(a);
    expect(maxAbsDifference(matmul(q, r), a)).toBeLessThan(1e-14);
  });
});

describe('svd', () => {
  it('reconstructs A = U diag(s) Vᵀ with sorted singular values', () => {
    for (const [m, n, seed] of [[7, 7, 1], [12, 5, 2], [4, 9, 3]] as const) {
      const a = randomMatrix(m, n, seed);
      const { u, s, v } = svd(a);
      const p = Math.min(m, n);
      expect(maxAbsDifference(matmul(matmul(u, diag(s)), transpose(v)), a)).toBeLessThan(1e-12);
      expect(maxAbsDifference(matmul(transpose(v), v), identity(p))).toBeLessThan(1e-12);
      expect(maxAbsDifference(matmul(transpose(u), u), identity(p))).toBeLessThan(1e-12);
      for (let i = 1; i < p; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
    }
  });

  it('agrees with eigh of AᵀA and with a known diagonal case', () => {
    const a = randomMatrix(8, 6, 7);
    const { s } = svd(a);
    const ata = eigh(matmul(transpose(a), a), { order: 'descending' }).values;
    s.forEach((sigma, i) => expect(sigma * sigma).toBeCloseTo(ata[i], 10));
    const known = svd(fromRows([[0, -3], [2, 0]]));
    expect(Array.from(known.s)).toEqual([3, 2]);
  });

  it('reports a zero singular value of a rank-deficient matrix', () => {
    const { s } = svd(fromRows([[1, 2], [2, 4], [3, 6]]));
    expect(s[0]).toBeCloseTo(Math.sqrt(70), 12);
    expect(s[1]).toBeLessThan(1e-14);
  });
});
