// Where the block loops of scale-statistics.ts keep their maps and their sums of products, and which kernel
// calls of block-kernels.ts compute those sums: every product of a scale's statistics, grouped into tiles of
// four planes (padded with a plane of zeros; the padding's products go to a slot nobody reads).

/** Pixels per block: the block's 6K + 1 planes then stay within a core's L2 cache. */
export const BLOCK = 256;

export function range(n: number, start = 0): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}

/** Consecutive groups of `size` of 0 … n − 1 (the last one shorter). */
function groups(n: number, size: number): number[][] {
  return range(Math.ceil(n / size)).map((g) => range(Math.min(size, n - g * size), g * size));
}

/**
 * Where each map of a block lives in the block buffer: K planes each of |z|, |p| and Re z, 2K planes of the
 * doubled parents (real parts, then imaginary), K of 1/|p| (0 where p = 0), then a plane of zeros that pads
 * incomplete tiles.
 */
export class BlockLayout {
  readonly size: number;
  readonly zero: number;
  constructor(readonly K: number) {
    this.zero = 6 * K * BLOCK;
    this.size = (6 * K + 1) * BLOCK;
  }
  magnitude(k: number): number {
    return k * BLOCK;
  }
  parentMagnitude(k: number): number {
    return (this.K + k) * BLOCK;
  }
  re(k: number): number {
    return (2 * this.K + k) * BLOCK;
  }
  doubled(j: number): number {
    return (3 * this.K + j) * BLOCK;
  }
  inverseParentMagnitude(k: number): number {
    return (5 * this.K + k) * BLOCK;
  }
}

/** Where each sum of products goes: m_k·m_k2 [K·K], m·pm [K·K], Re·doubled [K·2K], pm² [K], Re² [K], doubled² [2K], a slot for padding. */
export class SumLayout {
  readonly mm = 0;
  readonly mpm: number;
  readonly reDoubled: number;
  readonly pm2: number;
  readonly re2: number;
  readonly doubled2: number;
  readonly trash: number;
  constructor(K: number) {
    this.mpm = K * K;
    this.reDoubled = 2 * K * K;
    this.pm2 = 4 * K * K;
    this.re2 = this.pm2 + K;
    this.doubled2 = this.re2 + K;
    this.trash = this.doubled2 + 2 * K;
  }
}

/** The kernel calls of one block: every sum of products of a scale, in tiles padded with the zero plane. */
export interface Tiles {
  gram: Array<{ a: number[]; out: Int32Array }>;
  cross: Array<{ a: number[]; b: number[]; out: Int32Array }>;
  squares: Array<{ a: number[]; out: Int32Array }>;
}

export function tiles(at: BlockLayout, sums: SumLayout, K: number, withParents: boolean): Tiles {
  const pad = (planes: number[], size: number) => [...planes, ...Array<number>(size - planes.length).fill(at.zero)];
  const out = (rows: number[], cols: number[], slot: (u: number, v: number) => number, shape: Array<[number, number]>) =>
    Int32Array.from(shape, ([u, v]) => (u < rows.length && v < cols.length ? slot(rows[u], cols[v]) : sums.trash));
  const lower: Array<[number, number]> = [];
  for (let u = 0; u < 4; u++) for (let v = 0; v <= u; v++) lower.push([u, v]);
  const block: Array<[number, number]> = [];
  for (let u = 0; u < 4; u++) for (let v = 0; v < 2; v++) block.push([u, v]);
  const result: Tiles = { gram: [], cross: [], squares: [] };
  const cross = (rows: number[], cols: number[], a: (k: number) => number, b: (k: number) => number, slot: (u: number, v: number) => number) =>
    result.cross.push({ a: pad(rows.map(a), 4), b: pad(cols.map(b), 2), out: out(rows, cols, slot, block) });
  const squares = (planes: number[], a: (k: number) => number, slot: (k: number) => number) =>
    result.squares.push({ a: pad(planes.map(a), 4), out: Int32Array.from(range(4), (u) => (u < planes.length ? slot(planes[u]) : sums.trash)) });
  const m = at.magnitude.bind(at);
  const pm = at.parentMagnitude.bind(at);
  const re = at.re.bind(at);
  const d = at.doubled.bind(at);
  for (const rows of groups(K, 4)) {
    result.gram.push({ a: pad(rows.map(m), 4), out: out(rows, rows, (k, k2) => sums.mm + k * K + k2, lower) });
    for (const cols of groups(rows[0], 2)) cross(rows, cols, m, m, (k, k2) => sums.mm + k * K + k2);
    if (!withParents) continue;
    for (const cols of groups(K, 2)) cross(rows, cols, m, pm, (k, k2) => sums.mpm + k * K + k2);
    for (const cols of groups(2 * K, 2)) cross(rows, cols, re, d, (k, j) => sums.reDoubled + k * 2 * K + j);
    squares(rows, pm, (k) => sums.pm2 + k);
    squares(rows, re, (k) => sums.re2 + k);
  }
  if (withParents) for (const planes of groups(2 * K, 4)) squares(planes, d, (j) => sums.doubled2 + j);
  return result;
}
