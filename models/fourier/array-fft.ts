// 2-D FFTs of any size on Float64Arrays, in plain JavaScript, for kernels that run outside the tfjs graph (a
// custom op's forward and backward). On wasm this is two to three times faster than the matmul FFT of
// dft2-kernel.ts and leaves no intermediate tensors. Each row is transformed on its own, in cache, by a Stockham
// (self-sorting) FFT whose stages are radix 8 and 4 (or 2), then direct DFTs of the remaining prime factors; the
// first pass writes its rows out transposed and the second pass transforms the new rows. The result is therefore
// transposed: a transform of [h, w] gives [w, h], and transforming that [w, h] gives [h, w] back. (Transforming
// columns in place, vectorised across rows, was slower at 256²: its power-of-two strides thrash the cache.)
//
// Rows come from a source callback and go to a sink callback, so that a caller's masking, cropping and output
// copies happen on rows in cache instead of in extra passes over whole arrays. Real inputs and real parts of
// outputs cost half a pass less: two real rows travel as the real and imaginary parts of one complex row.

/** Writes input row `row` to (re, im) from index `at` on (for real input rows, re alone). */
export type RowSource = (row: number, re: Float64Array, im: Float64Array, at: number) => void;
/** Reads output row `row` from (re, im) at index `at` on (for real output rows, re alone). */
export type RowSink = (row: number, re: Float64Array, im: Float64Array, at: number) => void;

export interface TransformOptions {
  /** The source writes real rows (re alone). */
  realInput?: boolean;
  /** Only the real part of the result is wanted; the sink reads re alone. */
  realOutput?: boolean;
  /** Complex input only: inputRows[r] = 0 says input row r is zero, so it is not transformed. */
  inputRows?: Uint8Array | null;
  /** Complex output only: outputRows[c] = 0 says output row c is not wanted, so it is not transformed. */
  outputRows?: Uint8Array | null;
}

interface Stage {
  radix: number;
  /** Length of the sub-transforms before this stage (the product of the earlier radices). */
  done: number;
  /** exp(sign·2πi·j/(done·radix)) for j < done·radix: every twiddle and root of unity of the stage. */
  cos: Float64Array;
  sin: Float64Array;
}

/** Radices of n: 8s, with a 4 or a 2 for the rest of its power of two (8·2 as 4·4: radix 2 is the slowest), then odd primes. */
function radicesOf(n: number): number[] {
  let twos = 0;
  let rest = n;
  while (rest % 2 === 0) {
    twos++;
    rest /= 2;
  }
  let eights = Math.floor(twos / 3);
  const radices: number[] = [];
  if (twos % 3 === 2) radices.push(4);
  else if (twos % 3 === 1 && eights > 0) {
    radices.push(4, 4);
    eights--;
  } else if (twos % 3 === 1) radices.push(2);
  for (let i = 0; i < eights; i++) radices.push(8);
  for (let p = 3; rest > 1; p += 2) {
    while (rest % p === 0) {
      radices.push(p);
      rest /= p;
    }
  }
  return radices;
}

function axisStages(n: number, sign: 1 | -1): Stage[] {
  const radices = radicesOf(n);
  let done = 1;
  return radices.map((radix) => {
    const length = done * radix;
    const cos = new Float64Array(length);
    const sin = new Float64Array(length);
    for (let j = 0; j < length; j++) {
      cos[j] = Math.cos((2 * Math.PI * j) / length);
      sin[j] = sign * Math.sin((2 * Math.PI * j) / length);
    }
    const stage = { radix, done, cos, sin };
    done = length;
    return stage;
  });
}

/**
 * One stage of a length-n transform, from x (starting at xo) to y (starting at yo): for each group g and
 * sub-transform position k < done, the inputs x[j + q·n/radix] (j = g·done + k, q < radix) are twiddled by
 * exp(sign·2πi·q·k/(done·radix)), combined by a radix-point DFT, and written to y[g·done·radix + k + t·done].
 */
