// The WebAssembly block loops of scale-statistics.ts (wasm-scale-blocks.ts): the same correlations, magnitudes and
// gradients as the JavaScript loops, including blocks shorter than BLOCK and of odd length, and built from their
// committed source.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ArrayPool } from '../../../models/portilla-simoncelli/array-pool.js';
import { ScaleStatistics, type ScaleCorrelationGradient } from '../../../models/portilla-simoncelli/scale-statistics.js';
import { BLOCK, BlockLayout, SumLayout, tiles } from '../../../models/portilla-simoncelli/scale-layout.js';
import { WasmScaleBlocks } from '../../../models/portilla-simoncelli/wasm-scale-blocks.js';
import { Rng } from '../../../runtime/rng.js';
import { maxAbs, maxAbsDiff } from '../../helpers/compare.js';

const randomArray = (rng: Rng, n: number) => Float64Array.from({ length: n }, () => rng.normal());

function run(useWasm: boolean, K: number, n: number, withParents: boolean, seed: number) {
  const rng = new Rng(seed);
  const bands = { re: randomArray(rng, K * n), im: randomArray(rng, K * n) };
  const parents = withParents ? { re: randomArray(rng, K * n), im: randomArray(rng, K * n) } : null;
  // a zero parent exercises the 1/|p| = 0 convention
  if (parents) parents.re[3] = parents.im[3] = 0;
  const g: ScaleCorrelationGradient = {
    crossOrientation: randomArray(rng, K * K),
    crossScaleMagnitude: withParents ? randomArray(rng, K * K) : new Float64Array(K * K),
    crossScaleReal: withParents ? randomArray(rng, 2 * K * K) : new Float64Array(2 * K * K),
  };
  const gMd = randomArray(rng, K * n);
  const statistics = new ScaleStatistics(K, new ArrayPool(), useWasm);
  const tape = statistics.forward(bands, parents, n);
  const forward = [tape.magnitudes.bands.slice(), tape.magnitudes.parents?.slice() ?? new Float64Array(0), tape.magnitudeMean, tape.parentMagnitudeMean];
  const correlations = [tape.crossOrientation, tape.crossScaleMagnitude, tape.crossScaleReal, tape.varMd, tape.varPmd, tape.varRe, tape.varDoubled];
  const grad = statistics.backward(tape, g, gMd);
  return { forward, correlations, gradient: [grad.bands.re, grad.bands.im, grad.parents?.re ?? new Float64Array(0), grad.parents?.im ?? new Float64Array(0)] };
}

describe('WebAssembly scale statistics', () => {
  it('compiles and runs here (Node has WebAssembly SIMD)', () => {
    const K = 4;
    const at = new BlockLayout(K);
    const sums = new SumLayout(K);
    const blocks = WasmScaleBlocks.create(K, at.size, (5 * K + 1) * BLOCK, sums.trash + 1, { withParents: tiles(at, sums, K, true), alone: tiles(at, sums, K, false) });
    expect(blocks).not.toBeNull();
  });

  for (const [K, n, withParents] of [
    [4, 3 * 256, true],
    [4, 256 + 37, true],
    [3, 101, false],
    [5, 512 + 1, true],
  ] as const) {
    it(`matches the JavaScript loops (K = ${K}, n = ${n}, parents: ${withParents})`, () => {
      const js = run(false, K, n, withParents, 7 + K + n);
      const wasm = run(true, K, n, withParents, 7 + K + n);
      // per-pixel maps and gradients use the same float64 operations; the sums only add in another order
      js.forward.forEach((a, i) => expect(maxAbsDiff(wasm.forward[i], a)).toBeLessThanOrEqual(1e-13 * Math.max(1, maxAbs(a))));
      js.correlations.forEach((a, i) => expect(maxAbsDiff(wasm.correlations[i], a)).toBeLessThanOrEqual(1e-12 * Math.max(1e-300, maxAbs(a))));
      js.gradient.forEach((a, i) => {
        expect(a.every(Number.isFinite)).toBe(true);
        expect(maxAbsDiff(wasm.gradient[i], a)).toBeLessThanOrEqual(1e-12 * maxAbs(a) + 1e-300);
      });
    });
  }

  it('is built from its committed source', () => {
    const check = spawnSync(process.execPath, ['models/build-wasm.mjs', '--check', 'scale-blocks'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
