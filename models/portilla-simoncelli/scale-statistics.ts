// The statistics of one pyramid scale that come from its coefficients: the magnitudes (whose auto-correlations
// the caller takes), and the cross-orientation and cross-scale correlations, with their gradient.
//
// With a demeaned magnitude md = |z| − mean|z|, plenoptic's correlations are mean(a·b)/sqrt(mean(a²)·mean(b²)):
//   cross-orientation  a, b = md_k1, md_k2 (k1 > k2)
//   cross-scale mag.   a, b = md_k, pmd_k' with pmd = |p| − mean|p| for the upsampled parent p
//   cross-scale real   a, b = Re(z_k), (Re, Im)(p_k'²/|p_k'|) (the parent with its phase doubled)
// The demeaned maps are never formed: Σ md_a·md_b = Σ m_a·m_b − n·μ_a·μ_b for the magnitudes m and their means μ,
// and in the backward pass a combination of demeaned maps is the same combination of magnitudes minus a constant.
// Pixels are processed in blocks that stay in a core's L2 cache: the block's maps (magnitudes, real parts,
// doubled parents) are formed in one buffer, then every sum of products comes from the tiles of block-kernels.ts
// (forward, planned in scale-layout.ts) and the maps' gradients from one linear map of the maps, in 4 × 4 blocks
// (backward). Only the magnitudes are kept for the backward pass; the doubled parents are recomputed from them.
// Where WebAssembly SIMD is available the block loops run in wasm-scale-blocks.ts (about twice as fast), with the
// same per-pixel arithmetic; the loops here are its fallback.
// The gradient through the demeaning (subtracting the mean of the incoming gradient) is omitted: every term that
// reaches md or pmd is a combination of zero-mean maps, so that mean is zero.
import type { ArrayPool } from './array-pool.js';
import { applyMap, cross4x2, gram4, mapBlocks, squares4, type MapBlock } from './block-kernels.js';
import { BLOCK, BlockLayout, SumLayout, range, tiles, type Tiles } from './scale-layout.js';
import type { ComplexArray } from './fourier-plan.js';
import { WasmScaleBlocks } from './wasm-scale-blocks.js';

export interface ScaleTape {
  n: number;
  bands: ComplexArray;
  parents: ComplexArray | null;
  /** |z| of the bands and of the parents ([K·n] each, from the pool; the backward pass returns them). */
  magnitudes: { bands: Float64Array; parents: Float64Array | null };
  /** Mean magnitude of each band and of each parent. */
  magnitudeMean: Float64Array;
  parentMagnitudeMean: Float64Array;
  /** mean(x²) of md (K), pmd (K), Re(z) (K), the doubled parents' real then imaginary parts (2K). */
  varMd: Float64Array;
  varPmd: Float64Array;
  varRe: Float64Array;
  varDoubled: Float64Array;
  /** The correlations: [K·K] (only k1 > k2 used), [K·K], [K·2K]. */
  crossOrientation: Float64Array;
  crossScaleMagnitude: Float64Array;
  crossScaleReal: Float64Array;
}

/** Gradients of L with respect to the correlations of a scale (same layouts as in ScaleTape). */
export interface ScaleCorrelationGradient {
  crossOrientation: Float64Array;
  crossScaleMagnitude: Float64Array;
  crossScaleReal: Float64Array;
}

export class ScaleStatistics {
  private readonly K: number;
  private readonly at: BlockLayout;
  private readonly sumAt: SumLayout;
  private readonly tiles: Record<'withParents' | 'alone', Tiles>;
  private readonly maps: Float64Array;
  /** Per block, the gradients of m, pm, Re z (K planes each) and of the doubled parents (2K), then a plane for padding. */
  private readonly grads: Float64Array;
  /** The block loops in WebAssembly SIMD, or null where it is unavailable (the loops below run instead). */
  private readonly wasm: WasmScaleBlocks | null;

  constructor(
    nOrientations: number,
    private readonly pool: ArrayPool,
    /** false runs the JavaScript loops even where WebAssembly is available (to compare the two). */
    useWasm = true,
  ) {
    const K = nOrientations;
    this.K = K;
    this.at = new BlockLayout(K);
    this.sumAt = new SumLayout(K);
    this.tiles = { withParents: tiles(this.at, this.sumAt, K, true), alone: tiles(this.at, this.sumAt, K, false) };
    this.maps = new Float64Array(this.at.size);
    this.grads = new Float64Array((5 * K + 1) * BLOCK);
    this.wasm = useWasm ? WasmScaleBlocks.create(K, this.at.size, this.grads.length, this.sumAt.trash + 1, this.tiles) : null;
  }

