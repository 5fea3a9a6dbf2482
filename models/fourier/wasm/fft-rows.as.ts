// AssemblyScript (compiled by `npm run build:wasm`, not by tsc): the radix-8 and radix-4 stages of fft-radix.ts for
// power-of-two rows, two complex values per step in f64x2 lanes, over a batch of rows in one call. The operations
// and their order are those of fft-radix.ts (no fused multiply-adds), so both paths give the same float64 results.
//
// A stage with done ≥ 2 runs two neighbouring sub-transform positions k, k + 1 per step, whose inputs, twiddles and
// outputs are neighbours; the first stage (done = 1) runs two neighbouring groups g, g + 1, whose outputs are
// `radix` apart, so each of its stores is split into its two lanes.

/** Per stage, four i32s: radix, done, and byte pointers to its twiddle tables cos, sin, [q − 1][k] for q < radix, k < done. */
const STAGE_BYTES: usize = 16;

@inline
function put(p: usize, v: v128, lane: usize): void {
  if (lane == 0) v128.store(p, v);
  else {
    store<f64>(p, f64x2.extract_lane(v, 0));
    store<f64>(p + lane, f64x2.extract_lane(v, 1));
  }
}

/** One radix-4 butterfly on two lanes; i and o are byte offsets, span and step in bytes. */
@inline
function radix4(xr: usize, xi: usize, yr: usize, yi: usize, i: usize, o: usize, span: usize, step: usize,
  tr: usize, ti: usize, tq: usize, twiddled: bool, s: v128, lane: usize): void {
  let a1r = v128.load(xr + i + span), a1i = v128.load(xi + i + span);
  let a2r = v128.load(xr + i + 2 * span), a2i = v128.load(xi + i + 2 * span);
  let a3r = v128.load(xr + i + 3 * span), a3i = v128.load(xi + i + 3 * span);
  if (twiddled) {
    let w = v128.load(tr), v = v128.load(ti), p = a1r;
    a1r = f64x2.sub(f64x2.mul(p, w), f64x2.mul(a1i, v));
    a1i = f64x2.add(f64x2.mul(p, v), f64x2.mul(a1i, w));
    w = v128.load(tr + tq);
    v = v128.load(ti + tq);
    p = a2r;
    a2r = f64x2.sub(f64x2.mul(p, w), f64x2.mul(a2i, v));
    a2i = f64x2.add(f64x2.mul(p, v), f64x2.mul(a2i, w));
    w = v128.load(tr + 2 * tq);
    v = v128.load(ti + 2 * tq);
    p = a3r;
    a3r = f64x2.sub(f64x2.mul(p, w), f64x2.mul(a3i, v));
    a3i = f64x2.add(f64x2.mul(p, v), f64x2.mul(a3i, w));
  }
  const a0r = v128.load(xr + i), a0i = v128.load(xi + i);
  const t0r = f64x2.add(a0r, a2r), t0i = f64x2.add(a0i, a2i);
  const t1r = f64x2.sub(a0r, a2r), t1i = f64x2.sub(a0i, a2i);
  const t2r = f64x2.add(a1r, a3r), t2i = f64x2.add(a1i, a3i);
  const t3r = f64x2.mul(f64x2.neg(s), f64x2.sub(a1i, a3i)), t3i = f64x2.mul(s, f64x2.sub(a1r, a3r));
  put(yr + o, f64x2.add(t0r, t2r), lane);
  put(yi + o, f64x2.add(t0i, t2i), lane);
  put(yr + o + step, f64x2.add(t1r, t3r), lane);
  put(yi + o + step, f64x2.add(t1i, t3i), lane);
  put(yr + o + 2 * step, f64x2.sub(t0r, t2r), lane);
  put(yi + o + 2 * step, f64x2.sub(t0i, t2i), lane);
  put(yr + o + 3 * step, f64x2.sub(t1r, t3r), lane);
  put(yi + o + 3 * step, f64x2.sub(t1i, t3i), lane);
}

@inline
function twiddle(ar: v128, ai: v128, tr: usize, ti: usize): v128 {
  // returns the real part; the imaginary part is twiddleIm's
  return f64x2.sub(f64x2.mul(ar, v128.load(tr)), f64x2.mul(ai, v128.load(ti)));
}

