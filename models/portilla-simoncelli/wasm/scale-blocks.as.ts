// AssemblyScript (compiled by models/build-wasm.mjs, not by tsc): the block loops of
// scale-statistics.ts — forming a block's maps, the sums of products of block-kernels.ts, its linear maps and the
// chain rule back to the coefficients — two pixels per step in f64x2 lanes. Every per-pixel value uses the
// operations, in the order, of the JavaScript path (no fused multiply-adds), so maps and gradients are the same
// float64 numbers; only the sums add their pixels in two interleaved halves.
//
// Pointers are byte addresses; a plane is BLOCK float64s. The block buffer's planes are those of BlockLayout
// (scale-layout.ts); the staging planes hold the block's pixels of each band k at k·BLOCK.

const BLOCK: usize = 256;
const PLANE: usize = BLOCK * 8;

@inline
function plane(base: usize, k: usize): usize {
  return base + k * PLANE;
}

/**
 * The maps of a block of `len` pixels from the staged bands (br, bi) and parents (pr, pi). With `measure` the
 * magnitudes are computed into the staging planes mb, mp and their sums added to sums[k] and sums[K + k];
 * without, they are read from mb, mp.
 */
export function fill(K: usize, len: usize, hasParents: bool, measure: bool, maps: usize, br: usize, bi: usize, pr: usize, pi: usize, mb: usize, mp: usize, sums: usize): void {
  const even = len & ~(1 as usize);
  for (let k: usize = 0; k < K; k++) {
    const mag = plane(maps, k);
    const re = plane(maps, 2 * K + k);
    const a0 = plane(br, k), b0 = plane(bi, k), m0 = plane(mb, k);
    if (measure) {
      let s = f64x2.splat(0);
      let i: usize = 0;
      for (; i < even; i += 2) {
        const o = i << 3;
        const a = v128.load(a0 + o), b = v128.load(b0 + o);
        const m = f64x2.sqrt(f64x2.add(f64x2.mul(a, a), f64x2.mul(b, b)));
        v128.store(m0 + o, m);
        v128.store(mag + o, m);
        v128.store(re + o, a);
        s = f64x2.add(s, m);
      }
      let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
      for (; i < len; i++) {
        const o = i << 3;
        const a = load<f64>(a0 + o), b = load<f64>(b0 + o);
        const m = Math.sqrt(a * a + b * b);
        store<f64>(m0 + o, m);
        store<f64>(mag + o, m);
        store<f64>(re + o, a);
        t += m;
      }
      store<f64>(sums + (k << 3), load<f64>(sums + (k << 3)) + t);
    } else {
      memory.copy(mag, m0, len << 3);
      memory.copy(re, a0, len << 3);
    }
    if (!hasParents) continue;
    const pmag = plane(maps, K + k);
    const pinv = plane(maps, 5 * K + k);
    const dr = plane(maps, 3 * K + k);
    const di = plane(maps, 4 * K + k);
    const q0 = plane(pr, k), r0 = plane(pi, k), n0 = plane(mp, k);
    const zero = f64x2.splat(0), one = f64x2.splat(1), two = f64x2.splat(2);
    let s = f64x2.splat(0);
    let i: usize = 0;
    for (; i < even; i += 2) {
      const o = i << 3;
      const qr = v128.load(q0 + o), qi = v128.load(r0 + o);
      const m = measure ? f64x2.sqrt(f64x2.add(f64x2.mul(qr, qr), f64x2.mul(qi, qi))) : v128.load(n0 + o);
      v128.store(pmag + o, m);
      if (measure) v128.store(n0 + o, m);
      s = f64x2.add(s, m);
      const inv = v128.andnot(f64x2.div(one, m), f64x2.eq(m, zero));
      v128.store(pinv + o, inv);
      v128.store(dr + o, f64x2.mul(f64x2.sub(f64x2.mul(qr, qr), f64x2.mul(qi, qi)), inv));
      v128.store(di + o, f64x2.mul(f64x2.mul(f64x2.mul(two, qr), qi), inv));
    }
    let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    for (; i < len; i++) {
      const o = i << 3;
      const qr = load<f64>(q0 + o), qi = load<f64>(r0 + o);
      const m = measure ? Math.sqrt(qr * qr + qi * qi) : load<f64>(n0 + o);
      store<f64>(pmag + o, m);
      if (measure) store<f64>(n0 + o, m);
      t += m;
      const inv = m == 0 ? 0 : 1 / m;
      store<f64>(pinv + o, inv);
      store<f64>(dr + o, (qr * qr - qi * qi) * inv);
      store<f64>(di + o, 2 * qr * qi * inv);
    }
    if (measure) store<f64>(sums + ((K + k) << 3), load<f64>(sums + ((K + k) << 3)) + t);
  }
}