function runStage(stage: Stage, n: number, xr: Float64Array, xi: Float64Array, xo: number, yr: Float64Array, yi: Float64Array, yo: number): void {
  const { radix, done, cos, sin } = stage;
  const span = n / radix;
  const length = done * radix;
  if (radix === 8) {
    // ±i, the quarter-turn root; ω = exp(sign·2πi/8) = (1 + s·i)/√2
    const s = sin[length / 4];
    const h = Math.SQRT1_2;
    for (let g = 0; g < span; g += done) {
      const out = yo + g * 8;
      for (let k = 0; k < done; k++) {
        const i0 = xo + g + k;
        const o0 = out + k;
        const a0r = xr[i0], a0i = xi[i0];
        let a1r = xr[i0 + span], a1i = xi[i0 + span];
        let a2r = xr[i0 + 2 * span], a2i = xi[i0 + 2 * span];
        let a3r = xr[i0 + 3 * span], a3i = xi[i0 + 3 * span];
        let a4r = xr[i0 + 4 * span], a4i = xi[i0 + 4 * span];
        let a5r = xr[i0 + 5 * span], a5i = xi[i0 + 5 * span];
        let a6r = xr[i0 + 6 * span], a6i = xi[i0 + 6 * span];
        let a7r = xr[i0 + 7 * span], a7i = xi[i0 + 7 * span];
        if (k > 0) {
          let w = cos[k], v = sin[k], p = a1r;
          a1r = p * w - a1i * v;
          a1i = p * v + a1i * w;
          w = cos[2 * k];
          v = sin[2 * k];
          p = a2r;
          a2r = p * w - a2i * v;
          a2i = p * v + a2i * w;
          w = cos[3 * k];
          v = sin[3 * k];
          p = a3r;
          a3r = p * w - a3i * v;
          a3i = p * v + a3i * w;
          w = cos[4 * k];
          v = sin[4 * k];
          p = a4r;
          a4r = p * w - a4i * v;
          a4i = p * v + a4i * w;
          w = cos[5 * k];
          v = sin[5 * k];
          p = a5r;
          a5r = p * w - a5i * v;
          a5i = p * v + a5i * w;
          w = cos[6 * k];
          v = sin[6 * k];
          p = a6r;
          a6r = p * w - a6i * v;
          a6i = p * v + a6i * w;
          w = cos[7 * k];
          v = sin[7 * k];
          p = a7r;
          a7r = p * w - a7i * v;
          a7i = p * v + a7i * w;
        }
        // y_t = E_t + ω^t·O_t and y_{t+4} = E_t − ω^t·O_t, with E, O the 4-point DFTs of the even and odd inputs
        let t0r = a0r + a4r, t0i = a0i + a4i, t1r = a0r - a4r, t1i = a0i - a4i;
        let t2r = a2r + a6r, t2i = a2i + a6i, t3r = -s * (a2i - a6i), t3i = s * (a2r - a6r);
        const e0r = t0r + t2r, e0i = t0i + t2i, e2r = t0r - t2r, e2i = t0i - t2i;
        const e1r = t1r + t3r, e1i = t1i + t3i, e3r = t1r - t3r, e3i = t1i - t3i;
        t0r = a1r + a5r;
        t0i = a1i + a5i;
        t1r = a1r - a5r;
        t1i = a1i - a5i;
        t2r = a3r + a7r;
        t2i = a3i + a7i;
        t3r = -s * (a3i - a7i);
        t3i = s * (a3r - a7r);
        const o0r = t0r + t2r, o0i = t0i + t2i;
        // ω·O1, ω²·O2 = s·i·O2, ω³·O3 = (−1 + s·i)/√2·O3
        let pr = t1r + t3r, pi = t1i + t3i;
        const o1r = h * (pr - s * pi), o1i = h * (pi + s * pr);
        const o2r = -s * (t0i - t2i), o2i = s * (t0r - t2r);
        pr = t1r - t3r;
        pi = t1i - t3i;
        const o3r = -h * (pr + s * pi), o3i = h * (s * pr - pi);
        yr[o0] = e0r + o0r;
        yi[o0] = e0i + o0i;
        yr[o0 + done] = e1r + o1r;
        yi[o0 + done] = e1i + o1i;
        yr[o0 + 2 * done] = e2r + o2r;
        yi[o0 + 2 * done] = e2i + o2i;
        yr[o0 + 3 * done] = e3r + o3r;
        yi[o0 + 3 * done] = e3i + o3i;
        yr[o0 + 4 * done] = e0r - o0r;
        yi[o0 + 4 * done] = e0i - o0i;
        yr[o0 + 5 * done] = e1r - o1r;
        yi[o0 + 5 * done] = e1i - o1i;
        yr[o0 + 6 * done] = e2r - o2r;
        yi[o0 + 6 * done] = e2i - o2i;
        yr[o0 + 7 * done] = e3r - o3r;
        yi[o0 + 7 * done] = e3i - o3i;
      }
    }
  } else if (radix === 4) {
    // ±i, the quarter-turn root of this stage's sign
    const s = sin[length / 4];
    for (let g = 0; g < span; g += done) {
      const out = yo + g * 4;
      for (let k = 0; k < done; k++) {
        const i0 = xo + g + k;
        const o0 = out + k;
        let a1r = xr[i0 + span], a1i = xi[i0 + span];
        let a2r = xr[i0 + 2 * span], a2i = xi[i0 + 2 * span];
        let a3r = xr[i0 + 3 * span], a3i = xi[i0 + 3 * span];
        if (k > 0) {
          let w = cos[k], v = sin[k], p = a1r;
          a1r = p * w - a1i * v;
          a1i = p * v + a1i * w;
          w = cos[2 * k];
          v = sin[2 * k];
          p = a2r;
          a2r = p * w - a2i * v;
          a2i = p * v + a2i * w;
          w = cos[3 * k];
          v = sin[3 * k];
          p = a3r;
          a3r = p * w - a3i * v;
          a3i = p * v + a3i * w;
        }
        const a0r = xr[i0], a0i = xi[i0];
        const t0r = a0r + a2r, t0i = a0i + a2i;
        const t1r = a0r - a2r, t1i = a0i - a2i;
        const t2r = a1r + a3r, t2i = a1i + a3i;
        // (a1 − a3)·(s·i)
        const t3r = -s * (a1i - a3i), t3i = s * (a1r - a3r);
        yr[o0] = t0r + t2r;
        yi[o0] = t0i + t2i;
        yr[o0 + done] = t1r + t3r;
        yi[o0 + done] = t1i + t3i;
        yr[o0 + 2 * done] = t0r - t2r;
        yi[o0 + 2 * done] = t0i - t2i;
        yr[o0 + 3 * done] = t1r - t3r;
        yi[o0 + 3 * done] = t1i - t3i;
      }
    }
  } else if (radix === 2) {
    for (let g = 0; g < span; g += done) {
      const out = yo + g * 2;
      for (let k = 0; k < done; k++) {
        const i0 = xo + g + k;
        const o0 = out + k;
        const wr = cos[k], wi = sin[k];
        const pr = xr[i0 + span], pi = xi[i0 + span];
        const ar = pr * wr - pi * wi, ai = pr * wi + pi * wr;
        const br = xr[i0], bi = xi[i0];
        yr[o0] = br + ar;
        yi[o0] = bi + ai;
        yr[o0 + done] = br - ar;
        yi[o0 + done] = bi - ai;
      }
    }
  } else {
    // y_t = Σ_q x_q · exp(sign·2πi·q·(k + t·done)/length): twiddle and root in one table entry
    for (let g = 0; g < span; g += done) {
      const out = yo + g * radix;
      for (let k = 0; k < done; k++) {
        const i0 = xo + g + k;
        for (let t = 0; t < radix; t++) {
          let sr = xr[i0], si = xi[i0];
          const f = k + t * done;
          for (let q = 1; q < radix; q++) {
            const e = (q * f) % length;
            const pr = xr[i0 + q * span], pi = xi[i0 + q * span];
            sr += pr * cos[e] - pi * sin[e];
            si += pr * sin[e] + pi * cos[e];
          }
          yr[out + k + t * done] = sr;
          yi[out + k + t * done] = si;
        }
      }
    }
  }
}

