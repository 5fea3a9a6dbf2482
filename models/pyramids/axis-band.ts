// An AxisOperator run as plain loops over Float64Array images, for kernels that do a whole model's forward and
// backward pass in JavaScript: a short filter costs a few multiply-adds per sample there, where each tfjs op
// costs its dispatch and copies.
//
// Each output reads a few inputs (padding folded in). Along columns, the few input rows of an output row are one
// fused pass. Along rows, away from the borders the taps repeat with the operator's period (every output of a
// strided blur, every other one of an upsampling), so the interior runs with its taps held in locals, which is
// several times faster than reading them per output; the border outputs read theirs.
import type { AxisOperator } from './axis-operator.js';

/** The most taps the unrolled loops take at once: longer runs go in groups along columns, generically along rows. */
const UNROLLED = 5;

/** The repeating interior of the outputs along a row: outputs [first, end) with period `period`. */
interface Interior {
  first: number;
  end: number;
  period: number;
  /** How far the inputs of output o + period are from those of output o. */
  stride: number;
}

/** Output o reads inputs sources[offsets[o] .. offsets[o + 1]) (ascending) with the same-indexed weights. */
interface Taps {
  offsets: Int32Array;
  sources: Int32Array;
  weights: Float64Array;
}

/** The nonzero weights of each output (column o of a row-major [n, m] matrix), in order of input. */
function tapsOfColumns(n: number, m: number, weight: (i: number, o: number) => number): Taps {
  const counts = new Int32Array(m);
  for (let i = 0; i < n; i++) for (let o = 0; o < m; o++) if (weight(i, o) !== 0) counts[o]++;
  const offsets = new Int32Array(m + 1);
  for (let o = 0; o < m; o++) offsets[o + 1] = offsets[o] + counts[o];
  const sources = new Int32Array(offsets[m]);
  const weights = new Float64Array(offsets[m]);
  const filled = offsets.slice(0, m);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < m; o++) {
      const v = weight(i, o);
      if (v === 0) continue;
      sources[filled[o]] = i;
      weights[filled[o]++] = v;
    }
  }
  return { offsets, sources, weights };
}

export class AxisBand {
  private readonly offsets: Int32Array;
  private readonly sources: Int32Array;
  private readonly weights: Float64Array;
  private readonly interior: Interior;
  private transposedBand?: AxisBand;

  private constructor(
    readonly n: number,
    readonly outSize: number,
    { offsets, sources, weights }: Taps,
  ) {
    this.offsets = offsets;
    this.sources = sources;
    this.weights = weights;
    this.interior = this.findInterior();
  }

  private static readonly cache = new WeakMap<AxisOperator, AxisBand>();

  static of(op: AxisOperator): AxisBand {
    let band = AxisBand.cache.get(op);
    if (!band) {
      const { n, outSize: m } = op;
      const dense = op.denseMatrix().weights;
      band = new AxisBand(n, m, tapsOfColumns(n, m, (i, o) => dense[i * m + o]));
      AxisBand.cache.set(op, band);
    }
    return band;
  }

  /** The transposed operator, outSize inputs → n outputs (for gradients). */
  get transposed(): AxisBand {
    if (!this.transposedBand) {
      const { n, outSize: m, offsets, sources, weights } = this;
      const dense = new Float64Array(m * n);
      for (let o = 0; o < m; o++) for (let j = offsets[o]; j < offsets[o + 1]; j++) dense[o * n + sources[j]] = weights[j];
      this.transposedBand = new AxisBand(m, n, tapsOfColumns(m, n, (o, i) => dense[o * n + i]));
    }
    return this.transposedBand;
  }

  /** Whether output o reads what output o − period reads, shifted by stride, with the same weights. */
  private repeats(o: number, period: number, stride: number): boolean {
    const { offsets, sources, weights } = this;
    const a = offsets[o - period];
    const b = offsets[o];
    const count = offsets[o + 1] - b;
    if (count !== offsets[o - period + 1] - a || count === 0) return false;
    for (let j = 0; j < count; j++) {
      if (sources[b + j] - sources[a + j] !== stride || weights[b + j] !== weights[a + j]) return false;
    }
    return true;
  }

  /** The longest run of outputs around the middle whose taps repeat with the smallest period (up to 4). */
  private findInterior(): Interior {
    const m = this.outSize;
    const middle = m >> 1;
    for (let period = 1; period <= 4 && middle - period >= 0; period++) {
      const stride = this.sources[this.offsets[middle]] - this.sources[this.offsets[middle - period]];
      if (!this.repeats(middle, period, stride)) continue;
      let first = middle - period;
      while (first > 0 && this.repeats(first - 1 + period, period, stride)) first--;
      let end = middle + 1;
      while (end < m && this.repeats(end, period, stride)) end++;
      return { first, end, period, stride };
    }
    return { first: 0, end: 0, period: 1, stride: 0 };
  }

  /** Along each row: x [rows, n] → out [rows, outSize] (written). */
  alongRows(x: Float64Array, rows: number, out: Float64Array): void {
    const { n, outSize: m, offsets, sources, weights } = this;
    const { first, end, period, stride } = this.interior;
    for (let r = 0; r < rows; r++) {
      const xr = r * n;
      const or = r * m;
      for (let o = 0; o < m; o++) {
        if (o === first) o = end;
        if (o >= m) break;
        let sum = 0;
        for (let j = offsets[o]; j < offsets[o + 1]; j++) sum += weights[j] * x[xr + sources[j]];
        out[or + o] = sum;
      }
      for (let phase = first; phase < Math.min(first + period, end); phase++) {
        this.gather(x, xr, stride, out, or + phase, or + end, period, phase);
      }
    }
  }