@inline
function twiddleIm(ar: v128, ai: v128, tr: usize, ti: usize): v128 {
  return f64x2.add(f64x2.mul(ar, v128.load(ti)), f64x2.mul(ai, v128.load(tr)));
}

/** One radix-8 butterfly on two lanes, as fft-radix.ts's: y_t = E_t + ω^t·O_t, y_{t+4} = E_t − ω^t·O_t. */
@inline
function radix8(xr: usize, xi: usize, yr: usize, yi: usize, i: usize, o: usize, span: usize, step: usize,
  tr: usize, ti: usize, tq: usize, twiddled: bool, s: v128, h: v128, lane: usize): void {
  const a0r = v128.load(xr + i), a0i = v128.load(xi + i);
  let a1r = v128.load(xr + i + span), a1i = v128.load(xi + i + span);
  let a2r = v128.load(xr + i + 2 * span), a2i = v128.load(xi + i + 2 * span);
  let a3r = v128.load(xr + i + 3 * span), a3i = v128.load(xi + i + 3 * span);
  let a4r = v128.load(xr + i + 4 * span), a4i = v128.load(xi + i + 4 * span);
  let a5r = v128.load(xr + i + 5 * span), a5i = v128.load(xi + i + 5 * span);
  let a6r = v128.load(xr + i + 6 * span), a6i = v128.load(xi + i + 6 * span);
  let a7r = v128.load(xr + i + 7 * span), a7i = v128.load(xi + i + 7 * span);
  if (twiddled) {
    let p = a1r;
    a1r = twiddle(p, a1i, tr, ti);
    a1i = twiddleIm(p, a1i, tr, ti);
    p = a2r;
    a2r = twiddle(p, a2i, tr + tq, ti + tq);
    a2i = twiddleIm(p, a2i, tr + tq, ti + tq);
    p = a3r;
    a3r = twiddle(p, a3i, tr + 2 * tq, ti + 2 * tq);
    a3i = twiddleIm(p, a3i, tr + 2 * tq, ti + 2 * tq);
    p = a4r;
    a4r = twiddle(p, a4i, tr + 3 * tq, ti + 3 * tq);
    a4i = twiddleIm(p, a4i, tr + 3 * tq, ti + 3 * tq);
    p = a5r;
    a5r = twiddle(p, a5i, tr + 4 * tq, ti + 4 * tq);
    a5i = twiddleIm(p, a5i, tr + 4 * tq, ti + 4 * tq);
    p = a6r;
    a6r = twiddle(p, a6i, tr + 5 * tq, ti + 5 * tq);
    a6i = twiddleIm(p, a6i, tr + 5 * tq, ti + 5 * tq);
    p = a7r;
    a7r = twiddle(p, a7i, tr + 6 * tq, ti + 6 * tq);
    a7i = twiddleIm(p, a7i, tr + 6 * tq, ti + 6 * tq);
  }
  const ns = f64x2.neg(s);
  let t0r = f64x2.add(a0r, a4r), t0i = f64x2.add(a0i, a4i), t1r = f64x2.sub(a0r, a4r), t1i = f64x2.sub(a0i, a4i);
  let t2r = f64x2.add(a2r, a6r), t2i = f64x2.add(a2i, a6i);
  let t3r = f64x2.mul(ns, f64x2.sub(a2i, a6i)), t3i = f64x2.mul(s, f64x2.sub(a2r, a6r));
  const e0r = f64x2.add(t0r, t2r), e0i = f64x2.add(t0i, t2i), e2r = f64x2.sub(t0r, t2r), e2i = f64x2.sub(t0i, t2i);
  const e1r = f64x2.add(t1r, t3r), e1i = f64x2.add(t1i, t3i), e3r = f64x2.sub(t1r, t3r), e3i = f64x2.sub(t1i, t3i);
  t0r = f64x2.add(a1r, a5r);
  t0i = f64x2.add(a1i, a5i);
  t1r = f64x2.sub(a1r, a5r);
  t1i = f64x2.sub(a1i, a5i);
  t2r = f64x2.add(a3r, a7r);
  t2i = f64x2.add(a3i, a7i);
  t3r = f64x2.mul(ns, f64x2.sub(a3i, a7i));
  t3i = f64x2.mul(s, f64x2.sub(a3r, a7r));
  const o0r = f64x2.add(t0r, t2r), o0i = f64x2.add(t0i, t2i);
  let pr = f64x2.add(t1r, t3r), pi = f64x2.add(t1i, t3i);
  const o1r = f64x2.mul(h, f64x2.sub(pr, f64x2.mul(s, pi))), o1i = f64x2.mul(h, f64x2.add(pi, f64x2.mul(s, pr)));
  const o2r = f64x2.mul(ns, f64x2.sub(t0i, t2i)), o2i = f64x2.mul(s, f64x2.sub(t0r, t2r));
  pr = f64x2.sub(t1r, t3r);
  pi = f64x2.sub(t1i, t3i);
  const o3r = f64x2.mul(f64x2.neg(h), f64x2.add(pr, f64x2.mul(s, pi))), o3i = f64x2.mul(h, f64x2.sub(f64x2.mul(s, pr), pi));
  put(yr + o, f64x2.add(e0r, o0r), lane);
  put(yi + o, f64x2.add(e0i, o0i), lane);
  put(yr + o + step, f64x2.add(e1r, o1r), lane);
  put(yi + o + step, f64x2.add(e1i, o1i), lane);
  put(yr + o + 2 * step, f64x2.add(e2r, o2r), lane);
  put(yi + o + 2 * step, f64x2.add(e2i, o2i), lane);
  put(yr + o + 3 * step, f64x2.add(e3r, o3r), lane);
  put(yi + o + 3 * step, f64x2.add(e3i, o3i), lane);
  put(yr + o + 4 * step, f64x2.sub(e0r, o0r), lane);
  put(yi + o + 4 * step, f64x2.sub(e0i, o0i), lane);
  put(yr + o + 5 * step, f64x2.sub(e1r, o1r), lane);
  put(yi + o + 5 * step, f64x2.sub(e1i, o1i), lane);
  put(yr + o + 6 * step, f64x2.sub(e2r, o2r), lane);
  put(yi + o + 6 * step, f64x2.sub(e2i, o2i), lane);
  put(yr + o + 7 * step, f64x2.sub(e3r, o3r), lane);
  put(yi + o + 7 * step, f64x2.sub(e3i, o3i), lane);
}

