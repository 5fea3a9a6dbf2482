import { describe, expect, it } from 'vitest';
import { transposingFft2, type RowSink, type RowSource } from '../../../models/fourier/array-fft.js';
import { Rng } from '../../../runtime/rng.js';
import { expectClose, maxAbs } from '../../helpers/compare.js';
import { naiveDft2 } from './dft-reference.js';

/** Transposes a row-major [h, w] array to [w, h]. */
function transposed(a: Float64Array, h: number, w: number): Float64Array {
  const out = new Float64Array(h * w);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) out[c * h + r] = a[r * w + c];
  return out;
}

/** Runs the plan on row-major [h, w] (re, im), returning the row-major [w, h] result. */
function run(h: number, w: number, sign: 1 | -1, re: Float64Array, im: Float64Array | null, realOutput: boolean) {
  const outRe = new Float64Array(h * w);
  const outIm = new Float64Array(h * w);
  const source: RowSource = (r, rowRe, rowIm, at) => {
    for (let c = 0; c < w; c++) {
      rowRe[at + c] = re[r * w + c];
      if (im) rowIm[at + c] = im[r * w + c];
    }
  };
  const sink: RowSink = (k, rowRe, rowIm, at) => {
    for (let u = 0; u < h; u++) {
      outRe[k * h + u] = rowRe[at + u];
      if (!realOutput) outIm[k * h + u] = rowIm[at + u];
    }
  };
  transposingFft2(h, w).transform(sign, source, sink, { realInput: im === null, realOutput });
  return { re: outRe, im: outIm };
}

const randomArray = (rng: Rng, n: number) => Float64Array.from({ length: n }, () => rng.normal());

