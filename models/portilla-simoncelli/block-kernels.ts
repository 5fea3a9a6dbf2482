// The inner loops of scale-statistics.ts, on planes of block buffers (x[offset + i], i < len). In JavaScript a
// loop over typed arrays pays mostly for its loads and stores, so each kernel does as many products as it can per
// value loaded: all ten pairwise products of four planes, four planes against two, or a 4 × 4 block of a linear
// map (about twice as fast per product as one plane at a time).

/** sums[out[t]] += Σ_i x[a_u + i]·x[a_v + i] for the ten pairs u ≥ v of (a0, a1, a2, a3), in the order (0,0), (1,0), (1,1), (2,0), … (3,3). */
export function gram4(x: Float64Array, a0: number, a1: number, a2: number, a3: number, len: number, sums: Float64Array, out: Int32Array): void {
  let s00 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s22 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
  for (let i = 0; i < len; i++) {
    const x0 = x[a0 + i], x1 = x[a1 + i], x2 = x[a2 + i], x3 = x[a3 + i];
    s00 += x0 * x0;
    s10 += x1 * x0;
    s11 += x1 * x1;
    s20 += x2 * x0;
    s21 += x2 * x1;
    s22 += x2 * x2;
    s30 += x3 * x0;
    s31 += x3 * x1;
    s32 += x3 * x2;
    s33 += x3 * x3;
  }
  sums[out[0]] += s00;
  sums[out[1]] += s10;
  sums[out[2]] += s11;
  sums[out[3]] += s20;
  sums[out[4]] += s21;
  sums[out[5]] += s22;
  sums[out[6]] += s30;
  sums[out[7]] += s31;
  sums[out[8]] += s32;
  sums[out[9]] += s33;
}

/** sums[out[2u + v]] += Σ_i x[a_u + i]·x[b_v + i] for u < 4, v < 2. */
export function cross4x2(
  x: Float64Array,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  b0: number,
  b1: number,
  len: number,
  sums: Float64Array,
  out: Int32Array,
): void {
  let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
  for (let i = 0; i < len; i++) {
    const x0 = x[a0 + i], x1 = x[a1 + i], x2 = x[a2 + i], x3 = x[a3 + i];
    const y0 = x[b0 + i], y1 = x[b1 + i];
    s00 += x0 * y0;
    s01 += x0 * y1;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s20 += x2 * y0;
    s21 += x2 * y1;
    s30 += x3 * y0;
    s31 += x3 * y1;
  }
  sums[out[0]] += s00;
  sums[out[1]] += s01;
  sums[out[2]] += s10;
  sums[out[3]] += s11;
  sums[out[4]] += s20;
  sums[out[5]] += s21;
  sums[out[6]] += s30;
  sums[out[7]] += s31;
}

/** sums[out[u]] += Σ_i x[a_u + i]² for u < 4. */
export function squares4(x: Float64Array, a0: number, a1: number, a2: number, a3: number, len: number, sums: Float64Array, out: Int32Array): void {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let i = 0; i < len; i++) {
    const x0 = x[a0 + i], x1 = x[a1 + i], x2 = x[a2 + i], x3 = x[a3 + i];
    s0 += x0 * x0;
    s1 += x1 * x1;
    s2 += x2 * x2;
    s3 += x3 * x3;
  }
  sums[out[0]] += s0;
  sums[out[1]] += s1;
  sums[out[2]] += s2;
  sums[out[3]] += s3;
}

/**
 * y[out_u + i] = (accumulate ? y[out_u + i] : constants[u]) + Σ_v c[4u + v]·x[in_v + i] for u, v < 4: a 4 × 4
 * block of a linear map from planes of x to planes of y (sixteen terms for four loads and four stores).
 */
export function linear4x4(
  y: Float64Array,
  out: Int32Array,
  x: Float64Array,
  input: Int32Array,
  c: Float64Array,
  constants: Float64Array,
  len: number,
  accumulate: boolean,
): void {
  const y0 = out[0], y1 = out[1], y2 = out[2], y3 = out[3];
  const x0 = input[0], x1 = input[1], x2 = input[2], x3 = input[3];
  const c00 = c[0], c01 = c[1], c02 = c[2], c03 = c[3], c10 = c[4], c11 = c[5], c12 = c[6], c13 = c[7];
  const c20 = c[8], c21 = c[9], c22 = c[10], c23 = c[11], c30 = c[12], c31 = c[13], c32 = c[14], c33 = c[15];
  if (accumulate) {
    for (let i = 0; i < len; i++) {
      const a0 = x[x0 + i], a1 = x[x1 + i], a2 = x[x2 + i], a3 = x[x3 + i];
      y[y0 + i] += c00 * a0 + c01 * a1 + c02 * a2 + c03 * a3;
      y[y1 + i] += c10 * a0 + c11 * a1 + c12 * a2 + c13 * a3;
      y[y2 + i] += c20 * a0 + c21 * a1 + c22 * a2 + c23 * a3;
      y[y3 + i] += c30 * a0 + c31 * a1 + c32 * a2 + c33 * a3;
    }
    return;
  }
  const b0 = constants[0], b1 = constants[1], b2 = constants[2], b3 = constants[3];
  for (let i = 0; i < len; i++) {
    const a0 = x[x0 + i], a1 = x[x1 + i], a2 = x[x2 + i], a3 = x[x3 + i];
    y[y0 + i] = b0 + c00 * a0 + c01 * a1 + c02 * a2 + c03 * a3;
    y[y1 + i] = b1 + c10 * a0 + c11 * a1 + c12 * a2 + c13 * a3;
    y[y2 + i] = b2 + c20 * a0 + c21 * a1 + c22 * a2 + c23 * a3;
    y[y3 + i] = b3 + c30 * a0 + c31 * a1 + c32 * a2 + c33 * a3;
  }
}