  /**
   * Fills the block buffer with the maps of pixels [p0, p0 + len). With `measure` the magnitudes are computed,
   * stored in the tape and their sums added to measure[0] (bands) and measure[1] (parents); without, they are read
   * from the tape.
   */
  private fill(tape: Pick<ScaleTape, 'n' | 'bands' | 'parents' | 'magnitudes'>, p0: number, len: number, measure: Float64Array[] | null): void {
    const { K, at, maps } = this;
    const { n, bands, parents } = tape;
    const mB = tape.magnitudes.bands;
    const mP = tape.magnitudes.parents;
    for (let k = 0; k < K; k++) {
      const src = k * n + p0;
      const mag = at.magnitude(k);
      const re = at.re(k);
      if (measure) {
        let s = 0;
        for (let i = 0; i < len; i++) {
          const a = bands.re[src + i];
          const b = bands.im[src + i];
          const m = Math.sqrt(a * a + b * b);
          mB[src + i] = m;
          maps[mag + i] = m;
          maps[re + i] = a;
          s += m;
        }
        measure[0][k] += s;
      } else {
        for (let i = 0; i < len; i++) {
          maps[mag + i] = mB[src + i];
          maps[re + i] = bands.re[src + i];
        }
      }
      if (!parents || !mP) continue;
      const pmag = at.parentMagnitude(k);
      const pinv = at.inverseParentMagnitude(k);
      const dr = at.doubled(k);
      const di = at.doubled(K + k);
      let t = 0;
      for (let i = 0; i < len; i++) {
        const qr = parents.re[src + i];
        const qi = parents.im[src + i];
        const m = measure ? Math.sqrt(qr * qr + qi * qi) : mP[src + i];
        maps[pmag + i] = m;
        t += m;
        // z → z²/|z| doubles the phase and keeps the magnitude.
        const inv = m === 0 ? 0 : 1 / m;
        maps[pinv + i] = inv;
        maps[dr + i] = (qr * qr - qi * qi) * inv;
        maps[di + i] = 2 * qr * qi * inv;
      }
      if (!measure) continue;
      for (let i = 0; i < len; i++) mP[src + i] = maps[pmag + i];
      measure[1][k] += t;
    }
  }

  /** The forward pass's sums of products and magnitude sums, in JavaScript. */
  private forwardSums(tape: Pick<ScaleTape, 'n' | 'bands' | 'parents' | 'magnitudes'>, sums: Float64Array, magnitudeSum: Float64Array, parentMagnitudeSum: Float64Array): void {
    const { maps } = this;
    const { n } = tape;
    const { gram, cross, squares } = this.tiles[tape.parents ? 'withParents' : 'alone'];
    for (let p0 = 0; p0 < n; p0 += BLOCK) {
      const len = Math.min(BLOCK, n - p0);
      this.fill(tape, p0, len, [magnitudeSum, parentMagnitudeSum]);
      for (const { a, out } of gram) gram4(maps, a[0], a[1], a[2], a[3], len, sums, out);
      for (const { a, b, out } of cross) cross4x2(maps, a[0], a[1], a[2], a[3], b[0], b[1], len, sums, out);
      for (const { a, out } of squares) squares4(maps, a[0], a[1], a[2], a[3], len, sums, out);
    }
  }

  /** The correlations of a scale, and the magnitudes of its bands (in the tape, for the auto-correlations). */
  forward(bands: ComplexArray, parents: ComplexArray | null, n: number): ScaleTape {
    const { K, pool, sumAt } = this;
    const magnitudes = { bands: pool.take(K * n), parents: parents ? pool.take(K * n) : null };
    const magnitudeSum = new Float64Array(K);
    const parentMagnitudeSum = new Float64Array(K);
    const sums = new Float64Array(sumAt.trash + 1);
    if (this.wasm) this.wasm.forward(bands, parents, n, magnitudes, sums, magnitudeSum, parentMagnitudeSum);
    else this.forwardSums({ n, bands, parents, magnitudes }, sums, magnitudeSum, parentMagnitudeSum);

    const bandMean = magnitudeSum.map((s) => s / n);
    const parentMean = parentMagnitudeSum.map((s) => s / n);
    const tape: ScaleTape = {
      n,
      bands,
      parents,
      magnitudes,
      magnitudeMean: bandMean,
      parentMagnitudeMean: parentMean,
      varMd: new Float64Array(K),
      varPmd: new Float64Array(K),
      varRe: new Float64Array(K),
      varDoubled: new Float64Array(2 * K),
      crossOrientation: new Float64Array(K * K),
      crossScaleMagnitude: new Float64Array(K * K),
      crossScaleReal: new Float64Array(2 * K * K),
    };
    for (let k = 0; k < K; k++) {
      tape.varMd[k] = sums[sumAt.mm + k * K + k] / n - bandMean[k] * bandMean[k];
      for (let k2 = 0; k2 < k; k2++) tape.crossOrientation[k * K + k2] = sums[sumAt.mm + k * K + k2] - n * bandMean[k] * bandMean[k2];
      tape.varPmd[k] = sums[sumAt.pm2 + k] / n - parentMean[k] * parentMean[k];
      tape.varRe[k] = sums[sumAt.re2 + k] / n;
      for (let k2 = 0; k2 < K; k2++) tape.crossScaleMagnitude[k * K + k2] = sums[sumAt.mpm + k * K + k2] - n * bandMean[k] * parentMean[k2];
    }
    for (let j = 0; j < 2 * K; j++) tape.varDoubled[j] = sums[sumAt.doubled2 + j] / n;
    tape.crossScaleReal.set(sums.subarray(sumAt.reDoubled, sumAt.reDoubled + 2 * K * K));
    const normalise = (c: Float64Array, va: Float64Array, vb: Float64Array) => {
      const kb = vb.length;
      for (let i = 0; i < va.length; i++) for (let j = 0; j < kb; j++) c[i * kb + j] /= n * Math.sqrt(va[i] * vb[j]);
    };
    normalise(tape.crossOrientation, tape.varMd, tape.varMd);
    if (parents) {
      normalise(tape.crossScaleMagnitude, tape.varMd, tape.varPmd);
      normalise(tape.crossScaleReal, tape.varRe, tape.varDoubled);
    }
    return tape;
  }

