// The statistics of one pyramid scale that come from its coefficients: the demeaned magnitudes (whose
// auto-correlations the caller takes), and the cross-orientation and cross-scale correlations, with their
// gradient. Pixels are processed in blocks that stay in cache: for each block the per-pixel maps (magnitudes,
// phase-doubled parents) are formed in one buffer, then every correlation is a dot product (forward) and every
// map's gradient a linear combination of maps (backward), four at a time. Only the magnitudes are kept for the
// backward pass; the other maps are recomputed from the coefficients.
//
// With a demeaned magnitude md = |z| − mean|z|, plenoptic's correlations are mean(a·b)/sqrt(mean(a²)·mean(b²)):
//   cross-orientation  a, b = md_k1, md_k2 (k1 > k2)
//   cross-scale mag.   a, b = md_k, pmd_k' with pmd = |p| − mean|p| for the upsampled parent p
//   cross-scale real   a, b = Re(z_k), (Re, Im)(p_k'²/|p_k'|) (the parent with its phase doubled)
// The gradient through the demeaning (subtracting the mean of the incoming gradient) is omitted: every term that
// reaches md or pmd is a combination of zero-mean maps, so that mean is zero.
import type { ArrayPool } from './array-pool.js';
import type { ComplexArray } from './fourier-plan.js';

export interface ScaleTape {
  n: number;
  bands: ComplexArray;
  parents: ComplexArray | null;
  /** |z| of the bands and of the parents ([K·n] each, from the pool; the backward pass returns them). */
  magnitudes: { bands: Float64Array; parents: Float64Array };
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

const BLOCK = 512;

/**
 * out[outAt[t]] += Σ_i x[a + i]·x[bAt[t] + i] for each t, four products per pass so that x[a..] is read once for
 * four of them.
 */
function dotsInto(x: Float64Array, a: number, bAt: Int32Array, len: number, out: Float64Array, outAt: Int32Array): void {
  let t = 0;
  for (; t + 4 <= bAt.length; t += 4) {
    const o0 = bAt[t], o1 = bAt[t + 1], o2 = bAt[t + 2], o3 = bAt[t + 3];
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < len; i++) {
      const v = x[a + i];
      s0 += v * x[o0 + i];
      s1 += v * x[o1 + i];
      s2 += v * x[o2 + i];
      s3 += v * x[o3 + i];
    }
    out[outAt[t]] += s0;
    out[outAt[t + 1]] += s1;
    out[outAt[t + 2]] += s2;
    out[outAt[t + 3]] += s3;
  }
  for (; t < bAt.length; t++) {
    const o = bAt[t];
    let s0 = 0;
    for (let i = 0; i < len; i++) s0 += x[a + i] * x[o + i];
    out[outAt[t]] += s0;
  }
}

/** A linear combination Σ_t c[t]·x[at[t] + ·] of maps in one buffer. */
interface Combination {
  at: Int32Array;
  c: Float64Array;
}

/** y[yo + i] += Σ_t c[t]·x[at[t] + i], four terms per pass. */
function addCombination(y: Float64Array, yo: number, x: Float64Array, { at, c }: Combination, len: number): void {
  let t = 0;
  for (; t + 4 <= at.length; t += 4) {
    const o0 = at[t], o1 = at[t + 1], o2 = at[t + 2], o3 = at[t + 3];
    const c0 = c[t], c1 = c[t + 1], c2 = c[t + 2], c3 = c[t + 3];
    for (let i = 0; i < len; i++) y[yo + i] += c0 * x[o0 + i] + c1 * x[o1 + i] + c2 * x[o2 + i] + c3 * x[o3 + i];
  }
  if (at.length - t === 3) {
    const o0 = at[t], o1 = at[t + 1], o2 = at[t + 2];
    const c0 = c[t], c1 = c[t + 1], c2 = c[t + 2];
    for (let i = 0; i < len; i++) y[yo + i] += c0 * x[o0 + i] + c1 * x[o1 + i] + c2 * x[o2 + i];
  } else if (at.length - t === 2) {
    const o0 = at[t], o1 = at[t + 1];
    const c0 = c[t], c1 = c[t + 1];
    for (let i = 0; i < len; i++) y[yo + i] += c0 * x[o0 + i] + c1 * x[o1 + i];
  } else if (at.length - t === 1) {
    const o0 = at[t];
    const c0 = c[t];
    for (let i = 0; i < len; i++) y[yo + i] += c0 * x[o0 + i];
  }
}

function range(n: number, step = 1, start = 0): number[] {
  return Array.from({ length: n }, (_, i) => start + i * step);
}

