// The measurements behind models/fourier: a complex 256² fft2, forward and forward + backward, on wasm, for each
// implementation tried. The chosen one (one-level Cooley-Tukey as two small block-complex matmuls per axis, run as
// one autodiff node whose gradient is the adjoint transform) is compared against the dense matmul DFT that
// feasibility.md measured (55 ms / 93 ms for a real input).
import { tf } from '../runtime/tf.js';
import { useBackend } from '../runtime/backend.js';
import { fft2, dft2Spec } from '../models/fourier/fft2.js';
import { dft2 } from '../models/fourier/dft2-kernel.js';
import type { Complex } from '../models/fourier/complex.js';
import type { Bench, BenchResult } from './types.js';
import { bestOf } from './reference.js';

type Fft2 = (re: tf.Tensor, im: tf.Tensor) => Complex;

function unstackPair(stacked: tf.Tensor): Complex {
  const [, ...rest] = stacked.shape as number[];
  const part = (i: number) => tf.reshape(tf.slice(stacked, [i, ...rest.map(() => 0)], [1, ...rest]), rest);
  return { re: part(0), im: part(1) };
}

/** The same four-step kernel, differentiated op by op by tfjs (every Mul/Reshape/MatMul saves input copies). */
function tapedFourStep(): Fft2 {
  return (re, im) => unstackPair(dft2(tf.stack([re, im]), dft2Spec(re.shape[2] as number, re.shape[3] as number, false, {}, false, false)));
}

/** Dense n×n block DFT matrices along each axis, differentiated by tfjs (feasibility.md's approach). */
function denseFft2(): Fft2 {
  const matrices = new Map<number, tf.Tensor2D>();
  const block = (n: number): tf.Tensor2D => {
    let m = matrices.get(n);
    if (!m) {
      const v = new Float32Array(4 * n * n);
      for (let j = 0; j < n; j++) {
        for (let k = 0; k < n; k++) {
          const a = (-2 * Math.PI * ((j * k) % n)) / n;
          const [c, s] = [Math.cos(a), Math.sin(a)];
          v[j * 2 * n + k] = c;
          v[j * 2 * n + n + k] = s;
          v[(n + j) * 2 * n + k] = -s;
          v[(n + j) * 2 * n + n + k] = c;
        }
      }
      m = tf.keep(tf.tensor2d(v, [2 * n, 2 * n]));
      matrices.set(n, m);
    }
    return m;
  };
  return (re, im) => {
    const [b, h, w] = [(re.shape[0] as number) * (re.shape[1] as number), re.shape[2] as number, re.shape[3] as number];
    // [b·h, (c, w)] · block → [b·h, (c, k)], then the same along h after a transpose.
    const rowsW = tf.concat([tf.reshape(re, [b * h, w]), tf.reshape(im, [b * h, w])], 1);
    const yw = tf.reshape(tf.matMul(rowsW, block(w)), [b, h, 2, w]);
    const rowsH = tf.reshape(tf.transpose(yw, [0, 3, 2, 1]), [b * w, 2 * h]);
    const yh = tf.transpose(tf.reshape(tf.matMul(rowsH, block(h)), [b, w, 2, h]), [2, 0, 3, 1]);
    return unstackPair(tf.reshape(yh, [2, ...re.shape]));
  };
}

