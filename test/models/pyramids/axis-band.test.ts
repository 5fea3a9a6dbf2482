// AxisBand runs an AxisOperator in plain loops (no tfjs), so one pass covers every backend.
import { describe, expect, it } from 'vitest';
import { AxisBand } from '../../../models/pyramids/axis-band.js';
import { correlationOperator, upsampleOperator, type AxisOperator } from '../../../models/pyramids/axis-operator.js';
import { Rng } from '../../../runtime/rng.js';
import { expectClose } from '../../helpers/compare.js';

const binom = [1, 4, 6, 4, 1].map((v) => v / 16);

const cases: [string, () => AxisOperator][] = [
  ['valid 11-tap correlation, 40 (more taps than the unrolled loops)', () => correlationOperator(40, [1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1])],
  ['reflect-padded stride-2 blur, 37', () => correlationOperator(37, binom, { before: 2, after: 2, mode: 'reflect', stride: 2 })],
  ['reflect-padded stride-2 blur, 5 (no interior)', () => correlationOperator(5, binom, { before: 2, after: 2, mode: 'reflect', stride: 2 })],
  ['zero-padded 5-tap pooling with zero taps, 29', () => correlationOperator(29, [0, 0.3, 0, 0.2, 0.1], { before: 2, after: 2, mode: 'constant' })],
  ['zero-padded pooling, 2', () => correlationOperator(2, [0, 0.3, 0, 0.2, 0.1], { before: 2, after: 2, mode: 'constant' })],
  ['upsampling to an odd length, 17 → 33', () => upsampleOperator(17, binom.map((v) => 2 * v), 1)],
  ['upsampling to an even length, 3 → 6', () => upsampleOperator(3, binom.map((v) => 2 * v), 0)],
];

/** The dense product along rows: x [rows, n] → [rows, m], with dense[i·m + o] the weight of input i in output o. */
function denseRows(dense: Float64Array, n: number, m: number, x: Float64Array, rows: number, transposed: boolean): Float64Array {
  const [inSize, outSize] = transposed ? [m, n] : [n, m];
  const out = new Float64Array(rows * outSize);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outSize; o++) {
      let sum = 0;
      for (let i = 0; i < inSize; i++) sum += (transposed ? dense[o * m + i] : dense[i * m + o]) * x[r * inSize + i];
      out[r * outSize + o] = sum;
    }
  }
  return out;
}

function transpose(x: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = x[r * cols + c];
  return t;
}

describe('AxisBand', () => {
  for (const [name, make] of cases) {
    it(`${name}: rows, columns and both transposes equal the dense matrix`, () => {
      const op = make();
      const band = AxisBand.of(op);
      const dense = op.denseMatrix().weights;
      const { n, outSize: m } = op;
      const rng = new Rng(n * 31 + m);
      const rows = 3;
      const x = Float64Array.from({ length: rows * n }, () => rng.uniform() - 0.5);
      const y = Float64Array.from({ length: rows * m }, () => rng.uniform() - 0.5);

      const forward = denseRows(dense, n, m, x, rows, false);
      const out = new Float64Array(rows * m).fill(Number.NaN);
      band.alongRows(x, rows, out);
      expectClose(out, forward, { atol: 1e-12, label: 'alongRows' });

      const backward = denseRows(dense, n, m, y, rows, true);
      const outT = new Float64Array(rows * n).fill(Number.NaN);
      band.transposed.alongRows(y, rows, outT);
      expectClose(outT, backward, { atol: 1e-12, label: 'transposed.alongRows' });

      // along columns: the same products on the transposed layout, written, added and subtracted
      const columns = new Float64Array(m * rows).fill(Number.NaN);
      band.alongColumns(transpose(x, rows, n), rows, columns);
      expectClose(columns, transpose(forward, rows, m), { atol: 1e-12, label: 'alongColumns' });
      const base = Float64Array.from({ length: n * rows }, () => rng.uniform());
      const added = Float64Array.from(base);
      band.transposed.alongColumns(transpose(y, rows, m), rows, added, 'add');
      const subtracted = Float64Array.from(base);
      band.transposed.alongColumns(transpose(y, rows, m), rows, subtracted, 'subtract');
      const expectedT = transpose(backward, rows, n);
      expectClose(added, base.map((v, i) => v + expectedT[i]), { atol: 1e-12, label: "transposed.alongColumns 'add'" });
      expectClose(subtracted, base.map((v, i) => v - expectedT[i]), { atol: 1e-12, label: "transposed.alongColumns 'subtract'" });
    });
  }

  it('is built once per operator', () => {
    const op = correlationOperator(37, binom, { before: 2, after: 2, mode: 'reflect', stride: 2 });
    expect(AxisBand.of(op)).toBe(AxisBand.of(op));
    expect(AxisBand.of(op).transposed).toBe(AxisBand.of(op).transposed);
  });
});