/**
 * Where each per-block map lives in the block buffer: K planes of |z|, md, |p|, pmd, Re z, then 2K planes of the
 * doubled parents (real parts, then imaginary).
 */
class BlockLayout {
  readonly size: number;
  constructor(readonly K: number) {
    this.size = 7 * K * BLOCK;
  }
  magnitude(k: number): number {
    return k * BLOCK;
  }
  md(k: number): number {
    return (this.K + k) * BLOCK;
  }
  parentMagnitude(k: number): number {
    return (2 * this.K + k) * BLOCK;
  }
  pmd(k: number): number {
    return (3 * this.K + k) * BLOCK;
  }
  re(k: number): number {
    return (4 * this.K + k) * BLOCK;
  }
  doubled(j: number): number {
    return (5 * this.K + j) * BLOCK;
  }
}

export class ScaleStatistics {
  private readonly K: number;
  private readonly at: BlockLayout;
  private readonly maps: Float64Array;
  /** Gradients of md, pmd, Re z (K planes each) and the doubled parents (2K planes), per block. */
  private readonly grads: Float64Array;

  constructor(
    nOrientations: number,
    private readonly pool: ArrayPool,
  ) {
    this.K = nOrientations;
    this.at = new BlockLayout(nOrientations);
    this.maps = new Float64Array(this.at.size);
    this.grads = new Float64Array(5 * nOrientations * BLOCK);
  }

  /** Fills the maps of pixels [p0, p0 + len), with the magnitudes `known` ([K·n] each). */
  private fill(
    tape: Pick<ScaleTape, 'n' | 'bands' | 'parents' | 'magnitudeMean' | 'parentMagnitudeMean'>,
    p0: number,
    len: number,
    known: { bands: Float64Array; parents: Float64Array },
  ): void {
    const { K, at, maps } = this;
    const { n, bands, parents } = tape;
    for (let k = 0; k < K; k++) {
      const src = k * n + p0;
      const mag = at.magnitude(k);
      const md = at.md(k);
      const re = at.re(k);
      const mean = tape.magnitudeMean[k];
      for (let i = 0; i < len; i++) {
        const a = bands.re[src + i];
        const b = bands.im[src + i];
        const m = known.bands[src + i];
        maps[mag + i] = m;
        maps[md + i] = m - mean;
        maps[re + i] = a;
      }
      if (!parents) continue;
      const pmag = at.parentMagnitude(k);
      const pmd = at.pmd(k);
      const dr = at.doubled(k);
      const di = at.doubled(K + k);
      const pmean = tape.parentMagnitudeMean[k];
      for (let i = 0; i < len; i++) {
        const qr = parents.re[src + i];
        const qi = parents.im[src + i];
        const m = known.parents[src + i];
        maps[pmag + i] = m;
        maps[pmd + i] = m - pmean;
        // z → z²/|z| doubles the phase and keeps the magnitude.
        const inv = m === 0 ? 0 : 1 / m;
        maps[dr + i] = (qr * qr - qi * qi) * inv;
        maps[di + i] = 2 * qr * qi * inv;
      }
    }
  }

  /** The correlations of a scale, and its K demeaned magnitude maps ([K·n] from the pool, for the auto-correlations). */
  forward(bands: ComplexArray, parents: ComplexArray | null, n: number): { tape: ScaleTape; demeanedMagnitudes: Float64Array } {
    const { K, at, maps } = this;
    const known = { bands: this.pool.take(K * n), parents: parents ? this.pool.take(K * n) : new Float64Array(0) };
    const magnitudeMean = new Float64Array(K);
    const parentMagnitudeMean = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let s = 0;
      let t = 0;
      for (let p = k * n; p < (k + 1) * n; p++) {
        const m = Math.sqrt(bands.re[p] * bands.re[p] + bands.im[p] * bands.im[p]);
        known.bands[p] = m;
        s += m;
        if (parents) {
          const pm = Math.sqrt(parents.re[p] * parents.re[p] + parents.im[p] * parents.im[p]);
          known.parents[p] = pm;
          t += pm;
        }
      }
      magnitudeMean[k] = s / n;
      parentMagnitudeMean[k] = t / n;
    }
    const tape: ScaleTape = {
      n,
      bands,
      parents,
      magnitudes: known,
      magnitudeMean,
      parentMagnitudeMean,
      varMd: new Float64Array(K),
      varPmd: new Float64Array(K),
      varRe: new Float64Array(K),
      varDoubled: new Float64Array(2 * K),
      crossOrientation: new Float64Array(K * K),
      crossScaleMagnitude: new Float64Array(K * K),
      crossScaleReal: new Float64Array(2 * K * K),
    };