/**
 * Transforms the length-n row at (xr, xi)[xo…] through the scratch (sr, si), whose first 2n entries are the
 * ping-pong halves; returns where in the scratch the result starts.
 */
function transformRow(stages: Stage[], n: number, xr: Float64Array, xi: Float64Array, xo: number, sr: Float64Array, si: Float64Array): number {
  if (stages.length === 0) {
    // n = 1
    sr[0] = xr[xo];
    si[0] = xi[xo];
    return 0;
  }
  runStage(stages[0], n, xr, xi, xo, sr, si, 0);
  for (let s = 1; s < stages.length; s++) runStage(stages[s], n, sr, si, ((s - 1) % 2) * n, sr, si, (s % 2) * n);
  return ((stages.length - 1) % 2) * n;
}

/**
 * Unnormalised 2-D DFTs of [rows, cols] arrays that give the result transposed, [cols, rows]:
 * out[k1][k0] = Σ x[j0][j1] · exp(sign·2πi·(j0·k0/rows + j1·k1/cols)). Scratch space is reused between calls, so
 * one plan must not run two transforms at once (JavaScript runs them one after the other).
 */
export class TransposingFft2 {
  private readonly stages: Record<'1' | '-1', [Stage[], Stage[]]>;
  /** The first pass's result, [cols, rows]. */
  private readonly middleRe: Float64Array;
  private readonly middleIm: Float64Array;
  /** Per-row work space: two ping-pong rows, then the input row. */
  private readonly rowRe: Float64Array;
  private readonly rowIm: Float64Array;

  constructor(
    readonly rows: number,
    readonly cols: number,
  ) {
    this.stages = {
      '1': [axisStages(cols, 1), axisStages(rows, 1)],
      '-1': [axisStages(cols, -1), axisStages(rows, -1)],
    };
    this.middleRe = new Float64Array(rows * cols);
    this.middleIm = new Float64Array(rows * cols);
    const longest = Math.max(rows, cols);
    this.rowRe = new Float64Array(3 * longest);
    this.rowIm = new Float64Array(3 * longest);
  }