  /** Returns a tape no gradient will be asked of to the pool. */
  release(tape: ScaleTape): void {
    this.pool.give(tape.magnitudes.bands, tape.magnitudes.parents);
  }

  /**
   * ∂L/∂bands and ∂L/∂parents (complex, [K·n], from the pool) given the correlation gradients g and gMd [K·n], the
   * gradient reaching the demeaned magnitudes from elsewhere (their auto-correlations).
   */
  backward(tape: ScaleTape, g: ScaleCorrelationGradient, gMd: Float64Array): { bands: ComplexArray; parents: ComplexArray | null } {
    const { K, at } = this;
    const { n, bands, parents } = tape;
    // C = mean(ab)/sqrt(va·vb): ∂C/∂a(p) = b(p)/(n·sqrt(va·vb)) − C·a(p)/(n·va), and symmetrically for b.
    const coefficients = (c: Float64Array, gc: Float64Array, va: Float64Array, vb: Float64Array, diagA: Float64Array, diagB: Float64Array) => {
      const kb = vb.length;
      const out = new Float64Array(c.length);
      for (let i = 0; i < va.length; i++) {
        for (let j = 0; j < kb; j++) {
          const gij = gc[i * kb + j];
          if (gij === 0) continue;
          out[i * kb + j] = gij / (n * Math.sqrt(va[i] * vb[j]));
          diagA[i] -= (gij * c[i * kb + j]) / (n * va[i]);
          diagB[j] -= (gij * c[i * kb + j]) / (n * vb[j]);
        }
      }
      return out;
    };
    const dMd = new Float64Array(K);
    const dPmd = new Float64Array(K);
    const dRe = new Float64Array(K);
    const dDoubled = new Float64Array(2 * K);
    const aCo = coefficients(tape.crossOrientation, g.crossOrientation, tape.varMd, tape.varMd, dMd, dMd);
    const aCm = coefficients(tape.crossScaleMagnitude, g.crossScaleMagnitude, tape.varMd, tape.varPmd, dMd, dPmd);
    const aCr = coefficients(tape.crossScaleReal, g.crossScaleReal, tape.varRe, tape.varDoubled, dRe, dDoubled);

    // Each map's gradient as a linear map of the maps (the cross-orientation matrix's lower triangle feeds both
    // maps); a demeaned map enters as its magnitudes, with minus its mean in a constant.
    const bandMean = tape.magnitudeMean;
    const parentMean = tape.parentMagnitudeMean;
    const mdCoefficient = (k: number, k2: number) => (k2 === k ? dMd[k] : k2 < k ? aCo[k * K + k2] : aCo[k2 * K + k]);
    const gM = (k: number) => k * BLOCK;
    const gPm = (k: number) => (K + k) * BLOCK;
    const gRe = (k: number) => (2 * K + k) * BLOCK;
    const gDoubled = (j: number) => (3 * K + j) * BLOCK;
    const planes = (count: number, offset: (k: number) => number) => range(count).map(offset);
    const m = planes(K, at.magnitude.bind(at));
    const pm = planes(K, at.parentMagnitude.bind(at));
    const re = planes(K, at.re.bind(at));
    const doubled = planes(2 * K, at.doubled.bind(at));
    const trash = 5 * K * BLOCK;
    const mConstant = range(K).map((k) => -range(K).reduce((s, k2) => s + mdCoefficient(k, k2) * bandMean[k2] + aCm[k * K + k2] * parentMean[k2], 0));
    const blocks = mapBlocks(
      planes(K, gM),
      [
        { inputs: m, coefficient: mdCoefficient },
        { inputs: pm, coefficient: (k, k2) => aCm[k * K + k2] },
      ],
      [],
      true,
      at.zero,
      trash,
    );
    if (parents) {
      const pmConstant = range(K).map((k) => -range(K).reduce((s, k1) => s + aCm[k1 * K + k] * bandMean[k1], dPmd[k] * parentMean[k]));
      blocks.push(
        ...mapBlocks(
          planes(K, gPm),
          [
            { inputs: m, coefficient: (k, k1) => aCm[k1 * K + k] },
            { inputs: pm, coefficient: (k) => dPmd[k], diagonal: true },
          ],
          pmConstant,
          false,
          at.zero,
          trash,
        ),
        ...mapBlocks(
          planes(K, gRe),
          [
            { inputs: doubled, coefficient: (k, j) => aCr[k * 2 * K + j] },
            { inputs: re, coefficient: (k) => dRe[k], diagonal: true },
          ],
          [],
          false,
          at.zero,
          trash,
        ),
        ...mapBlocks(
          planes(2 * K, gDoubled),
          [
            { inputs: re, coefficient: (j, k) => aCr[k * 2 * K + j] },
            { inputs: doubled, coefficient: (j) => dDoubled[j], diagonal: true },
          ],
          [],
          false,
          at.zero,
          trash,
        ),
      );
    }

    const gBands = { re: this.pool.take(K * n), im: this.pool.take(K * n) };
    const gParents = parents ? { re: this.pool.take(K * n), im: this.pool.take(K * n) } : null;
    if (this.wasm) this.wasm.backward(bands, parents, n, tape.magnitudes, blocks, mConstant, gMd, gBands, gParents);
    else this.backwardBlocks(tape, blocks, mConstant, gMd, gBands, gParents);
    this.release(tape);
    return { bands: gBands, parents: gParents };
  }

