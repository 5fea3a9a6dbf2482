import { describe, expect, it } from 'vitest';
import { tf } from '../../../runtime/tf.js';
import { ValueError } from '../../../runtime/errors.js';
import { jvpByDoubleVjp } from '../../../runtime/model.js';
import { fft2, ifft2, ifft2Real, fftshift, ifftshift, type FftNorm } from '../../../models/fourier/index.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { expectClose, maxAbs } from '../../helpers/compare.js';
import { naiveDft2, naiveFftshift } from './dft-reference.js';
import { Rng } from '../../../runtime/rng.js';

function randomArray(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

// Sizes cover the dense path (< 64, primes), the four-step path (even and odd splits) and non-square images.
const sizes: [number, number][] = [
  [6, 10],
  [7, 5],
  [72, 81],
  [64, 67],
];

describeEachBackend('fft2 / ifft2', () => {
  const rng = new Rng(1);

  for (const [h, w] of sizes) {
    it(`matches the float64 DFT definition on a complex ${h}×${w} image, forward and inverse`, () => {
      const xr = randomArray(rng, h * w);
      const xi = randomArray(rng, h * w);
      const expectedFwd = naiveDft2(xr, xi, h, w, -1);
      const expectedInv = naiveDft2(xr, xi, h, w, 1, 1 / (h * w));
      const [fr, fi, ir, ii] = tf.tidy(() => {
        const re = tf.tensor4d(xr, [1, 1, h, w]);
        const im = tf.tensor4d(xi, [1, 1, h, w]);
        const f = fft2(re, im);
        const inv = ifft2(re, im);
        return [f.re, f.im, inv.re, inv.im].map((t) => t.dataSync());
      });
      // float32 DFT: rounding grows like √(hw)·eps relative to the largest coefficient.
      const tol = 2e-6;
      expectClose(fr, expectedFwd.re, { rtolOfMax: tol, label: 'fft2 re' });
      expectClose(fi, expectedFwd.im, { rtolOfMax: tol, label: 'fft2 im' });
      expectClose(ir, expectedInv.re, { rtolOfMax: tol, label: 'ifft2 re' });
      expectClose(ii, expectedInv.im, { rtolOfMax: tol, label: 'ifft2 im' });
    });
  }

  it('an impulse at the origin has a flat spectrum; a cosine has two peaks of height hw/2', () => {
    const h = 12;
    const w = 16;
    const [flatRe, flatIm, cosRe, cosIm] = tf.tidy(() => {
      const impulse = tf.buffer([1, 1, h, w]);
      impulse.set(1, 0, 0, 0, 0);
      const f = fft2(impulse.toTensor());
      const cosine = tf.tensor4d(
        Array.from({ length: h * w }, (_, i) => Math.cos((2 * Math.PI * 3 * (i % w)) / w)),
        [1, 1, h, w],
      );
      const c = fft2(cosine);
      return [f.re, f.im, c.re, c.im].map((t) => t.dataSync());
    });
    expectClose(flatRe, new Float64Array(h * w).fill(1), { atol: 1e-6, label: 'impulse re' });
    expectClose(flatIm, new Float64Array(h * w), { atol: 1e-6, label: 'impulse im' });
    const expected = new Float64Array(h * w);
    expected[3] = (h * w) / 2;
    expected[w - 3] = (h * w) / 2;
    expectClose(cosRe, expected, { atol: 1e-4, label: 'cosine re' });
    expectClose(cosIm, new Float64Array(h * w), { atol: 1e-4, label: 'cosine im' });
  });

  it('works on any leading shape (NCHW batch and channels, or a bare matrix)', () => {
    const [batched, single, matrix] = tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 8, 6], 0, 1, 'float32', 3);
      const all = fft2(x).re;
      const one = fft2(tf.slice(x, [1, 2, 0, 0], [1, 1, 8, 6])).re;
      const mat = fft2(tf.reshape(tf.slice(x, [1, 2, 0, 0], [1, 1, 8, 6]), [8, 6])).re;
      return [tf.slice(all, [1, 2, 0, 0], [1, 1, 8, 6]).dataSync(), one.dataSync(), mat.dataSync()];
    });
    expectClose(batched, single, { atol: 1e-5, label: 'batched vs single' });
    expectClose(matrix, single, { atol: 1e-5, label: 'rank-2 vs rank-4' });
  });

  for (const norm of ['backward', 'ortho', 'forward'] as FftNorm[]) {
    it(`ifft2(fft2(x)) = x with norm '${norm}'`, () => {
      const [x, back] = tf.tidy(() => {
        const re = tf.randomNormal([1, 2, 72, 20], 0, 1, 'float32', 4);
        const im = tf.randomNormal([1, 2, 72, 20], 0, 1, 'float32', 5);
        const f = fft2(re, im, { norm });
        const b = ifft2(f.re, f.im, { norm });
        return [tf.concat([re, im]).dataSync(), tf.concat([b.re, b.im]).dataSync()];
      });
      expectClose(back, x, { atol: 2e-6 * maxAbs(x), label: `round trip (${norm})` });
    });
  }

  it("norm 'ortho' is unitary (Parseval: Σ|X|² = Σ|x|²)", () => {
    const [energyX, energyF] = tf.tidy(() => {
      const re = tf.randomNormal([1, 1, 96, 64], 0, 1, 'float32', 6);
      const im = tf.randomNormal([1, 1, 96, 64], 0, 1, 'float32', 7);
      const f = fft2(re, im, { norm: 'ortho' });
      const e = (a: tf.Tensor, b: tf.Tensor) => tf.add(tf.sum(tf.square(a)), tf.sum(tf.square(b))).dataSync()[0];
      return [e(re, im), e(f.re, f.im)];
    });
    expect(Math.abs(energyF - energyX) / energyX).toBeLessThan(1e-5);
  });

  for (const [h, w] of [
    [9, 12],
    [72, 65],
  ] as [number, number][]) {
    it(`centered: fft2 = fftshift∘fft2 and ifft2 = ifft2∘ifftshift (${h}×${w}, odd sizes included)`, () => {
      const xr = randomArray(rng, h * w);
      const [centred, shifted, invCentred, invShifted, naiveShift] = tf.tidy(() => {
        const x = tf.tensor4d(xr, [1, 1, h, w]);
        const plain = fft2(x);
        const c = fft2(x, null, { centered: true });
        const ic = ifft2(c.re, c.im, { centered: true });
        const is = ifft2(ifftshift(c.re), ifftshift(c.im));
        return [c.re.dataSync(), fftshift(plain.re).dataSync(), ic.re.dataSync(), is.re.dataSync(), plain.re.dataSync()];
      });
      const scale = maxAbs(shifted);
      expectClose(centred, shifted, { atol: 2e-6 * scale, label: 'centered fft2' });
      expectClose(shifted, naiveFftshift(naiveShift, h, w), { atol: 0, label: 'fftshift vs numpy definition' });
      expectClose(invCentred, invShifted, { atol: 2e-6, label: 'centered ifft2' });
      expectClose(invCentred, xr, { atol: 2e-6 * maxAbs(xr), label: 'centered round trip' });
    });
  }

  it('fftshift and ifftshift are inverse on odd sizes, and differ there', () => {
    const [back, once, twiceShift] = tf.tidy(() => {
      const x = tf.range(0, 35).reshape([1, 1, 5, 7]);
      const s = fftshift(x);
      return [ifftshift(s).dataSync(), s.dataSync(), fftshift(s).dataSync()];
    });
    expectClose(back, Float32Array.from({ length: 35 }, (_, i) => i), { atol: 0, label: 'ifftshift∘fftshift' });
    expect(Array.from(once)).not.toEqual(Array.from(twiceShift));
  });

  it('ifft2Real is the real part of ifft2', () => {
    const [a, b] = tf.tidy(() => {
      const re = tf.randomNormal([1, 1, 10, 8], 0, 1, 'float32', 8);
      const im = tf.randomNormal([1, 1, 10, 8], 0, 1, 'float32', 9);
      return [ifft2Real(re, im).dataSync(), ifft2(re, im).re.dataSync()];
    });
    expectClose(a, b, { atol: 0, label: 'ifft2Real' });
  });

  it('gradient of Re<fft2(x), c> equals the analytic adjoint hw·ifft2(c), for the real and imaginary inputs', () => {
    for (const [h, w] of [
      [6, 10],
      [72, 64],
    ] as [number, number][]) {
      const cr = randomArray(rng, h * w);
      const ci = randomArray(rng, h * w);
      // d/dx Σ Re(X·conj(c)) = conj of Σ_k c_k e^{+2πi kn/N}: the unnormalised inverse DFT of c.
      const adjoint = naiveDft2(cr, ci, h, w, 1);
      const [gr, gi] = tf.tidy(() => {
        const c = { re: tf.tensor4d(cr, [1, 1, h, w]), im: tf.tensor4d(ci, [1, 1, h, w]) };
        const loss = (re: tf.Tensor, im: tf.Tensor) => {
          const y = fft2(re, im);
          return tf.add(tf.sum(tf.mul(y.re, c.re)), tf.sum(tf.mul(y.im, c.im))) as tf.Scalar;
        };
        const x = tf.randomNormal([1, 1, h, w], 0, 1, 'float32', 10);
        const g = tf.grads(loss)([x, tf.randomNormal([1, 1, h, w], 0, 1, 'float32', 11)]);
        return g.map((t) => t.dataSync());
      });
      expectClose(gr, adjoint.re, { rtolOfMax: 2e-6, label: `d/d re (${h}×${w})` });
      expectClose(gi, adjoint.im, { rtolOfMax: 2e-6, label: `d/d im (${h}×${w})` });
    }
  });

  it('gradients of a nonlinear loss through fft2 → ifft2Real match central finite differences', () => {
    const h = 8;
    const w = 12;
    const mask = tf.tensor2d(randomArray(rng, h * w), [h, w]);
    const loss = (x: tf.Tensor) =>
      tf.tidy(() => {
        const f = fft2(x, null, { centered: true });
        return tf.sum(tf.square(ifft2Real(tf.mul(f.re, mask), tf.mul(f.im, mask), { centered: true }))) as tf.Scalar;
      });
    const x0 = randomArray(rng, h * w);
    const x = tf.tensor4d(x0, [1, 1, h, w]);
    const grad = tf.tidy(() => tf.grad(loss)(x).dataSync());
    // float32 central differences with step 1e-2 on a quadratic: exact up to the loss's rounding (≈1e-7·|loss|/eps).
    const eps = 1e-2;
    const fd = new Float64Array(h * w);
    for (let i = 0; i < h * w; i++) {
      const plus = x0.slice();
      const minus = x0.slice();
      plus[i] += eps;
      minus[i] -= eps;
      const lp = tf.tidy(() => loss(tf.tensor4d(plus, [1, 1, h, w])).dataSync()[0]);
      const lm = tf.tidy(() => loss(tf.tensor4d(minus, [1, 1, h, w])).dataSync()[0]);
      fd[i] = (lp - lm) / (2 * eps);
    }
    expectClose(grad, fd, { rtolOfMax: 2e-3, label: 'grad vs FD' });
    mask.dispose();
    x.dispose();
  });

  it('supports second-order autodiff (jvp by double vjp)', () => {
    const [jvp, direct] = tf.tidy(() => {
      const f = (x: tf.Tensor4D) => fft2(x).im;
      const x = tf.randomNormal([1, 1, 6, 6], 0, 1, 'float32', 12) as tf.Tensor4D;
      const v = tf.randomNormal([1, 1, 6, 6], 0, 1, 'float32', 13) as tf.Tensor4D;
      // fft2 is linear: J·v = fft2(v).
      return [jvpByDoubleVjp(f, x, v).dataSync(), f(v).dataSync()];
    });
    expectClose(jvp, direct, { atol: 1e-5, label: 'jvp' });
  });

  it('does not leak tensors', () => {
    const x = tf.randomNormal([1, 1, 72, 72]);
    const run = () => {
      const y = fft2(x, null, { centered: true });
      const z = ifft2Real(y.re, y.im, { centered: true });
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(ifft2Real(fft2(v).re, fft2(v).im))))(x);
      tf.dispose([y.re, y.im, z, g]);
    };
    run(); // builds the cached DFT constants
    const before = tf.memory().numTensors;
    run();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('rejects bad inputs with a message that says what to pass', () => {
    const v = tf.zeros([8]);
    expect(() => fft2(v)).toThrow(ValueError);
    expect(() => fft2(v)).toThrow(/rank ≥ 2/);
    const a = tf.zeros([4, 4]);
    const b = tf.zeros([4, 5]);
    expect(() => ifft2(a, b)).toThrow(/same shape/);
    expect(() => fft2(a, null, { norm: 'orthonormal' as FftNorm })).toThrow(/'backward', 'ortho' or 'forward'/);
    tf.dispose([v, a, b]);
  });
});