/** Radix-2 FFT in JavaScript on the tensors' data (dataSync), wrapped in tf.customGrad. Synchronous reads. */
function jsKernelFft2(): Fft2 {
  const fft1d = (re: Float32Array, im: Float32Array, n: number, offset: number, stride: number, sign: number) => {
    for (let i = 1, j = 0; i < n; i++) {
      let bit = n >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) {
        const a = offset + i * stride;
        const c = offset + j * stride;
        [re[a], re[c]] = [re[c], re[a]];
        [im[a], im[c]] = [im[c], im[a]];
      }
    }
    for (let len = 2; len <= n; len <<= 1) {
      const ang = (sign * 2 * Math.PI) / len;
      for (let i = 0; i < n; i += len) {
        for (let k = 0; k < len / 2; k++) {
          const wr = Math.cos(ang * k);
          const wi = Math.sin(ang * k);
          const a = offset + (i + k) * stride;
          const c = offset + (i + k + len / 2) * stride;
          const tr = re[c] * wr - im[c] * wi;
          const ti = re[c] * wi + im[c] * wr;
          re[c] = re[a] - tr;
          im[c] = im[a] - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
  };
  const transform = (re: tf.Tensor, im: tf.Tensor, sign: number): Complex => {
    const [h, w] = [re.shape[2] as number, re.shape[3] as number];
    const r = Float32Array.from(re.dataSync());
    const i = Float32Array.from(im.dataSync());
    for (let img = 0; img < r.length / (h * w); img++) {
      for (let row = 0; row < h; row++) fft1d(r, i, w, img * h * w + row * w, 1, sign);
      for (let col = 0; col < w; col++) fft1d(r, i, h, img * h * w + col, w, sign);
    }
    return { re: tf.tensor(r, re.shape), im: tf.tensor(i, re.shape) };
  };
  // The adjoint of the unnormalised forward DFT is the unnormalised inverse (sign +1).
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const y = transform(args[0] as tf.Tensor, args[1] as tf.Tensor, -1);
    return {
      value: tf.stack([y.re, y.im]),
      gradFunc: (dy: tf.Tensor) => {
        const [dr, di] = tf.unstack(dy);
        const g = transform(dr, di, 1);
        return [g.re, g.im];
      },
    };
  }) as (re: tf.Tensor, im: tf.Tensor) => tf.Tensor;
  return (re, im) => {
    const [yr, yi] = tf.unstack(op(re, im));
    return { re: yr, im: yi };
  };
}

type Timing = { wall: number; cpu: number };

function measure(f: Fft2, batch: number, runs: number): { fwd: Timing; grad: Timing } {
  const re = tf.randomNormal([batch, 1, 256, 256], 0, 1, 'float32', 1);
  const im = tf.randomNormal([batch, 1, 256, 256], 0, 1, 'float32', 2);
  const fwd = bestOf(() => tf.tidy(() => void f(re, im).re.dataSync()), runs);
  const grad = bestOf(
    () =>
      tf.tidy(() => {
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
          const y = f(a, b);
          return tf.add(tf.sum(tf.square(y.re)), tf.sum(y.im));
        })([re, im]);
        g[0].dataSync();
      }),
    runs,
  );
  tf.dispose([re, im]);
  return { fwd, grad };
}

export const bench: Bench = {
  description: 'complex fft2 of 256×256 on wasm, forward and forward+backward, per implementation (best of 7 runs)',
  async run(): Promise<BenchResult> {
    await useBackend('wasm');
    const candidates: [string, Fft2, number[]][] = [
      ['four-step matmul kernel as one linear-operator node (chosen: models/fourier)', (re, im) => fft2(re, im), [1, 4]],
      ['the same kernel differentiated op by op by tfjs', tapedFourStep(), [1]],
      ["dense matmul DFT differentiated by tfjs (feasibility.md's approach)", denseFft2(), [1]],
      ['JS radix-2 kernel (customGrad + dataSync)', jsKernelFft2(), [1, 4]],
    ];
    const rows: string[] = [];
    const results = new Map<string, { fwd: Timing; grad: Timing }>();
    for (const [name, f, batches] of candidates) {
      for (const batch of batches) {
        const r = measure(f, batch, 7);
        results.set(`${name}|${batch}`, r);
        const t = (x: Timing) => `${x.wall.toFixed(1)} ms (cpu ${x.cpu.toFixed(1)} ms)`;
        rows.push(`    ${name}, batch ${batch}: forward ${t(r.fwd)}, forward+backward ${t(r.grad)}`);
      }
    }
    console.log(rows.join('\n'));
    const ours = results.get(`${candidates[0][0]}|1`)!;
    const dense = results.get(`${candidates[2][0]}|1`)!;
    return {
      name: 'fft2_complex_256_forward_backward',
      ours_s: ours.grad.wall / 1000,
      reference_s: dense.grad.wall / 1000,
      reference: 'the dense matmul DFT measured in the same run (no plenoptic timing exists for fft2 alone)',
      ratio: ours.grad.wall / dense.grad.wall,
      backend: 'wasm',
      notes: 'all candidates above; best of 7 runs after one warm-up (the machine is shared)',
    };
  },
};
