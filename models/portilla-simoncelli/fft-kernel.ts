// A plain-JavaScript 2-D complex FFT on Float64Arrays, for the Portilla-Simoncelli kernels, which run outside
// tfjs (one custom op with a hand-written gradient is an order of magnitude faster there than the tfjs op graph).
// Each axis is a Stockham autosort transform (radix 4, then 2, 3, 5, or a direct DFT for other primes) whose
// inner loop runs over contiguous rows, vectorised across columns.

interface Stage {
  radix: number;
  /** Length of the sub-transforms already done before this stage. */
  done: number;
  /** cos and sin of sign·2π·k·q / (done·radix), for k < done, q < radix, interleaved [k][q][cos, sin]. */
  twiddles: Float64Array;
  /** cos and sin of sign·2π·q·t / radix for the direct DFT of odd radices, [q·radix + t][cos, sin]. */
  roots: Float64Array;
}

function factorStages(n: number, sign: number): Stage[] {
  const radices: number[] = [];
  let rest = n;
  while (rest % 4 === 0) {
    radices.push(4);
    rest /= 4;
  }
  for (const p of [2, 3, 5]) {
    while (rest % p === 0) {
      radices.push(p);
      rest /= p;
    }
  }
  for (let p = 7; rest > 1; p += 2) {
    while (rest % p === 0) {
      radices.push(p);
      rest /= p;
    }
  }
  let done = 1;
  return radices.map((radix) => {
    const size = done * radix;
    const twiddles = new Float64Array(2 * done * radix);
    for (let k = 0; k < done; k++) {
      for (let q = 0; q < radix; q++) {
        const a = (sign * 2 * Math.PI * ((k * q) % size)) / size;
        twiddles[2 * (k * radix + q)] = Math.cos(a);
        twiddles[2 * (k * radix + q) + 1] = Math.sin(a);
      }
    }
    const roots = new Float64Array(2 * radix * radix);
    for (let q = 0; q < radix; q++) {
      for (let t = 0; t < radix; t++) {
        const a = (sign * 2 * Math.PI * ((q * t) % radix)) / radix;
        roots[2 * (q * radix + t)] = Math.cos(a);
        roots[2 * (q * radix + t) + 1] = Math.sin(a);
      }
    }
    const stage = { radix, done, twiddles, roots };
    done = size;
    return stage;
  });
}

/**
 * One Stockham stage along axis 0 of an [n, w] array, for columns [from, to): reads x with stride n/radix rows,
 * writes y in self-sorted order. Inputs j, j + n/r, … of sub-transform position k = j mod done are twiddled and combined.
 */