/** A stage of a length-n row from (xr, xi) to (yr, yi), as runStage in fft-radix.ts with ys = 1. */
function runStage(stage: usize, n: usize, s: v128, xr: usize, xi: usize, yr: usize, yi: usize): void {
  const radix = <usize>load<i32>(stage);
  const done = <usize>load<i32>(stage, 4);
  const tr = <usize>load<i32>(stage, 8);
  const ti = <usize>load<i32>(stage, 12);
  const span = (n / radix) << 3;
  const step = done << 3;
  const h = f64x2.splat(Math.SQRT1_2);
  if (done == 1) {
    // two groups per step: g's outputs start at g·radix
    const lane = radix << 3;
    if (radix == 8) {
      for (let g: usize = 0; g < span; g += 16) radix8(xr, xi, yr, yi, g, g * 8, span, step, 0, 0, 0, false, s, h, lane);
    } else {
      for (let g: usize = 0; g < span; g += 16) radix4(xr, xi, yr, yi, g, g * 4, span, step, 0, 0, 0, false, s, lane);
    }
    return;
  }
  const tq = done << 3;
  for (let g: usize = 0; g < span; g += step) {
    const out = g * radix;
    if (radix == 8) {
      for (let k: usize = 0; k < step; k += 16) radix8(xr, xi, yr, yi, g + k, out + k, span, step, tr + k, ti + k, tq, true, s, h, 0);
    } else {
      for (let k: usize = 0; k < step; k += 16) radix4(xr, xi, yr, yi, g + k, out + k, span, step, tr + k, ti + k, tq, true, s, 0);
    }
  }
}