@inline
function lanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

@inline
function add(sums: usize, slot: i32, v: f64): void {
  const p = sums + ((<usize>slot) << 3);
  store<f64>(p, load<f64>(p) + v);
}

/**
 * Runs the tiles of scale-layout.ts on the block buffer: `count` records of 20 i32s — kind (0 gram4, 1 cross4x2,
 * 2 squares4), a0…a3, b0, b1 (float64 offsets into the block buffer), then up to ten sum slots.
 */
export function tiles(table: usize, count: usize, x: usize, len: usize, sums: usize): void {
  const even = len & ~(1 as usize);
  for (let t: usize = 0; t < count; t++) {
    const r = table + t * 80;
    const kind = load<i32>(r);
    const x0 = x + ((<usize>load<i32>(r, 4)) << 3);
    const x1 = x + ((<usize>load<i32>(r, 8)) << 3);
    const x2 = x + ((<usize>load<i32>(r, 12)) << 3);
    const x3 = x + ((<usize>load<i32>(r, 16)) << 3);
    const out = r + 28;
    if (kind == 0) {
      let s00 = f64x2.splat(0), s10 = s00, s11 = s00, s20 = s00, s21 = s00, s22 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
      let i: usize = 0;
      for (; i < even; i += 2) {
        const o = i << 3;
        const a0 = v128.load(x0 + o), a1 = v128.load(x1 + o), a2 = v128.load(x2 + o), a3 = v128.load(x3 + o);
        s00 = f64x2.add(s00, f64x2.mul(a0, a0));
        s10 = f64x2.add(s10, f64x2.mul(a1, a0));
        s11 = f64x2.add(s11, f64x2.mul(a1, a1));
        s20 = f64x2.add(s20, f64x2.mul(a2, a0));
        s21 = f64x2.add(s21, f64x2.mul(a2, a1));
        s22 = f64x2.add(s22, f64x2.mul(a2, a2));
        s30 = f64x2.add(s30, f64x2.mul(a3, a0));
        s31 = f64x2.add(s31, f64x2.mul(a3, a1));
        s32 = f64x2.add(s32, f64x2.mul(a3, a2));
        s33 = f64x2.add(s33, f64x2.mul(a3, a3));
      }
      let t00 = lanes(s00), t10 = lanes(s10), t11 = lanes(s11), t20 = lanes(s20), t21 = lanes(s21);
      let t22 = lanes(s22), t30 = lanes(s30), t31 = lanes(s31), t32 = lanes(s32), t33 = lanes(s33);
      for (; i < len; i++) {
        const o = i << 3;
        const a0 = load<f64>(x0 + o), a1 = load<f64>(x1 + o), a2 = load<f64>(x2 + o), a3 = load<f64>(x3 + o);
        t00 += a0 * a0; t10 += a1 * a0; t11 += a1 * a1; t20 += a2 * a0; t21 += a2 * a1;
        t22 += a2 * a2; t30 += a3 * a0; t31 += a3 * a1; t32 += a3 * a2; t33 += a3 * a3;
      }
      add(sums, load<i32>(out), t00);
      add(sums, load<i32>(out, 4), t10);
      add(sums, load<i32>(out, 8), t11);
      add(sums, load<i32>(out, 12), t20);
      add(sums, load<i32>(out, 16), t21);
      add(sums, load<i32>(out, 20), t22);
      add(sums, load<i32>(out, 24), t30);
      add(sums, load<i32>(out, 28), t31);
      add(sums, load<i32>(out, 32), t32);
      add(sums, load<i32>(out, 36), t33);
    } else if (kind == 1) {
      const y0 = x + ((<usize>load<i32>(r, 20)) << 3);
      const y1 = x + ((<usize>load<i32>(r, 24)) << 3);
      let s00 = f64x2.splat(0), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
      let i: usize = 0;
      for (; i < even; i += 2) {
        const o = i << 3;
        const a0 = v128.load(x0 + o), a1 = v128.load(x1 + o), a2 = v128.load(x2 + o), a3 = v128.load(x3 + o);
        const b0 = v128.load(y0 + o), b1 = v128.load(y1 + o);
        s00 = f64x2.add(s00, f64x2.mul(a0, b0));
        s01 = f64x2.add(s01, f64x2.mul(a0, b1));
        s10 = f64x2.add(s10, f64x2.mul(a1, b0));
        s11 = f64x2.add(s11, f64x2.mul(a1, b1));
        s20 = f64x2.add(s20, f64x2.mul(a2, b0));
        s21 = f64x2.add(s21, f64x2.mul(a2, b1));
        s30 = f64x2.add(s30, f64x2.mul(a3, b0));
        s31 = f64x2.add(s31, f64x2.mul(a3, b1));
      }
      let t00 = lanes(s00), t01 = lanes(s01), t10 = lanes(s10), t11 = lanes(s11);
      let t20 = lanes(s20), t21 = lanes(s21), t30 = lanes(s30), t31 = lanes(s31);
      for (; i < len; i++) {
        const o = i << 3;
        const a0 = load<f64>(x0 + o), a1 = load<f64>(x1 + o), a2 = load<f64>(x2 + o), a3 = load<f64>(x3 + o);
        const b0 = load<f64>(y0 + o), b1 = load<f64>(y1 + o);
        t00 += a0 * b0; t01 += a0 * b1; t10 += a1 * b0; t11 += a1 * b1;
        t20 += a2 * b0; t21 += a2 * b1; t30 += a3 * b0; t31 += a3 * b1;
      }
      add(sums, load<i32>(out), t00);
      add(sums, load<i32>(out, 4), t01);
      add(sums, load<i32>(out, 8), t10);
      add(sums, load<i32>(out, 12), t11);
      add(sums, load<i32>(out, 16), t20);
      add(sums, load<i32>(out, 20), t21);
      add(sums, load<i32>(out, 24), t30);
      add(sums, load<i32>(out, 28), t31);
    } else {
      let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0;
      let i: usize = 0;
      for (; i < even; i += 2) {
        const o = i << 3;
        const a0 = v128.load(x0 + o), a1 = v128.load(x1 + o), a2 = v128.load(x2 + o), a3 = v128.load(x3 + o);
        s0 = f64x2.add(s0, f64x2.mul(a0, a0));
        s1 = f64x2.add(s1, f64x2.mul(a1, a1));
        s2 = f64x2.add(s2, f64x2.mul(a2, a2));
        s3 = f64x2.add(s3, f64x2.mul(a3, a3));
      }
      let t0 = lanes(s0), t1 = lanes(s1), t2 = lanes(s2), t3 = lanes(s3);
      for (; i < len; i++) {
        const o = i << 3;
        const a0 = load<f64>(x0 + o), a1 = load<f64>(x1 + o), a2 = load<f64>(x2 + o), a3 = load<f64>(x3 + o);
        t0 += a0 * a0; t1 += a1 * a1; t2 += a2 * a2; t3 += a3 * a3;
      }
      add(sums, load<i32>(out), t0);
      add(sums, load<i32>(out, 4), t1);
      add(sums, load<i32>(out, 8), t2);
      add(sums, load<i32>(out, 12), t3);
    }
  }
}