function runStage(
  stage: Stage,
  n: number,
  w: number,
  from: number,
  to: number,
  sign: number,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { radix, done, twiddles, roots } = stage;
  const stride = (n / radix) * w;
  const groups = n / radix;
  for (let j = 0; j < groups; j++) {
    const k = j % done;
    const a0 = j * w;
    const o0 = ((j - k) * radix + k) * w;
    const ow = done * w;
    const t = 2 * k * radix;
    if (radix === 4 && k === 0) {
      // Twiddles of sub-transform position 0 are all 1.
      const a1 = a0 + stride, a2 = a1 + stride, a3 = a2 + stride;
      const o1 = o0 + ow, o2 = o1 + ow, o3 = o2 + ow;
      for (let x = from; x < to; x++) {
        const x0r = xr[a0 + x], x0i = xi[a0 + x];
        const x1r = xr[a1 + x], x1i = xi[a1 + x];
        const x2r = xr[a2 + x], x2i = xi[a2 + x];
        const x3r = xr[a3 + x], x3i = xi[a3 + x];
        const s0r = x0r + x2r, s0i = x0i + x2i, d0r = x0r - x2r, d0i = x0i - x2i;
        const s1r = x1r + x3r, s1i = x1i + x3i;
        const e1r = -sign * (x1i - x3i), e1i = sign * (x1r - x3r);
        yr[o0 + x] = s0r + s1r;
        yi[o0 + x] = s0i + s1i;
        yr[o1 + x] = d0r + e1r;
        yi[o1 + x] = d0i + e1i;
        yr[o2 + x] = s0r - s1r;
        yi[o2 + x] = s0i - s1i;
        yr[o3 + x] = d0r - e1r;
        yi[o3 + x] = d0i - e1i;
      }
    } else if (radix === 4) {
      const w1r = twiddles[t + 2], w1i = twiddles[t + 3];
      const w2r = twiddles[t + 4], w2i = twiddles[t + 5];
      const w3r = twiddles[t + 6], w3i = twiddles[t + 7];
      const a1 = a0 + stride, a2 = a1 + stride, a3 = a2 + stride;
      const o1 = o0 + ow, o2 = o1 + ow, o3 = o2 + ow;
      for (let x = from; x < to; x++) {
        const x0r = xr[a0 + x], x0i = xi[a0 + x];
        let p = xr[a1 + x], q = xi[a1 + x];
        const x1r = p * w1r - q * w1i, x1i = p * w1i + q * w1r;
        p = xr[a2 + x];
        q = xi[a2 + x];
        const x2r = p * w2r - q * w2i, x2i = p * w2i + q * w2r;
        p = xr[a3 + x];
        q = xi[a3 + x];
        const x3r = p * w3r - q * w3i, x3i = p * w3i + q * w3r;
        const s0r = x0r + x2r, s0i = x0i + x2i, d0r = x0r - x2r, d0i = x0i - x2i;
        const s1r = x1r + x3r, s1i = x1i + x3i;
        // (x1 − x3) · sign·i
        const e1r = -sign * (x1i - x3i), e1i = sign * (x1r - x3r);
        yr[o0 + x] = s0r + s1r;
        yi[o0 + x] = s0i + s1i;
        yr[o1 + x] = d0r + e1r;
        yi[o1 + x] = d0i + e1i;
        yr[o2 + x] = s0r - s1r;
        yi[o2 + x] = s0i - s1i;
        yr[o3 + x] = d0r - e1r;
        yi[o3 + x] = d0i - e1i;
      }
    } else if (radix === 2) {
      const w1r = twiddles[t + 2], w1i = twiddles[t + 3];
      const a1 = a0 + stride;
      const o1 = o0 + ow;
      for (let x = from; x < to; x++) {
        const x0r = xr[a0 + x], x0i = xi[a0 + x];
        const p = xr[a1 + x], q = xi[a1 + x];
        const x1r = p * w1r - q * w1i, x1i = p * w1i + q * w1r;
        yr[o0 + x] = x0r + x1r;
        yi[o0 + x] = x0i + x1i;
        yr[o1 + x] = x0r - x1r;
        yi[o1 + x] = x0i - x1i;
      }
    } else {
      for (let x = from; x < to; x++) {
        for (let q = 0; q < radix; q++) {
          let sr = 0;
          let si = 0;
          for (let s = 0; s < radix; s++) {
            const pr = xr[a0 + s * stride + x], pi = xi[a0 + s * stride + x];
            const tr = twiddles[t + 2 * s], ti = twiddles[t + 2 * s + 1];
            const vr = pr * tr - pi * ti, vi = pr * ti + pi * tr;
            const rr = roots[2 * (q * radix + s)], ri = roots[2 * (q * radix + s) + 1];
            sr += vr * rr - vi * ri;
            si += vr * ri + vi * rr;
          }
          yr[o0 + q * ow + x] = sr;
          yi[o0 + q * ow + x] = si;
        }
      }
    }
  }
}

/** Transposes the n×n array a in place, block by block. */
function transposeSquare(a: Float64Array, n: number): void {
  const block = 16;
  for (let y0 = 0; y0 < n; y0 += block) {
    const y1 = Math.min(n, y0 + block);
    for (let x0 = y0; x0 < n; x0 += block) {
      const x1 = Math.min(n, x0 + block);
      for (let y = y0; y < y1; y++) {
        for (let x = x0 === y0 ? y + 1 : x0; x < x1; x++) {
          const t = a[y * n + x];
          a[y * n + x] = a[x * n + y];
          a[x * n + y] = t;
        }
      }
    }
  }
}

function transpose(src: Float64Array, dst: Float64Array, h: number, w: number): void {
  const block = 16;
  for (let y0 = 0; y0 < h; y0 += block) {
    const y1 = Math.min(h, y0 + block);
    for (let x0 = 0; x0 < w; x0 += block) {
      const x1 = Math.min(w, x0 + block);
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) dst[x * h + y] = src[y * w + x];
    }
  }
}

/** Half-open index ranges [from, to). */
export type Ranges = ReadonlyArray<readonly [number, number]>;

/**
 * 2-D FFTs of [h, w] arrays whose result is left transposed, [w, h]: a transform is one pass along axis 0, a
 * transpose, and a pass along the new axis 0, so chains such as image → spectrum → image come out in the original
 * layout with one transpose per transform. Either pass can be restricted to some columns: the first when the
 * input is zero outside them, the second when only those columns of the output are needed.
 */