  /** The transform of the rows given by `source`, each output row passed to `sink`. */
  transform(sign: 1 | -1, source: RowSource, sink: RowSink, options: TransformOptions = {}): void {
    const { realInput = false, realOutput = false, inputRows = null, outputRows = null } = options;
    if (realInput) this.firstPassReal(sign, source);
    else this.firstPass(sign, source, inputRows);
    if (realOutput) this.secondPassReal(sign, sink);
    else this.secondPass(sign, sink, outputRows);
  }

  private firstPass(sign: 1 | -1, source: RowSource, inputRows: Uint8Array | null): void {
    const { rows, cols, middleRe: mr, middleIm: mi, rowRe: sr, rowIm: si } = this;
    const stages = this.stages[sign][0];
    const input = 2 * cols;
    for (let r = 0; r < rows; r++) {
      if (inputRows && !inputRows[r]) {
        for (let k = 0; k < cols; k++) {
          mr[k * rows + r] = 0;
          mi[k * rows + r] = 0;
        }
        continue;
      }
      source(r, sr, si, input);
      const at = transformRow(stages, cols, sr, si, input, sr, si);
      for (let k = 0; k < cols; k++) {
        mr[k * rows + r] = sr[at + k];
        mi[k * rows + r] = si[at + k];
      }
    }
  }

  /** Rows r and r + 1 as one complex row c = x_r + i·x_{r+1}: X_r(k) = (C(k) + conj C(−k))/2, X_{r+1}(k) = (C(k) − conj C(−k))/2i. */
  private firstPassReal(sign: 1 | -1, source: RowSource): void {
    const { rows, cols, middleRe: mr, middleIm: mi, rowRe: sr, rowIm: si } = this;
    const stages = this.stages[sign][0];
    const input = 2 * cols;
    for (let r = 0; r < rows; r += 2) {
      source(r, sr, si, input);
      if (r + 1 < rows) source(r + 1, si, sr, input);
      else si.fill(0, input, input + cols);
      const at = transformRow(stages, cols, sr, si, input, sr, si);
      for (let k = 0; k < cols; k++) {
        const cr = sr[at + k], ci = si[at + k];
        const j = at + (k === 0 ? 0 : cols - k);
        const dr = sr[j], di = si[j];
        mr[k * rows + r] = (cr + dr) / 2;
        mi[k * rows + r] = (ci - di) / 2;
        if (r + 1 < rows) {
          mr[k * rows + r + 1] = (ci + di) / 2;
          mi[k * rows + r + 1] = (dr - cr) / 2;
        }
      }
    }
  }

  private secondPass(sign: 1 | -1, sink: RowSink, outputRows: Uint8Array | null): void {
    const { rows, cols, middleRe: mr, middleIm: mi, rowRe: sr, rowIm: si } = this;
    const stages = this.stages[sign][1];
    for (let c = 0; c < cols; c++) {
      if (!outputRows || outputRows[c]) sink(c, sr, si, transformRow(stages, rows, mr, mi, c * rows, sr, si));
    }
  }

  /**
   * Re(ifft(m)) = ifft(m_h) with m_h(k) = (m(k) + conj m(−k))/2 Hermitian, so rows c and c + 1 go as one complex
   * row m_h,c + i·m_h,c+1, whose transform is x_c + i·x_{c+1}.
   */
  private secondPassReal(sign: 1 | -1, sink: RowSink): void {
    const { rows, cols, middleRe: mr, middleIm: mi, rowRe: sr, rowIm: si } = this;
    const stages = this.stages[sign][1];
    const packed = 2 * rows;
    for (let c = 0; c < cols; c += 2) {
      const a = c * rows;
      const b = c + 1 < cols ? a + rows : -1;
      for (let k = 0; k < rows; k++) {
        const j = k === 0 ? 0 : rows - k;
        const hr = (mr[a + k] + mr[a + j]) / 2, hi = (mi[a + k] - mi[a + j]) / 2;
        if (b < 0) {
          sr[packed + k] = hr;
          si[packed + k] = hi;
        } else {
          const gr = (mr[b + k] + mr[b + j]) / 2, gi = (mi[b + k] - mi[b + j]) / 2;
          sr[packed + k] = hr - gi;
          si[packed + k] = hi + gr;
        }
      }
      const at = transformRow(stages, rows, sr, si, packed, sr, si);
      sink(c, sr, si, at);
      if (b >= 0) sink(c + 1, si, sr, at);
    }
  }
}

const plans = new Map<string, TransposingFft2>();

/** The shared plan for [rows, cols] inputs. */
export function transposingFft2(rows: number, cols: number): TransposingFft2 {
  const key = `${rows}x${cols}`;
  let plan = plans.get(key);
  if (!plan) {
    plan = new TransposingFft2(rows, cols);
    plans.set(key, plan);
  }
  return plan;
}
