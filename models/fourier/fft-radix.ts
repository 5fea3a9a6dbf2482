// The 1-D transforms behind array-fft.ts: a Stockham (self-sorting) FFT of one contiguous row, through a small
// scratch row, whose stages are radix 8 and 4 (or 2), then direct DFTs of the remaining prime factors.

export interface Stage {
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

export function axisStages(n: number, sign: 1 | -1): Stage[] {
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
 * One stage of a length-n transform, from x (starting at xo) to y (entry e at yo + e·ys): for each group g and
 * sub-transform position k < done, the inputs x[j + q·n/radix] (j = g·done + k, q < radix) are twiddled by
 * exp(sign·2πi·q·k/(done·radix)), combined by a radix-point DFT, and written to entries g·radix + k + t·done.
 */
function runStage(
  stage: Stage,
  n: number,
  xr: Float64Array,
  xi: Float64Array,
  xo: number,
  yr: Float64Array,
  yi: Float64Array,
  yo: number,
  ys: number,
): void {
  const { radix, done, cos, sin } = stage;
  // the output stride of t
  const step = done * ys;
  const span = n / radix;
  const length = done * radix;
  if (radix === 8) {
    // ±i, the quarter-turn root; ω = exp(sign·2πi/8) = (1 + s·i)/√2
    const s = sin[length / 4];
    const h = Math.SQRT1_2;
    for (let g = 0; g < span; g += done) {
      const out = yo + g * 8 * ys;
      for (let k = 0; k < done; k++) {
        const i0 = xo + g + k;
        const o0 = out + k * ys;
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
        yr[o0 + step] = e1r + o1r;
        yi[o0 + step] = e1i + o1i;
        yr[o0 + 2 * step] = e2r + o2r;
        yi[o0 + 2 * step] = e2i + o2i;
        yr[o0 + 3 * step] = e3r + o3r;
        yi[o0 + 3 * step] = e3i + o3i;
        yr[o0 + 4 * step] = e0r - o0r;
        yi[o0 + 4 * step] = e0i - o0i;
        yr[o0 + 5 * step] = e1r - o1r;
        yi[o0 + 5 * step] = e1i - o1i;
        yr[o0 + 6 * step] = e2r - o2r;
        yi[o0 + 6 * step] = e2i - o2i;
        yr[o0 + 7 * step] = e3r - o3r;
        yi[o0 + 7 * step] = e3i - o3i;
      }
    }
  } else if (radix === 4) {
    // ±i, the quarter-turn root of this stage's sign
    const s = sin[length / 4];
    for (let g = 0; g < span; g += done) {
      const out = yo + g * 4 * ys;
      for (let k = 0; k < done; k++) {
        const i0 = xo + g + k;
        const o0 = out + k * ys;
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
        yr[o0 + step] = t1r + t3r;
        yi[o0 + step] = t1i + t3i;
        yr[o0 + 2 * step] = t0r - t2r;
        yi[o0 + 2 * step] = t0i - t2i;
        yr[o0 + 3 * step] = t1r - t3r;
        yi[o0 + 3 * step] = t1i - t3i;
      }
    }
  } else if (radix === 2) {
    for (let g = 0; g < span; g += done) {
      const out = yo + g * 2 * ys;
      for (let k = 0; k < done; k++) {
        const i0 = xo + g + k;
        const o0 = out + k * ys;
        const wr = cos[k], wi = sin[k];
        const pr = xr[i0 + span], pi = xi[i0 + span];
        const ar = pr * wr - pi * wi, ai = pr * wi + pi * wr;
        const br = xr[i0], bi = xi[i0];
        yr[o0] = br + ar;
        yi[o0] = bi + ai;
        yr[o0 + step] = br - ar;
        yi[o0 + step] = bi - ai;
      }
    }
  } else {
    // y_t = Σ_q x_q · exp(sign·2πi·q·(k + t·done)/length): twiddle and root in one table entry
    for (let g = 0; g < span; g += done) {
      const out = yo + g * radix * ys;
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
          yr[out + k * ys + t * step] = sr;
          yi[out + k * ys + t * step] = si;
        }
      }
    }
  }
}

/**
 * Transforms the length-n row at (xr, xi)[xo…] into (yr, yi)[yo + j·ys] (j < n), through the scratch (sr, si),
 * whose first 2n entries are the ping-pong halves.
 */
export function transformRowInto(
  stages: Stage[],
  n: number,
  xr: Float64Array,
  xi: Float64Array,
  xo: number,
  sr: Float64Array,
  si: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
  yo: number,
  ys: number,
): void {
  if (stages.length === 0) {
    // n = 1
    yr[yo] = xr[xo];
    yi[yo] = xi[xo];
    return;
  }
  const last = stages.length - 1;
  if (last === 0) {
    runStage(stages[0], n, xr, xi, xo, yr, yi, yo, ys);
    return;
  }
  runStage(stages[0], n, xr, xi, xo, sr, si, 0, 1);
  for (let s = 1; s < last; s++) runStage(stages[s], n, sr, si, ((s - 1) % 2) * n, sr, si, (s % 2) * n, 1);
  runStage(stages[last], n, sr, si, ((last - 1) % 2) * n, yr, yi, yo, ys);
}