/**
 * block-kernels.ts's applyMap: `count` records of 32 float64s — kind (0 linear, writing; 1 linear, accumulating;
 * 2 diagonal), out[4], input[4] (float64 offsets of y and x), constants[4], then at 16 the coefficients c[16]
 * (the diagonal's in c[0…3]). Pixels are done in pairs up to len rounded up to even: planes are BLOCK long.
 */
export function applyMap(y: usize, x: usize, table: usize, count: usize, len: usize): void {
  const end = (len + 1) & ~(1 as usize);
  for (let t: usize = 0; t < count; t++) {
    const r = table + t * 256;
    const kind = <i32>load<f64>(r);
    const y0 = y + ((<usize>load<f64>(r, 8)) << 3), y1 = y + ((<usize>load<f64>(r, 16)) << 3);
    const y2 = y + ((<usize>load<f64>(r, 24)) << 3), y3 = y + ((<usize>load<f64>(r, 32)) << 3);
    const x0 = x + ((<usize>load<f64>(r, 40)) << 3), x1 = x + ((<usize>load<f64>(r, 48)) << 3);
    const x2 = x + ((<usize>load<f64>(r, 56)) << 3), x3 = x + ((<usize>load<f64>(r, 64)) << 3);
    const c = r + 128;
    if (kind == 2) {
      const c0 = v128.load64_splat(c), c1 = v128.load64_splat(c, 8), c2 = v128.load64_splat(c, 16), c3 = v128.load64_splat(c, 24);
      for (let i: usize = 0; i < end; i += 2) {
        const o = i << 3;
        v128.store(y0 + o, f64x2.add(v128.load(y0 + o), f64x2.mul(c0, v128.load(x0 + o))));
        v128.store(y1 + o, f64x2.add(v128.load(y1 + o), f64x2.mul(c1, v128.load(x1 + o))));
        v128.store(y2 + o, f64x2.add(v128.load(y2 + o), f64x2.mul(c2, v128.load(x2 + o))));
        v128.store(y3 + o, f64x2.add(v128.load(y3 + o), f64x2.mul(c3, v128.load(x3 + o))));
      }
      continue;
    }
    const c00 = v128.load64_splat(c), c01 = v128.load64_splat(c, 8), c02 = v128.load64_splat(c, 16), c03 = v128.load64_splat(c, 24);
    const c10 = v128.load64_splat(c, 32), c11 = v128.load64_splat(c, 40), c12 = v128.load64_splat(c, 48), c13 = v128.load64_splat(c, 56);
    const c20 = v128.load64_splat(c, 64), c21 = v128.load64_splat(c, 72), c22 = v128.load64_splat(c, 80), c23 = v128.load64_splat(c, 88);
    const c30 = v128.load64_splat(c, 96), c31 = v128.load64_splat(c, 104), c32 = v128.load64_splat(c, 112), c33 = v128.load64_splat(c, 120);
    if (kind == 1) {
      for (let i: usize = 0; i < end; i += 2) {
        const o = i << 3;
        const a0 = v128.load(x0 + o), a1 = v128.load(x1 + o), a2 = v128.load(x2 + o), a3 = v128.load(x3 + o);
        // JavaScript's y += c0·a0 + c1·a1 + … adds the products from the left, then to y.
        v128.store(y0 + o, f64x2.add(v128.load(y0 + o), products(c00, a0, c01, a1, c02, a2, c03, a3)));
        v128.store(y1 + o, f64x2.add(v128.load(y1 + o), products(c10, a0, c11, a1, c12, a2, c13, a3)));
        v128.store(y2 + o, f64x2.add(v128.load(y2 + o), products(c20, a0, c21, a1, c22, a2, c23, a3)));
        v128.store(y3 + o, f64x2.add(v128.load(y3 + o), products(c30, a0, c31, a1, c32, a2, c33, a3)));
      }
      continue;
    }
    const b0 = v128.load64_splat(r, 72), b1 = v128.load64_splat(r, 80), b2 = v128.load64_splat(r, 88), b3 = v128.load64_splat(r, 96);
    for (let i: usize = 0; i < end; i += 2) {
      const o = i << 3;
      const a0 = v128.load(x0 + o), a1 = v128.load(x1 + o), a2 = v128.load(x2 + o), a3 = v128.load(x3 + o);
      v128.store(y0 + o, linearFromLeft(b0, c00, a0, c01, a1, c02, a2, c03, a3));
      v128.store(y1 + o, linearFromLeft(b1, c10, a0, c11, a1, c12, a2, c13, a3));
      v128.store(y2 + o, linearFromLeft(b2, c20, a0, c21, a1, c22, a2, c23, a3));
      v128.store(y3 + o, linearFromLeft(b3, c30, a0, c31, a1, c32, a2, c33, a3));
    }
  }
}

