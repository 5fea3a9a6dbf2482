// Separable image filters (pad, blur, stride, zero-insert) as linear operators along one axis.
//
// Short axes use one dense matrix (padding folded in) and one matMul, the fastest single op on wasm (XNNPACK,
// ~10 GMAC/s; a single-channel conv2d runs at ~4 ns per multiply-add). A dense n×m matrix wastes most of that on
// zeros for long axes, so those pad explicitly and run the repeating band as a convolution over blocks of samples
// (block-convolution.ts).
import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { BlockConvolution } from './block-convolution.js';
import { ConstantMatrix } from './constant-matrix.js';

/** torch.nn.functional.pad's modes. 'reflect' excludes the edge sample; 'replicate' repeats it. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

export interface AxisPadding {
  before: number;
  after: number;
  mode: PadMode;
}

/**
 * Where padded sample p (in [-before, n + after)) reads from in the unpadded signal of length n, or -1 for a zero.
 * Throws, as torch does, when a reflection would need more samples than the signal has.
 */
export function paddedSource(p: number, n: number, { before, after, mode }: AxisPadding): number {
  if (p >= 0 && p < n) return p;
  switch (mode) {
    case 'constant':
      return -1;
    case 'replicate':
      return p < 0 ? 0 : n - 1;
    case 'circular':
      if (before > n || after > n) {
        throw new ValueError(`circular padding of ${Math.max(before, after)} needs at least that many samples, but the axis has ${n}. Use a larger image.`);
      }
      return ((p % n) + n) % n;
    case 'reflect':
      if (before >= n || after >= n) {
        throw new ValueError(
          `reflect padding of ${Math.max(before, after)} needs more than ${Math.max(before, after)} samples along the axis, but it has ${n}. Use a larger image.`,
        );
      }
      return p < 0 ? -p : 2 * (n - 1) - p;
  }
}

/**
 * A linear operator along one axis: pad the n input samples, then out[o] = Σ_i weight(o, i) · padded[i] for
 * o < outSize. The weights repeat with period (inPeriod, outPeriod): weight(o + outPeriod, i + inPeriod) =
 * weight(o, i), which a strided correlation (period (stride, 1)) and a 2× upsampling (period (1, 2)) both satisfy.
 */
export interface PeriodicOperatorSpec {
  n: number;
  outSize: number;
  padding: AxisPadding;
  inPeriod: number;
  outPeriod: number;
  weight(o: number, i: number): number;
  /** The largest padded index output o reads (exclusive bound minus one). */
  lastInput(o: number): number;
}

/** Axes shorter than this use one dense product: the blocked path's extra data movement would cost more. */
const BLOCKED_MIN_LENGTH = 64;
/** Output blocks this long are tried first (one dividing the output length saves a crop); 8 otherwise. */
const OUT_BLOCK_SIZES = [8, 6, 4, 12, 10, 16, 14, 5, 7, 9];

/** A PeriodicOperatorSpec made executable; apply() picks the dense or the blocked product. */
export class AxisOperator {
  readonly n: number;
  readonly outSize: number;
  private dense?: ConstantMatrix;
  private plan?: { convolution: BlockConvolution; blocks: number; inputLength: number };

  constructor(private readonly spec: PeriodicOperatorSpec) {
    this.n = spec.n;
    this.outSize = spec.outSize;
    const paddedLength = spec.n + spec.padding.before + spec.padding.after;
    // Validate the padding (torch's errors) and the reach of the last output once, up front.
    paddedSource(-spec.padding.before, spec.n, spec.padding);
    paddedSource(spec.n + spec.padding.after - 1, spec.n, spec.padding);
    if (spec.lastInput(spec.outSize - 1) >= paddedLength) {
      throw new ValueError(`internal: an output reads past the padded signal (${paddedLength} samples).`);
    }
  }

  /**
   * Whether apply() takes the blocked path: a long axis, padding that tfjs ops can do explicitly, and a backend with
   * fast strided slices (the cpu backend copies them element by element, ~100× slower than its matMul).
   */
  get blocked(): boolean {
    const { before, after, mode } = this.spec.padding;
    const explicitPad = before + after === 0 || mode === 'constant' || mode === 'reflect';
    return explicitPad && Math.min(this.n, this.outSize) >= BLOCKED_MIN_LENGTH && tf.getBackend() !== 'cpu';
  }