  /** The backward pass's block loop in JavaScript (see WasmScaleBlocks.backward). */
  private backwardBlocks(tape: ScaleTape, blocks: MapBlock[], mConstant: number[], gMd: Float64Array, gBands: ComplexArray, gParents: ComplexArray | null): void {
    const { K, at, maps, grads } = this;
    const { n, bands, parents } = tape;
    const mB = tape.magnitudes.bands;
    for (let p0 = 0; p0 < n; p0 += BLOCK) {
      const len = Math.min(BLOCK, n - p0);
      this.fill(tape, p0, len, null);
      for (let k = 0; k < K; k++) {
        const c = mConstant[k];
        const o = k * BLOCK;
        const from = k * n + p0;
        for (let i = 0; i < len; i++) grads[o + i] = gMd[from + i] + c;
      }
      applyMap(grads, maps, blocks, len);
      for (let k = 0; k < K; k++) {
        const dst = k * n + p0;
        const gm = k * BLOCK;
        const gre = (2 * K + k) * BLOCK;
        for (let i = 0; i < len; i++) {
          const m = mB[dst + i];
          const c = m > 0 ? grads[gm + i] / m : 0;
          gBands.re[dst + i] = c * bands.re[dst + i] + (parents ? grads[gre + i] : 0);
          gBands.im[dst + i] = c * bands.im[dst + i];
        }
        if (!parents || !gParents) continue;
        const pinv = at.inverseParentMagnitude(k);
        const dr0 = at.doubled(k);
        const di0 = at.doubled(K + k);
        const gpm0 = (K + k) * BLOCK;
        const gdr0 = (3 * K + k) * BLOCK;
        const gdi0 = (4 * K + k) * BLOCK;
        for (let i = 0; i < len; i++) {
          const inv = maps[pinv + i];
          const qr = parents.re[dst + i];
          const qi = parents.im[dst + i];
          const dr = maps[dr0 + i] * inv;
          const di = maps[di0 + i] * inv;
          const gpm = grads[gpm0 + i];
          const gdr = grads[gdr0 + i];
          const gdi = grads[gdi0 + i];
          // |q|, (q_r² − q_i²)/|q| and 2 q_r q_i/|q| differentiated with respect to q_r and q_i (0 where q = 0).
          gParents.re[dst + i] = inv * (gpm * qr + gdr * (2 * qr - dr * qr) + gdi * (2 * qi - di * qr));
          gParents.im[dst + i] = inv * (gpm * qi + gdr * (-2 * qi - dr * qi) + gdi * (2 * qr - di * qi));
        }
      }
    }
  }
}