/** ((c0·a0 + c1·a1) + c2·a2) + c3·a3. */
@inline
function products(c0: v128, a0: v128, c1: v128, a1: v128, c2: v128, a2: v128, c3: v128, a3: v128): v128 {
  return f64x2.add(f64x2.add(f64x2.add(f64x2.mul(c0, a0), f64x2.mul(c1, a1)), f64x2.mul(c2, a2)), f64x2.mul(c3, a3));
}

/** ((((b + c0·a0) + c1·a1) + c2·a2) + c3·a3), as JavaScript evaluates b + c0·a0 + c1·a1 + c2·a2 + c3·a3. */
@inline
function linearFromLeft(b: v128, c0: v128, a0: v128, c1: v128, a1: v128, c2: v128, a2: v128, c3: v128, a3: v128): v128 {
  return f64x2.add(f64x2.add(f64x2.add(f64x2.add(b, f64x2.mul(c0, a0)), f64x2.mul(c1, a1)), f64x2.mul(c2, a2)), f64x2.mul(c3, a3));
}

/** grads' planes of m (k < K) = gmd's staged planes + constants[k], the start of the backward pass's linear map. */
export function seed(K: usize, len: usize, grads: usize, gmd: usize, constants: usize): void {
  const end = (len + 1) & ~(1 as usize);
  for (let k: usize = 0; k < K; k++) {
    const c = v128.load64_splat(constants + (k << 3));
    const g = plane(grads, k), d = plane(gmd, k);
    for (let i: usize = 0; i < end; i += 2) v128.store(g + (i << 3), f64x2.add(v128.load(d + (i << 3)), c));
  }
}