  /** x: [rows, n] → [rows, outSize]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return this.blocked ? this.applyBlocked(x) : this.denseMatrix().right(x);
  }

  /** x: [n, cols] → [outSize, cols], the same operator along the first axis, as one dense product. */
  applyToColumns(x: tf.Tensor2D): tf.Tensor2D {
    return this.denseMatrix().left(x);
  }

  /**
   * The transpose along the last axis, for hand-written gradients: [rows, outSize] → [rows, n]. Reflect padding
   * takes the dense product: folding the borders back costs more slices than the matrix costs multiplies.
   */
  applyTransposed(y: tf.Tensor2D): tf.Tensor2D {
    return this.transposedBlocked ? this.applyBlockedTransposed(y) : this.denseMatrix().timesTransposed(y);
  }

  /** Whether applyTransposed takes the blocked path. */
  get transposedBlocked(): boolean {
    const { before, after, mode } = this.spec.padding;
    return this.blocked && (before + after === 0 || mode !== 'reflect');
  }

  /** The transpose along the first axis: [outSize, cols] → [n, cols], one dense product. */
  applyTransposedToColumns(y: tf.Tensor2D): tf.Tensor2D {
    return this.denseMatrix().matrixTimes(y);
  }

  /** The operator as one dense matrix (padding folded in), [n, outSize]. */
  denseMatrix(): ConstantMatrix {
    if (!this.dense) {
      const { n, outSize: m, padding, weight, lastInput } = this.spec;
      const w = new Float64Array(n * m);
      for (let o = 0; o < m; o++) {
        const first = Math.max(0, lastInput(o) - this.span() + 1);
        for (let i = first; i <= lastInput(o); i++) {
          const v = weight(o, i);
          if (v === 0) continue;
          const src = paddedSource(i - padding.before, n, padding);
          if (src >= 0) w[src * m + o] += v;
        }
      }
      this.dense = new ConstantMatrix(n, m, w);
    }
    return this.dense;
  }

  /** How many consecutive padded inputs one output can read (an upper bound). */
  private span(): number {
    const { lastInput, inPeriod, outPeriod } = this.spec;
    return lastInput(0) + 1 + Math.ceil(inPeriod / outPeriod);
  }

  /** The blocked plan: output blocks of outBlock samples, each reading `taps` consecutive input blocks. */
  private blockPlan() {
    if (!this.plan) {
      const { outSize: m, inPeriod, outPeriod, weight, lastInput } = this.spec;
      const outBlock = OUT_BLOCK_SIZES.find((b) => b % outPeriod === 0 && m % b === 0) ?? 8 * outPeriod;
      const inBlock = (outBlock / outPeriod) * inPeriod;
      const blocks = Math.ceil(m / outBlock);
      const taps = Math.ceil((lastInput(outBlock - 1) + 1) / inBlock);
      const weights = new Float64Array(taps * inBlock * outBlock);
      for (let j = 0; j < taps * inBlock; j++) {
        for (let o = 0; o < outBlock; o++) weights[j * outBlock + o] = weight(o, j);
      }
      this.plan = { convolution: new BlockConvolution(inBlock, outBlock, taps, weights), blocks, inputLength: (blocks + taps - 1) * inBlock };
    }
    return this.plan;
  }

  /** Pads x as the spec says, then zero-extends (or cuts) it to the length the blocks read. */
  private padForBlocks(x: tf.Tensor2D, length: number): tf.Tensor2D {
    const { before, after, mode } = this.spec.padding;
    const rows = x.shape[0];
    let padded = x;
    let zerosBefore = before;
    let zerosAfter = after;
    if (mode === 'reflect' && before + after > 0) {
      padded = tf.mirrorPad(x, [[0, 0], [before, after]], 'reflect');
      zerosBefore = 0;
      zerosAfter = 0;
    }
    const extension = length - (padded.shape[1] + zerosBefore + zerosAfter);
    if (zerosBefore > 0 || zerosAfter + extension > 0) {
      padded = tf.pad(padded, [[0, 0], [zerosBefore, Math.max(0, zerosAfter + extension)]]);
    }
    return padded.shape[1] > length ? tf.slice(padded, [0, 0], [rows, length]) : padded;
  }

  private applyBlocked(x: tf.Tensor2D): tf.Tensor2D {
    const { convolution, blocks, inputLength } = this.blockPlan();
    const rows = x.shape[0];
    const padded = this.padForBlocks(x, inputLength);
    const blocked = tf.reshape(padded, [rows, 1, inputLength / convolution.inBlock, convolution.inBlock]) as tf.Tensor4D;
    const out = tf.reshape(convolution.apply(blocked), [rows, blocks * convolution.outBlock]) as tf.Tensor2D;
    return out.shape[1] > this.outSize ? tf.slice(out, [0, 0], [rows, this.outSize]) : out;
  }