export class Fft2d {
  readonly h: number;
  readonly w: number;
  private readonly stages: Record<'forward' | 'inverse', [Stage[], Stage[]]>;
  private readonly scratchRe: Float64Array;
  private readonly scratchIm: Float64Array;

  constructor(h: number, w: number) {
    this.h = h;
    this.w = w;
    this.stages = {
      forward: [factorStages(h, -1), factorStages(w, -1)],
      inverse: [factorStages(h, 1), factorStages(w, 1)],
    };
    this.scratchRe = new Float64Array(h * w);
    this.scratchIm = new Float64Array(h * w);
  }

  /**
   * In-place unnormalised transform (forward: e^{−2πi kn/N}, inverse: e^{+}) of the [h, w] array (re, im); the
   * result is laid out [w, h]. inputColumns: the input is zero outside these columns. outputColumns: only these
   * columns of the [w, h] result (rows of the input) are needed; the others are left undefined.
   */
  transform(re: Float64Array, im: Float64Array, direction: 'forward' | 'inverse', inputColumns?: Ranges, outputColumns?: Ranges): void {
    const sign = direction === 'forward' ? -1 : 1;
    const [alongH, alongW] = this.stages[direction];
    const { h, w, scratchRe, scratchIm } = this;
    const first = inputColumns ?? [[0, w]];
    const second = outputColumns ?? [[0, h]];
    let firstInPlace = axis0(alongH, h, w, sign, re, im, scratchRe, scratchIm, first);
    if (!firstInPlace && inputColumns) {
      // Outside the transformed columns only (re, im) holds the (zero) input.
      copyColumns(scratchRe, scratchIm, re, im, h, w, first);
      firstInPlace = true;
    }
    if (h === w) {
      // A square array is transposed in place, so the second pass starts where the first ended and, for equal
      // numbers of stages, ends back in (re, im): no copy.
      const [r, i, tr, ti] = firstInPlace ? [re, im, scratchRe, scratchIm] : [scratchRe, scratchIm, re, im];
      transposeSquare(r, h);
      transposeSquare(i, h);
      if (axis0(alongW, w, h, sign, r, i, tr, ti, second) === firstInPlace) return;
      re.set(firstInPlace ? scratchRe : r);
      im.set(firstInPlace ? scratchIm : i);
      return;
    }
    if (!firstInPlace) copyColumns(scratchRe, scratchIm, re, im, h, w, first);
    transpose(re, scratchRe, h, w);
    transpose(im, scratchIm, h, w);
    if (axis0(alongW, w, h, sign, scratchRe, scratchIm, re, im, second)) {
      re.set(scratchRe);
      im.set(scratchIm);
    }
  }
}

/**
 * Transforms axis 0 of [n, w] (re, im) over the given columns, ping-ponging with (tmpRe, tmpIm). Returns whether
 * the result ended in (re, im) (an even number of stages).
 */
function axis0(stages: Stage[], n: number, w: number, sign: number, re: Float64Array, im: Float64Array, tmpRe: Float64Array, tmpIm: Float64Array, columns: Ranges): boolean {
  // Columns are independent: a block of them goes through every stage while it is still in cache.
  const block = Math.max(8, Math.floor(COLUMN_BLOCK_VALUES / n));
  for (const [from, to] of columns) {
    for (let b = from; b < to; b += block) {
      const end = Math.min(to, b + block);
      let xr = re, xi = im, yr = tmpRe, yi = tmpIm;
      for (const stage of stages) {
        runStage(stage, n, w, b, end, sign, xr, xi, yr, yi);
        [xr, yr] = [yr, xr];
        [xi, yi] = [yi, xi];
      }
    }
  }
  return stages.length % 2 === 0;
}

/** Values per column block (times 2 arrays, 2 buffers, 8 bytes: 256 KiB, within a core's L2 cache). */
const COLUMN_BLOCK_VALUES = 8192;

function copyColumns(fromRe: Float64Array, fromIm: Float64Array, toRe: Float64Array, toIm: Float64Array, n: number, w: number, columns: Ranges): void {
  for (const [from, to] of columns) {
    for (let r = 0; r < n; r++) {
      toRe.set(fromRe.subarray(r * w + from, r * w + to), r * w + from);
      toIm.set(fromIm.subarray(r * w + from, r * w + to), r * w + from);
    }
  }
}

const plans = new Map<string, Fft2d>();

/** The shared FFT plan of a size (tables and scratch are reused across calls). */
export function fft2dPlan(h: number, w: number): Fft2d {
  const key = `${h}x${w}`;
  let plan = plans.get(key);
  if (!plan) {
    plan = new Fft2d(h, w);
    plans.set(key, plan);
  }
  return plan;
}