/**
 * The gradients of the staged bands (into obr, obi) and parents (opr, opi) from the gradients of the block's maps
 * (grads: K planes each of m, pm, Re z, then 2K of the doubled parents).
 */
export function chain(K: usize, len: usize, hasParents: bool, maps: usize, grads: usize, br: usize, bi: usize, pr: usize, pi: usize, mb: usize, obr: usize, obi: usize, opr: usize, opi: usize): void {
  const end = (len + 1) & ~(1 as usize);
  const zero = f64x2.splat(0), two = f64x2.splat(2), minusTwo = f64x2.splat(-2);
  for (let k: usize = 0; k < K; k++) {
    const m0 = plane(mb, k), gm0 = plane(grads, k), gre0 = plane(grads, 2 * K + k);
    const a0 = plane(br, k), b0 = plane(bi, k), or0 = plane(obr, k), oi0 = plane(obi, k);
    for (let i: usize = 0; i < end; i += 2) {
      const o = i << 3;
      const m = v128.load(m0 + o);
      const c = v128.and(f64x2.div(v128.load(gm0 + o), m), f64x2.gt(m, zero));
      const re = f64x2.mul(c, v128.load(a0 + o));
      v128.store(or0 + o, hasParents ? f64x2.add(re, v128.load(gre0 + o)) : re);
      v128.store(oi0 + o, f64x2.mul(c, v128.load(b0 + o)));
    }
    if (!hasParents) continue;
    const pinv = plane(maps, 5 * K + k), dr0 = plane(maps, 3 * K + k), di0 = plane(maps, 4 * K + k);
    const gpm0 = plane(grads, K + k), gdr0 = plane(grads, 3 * K + k), gdi0 = plane(grads, 4 * K + k);
    const q0 = plane(pr, k), r0 = plane(pi, k), pr0 = plane(opr, k), pi0 = plane(opi, k);
    for (let i: usize = 0; i < end; i += 2) {
      const o = i << 3;
      const inv = v128.load(pinv + o);
      const qr = v128.load(q0 + o), qi = v128.load(r0 + o);
      const dr = f64x2.mul(v128.load(dr0 + o), inv), di = f64x2.mul(v128.load(di0 + o), inv);
      const gpm = v128.load(gpm0 + o), gdr = v128.load(gdr0 + o), gdi = v128.load(gdi0 + o);
      // gpm·qr + gdr·(2qr − dr·qr) + gdi·(2qi − di·qr), and its imaginary counterpart, as scale-statistics.ts.
      const sr = f64x2.add(
        f64x2.add(f64x2.mul(gpm, qr), f64x2.mul(gdr, f64x2.sub(f64x2.mul(two, qr), f64x2.mul(dr, qr)))),
        f64x2.mul(gdi, f64x2.sub(f64x2.mul(two, qi), f64x2.mul(di, qr))),
      );
      const si = f64x2.add(
        f64x2.add(f64x2.mul(gpm, qi), f64x2.mul(gdr, f64x2.sub(f64x2.mul(minusTwo, qi), f64x2.mul(dr, qi)))),
        f64x2.mul(gdi, f64x2.sub(f64x2.mul(two, qr), f64x2.mul(di, qi))),
      );
      v128.store(pr0 + o, f64x2.mul(inv, sr));
      v128.store(pi0 + o, f64x2.mul(inv, si));
    }
  }
}