  /** The transpose of applyBlocked, step by step in reverse (zero padding only: see applyTransposed). */
  private applyBlockedTransposed(y: tf.Tensor2D): tf.Tensor2D {
    const { convolution, blocks, inputLength } = this.blockPlan();
    const { before, after } = this.spec.padding;
    const rows = y.shape[0];
    const full = blocks * convolution.outBlock;
    const extended = full > this.outSize ? tf.pad(y, [[0, 0], [0, full - this.outSize]]) : y;
    const blocked = tf.reshape(extended, [rows, 1, blocks, convolution.outBlock]) as tf.Tensor4D;
    let padded = tf.reshape(convolution.applyTransposed(blocked), [rows, inputLength]) as tf.Tensor2D;
    // padded covers the zero-extended (or cut) padded signal; keep its first n + before + after samples.
    const paddedLength = this.n + before + after;
    if (inputLength < paddedLength) padded = tf.pad(padded, [[0, 0], [0, paddedLength - inputLength]]);
    else if (inputLength > paddedLength) padded = tf.slice(padded, [0, 0], [rows, paddedLength]);
    return before + after > 0 ? tf.slice(padded, [0, before], [rows, this.n]) : padded;
  }

  dispose(): void {
    this.dense?.dispose();
    this.plan?.convolution.dispose();
  }
}

const operators = new Map<string, AxisOperator>();

function cachedOperator(key: string, spec: () => PeriodicOperatorSpec): AxisOperator {
  let op = operators.get(key);
  if (!op) {
    op = new AxisOperator(spec());
    operators.set(key, op);
  }
  return op;
}

/**
 * Correlation with taps after padding, keeping every stride-th output: out[o] = Σ_k taps[k] · padded[stride·o + k].
 * With no padding and stride 1 this is a 'valid' correlation.
 */
export function correlationOperator(
  n: number,
  taps: readonly number[],
  { before = 0, after = 0, mode = 'constant' as PadMode, stride = 1 } = {},
): AxisOperator {
  const k = taps.length;
  const paddedLength = n + before + after;
  if (paddedLength < k) {
    throw new ValueError(`a ${k}-tap filter needs at least ${k} samples along the axis, but it has ${paddedLength} after padding. Use a larger image.`);
  }
  const key = `corr:${n}:${taps.join(',')}:${before}:${after}:${mode}:${stride}`;
  return cachedOperator(key, () => ({
    n,
    outSize: Math.floor((paddedLength - k) / stride) + 1,
    padding: { before, after, mode },
    inPeriod: stride,
    outPeriod: 1,
    weight: (o, i) => {
      const t = i - stride * o;
      return t >= 0 && t < k ? taps[t] : 0;
    },
    lastInput: (o) => stride * o + k - 1,
  }));
}

/**
 * plenoptic's upsample_convolve along one axis: reflect-pad the n samples (by ⌊padStart/2⌋ and ⌊padEnd/2⌋ with
 * padStart = ⌊k/2⌋, padEnd = k − odd − padStart), insert zeros so that sample i lands at 2i, then convolve
 * (correlate with the flipped taps) in 'valid' mode over the zero-extended result. The output has 2n − odd samples,
 * and input sample j lands on output 2j.
 */
export function upsampleOperator(n: number, taps: readonly number[], odd: 0 | 1): AxisOperator {
  const key = `up:${n}:${taps.join(',')}:${odd}`;
  return cachedOperator(key, () => {
    const k = taps.length;
    const flipped = [...taps].reverse();
    const padStart = Math.floor(k / 2);
    const padEnd = k - odd - padStart;
    const before = Math.floor(padStart / 2);
    const after = Math.floor(padEnd / 2);
    const zerosBefore = padStart % 2;
    const upsampledLength = 2 * (n + before + after) - 1 + zerosBefore + (padEnd % 2);
    return {
      n,
      outSize: upsampledLength - k + 1,
      padding: { before, after, mode: 'reflect' },
      inPeriod: 1,
      outPeriod: 2,
      // Output o reads the zero-inserted signal at o .. o+k-1, where padded sample i sits at 2i + zerosBefore.
      weight: (o, i) => {
        const t = 2 * i + zerosBefore - o;
        return t >= 0 && t < k ? flipped[t] : 0;
      },
      lastInput: (o) => Math.floor((o + k - 1 - zerosBefore) / 2),
    };
  });
}