/** y[out_u + i] += c[u]·x[in_u + i] for u < 4: a diagonal block. */
export function diagonal4(y: Float64Array, out: Int32Array, x: Float64Array, input: Int32Array, c: Float64Array, len: number): void {
  const y0 = out[0], y1 = out[1], y2 = out[2], y3 = out[3];
  const x0 = input[0], x1 = input[1], x2 = input[2], x3 = input[3];
  const c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
  for (let i = 0; i < len; i++) {
    y[y0 + i] += c0 * x[x0 + i];
    y[y1 + i] += c1 * x[x1 + i];
    y[y2 + i] += c2 * x[x2 + i];
    y[y3 + i] += c3 * x[x3 + i];
  }
}

/** A block of a linear map between planes, for linear4x4 or (diagonal) diagonal4. */
export interface MapBlock {
  out: Int32Array;
  input: Int32Array;
  c: Float64Array;
  constants: Float64Array;
  diagonal: boolean;
  accumulate: boolean;
}

/** Part of a linear map: y_u += Σ_v coefficient(u, v)·x[inputs[v]]; diagonal: only v = u, inputs parallel to the outputs. */
export interface MapPart {
  inputs: number[];
  coefficient: (u: number, v: number) => number;
  diagonal?: boolean;
}

/**
 * The blocks of y_u = (base ? y_u : constants[u]) + Σ_parts for the output planes `outputs`, in groups of four
 * (missing constants are 0): short groups are padded with the plane `zero` of x and the plane `trash` of y, and
 * all-zero blocks skipped.
 */
export function mapBlocks(outputs: number[], parts: MapPart[], constants: number[], base: boolean, zero: number, trash: number): MapBlock[] {
  const blocks: MapBlock[] = [];
  const four = (list: number[], from: number, pad: number) => Int32Array.from({ length: 4 }, (_, u) => (from + u < list.length ? list[from + u] : pad));
  for (let u0 = 0; u0 < outputs.length; u0 += 4) {
    const rows = Math.min(4, outputs.length - u0);
    const out = four(outputs, u0, trash);
    let written = base;
    const offsets = Float64Array.from({ length: 4 }, (_, u) => (u < rows ? (constants[u0 + u] ?? 0) : 0));
    const push = (input: Int32Array, c: Float64Array, diagonal: boolean) => {
      blocks.push({ out, input, c, constants: offsets, diagonal, accumulate: written });
      written = true;
    };
    for (const { inputs, coefficient, diagonal = false } of parts) {
      if (diagonal) {
        const c = Float64Array.from({ length: 4 }, (_, u) => (u < rows ? coefficient(u0 + u, u0 + u) : 0));
        // A diagonal block only accumulates: it first needs a written output.
        if (c.some((v) => v !== 0)) {
          if (!written) push(four([], 0, zero), new Float64Array(16), false);
          push(four(inputs, u0, zero), c, true);
        }
        continue;
      }
      for (let v0 = 0; v0 < inputs.length; v0 += 4) {
        const c = Float64Array.from({ length: 16 }, (_, t) => {
          const [u, v] = [Math.floor(t / 4), t % 4];
          return u < rows && v0 + v < inputs.length ? coefficient(u0 + u, v0 + v) : 0;
        });
        if (c.some((v) => v !== 0)) push(four(inputs, v0, zero), c, false);
      }
    }
    if (!written) push(four([], 0, zero), new Float64Array(16), false);
  }
  return blocks;
}

/** Applies the blocks of mapBlocks to pixels [0, len) of the planes. */
export function applyMap(y: Float64Array, x: Float64Array, blocks: MapBlock[], len: number): void {
  for (const b of blocks) {
    if (b.diagonal) diagonal4(y, b.out, x, b.input, b.c, len);
    else linear4x4(y, b.out, x, b.input, b.c, b.constants, len, b.accumulate);
  }
}