describe('transposingFft2 (JavaScript and WebAssembly row FFTs)', () => {
  const rng = new Rng(3);
  // powers of two (radices 8, 4 and 2), mixed radices, primes, and length-1 axes
  const sizes: [number, number][] = [
    [8, 8],
    [16, 32],
    [64, 128],
    [2, 512],
    [12, 20],
    [33, 17],
    [7, 1],
    [1, 9],
    [25, 27],
    [2, 3],
  ];

  for (const [h, w] of sizes) {
    it(`matches the float64 DFT definition on ${h}×${w}: complex, real input, real part of the output, both signs`, () => {
      const xr = randomArray(rng, h * w);
      const xi = randomArray(rng, h * w);
      for (const sign of [-1, 1] as const) {
        const expected = naiveDft2(xr, xi, h, w, sign);
        const expectedRealIn = naiveDft2(xr, null, h, w, sign);
        const tol = 1e-12 * h * w;
        const complex = run(h, w, sign, xr, xi, false);
        expectClose(complex.re, transposed(expected.re, h, w), { atol: tol, label: `complex re (sign ${sign})` });
        expectClose(complex.im, transposed(expected.im, h, w), { atol: tol, label: `complex im (sign ${sign})` });
        const realIn = run(h, w, sign, xr, null, false);
        expectClose(realIn.re, transposed(expectedRealIn.re, h, w), { atol: tol, label: `real input re (sign ${sign})` });
        expectClose(realIn.im, transposed(expectedRealIn.im, h, w), { atol: tol, label: `real input im (sign ${sign})` });
        const realOut = run(h, w, sign, xr, xi, true);
        expectClose(realOut.re, transposed(expected.re, h, w), { atol: tol, label: `real output (sign ${sign})` });
      }
    });
  }

  it('an impulse has a flat spectrum, and the inverse of the forward transform is hw times the identity', () => {
    const [h, w] = [16, 12];
    const impulse = new Float64Array(h * w);
    impulse[0] = 1;
    const flat = run(h, w, -1, impulse, null, false);
    expect(Math.min(...flat.re)).toBeCloseTo(1, 12);
    expect(maxAbs(flat.im)).toBeLessThan(1e-12);
    const x = randomArray(rng, h * w);
    const spectrum = run(h, w, -1, x, null, false);
    const back = run(w, h, 1, spectrum.re, spectrum.im, true);
    expectClose(back.re, x.map((v) => v * h * w), { atol: 1e-11, label: 'round trip' });
  });

  it('RowPlanes: reads and writes arrays in place (even when source and sink alias), complex and real', () => {
    for (const [h, w] of [[16, 24], [9, 15]] as const) {
      const xr = randomArray(rng, h * w);
      const xi = randomArray(rng, h * w);
      const expected = naiveDft2(xr, xi, h, w, -1);
      const plan = transposingFft2(h, w);
      const out = { re: new Float64Array(h * w + 5), im: new Float64Array(h * w + 5), offset: 5 };
      plan.transform(-1, { re: xr, im: xi, offset: 0 }, out);
      expectClose(out.re.subarray(5), transposed(expected.re, h, w), { atol: 1e-11, label: `planes ${h}×${w} re` });
      expectClose(out.im.subarray(5), transposed(expected.im, h, w), { atol: 1e-11, label: `planes ${h}×${w} im` });
      const inPlace = { re: Float64Array.from(xr), im: Float64Array.from(xi), offset: 0 };
      if (h === w) {
        plan.transform(-1, inPlace, inPlace);
        expectClose(inPlace.re, transposed(expected.re, h, w), { atol: 1e-11, label: 'aliased re' });
      }
      const real = { re: new Float64Array(h * w), im: new Float64Array(h * w), offset: 0 };
      plan.transform(-1, { re: xr, im: xr, offset: 0 }, real, { realInput: true });
      const expectedReal = naiveDft2(xr, null, h, w, -1);
      expectClose(real.re, transposed(expectedReal.re, h, w), { atol: 1e-11, label: 'real input planes' });
      const realOut = { re: new Float64Array(h * w), im: new Float64Array(0), offset: 0 };
      plan.transform(-1, { re: xr, im: xi, offset: 0 }, realOut, { realOutput: true });
      expectClose(realOut.re, transposed(expected.re, h, w), { atol: 1e-11, label: 'real output planes' });
    }
  });

  it('hermitianInput: a Hermitian spectrum gives its (real) transform from rows r ≤ rows/2 alone', () => {
    for (const [h, w] of [[16, 12], [9, 10], [8, 7]] as const) {
      // the Hermitian part (x(r, c) + conj x(−r, −c))/2 of a random array
      const ar = randomArray(rng, h * w);
      const ai = randomArray(rng, h * w);
      const xr = new Float64Array(h * w);
      const xi = new Float64Array(h * w);
      for (let r = 0; r < h; r++) {
        for (let c = 0; c < w; c++) {
          const m = ((h - r) % h) * w + ((w - c) % w);
          xr[r * w + c] = (ar[r * w + c] + ar[m]) / 2;
          xi[r * w + c] = (ai[r * w + c] - ai[m]) / 2;
        }
      }
      const expected = naiveDft2(xr, xi, h, w, 1);
      expect(maxAbs(expected.im)).toBeLessThan(1e-10);
      const asked: number[] = [];
      const source: RowSource = (r, rowRe, rowIm, at) => {
        asked.push(r);
        rowRe.set(xr.subarray(r * w, (r + 1) * w), at);
        rowIm.set(xi.subarray(r * w, (r + 1) * w), at);
      };
      const out = new Float64Array(h * w);
      const sink: RowSink = (k, rowRe, _rowIm, at) => out.set(rowRe.subarray(at, at + h), k * h);
      transposingFft2(h, w).transform(1, source, sink, { hermitianInput: true });
      expect(Math.max(...asked)).toBe(Math.floor(h / 2));
      expectClose(out, transposed(expected.re, h, w), { atol: 1e-11, label: `hermitian ${h}×${w}` });
    }
  });

  it('inputRows skips rows that are zero and outputRows computes only the rows asked for', () => {
    const [h, w] = [16, 8];
    const xr = randomArray(rng, h * w);
    const xi = randomArray(rng, h * w);
    const inputRows = Uint8Array.from({ length: h }, (_, r) => (r % 3 === 0 ? 0 : 1));
    for (let r = 0; r < h; r++) {
      if (inputRows[r]) continue;
      xr.fill(0, r * w, (r + 1) * w);
      xi.fill(0, r * w, (r + 1) * w);
    }
    const expected = transposed(naiveDft2(xr, xi, h, w, -1).re, h, w);
    const outputRows = Uint8Array.from({ length: w }, (_, c) => (c < 3 ? 1 : 0));
    const out = { re: new Float64Array(h * w).fill(NaN), im: new Float64Array(h * w), offset: 0 };
    transposingFft2(h, w).transform(-1, { re: xr, im: xi, offset: 0 }, out, { inputRows, outputRows });
    expectClose(out.re.subarray(0, 3 * h), expected.subarray(0, 3 * h), { atol: 1e-11, label: 'restricted rows' });
    expect(Number.isNaN(out.re[3 * h])).toBe(true);
  });
});

