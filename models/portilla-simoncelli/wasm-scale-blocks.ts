// The block loops of scale-statistics.ts in WebAssembly SIMD (wasm/scale-blocks.as.ts): each block's pixels are
// copied into the module's memory (memcpy-speed `set`s), where its maps, sums of products, linear maps and chain
// rule run two pixels per step, and the block's results copied back. Each ScaleStatistics has its own instance,
// so that its views never detach. Where the module cannot be compiled or instantiated synchronously (a browser's
// main thread limits both to 4 KB modules unless prepareScaleBlocksModule ran first) or WebAssembly SIMD is
// missing, `WasmScaleBlocks.create` gives null and scale-statistics.ts runs its JavaScript loops.
import type { MapBlock } from './block-kernels.js';
import type { ComplexArray } from './fourier-plan.js';
import { BLOCK, type Tiles } from './scale-layout.js';
import { scaleBlocksWasmBase64 } from './wasm/scale-blocks-wasm.generated.js';

interface BlockExports {
  memory: WebAssembly.Memory;
  fill(K: number, len: number, hasParents: boolean, measure: boolean, maps: number, br: number, bi: number, pr: number, pi: number, mb: number, mp: number, sums: number): void;
  tiles(table: number, count: number, x: number, len: number, sums: number): void;
  applyMap(y: number, x: number, table: number, count: number, len: number): void;
  seed(K: number, len: number, grads: number, gmd: number, constants: number): void;
  chain(K: number, len: number, hasParents: boolean, maps: number, grads: number, br: number, bi: number, pr: number, pi: number, mb: number, obr: number, obi: number, opr: number, opi: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

const binary = () => Uint8Array.from(atob(scaleBlocksWasmBase64), (c) => c.charCodeAt(0));

/** The compiled module, or null where it cannot be compiled synchronously here. */
export function scaleBlocksModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(binary());
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * Compiles the module asynchronously, which a browser's main thread allows at any size: call it once before the
 * first PortillaSimoncelli there. Resolves to whether the module is in use.
 */
export async function prepareScaleBlocksModule(): Promise<boolean> {
  if (compiled === undefined) {
    try {
      compiled = await WebAssembly.compile(binary());
    } catch {
      compiled = null;
    }
  }
  return compiled !== null;
}

/** Float64s per record of the tile table (as i32s: 20) and of the map table (32, see scale-blocks.as.ts). */
const TILE_INTS = 20;
const MAP_DOUBLES = 32;

type TileKind = 'withParents' | 'alone';

/** One scale's block loops for K orientations, in an instance of the module with its own memory. */
export class WasmScaleBlocks {
  private readonly exports: BlockExports;
  private top = 0;
  private readonly maps: number;
  private readonly grads: number;
  /** Staged inputs: bands re / im, parents re / im, magnitudes of bands / parents, the gradient of md. */
  private readonly stage: { br: number; bi: number; pr: number; pi: number; mb: number; mp: number; gmd: number };
  /** Staged outputs: gradients of bands re / im, parents re / im. */
  private readonly out: { br: number; bi: number; pr: number; pi: number };
  private readonly sums: number;
  private readonly sumCount: number;
  private readonly constants: number;
  private readonly tileTables: Record<TileKind, { at: number; count: number }>;
  private mapTable = { at: 0, capacity: 0 };

  /** The block loops in a new instance, or null where the module cannot be compiled or instantiated synchronously. */
  static create(K: number, mapsSize: number, gradsSize: number, sumCount: number, tiles: Record<TileKind, Tiles>): WasmScaleBlocks | null {
    const module = scaleBlocksModule();
    if (!module) return null;
    try {
      return new WasmScaleBlocks(new WebAssembly.Instance(module, {}).exports as unknown as BlockExports, K, mapsSize, gradsSize, sumCount, tiles);
    } catch {
      return null;
    }
  }

  private constructor(
    exports: BlockExports,
    private readonly K: number,
    mapsSize: number,
    gradsSize: number,
    sumCount: number,
    tiles: Record<TileKind, Tiles>,
  ) {
    this.exports = exports;
    this.top = this.exports.memory.buffer.byteLength;
    this.maps = this.allocate(mapsSize);
    this.grads = this.allocate(gradsSize);
    const planes = () => this.allocate(K * BLOCK);
    this.stage = { br: planes(), bi: planes(), pr: planes(), pi: planes(), mb: planes(), mp: planes(), gmd: planes() };
    this.out = { br: planes(), bi: planes(), pr: planes(), pi: planes() };
    // the sums of scale-layout.ts's SumLayout, then the magnitude sums of the bands and of the parents
    this.sumCount = sumCount;
    this.sums = this.allocate(sumCount + 2 * K);
    this.constants = this.allocate(K);
    const table = (t: Tiles) => {
      const records = [
        ...t.gram.map(({ a, out }) => [0, ...a, 0, 0, ...out]),
        ...t.cross.map(({ a, b, out }) => [1, ...a, ...b, ...out]),
        ...t.squares.map(({ a, out }) => [2, ...a, 0, 0, ...out]),
      ];
      const at = this.allocate((records.length * TILE_INTS) / 2);
      records.forEach((r, i) => new Int32Array(this.exports.memory.buffer, at + 4 * TILE_INTS * i, r.length).set(r));
      return { at, count: records.length };
    };
    this.tileTables = { withParents: table(tiles.withParents), alone: table(tiles.alone) };
  }

  private allocate(doubles: number): number {
    const at = this.top;
    this.top += Math.ceil(doubles / 2) * 16;
    const missing = this.top - this.exports.memory.buffer.byteLength;
    if (missing > 0) this.exports.memory.grow(Math.ceil(missing / 65536));
    return at;
  }

  private view(at: number, length: number): Float64Array {
    return new Float64Array(this.exports.memory.buffer, at, length);
  }

  /** Copies pixels [p0, p0 + len) of each of the K planes of `source` (n apart) into the staging planes at `at`. */
  private put(at: number, source: Float64Array, n: number, p0: number, len: number): void {
    const to = this.view(at, this.K * BLOCK);
    for (let k = 0; k < this.K; k++) to.set(source.subarray(k * n + p0, k * n + p0 + len), k * BLOCK);
  }

  private get(at: number, target: Float64Array, n: number, p0: number, len: number): void {
    const from = this.view(at, this.K * BLOCK);
    for (let k = 0; k < this.K; k++) target.set(from.subarray(k * BLOCK, k * BLOCK + len), k * n + p0);
  }

  /**
   * The forward pass's sums of products (into `sums`, SumLayout) and magnitude sums (bandSum, parentSum); the
   * magnitudes are written to `magnitudes`.
   */
  forward(
    bands: ComplexArray,
    parents: ComplexArray | null,
    n: number,
    magnitudes: { bands: Float64Array; parents: Float64Array | null },
    sums: Float64Array,
    bandSum: Float64Array,
    parentSum: Float64Array,
  ): void {
    const { K, exports, stage, maps } = this;
    const all = this.view(this.sums, this.sumCount + 2 * K);
    all.fill(0);
    const { at, count } = this.tileTables[parents ? 'withParents' : 'alone'];
    const magnitudeSums = this.sums + 8 * this.sumCount;
    for (let p0 = 0; p0 < n; p0 += BLOCK) {
      const len = Math.min(BLOCK, n - p0);
      this.put(stage.br, bands.re, n, p0, len);
      this.put(stage.bi, bands.im, n, p0, len);
      if (parents) {
        this.put(stage.pr, parents.re, n, p0, len);
        this.put(stage.pi, parents.im, n, p0, len);
      }
      exports.fill(K, len, parents !== null, true, maps, stage.br, stage.bi, stage.pr, stage.pi, stage.mb, stage.mp, magnitudeSums);
      exports.tiles(at, count, maps, len, this.sums);
      this.get(stage.mb, magnitudes.bands, n, p0, len);
      if (magnitudes.parents) this.get(stage.mp, magnitudes.parents, n, p0, len);
    }
    const result = this.view(this.sums, this.sumCount + 2 * K);
    sums.set(result.subarray(0, this.sumCount));
    for (let k = 0; k < K; k++) {
      bandSum[k] += result[this.sumCount + k];
      parentSum[k] += result[this.sumCount + K + k];
    }
  }

  /** Writes the blocks of block-kernels.ts's mapBlocks (planes as offsets of the grads and maps buffers) to the map table. */
  private writeMap(blocks: MapBlock[]): void {
    if (blocks.length > this.mapTable.capacity) this.mapTable = { at: this.allocate(blocks.length * MAP_DOUBLES), capacity: blocks.length };
    const table = this.view(this.mapTable.at, blocks.length * MAP_DOUBLES);
    table.fill(0);
    blocks.forEach((b, t) => {
      const r = t * MAP_DOUBLES;
      table[r] = b.diagonal ? 2 : b.accumulate ? 1 : 0;
      table.set(b.out, r + 1);
      table.set(b.input, r + 5);
      table.set(b.constants, r + 9);
      table.set(b.c, r + 16);
    });
  }

  /**
   * The backward pass's block loop: for each block, the maps from the tape, grads = gMd + mConstant then the
   * linear map `blocks`, and the chain rule into gBands and gParents.
   */
  backward(
    bands: ComplexArray,
    parents: ComplexArray | null,
    n: number,
    magnitudes: { bands: Float64Array; parents: Float64Array | null },
    blocks: MapBlock[],
    mConstant: number[],
    gMd: Float64Array,
    gBands: ComplexArray,
    gParents: ComplexArray | null,
  ): void {
    const { K, exports, stage, out, maps, grads } = this;
    this.writeMap(blocks);
    this.view(this.constants, K).set(mConstant);
    const hasParents = parents !== null;
    for (let p0 = 0; p0 < n; p0 += BLOCK) {
      const len = Math.min(BLOCK, n - p0);
      this.put(stage.br, bands.re, n, p0, len);
      this.put(stage.bi, bands.im, n, p0, len);
      this.put(stage.mb, magnitudes.bands, n, p0, len);
      this.put(stage.gmd, gMd, n, p0, len);
      if (parents && magnitudes.parents) {
        this.put(stage.pr, parents.re, n, p0, len);
        this.put(stage.pi, parents.im, n, p0, len);
        this.put(stage.mp, magnitudes.parents, n, p0, len);
      }
      exports.fill(K, len, hasParents, false, maps, stage.br, stage.bi, stage.pr, stage.pi, stage.mb, stage.mp, 0);
      exports.seed(K, len, grads, stage.gmd, this.constants);
      exports.applyMap(grads, maps, this.mapTable.at, blocks.length, len);
      exports.chain(K, len, hasParents, maps, grads, stage.br, stage.bi, stage.pr, stage.pi, stage.mb, out.br, out.bi, out.pr, out.pi);
      this.get(out.br, gBands.re, n, p0, len);
      this.get(out.bi, gBands.im, n, p0, len);
      if (gParents) {
        this.get(out.pr, gParents.re, n, p0, len);
        this.get(out.pi, gParents.im, n, p0, len);
      }
    }
  }
}