/**
 * Transforms `count` rows of length n (a power of two ≥ 16), row r from (xr, xi) + r·xStride to (yr, yi) + r·yStride
 * (byte pointers and strides), through the nStages stages at `stages`, ping-ponging in the 4n doubles at `scratch`.
 */
export function fftRows(stages: usize, nStages: i32, n: i32, sign: f64, count: i32,
  xr: usize, xi: usize, xStride: usize, yr: usize, yi: usize, yStride: usize, scratch: usize): void {
  const len = <usize>n;
  const s = f64x2.splat(sign);
  const rowBytes = len << 3;
  const last = <usize>(nStages - 1);
  for (let r = 0; r < count; r++) {
    const ar = scratch, ai = scratch + rowBytes, br = scratch + 2 * rowBytes, bi = scratch + 3 * rowBytes;
    if (last == 0) {
      runStage(stages, len, s, xr, xi, yr, yi);
    } else {
      runStage(stages, len, s, xr, xi, ar, ai);
      for (let t: usize = 1; t < last; t++) {
        if (t & 1) runStage(stages + t * STAGE_BYTES, len, s, ar, ai, br, bi);
        else runStage(stages + t * STAGE_BYTES, len, s, br, bi, ar, ai);
      }
      if (last & 1) runStage(stages + last * STAGE_BYTES, len, s, ar, ai, yr, yi);
      else runStage(stages + last * STAGE_BYTES, len, s, br, bi, yr, yi);
    }
    xr += xStride;
    xi += xStride;
    yr += yStride;
    yi += yStride;
  }
}

/**
 * Stores rows g < count of the block (br, bi) (row g from element g·stride on) as columns r0 + g of the [cols, rows]
 * middle (mr, mi), as storeBlock in array-fft.ts (cols even): 2×2 tiles, each transposed by two shuffles.
 * mirrored: also their conjugates as columns −(r0 + g), for g from `first` to `stop`.
 */
export function storeBlock(br: usize, bi: usize, count: i32, cols: i32, stride: i32, mr: usize, mi: usize, rows: i32,
  r0: i32, mirrored: bool, first: i32, stop: i32): void {
  const rowBytes = (<usize>stride) << 3;
  const colBytes = (<usize>rows) << 3;
  const pairs = <usize>(count & ~1);
  for (let k: usize = 0; k < <usize>cols; k += 2) {
    const o0 = ((k * <usize>rows + <usize>r0) << 3);
    const o1 = o0 + colBytes;
    const from = k << 3;
    for (let g: usize = 0; g < pairs; g += 2) {
      const at = g * rowBytes + from;
      let a = v128.load(br + at), b = v128.load(br + at + rowBytes);
      v128.store(mr + o0 + (g << 3), v128.shuffle<f64>(a, b, 0, 2));
      v128.store(mr + o1 + (g << 3), v128.shuffle<f64>(a, b, 1, 3));
      a = v128.load(bi + at);
      b = v128.load(bi + at + rowBytes);
      v128.store(mi + o0 + (g << 3), v128.shuffle<f64>(a, b, 0, 2));
      v128.store(mi + o1 + (g << 3), v128.shuffle<f64>(a, b, 1, 3));
    }
    if (pairs < <usize>count) {
      const at = pairs * rowBytes + from;
      store<f64>(mr + o0 + (pairs << 3), load<f64>(br + at));
      store<f64>(mr + o1 + (pairs << 3), load<f64>(br + at + 8));
      store<f64>(mi + o0 + (pairs << 3), load<f64>(bi + at));
      store<f64>(mi + o1 + (pairs << 3), load<f64>(bi + at + 8));
    }
  }
  if (!mirrored) return;
  for (let k: usize = 0; k < <usize>cols; k++) {
    const o = (k * <usize>rows + <usize>(rows - r0)) << 3;
    for (let g = <usize>first; g < <usize>stop; g++) {
      const at = (g * <usize>stride + k) << 3;
      store<f64>(mr + o - (g << 3), load<f64>(br + at));
      store<f64>(mi + o - (g << 3), -load<f64>(bi + at));
    }
  }
}