    // Sums of products accumulated per block into one array: md_k·md_k2 for k2 ≤ k [K·K], md·pmd [K·K],
    // Re·doubled [K·2K], pmd² [K], Re² [K], doubled² [2K].
    const sums = new Float64Array(K * K * 4 + 4 * K);
    const [mdMd, mdPmd, reDoubled, pmd2, re2, doubled2] = [0, K * K, 2 * K * K, 4 * K * K, 4 * K * K + K, 4 * K * K + 2 * K];
    const products: Array<{ a: number; b: Int32Array; out: Int32Array }> = [];
    for (let k = 0; k < K; k++) {
      products.push({ a: at.md(k), b: Int32Array.from(range(k + 1), at.md.bind(at)), out: Int32Array.from(range(k + 1, 1, mdMd + k * K)) });
      if (!parents) continue;
      products.push(
        { a: at.md(k), b: Int32Array.from(range(K), at.pmd.bind(at)), out: Int32Array.from(range(K, 1, mdPmd + k * K)) },
        { a: at.re(k), b: Int32Array.from(range(2 * K), at.doubled.bind(at)), out: Int32Array.from(range(2 * K, 1, reDoubled + k * 2 * K)) },
        { a: at.pmd(k), b: Int32Array.of(at.pmd(k)), out: Int32Array.of(pmd2 + k) },
        { a: at.re(k), b: Int32Array.of(at.re(k)), out: Int32Array.of(re2 + k) },
      );
    }
    if (parents) for (let j = 0; j < 2 * K; j++) products.push({ a: at.doubled(j), b: Int32Array.of(at.doubled(j)), out: Int32Array.of(doubled2 + j) });

