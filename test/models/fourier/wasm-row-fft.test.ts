// The WebAssembly SIMD row FFT (models/fourier/wasm-row-fft.ts): used where it should be, identical to the JavaScript
// stages, and built from its committed source.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { TransposingFft2, type RowSink, type RowSource, type TransformOptions } from '../../../models/fourier/array-fft.js';
import { Rng } from '../../../runtime/rng.js';
import { maxAbs, maxAbsDiff } from '../../helpers/compare.js';

const randomArray = (rng: Rng, n: number) => Float64Array.from({ length: n }, () => rng.normal());

/** The Hermitian part (x(r, c) + conj x(−r, −c))/2 of (ar, ai). */
function hermitianPart(ar: Float64Array, ai: Float64Array, h: number, w: number) {
  const re = new Float64Array(h * w);
  const im = new Float64Array(h * w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const m = ((h - r) % h) * w + ((w - c) % w);
      re[r * w + c] = (ar[r * w + c] + ar[m]) / 2;
      im[r * w + c] = (ai[r * w + c] - ai[m]) / 2;
    }
  }
  return { re, im };
}

/** Runs every mode of the plan on (xr, xi) with both signs, giving the concatenated outputs. */
function allModes(plan: TransposingFft2, xr: Float64Array, xi: Float64Array, hr: Float64Array, hi: Float64Array): Float64Array[] {
  const { rows: h, cols: w } = plan;
  const outputs: Float64Array[] = [];
  const planes = (options: TransformOptions, re = xr, im = xi, sign: 1 | -1 = -1) => {
    const out = { re: new Float64Array(h * w + 3), im: new Float64Array(h * w + 3), offset: 3 };
    plan.transform(sign, { re, im, offset: 0 }, out, options);
    outputs.push(out.re);
    // real results leave im alone
    if (!options.realOutput && !options.hermitianInput) outputs.push(out.im);
  };
  for (const sign of [-1, 1] as const) {
    planes({}, xr, xi, sign);
    planes({ realInput: true }, xr, xr, sign);
    planes({ realOutput: true }, xr, xi, sign);
    planes({ hermitianInput: true }, hr, hi, sign);
  }
  const inputRows = Uint8Array.from({ length: h }, (_, r) => (r % 5 === 1 ? 0 : 1));
  const outputRows = Uint8Array.from({ length: w }, (_, c) => (c % 7 < 4 ? 1 : 0));
  planes({ inputRows, outputRows });
  // callbacks instead of planes
  const out = new Float64Array(2 * h * w);
  const source: RowSource = (r, re, im, at) => {
    re.set(xr.subarray(r * w, (r + 1) * w), at);
    im.set(xi.subarray(r * w, (r + 1) * w), at);
  };
  const sink: RowSink = (k, re, im, at) => {
    out.set(re.subarray(at, at + h), k * h);
    out.set(im.subarray(at, at + h), (w + k) * h);
  };
  plan.transform(1, source, sink);
  outputs.push(out);
  return outputs;
}

describe('transposingFft2 on the WebAssembly row kernel', () => {
  const rng = new Rng(11);

  it('is used in Node for power-of-two rows from 16, and not for other lengths or when turned off', () => {
    expect(new TransposingFft2(256, 256).usesWasm).toBe(true);
    expect(new TransposingFft2(64, 128).usesWasm).toBe(true);
    expect(new TransposingFft2(16, 12).usesWasm).toBe(true);
    expect(new TransposingFft2(12, 20).usesWasm).toBe(false);
    expect(new TransposingFft2(8, 8).usesWasm).toBe(false);
    expect(new TransposingFft2(256, 256, { wasm: false }).usesWasm).toBe(false);
  });

  for (const [h, w] of [[256, 256], [64, 128], [16, 12]] as const) {
    it(`agrees with the JavaScript path to 1e-12 relative on ${h}×${w}, in every mode and both signs`, () => {
      const xr = randomArray(rng, h * w);
      const xi = randomArray(rng, h * w);
      const { re: hr, im: hi } = hermitianPart(randomArray(rng, h * w), randomArray(rng, h * w), h, w);
      const wasm = allModes(new TransposingFft2(h, w), xr, xi, hr, hi);
      const js = allModes(new TransposingFft2(h, w, { wasm: false }), xr, xi, hr, hi);
      for (let i = 0; i < js.length; i++) {
        expect(maxAbs(js[i])).toBeGreaterThan(0);
        expect(maxAbsDiff(wasm[i], js[i]) / maxAbs(js[i]), `output ${i}`).toBeLessThanOrEqual(1e-12);
      }
    });
  }

  it('a plan keeps working after a later plan grows the kernel memory under its buffers', () => {
    const [h, w] = [32, 64];
    const plan = new TransposingFft2(h, w);
    const x = { re: randomArray(rng, h * w), im: randomArray(rng, h * w), offset: 0 };
    const run = () => {
      const out = { re: new Float64Array(h * w), im: new Float64Array(h * w), offset: 0 };
      plan.transform(-1, x, out);
      return out;
    };
    const before = run();
    new TransposingFft2(512, 1024);
    const after = run();
    expect(maxAbsDiff(after.re, before.re)).toBe(0);
    expect(maxAbsDiff(after.im, before.im)).toBe(0);
    expect(maxAbs(after.re)).toBeGreaterThan(0);
  });
});

describe('the committed WebAssembly module', () => {
  it('is what fft-rows.as.ts compiles to (npm run build:wasm)', () => {
    const check = spawnSync(process.execPath, ['models/build-wasm.mjs', '--check', 'fft-rows'], { encoding: 'utf8' });
    expect(check.stdout + check.stderr).toContain('up to date');
    expect(check.status).toBe(0);
  });
});