describeEachBackend('fft2 on power-of-two sizes (the four-step split with equal factors)', () => {
  const rng = new Rng(2);
  it('forward (ortho), centred, centred round trip and real-output inverse of 16×8 and 64×128 complex images', () => {
    for (const [h, w] of [
      [16, 8],
      [64, 128],
    ] as [number, number][]) {
      const xr = randomArray(rng, h * w);
      const xi = randomArray(rng, h * w);
      const fwd = naiveDft2(xr, xi, h, w, -1);
      const [fr, fi, cr, back, realPart] = tf.tidy(() => {
        const re = tf.tensor4d(xr, [1, 1, h, w]);
        const im = tf.tensor4d(xi, [1, 1, h, w]);
        const f = fft2(re, im, { norm: 'ortho' });
        const c = fft2(re, im, { centered: true });
        const b = ifft2(c.re, c.im, { centered: true });
        return [f.re, f.im, c.re, b.re, ifft2Real(re, im)].map((t) => t.dataSync());
      });
      const s = 1 / Math.sqrt(h * w);
      expectClose(fr, fwd.re.map((v) => v * s), { rtolOfMax: 2e-6, label: `ortho re ${h}×${w}` });
      expectClose(fi, fwd.im.map((v) => v * s), { rtolOfMax: 2e-6, label: `ortho im ${h}×${w}` });
      expectClose(cr, naiveFftshift(fwd.re, h, w), { rtolOfMax: 2e-6, label: `centred ${h}×${w}` });
      expectClose(back, xr, { atol: 2e-6 * maxAbs(xr), label: `centred round trip ${h}×${w}` });
      const inv = naiveDft2(xr, xi, h, w, 1, 1 / (h * w));
      expectClose(realPart, inv.re, { rtolOfMax: 2e-6, label: `ifft2Real ${h}×${w}` });
    }
  });
});

describe('fftshift', () => {
  it('rejects an axis the tensor does not have', () => {
    const x = tf.zeros([4, 4]);
    expect(() => fftshift(x, [2])).toThrow(/axis 2 is out of range/);
    x.dispose();
  });
});