  /** Along each column: x [n, cols] → out [outSize, cols], written, added to out or subtracted from it. */
  alongColumns(x: Float64Array, cols: number, out: Float64Array, mode: 'set' | 'add' | 'subtract' = 'set'): void {
    const { outSize: m, offsets } = this;
    if (mode === 'set') out.fill(0, 0, m * cols);
    const sign = mode === 'subtract' ? -1 : 1;
    for (let o = 0; o < m; o++) {
      // longer runs of taps go in groups: one pass per group reads its input rows together
      for (let j = offsets[o]; j < offsets[o + 1]; j += UNROLLED) {
        this.addRows(x, cols, out, o * cols, j, Math.min(UNROLLED, offsets[o + 1] - j), sign);
      }
    }
  }

  /** out[row + c] += sign · Σ_{j < count} weights[a + j] · x[sources[a + j]·cols + c], count ≤ UNROLLED. */
  private addRows(x: Float64Array, cols: number, out: Float64Array, row: number, a: number, count: number, sign: number): void {
    const { sources, weights } = this;
    const r0 = sources[a] * cols;
    const r1 = count > 1 ? sources[a + 1] * cols : 0;
    const r2 = count > 2 ? sources[a + 2] * cols : 0;
    const r3 = count > 3 ? sources[a + 3] * cols : 0;
    const r4 = count > 4 ? sources[a + 4] * cols : 0;
    const w0 = sign * weights[a];
    const w1 = count > 1 ? sign * weights[a + 1] : 0;
    const w2 = count > 2 ? sign * weights[a + 2] : 0;
    const w3 = count > 3 ? sign * weights[a + 3] : 0;
    const w4 = count > 4 ? sign * weights[a + 4] : 0;
    switch (count) {
      case 1:
        for (let c = 0; c < cols; c++) out[row + c] += w0 * x[r0 + c];
        return;
      case 2:
        for (let c = 0; c < cols; c++) out[row + c] += w0 * x[r0 + c] + w1 * x[r1 + c];
        return;
      case 3:
        for (let c = 0; c < cols; c++) out[row + c] += w0 * x[r0 + c] + w1 * x[r1 + c] + w2 * x[r2 + c];
        return;
      case 4:
        for (let c = 0; c < cols; c++) out[row + c] += w0 * x[r0 + c] + w1 * x[r1 + c] + w2 * x[r2 + c] + w3 * x[r3 + c];
        return;
      case 5:
        for (let c = 0; c < cols; c++) out[row + c] += w0 * x[r0 + c] + w1 * x[r1 + c] + w2 * x[r2 + c] + w3 * x[r3 + c] + w4 * x[r4 + c];
        return;
    }
  }

  /**
   * out[o] = Σ_j w_j · x[s + d_j] for o = first, first + period, … < end, with s = rowStart + the first source of
   * output `phase` and advancing by stride: one phase of the interior of a row, with the taps of output `phase`
   * (d_j relative to its first source) held in locals.
   */
  private gather(
    x: Float64Array,
    rowStart: number,
    stride: number,
    out: Float64Array,
    first: number,
    end: number,
    period: number,
    phase: number,
  ): void {
    const { offsets, sources, weights } = this;
    const a = offsets[phase];
    const count = offsets[phase + 1] - a;
    const s0 = sources[a];
    const d1 = count > 1 ? sources[a + 1] - s0 : 0;
    const d2 = count > 2 ? sources[a + 2] - s0 : 0;
    const d3 = count > 3 ? sources[a + 3] - s0 : 0;
    const d4 = count > 4 ? sources[a + 4] - s0 : 0;
    const w0 = weights[a];
    const w1 = count > 1 ? weights[a + 1] : 0;
    const w2 = count > 2 ? weights[a + 2] : 0;
    const w3 = count > 3 ? weights[a + 3] : 0;
    const w4 = count > 4 ? weights[a + 4] : 0;
    let s = rowStart + s0;
    switch (count) {
      case 1:
        for (let o = first; o < end; o += period, s += stride) out[o] = w0 * x[s];
        return;
      case 2:
        for (let o = first; o < end; o += period, s += stride) out[o] = w0 * x[s] + w1 * x[s + d1];
        return;
      case 3:
        for (let o = first; o < end; o += period, s += stride) out[o] = w0 * x[s] + w1 * x[s + d1] + w2 * x[s + d2];
        return;
      case 4:
        for (let o = first; o < end; o += period, s += stride) out[o] = w0 * x[s] + w1 * x[s + d1] + w2 * x[s + d2] + w3 * x[s + d3];
        return;
      case 5:
        for (let o = first; o < end; o += period, s += stride) {
          out[o] = w0 * x[s] + w1 * x[s + d1] + w2 * x[s + d2] + w3 * x[s + d3] + w4 * x[s + d4];
        }
        return;
    }
    for (let o = first; o < end; o += period, s += stride) {
      let sum = 0;
      for (let j = 0; j < count; j++) sum += weights[a + j] * x[s + sources[a + j] - s0];
      out[o] = sum;
    }
  }
}