    const demeanedMagnitudes = this.pool.take(K * n);
    for (let p0 = 0; p0 < n; p0 += BLOCK) {
      const len = Math.min(BLOCK, n - p0);
      this.fill(tape, p0, len, known);
      for (let k = 0; k < K; k++) demeanedMagnitudes.set(maps.subarray(at.md(k), at.md(k) + len), k * n + p0);
      for (const { a, b, out } of products) dotsInto(maps, a, b, len, sums, out);
    }
    for (let k = 0; k < K; k++) {
      tape.varMd[k] = sums[mdMd + k * K + k] / n;
      for (let k2 = 0; k2 < k; k2++) tape.crossOrientation[k * K + k2] = sums[mdMd + k * K + k2];
      tape.varPmd[k] = sums[pmd2 + k] / n;
      tape.varRe[k] = sums[re2 + k] / n;
    }
    for (let j = 0; j < 2 * K; j++) tape.varDoubled[j] = sums[doubled2 + j] / n;
    tape.crossScaleMagnitude.set(sums.subarray(mdPmd, mdPmd + K * K));
    tape.crossScaleReal.set(sums.subarray(reDoubled, reDoubled + 2 * K * K));
    const normalise = (c: Float64Array, va: Float64Array, vb: Float64Array) => {
      const kb = vb.length;
      for (let i = 0; i < va.length; i++) for (let j = 0; j < kb; j++) c[i * kb + j] /= n * Math.sqrt(va[i] * vb[j]);
    };
    normalise(tape.crossOrientation, tape.varMd, tape.varMd);
    if (parents) {
      normalise(tape.crossScaleMagnitude, tape.varMd, tape.varPmd);
      normalise(tape.crossScaleReal, tape.varRe, tape.varDoubled);
    }
    return { tape, demeanedMagnitudes };
  }

  /** Returns a tape no gradient will be asked of to the pool. */
  release(tape: ScaleTape): void {
    this.pool.give(tape.magnitudes.bands, tape.parents ? tape.magnitudes.parents : null);
  }

  /**
   * ∂L/∂bands and ∂L/∂parents (complex, [K·n], from the pool) given the correlation gradients g and gMd [K·n], the
   * gradient reaching the demeaned magnitudes from elsewhere (their auto-correlations).
   */
  backward(tape: ScaleTape, g: ScaleCorrelationGradient, gMd: Float64Array): { bands: ComplexArray; parents: ComplexArray | null } {
    const { K, at, maps, grads } = this;
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

    // Each map's gradient as a combination of maps (the cross-orientation matrix's lower triangle feeds both maps).
    const combination = (terms: Array<[number, number]>): Combination => ({
      at: Int32Array.from(terms, ([o]) => o),
      c: Float64Array.from(terms, ([, c]) => c),
    });
    const mdCoefficient = (k: number, k2: number) => (k2 === k ? dMd[k] : k2 < k ? aCo[k * K + k2] : aCo[k2 * K + k]);
    const gradMd = range(K).map((k) =>
      combination([
        ...range(K).map((k2): [number, number] => [at.md(k2), mdCoefficient(k, k2)]),
        ...(parents ? range(K).map((k2): [number, number] => [at.pmd(k2), aCm[k * K + k2]]) : []),
      ]),
    );
    const gradPmd = range(K).map((k) => combination([...range(K).map((k1): [number, number] => [at.md(k1), aCm[k1 * K + k]]), [at.pmd(k), dPmd[k]]]));
    const gradRe = range(K).map((k) =>
      combination([...range(2 * K).map((j): [number, number] => [at.doubled(j), aCr[k * 2 * K + j]]), [at.re(k), dRe[k]]]),
    );
    const gradDoubled = range(2 * K).map((j) =>
      combination([...range(K).map((k): [number, number] => [at.re(k), aCr[k * 2 * K + j]]), [at.doubled(j), dDoubled[j]]]),
    );
    const gMdAt = (k: number) => k * BLOCK;
    const gPmdAt = (k: number) => (K + k) * BLOCK;
    const gReAt = (k: number) => (2 * K + k) * BLOCK;
    const gDoubledAt = (j: number) => (3 * K + j) * BLOCK;

    const gBands = { re: this.pool.take(K * n), im: this.pool.take(K * n) };
    const gParents = parents ? { re: this.pool.takeZeroed(K * n), im: this.pool.takeZeroed(K * n) } : null;
    for (let p0 = 0; p0 < n; p0 += BLOCK) {
      const len = Math.min(BLOCK, n - p0);
      this.fill(tape, p0, len, tape.magnitudes);
      for (let k = 0; k < K; k++) {
        grads.set(gMd.subarray(k * n + p0, k * n + p0 + len), gMdAt(k));
        addCombination(grads, gMdAt(k), maps, gradMd[k], len);
        grads.fill(0, gReAt(k), gReAt(k) + len);
        if (!parents) continue;
        grads.fill(0, gPmdAt(k), gPmdAt(k) + len);
        addCombination(grads, gPmdAt(k), maps, gradPmd[k], len);
        addCombination(grads, gReAt(k), maps, gradRe[k], len);
      }
      if (parents) {
        for (let j = 0; j < 2 * K; j++) {
          grads.fill(0, gDoubledAt(j), gDoubledAt(j) + len);
          addCombination(grads, gDoubledAt(j), maps, gradDoubled[j], len);
        }
      }
      for (let k = 0; k < K; k++) {
        const dst = k * n + p0;
        const mag = at.magnitude(k);
        const gmd = gMdAt(k);
        const gre = gReAt(k);
        for (let i = 0; i < len; i++) {
          const m = maps[mag + i];
          const c = m > 0 ? grads[gmd + i] / m : 0;
          gBands.re[dst + i] = c * bands.re[dst + i] + grads[gre + i];
          gBands.im[dst + i] = c * bands.im[dst + i];
        }
        if (!parents || !gParents) continue;
        const pmag = at.parentMagnitude(k);
        const dr0 = at.doubled(k);
        const di0 = at.doubled(K + k);
        const gpm0 = gPmdAt(k);
        const gdr0 = gDoubledAt(k);
        const gdi0 = gDoubledAt(K + k);
        for (let i = 0; i < len; i++) {
          const pm = maps[pmag + i];
          if (pm === 0) continue;
          const qr = parents.re[dst + i];
          const qi = parents.im[dst + i];
          const dr = maps[dr0 + i];
          const di = maps[di0 + i];
          const gpm = grads[gpm0 + i];
          const gdr = grads[gdr0 + i];
          const gdi = grads[gdi0 + i];
          // |q|, (q_r² − q_i²)/|q| and 2 q_r q_i/|q| differentiated with respect to q_r and q_i.
          gParents.re[dst + i] = (gpm * qr + gdr * (2 * qr - (dr * qr) / pm) + gdi * (2 * qi - (di * qr) / pm)) / pm;
          gParents.im[dst + i] = (gpm * qi + gdr * (-2 * qi - (dr * qi) / pm) + gdi * (2 * qr - (di * qi) / pm)) / pm;
        }
      }
    }
    this.release(tape);
    return { bands: gBands, parents: gParents };
  }
}
