// The normalized Laplacian pyramid of a stack of images, its vector-Jacobian and its Jacobian-vector products, as
// plain loops over Float64Arrays (nlpd-gradient.ts wraps them as tfjs ops).
//
// Done as tfjs ops the pyramid of a 256² image is a few hundred small kernels, whose dispatch and copies cost
// several times their arithmetic (~1 M multiply-adds); here each separable 5-tap filter is one pass of loops.
//
// Forward, per image x:
//   x_0 = x;  x_{k+1} = D_k x_k;  L_k = x_k − U_k x_{k+1} (k < 5), L_5 = x_5
//   z_k = σ_k + pool_k(|L_k|);  y_k = L_k / z_k, flattened and concatenated fine to coarse
// Backward, from ∂y_k:
//   ∂L_k = ∂y_k / z_k + sign(L_k) · poolᵀ_k(−∂y_k · y_k / z_k)
//   ∂x_5 = ∂L_5;  ∂x_k = ∂L_k + D_kᵀ(∂x_{k+1} − U_kᵀ ∂L_k)
// Tangent, from δx:
//   δx_{k+1} = D_k δx_k;  δL_k = δx_k − U_k δx_{k+1};  δy_k = (δL_k − y_k · pool_k(sign(L_k) δL_k)) / z_k
import { NLP_SCALES, NLP_SIGMAS } from './nlp-normalization.js';
import { Plan } from './nlp-plan.js';

/** sign(v) as 1, −1 or 0 without branches: Math.sign's branches mispredict on the random signs of a level. */
function signOf(v: number): number {
  return +(v > 0) - +(v < 0);
}

/** Scratch planes, reused across calls (everything here is synchronous). */
const scratch: Float64Array[] = [];
function scratchPlane(i: number, length: number): Float64Array {
  if (!scratch[i] || scratch[i].length < length) scratch[i] = new Float64Array(length);
  return scratch[i];
}

/**
 * Released 1/z arrays, handed to the next kernel of the same size: a fresh array of this size costs its page faults
 * on first write and its unmapping later, more than the loops that fill it.
 */
const freeInverses = new Map<number, Float32Array[]>();

/**
 * The normalized Laplacian pyramids of P images of H×W, kept for the products with the Jacobian: build it with the
 * P·H·W samples, read `output` ([P, N]), call vjp and jvp as often as needed, then release it (or let it go).
 */
export class NormalizedLaplacianKernel {
  private readonly plan: Plan;
  /** Flattened y_k of each image, [P, N]: also the op's output, so never modified. */
  readonly output: Float32Array;
  /** Flattened 1/z_k of each image, [P, N]; null once released. */
  private inverses: Float32Array | null;

  constructor(
    x: ArrayLike<number>,
    readonly images: number,
    readonly height: number,
    readonly width: number,
  ) {
    const plan = Plan.of(height, width);
    const n = plan.size;
    const output = new Float32Array(images * n);
    const inverses = freeInverses.get(images * n)?.pop() ?? new Float32Array(images * n);
    const laplacian = scratchPlane(0, n);
    const temp = scratchPlane(1, height * width);
    const magnitude = scratchPlane(2, height * width);
    const pooled = scratchPlane(3, height * width);
    for (let p = 0; p < images; p++) {
      plan.laplacianLevels(x, p * height * width, laplacian, temp);
      for (let k = 0; k < NLP_SCALES; k++) {
        const level = plan.levels[k];
        const { size, offset } = level;
        for (let i = 0; i < size; i++) magnitude[i] = Math.abs(laplacian[offset + i]);
        level.pool(magnitude, pooled);
        const sigma = NLP_SIGMAS[k];
        const base = p * n + offset;
        for (let i = 0; i < size; i++) {
          const inverse = 1 / (pooled[i] + sigma);
          inverses[base + i] = inverse;
          output[base + i] = laplacian[offset + i] * inverse;
        }
      }
    }
    this.plan = plan;
    this.output = output;
    this.inverses = inverses;
  }

  /** Samples in one image's flattened pyramid. */
  get size(): number {
    return this.plan.size;
  }

  private get state(): { y: Float32Array; inverses: Float32Array } {
    if (!this.inverses) throw new Error('internal: the normalized Laplacian kernel was released');
    return { y: this.output, inverses: this.inverses };
  }

  /** Hands the kernel's working array to the next kernel; vjp and jvp may not be called afterwards. */
  release(): void {
    if (!this.inverses) return;
    const list = freeInverses.get(this.inverses.length) ?? [];
    // two per size cover a forward and a backward pass in flight; more would only hold memory
    if (list.length < 2) list.push(this.inverses);
    freeInverses.set(this.inverses.length, list);
    this.inverses = null;
  }

  /** The vector-Jacobian product: cotangent [P, N] → [P, H·W]. */
  vjp(cotangent: ArrayLike<number>): Float32Array {
    const { images, height, width } = this;
    const { levels, size: n } = this.plan;
    const { y, inverses } = this.state;
    const image = height * width;
    const out = new Float32Array(images * image);
    const gradLevels = scratchPlane(0, n);
    const weighted = scratchPlane(1, image);
    const pooled = scratchPlane(2, image);
    const through = scratchPlane(3, image);
    const gx = scratchPlane(4, image);
    const temp = scratchPlane(5, image);
    for (let p = 0; p < images; p++) {
      for (const level of levels) {
        const { offset, size } = level;
        const base = p * n + offset;
        for (let i = 0; i < size; i++) {
          const g = cotangent[base + i] * inverses[base + i];
          gradLevels[offset + i] = g;
          weighted[i] = -g * y[base + i];
        }
        level.poolTransposed(weighted, pooled);
        for (let i = 0; i < size; i++) gradLevels[offset + i] += signOf(y[base + i]) * pooled[i];
      }
      // gx holds ∂x_{k+1} on entry to step k and ∂x_k on exit
      const last = levels[NLP_SCALES - 1];
      gx.set(gradLevels.subarray(last.offset, last.offset + last.size));
      for (let k = NLP_SCALES - 2; k >= 0; k--) {
        const level = levels[k];
        const coarseSize = levels[k + 1].size;
        const gradL = gradLevels.subarray(level.offset, level.offset + level.size);
        level.upsampleTransposed(gradL, through, temp);
        for (let i = 0; i < coarseSize; i++) through[i] = gx[i] - through[i];
        gx.set(gradL);
        level.addDownsampleTransposed(through, gx, temp);
      }
      for (let i = 0; i < image; i++) out[p * image + i] = gx[i];
    }
    return out;
  }

  /** The Jacobian-vector product: tangent [P, H·W] → [P, N]. */
  jvp(tangent: ArrayLike<number>): Float32Array {
    const { images, height, width } = this;
    const { levels, size: n } = this.plan;
    const { y, inverses } = this.state;
    const out = new Float32Array(images * n);
    const deltaL = scratchPlane(0, n);
    const temp = scratchPlane(1, height * width);
    const signed = scratchPlane(2, height * width);
    const pooled = scratchPlane(3, height * width);
    for (let p = 0; p < images; p++) {
      this.plan.laplacianLevels(tangent, p * height * width, deltaL, temp);
      for (const level of levels) {
        const { offset, size } = level;
        const base = p * n + offset;
        for (let i = 0; i < size; i++) signed[i] = signOf(y[base + i]) * deltaL[offset + i];
        level.pool(signed, pooled);
        for (let i = 0; i < size; i++) out[base + i] = (deltaL[offset + i] - y[base + i] * pooled[i]) * inverses[base + i];
      }
    }
    return out;
  }
}
