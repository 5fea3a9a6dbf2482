// The 2-D DFT kernel behind fft2 / ifft2, made of tfjs ops so that tensors stay on their backend (GPU backends
// included). It runs inside linear operators (untaped), so it may use any op. Complex tensors are stacked:
// [2 (re, im), ...batch, h, w]. Each axis is a one-level Cooley-Tukey split n = n1·n2 done as two small real
// matmuls with 2×2-block complex matrices and a twiddle multiply (O(n·(n1+n2)) instead of O(n²)); short or prime
// axes use the dense block DFT matrix. Every fftshift, sign and norm is folded into the constants, which are
// cached per backend. bench/fft.ts has the measurements behind this choice. Kernels that run in JavaScript anyway
// (the steerable pyramid) use array-fft.ts instead, which is faster on the CPU.
import { tf } from '../../runtime/tf.js';

/**
 * One 1-D transform along an axis of length n: y[k] = scale · Σ_j x[j] · exp(sign · 2πi (j − inShift)(k − outShift) / n).
 * inShift = ⌊n/2⌋ reads a centred (fftshift-ed) input, outShift = ⌊n/2⌋ writes a centred output.
 */
export interface AxisTransform {
  n: number;
  sign: -1 | 1;
  scale: number;
  inShift: number;
  outShift: number;
}

/** A 2-D transform: along w (last axis) first, then h. Real input / output skip the unused block rows / columns. */
export interface Dft2Spec {
  h: AxisTransform;
  w: AxisTransform;
  realInput: boolean;
  realOutput: boolean;
}

/** The adjoint (conjugate transpose) transform: sign flipped, shifts swapped, real input ↔ real output. */
export function adjointSpec(s: Dft2Spec): Dft2Spec {
  const adj = (t: AxisTransform): AxisTransform => ({ n: t.n, sign: -t.sign as -1 | 1, scale: t.scale, inShift: t.outShift, outShift: t.inShift });
  return { h: adj(s.h), w: adj(s.w), realInput: s.realOutput, realOutput: s.realInput };
}

/** The split n = n1·n2 (n1 ≤ n2, n1 ≥ 8) used for an axis, or null for the dense matrix. */
export function fourStepFactor(n: number): number | null {
  if (n < 64) return null;
  for (let n1 = Math.floor(Math.sqrt(n)); n1 >= 8; n1--) {
    if (n % n1 === 0) return n1;
  }
  return null;
}

function mod(a: number, n: number): number {
  const r = a % n;
  return r < 0 ? r + n : r;
}

/** A real matrix, row-major. */
interface Matrix {
  values: Float32Array;
  rows: number;
  cols: number;
}

/**
 * A 2×2-block real matrix for right-multiplying [re | im] rows: rows (c, j), columns (c', k), equal to
 * [[Mr, Mi], [−Mi, Mr]] with M[j,k] = scale·exp(sign·2πi·exponent(j,k)/n). Real input keeps the top block row,
 * real output the left block column.
 */
function blockMatrix(
  rows: number,
  cols: number,
  n: number,
  sign: number,
  scale: number,
  exponent: (j: number, k: number) => number,
  realIn: boolean,
  realOut: boolean,
): Matrix {
  const rowBlocks = realIn ? 1 : 2;
  const width = (realOut ? 1 : 2) * cols;
  const values = new Float32Array(rowBlocks * rows * width);
  for (let j = 0; j < rows; j++) {
    for (let k = 0; k < cols; k++) {
      const angle = (2 * Math.PI * mod(exponent(j, k), n)) / n;
      const re = scale * Math.cos(angle);
      const im = sign * scale * Math.sin(angle);
      values[j * width + k] = re;
      if (!realOut) values[j * width + cols + k] = im;
      if (!realIn) {
        values[(rows + j) * width + k] = -im;
        if (!realOut) values[(rows + j) * width + cols + k] = re;
      }
    }
  }
  return { values, rows: rowBlocks * rows, cols: width };
}

/** The same matrix with its two column blocks (real, imaginary outputs) exchanged. */
function swapColumnBlocks(m: Matrix): Matrix {
  const half = m.cols / 2;
  const values = new Float32Array(m.values.length);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < half; c++) {
      values[r * m.cols + c] = m.values[r * m.cols + half + c];
      values[r * m.cols + half + c] = m.values[r * m.cols + c];
    }
  }
  return { values, rows: m.rows, cols: m.cols };
}

function keepMatrix(m: Matrix): tf.Tensor2D {
  return tf.keep(tf.tensor2d(m.values, [m.rows, m.cols]));
}

interface AxisPlan {
  n: number;
  /** Short or prime axes: the dense block DFT matrix. */
  dense?: tf.Tensor2D;
  /** Four-step: j = j1 + n1·j2, k = n2·k1 + k2. */
  n1?: number;
  n2?: number;
  stageA?: tf.Tensor2D;
  /** Stage A with its output's real and imaginary blocks swapped: the twiddle needs both orders, and wasm's
   *  Reverse kernel is far slower than a second small matmul. */
  stageASwapped?: tf.Tensor2D;
  /** [n1, 2, n2]: (Tr, Tr) and (−Ti, Ti): t·T = stageA-output·twiddleSame + swapped-output·twiddleSwap. */
  twiddleSame?: tf.Tensor;
  twiddleSwap?: tf.Tensor;
  stageB?: tf.Tensor2D;
}

const plans = new Map<string, AxisPlan>();

function axisPlan(t: AxisTransform, realIn: boolean, realOut: boolean): AxisPlan {
  const key = `${tf.getBackend()}|${t.n}:${t.sign}:${t.scale}:${t.inShift}:${t.outShift}:${realIn}:${realOut}`;
  const cached = plans.get(key);
  if (cached) return cached;
  const { n, sign, scale, inShift: a, outShift: b } = t;
  const n1 = fourStepFactor(n);
  let plan: AxisPlan;
  if (n1 === null) {
    plan = { n, dense: keepMatrix(blockMatrix(n, n, n, sign, scale, (j, k) => (j - a) * (k - b), realIn, realOut)) };
  } else {
    // (j − a)(k − b) mod n splits into stage A: n1 j2 (k2 − b) − a k2, twiddle: j1 k2,
    // stage B: n2 j1 k1 − j1 b − n2 a k1 + a b (the n1 n2 j2 k1 term is a multiple of n).
    const n2 = n / n1;
    const same = new Float32Array(n1 * 2 * n2);
    const swap = new Float32Array(n1 * 2 * n2);
    for (let j1 = 0; j1 < n1; j1++) {
      for (let k2 = 0; k2 < n2; k2++) {
        const angle = (2 * Math.PI * mod(j1 * k2, n)) / n;
        const tr = Math.cos(angle);
        const ti = sign * Math.sin(angle);
        const base = j1 * 2 * n2;
        same[base + k2] = tr;
        same[base + n2 + k2] = tr;
        swap[base + k2] = -ti;
        swap[base + n2 + k2] = ti;
      }
    }
    const stageA = blockMatrix(n2, n2, n, sign, 1, (j2, k2) => n1 * j2 * (k2 - b) - a * k2, realIn, false);
    plan = {
      n,
      n1,
      n2,
      stageA: keepMatrix(stageA),
      stageASwapped: keepMatrix(swapColumnBlocks(stageA)),
      twiddleSame: tf.keep(tf.tensor3d(same, [n1, 2, n2])),
      twiddleSwap: tf.keep(tf.tensor3d(swap, [n1, 2, n2])),
      stageB: keepMatrix(blockMatrix(n1, n1, n, sign, scale, (j1, k1) => n2 * j1 * k1 - j1 * b - n2 * a * k1 + a * b, false, realOut)),
    };
  }
  plans.set(key, plan);
  return plan;
}

/**
 * Transforms the last axis of a stacked complex [2, rows, n] (or real [rows, n]) into a stacked [2, rows, n] (or
 * its real part [rows, n]). Every transpose here is of rank ≤ 4: wasm's Transpose is an order of magnitude slower
 * at rank 5 and 6.
 */
function transformLastAxis(x: tf.Tensor, rows: number, plan: AxisPlan, realIn: boolean, realOut: boolean): tf.Tensor {
  if (plan.dense) {
    const n = plan.n;
    const input = realIn ? tf.reshape(x, [rows, n]) : tf.reshape(tf.transpose(tf.reshape(x, [2, rows, n]), [1, 0, 2]), [rows, 2 * n]);
    const y = tf.matMul(input, plan.dense);
    return realOut ? tf.reshape(y, [rows, n]) : tf.transpose(tf.reshape(y, [rows, 2, n]), [1, 0, 2]);
  }
  const { n1, n2 } = plan as Required<AxisPlan>;
  // j = j1 + n1·j2: rows (row, j1), columns (c, j2).
  const input = realIn
    ? tf.reshape(tf.transpose(tf.reshape(x, [rows, n2, n1]), [0, 2, 1]), [rows * n1, n2])
    : tf.reshape(tf.transpose(tf.reshape(x, [2, rows, n2, n1]), [1, 3, 0, 2]), [rows * n1, 2 * n2]);
  const a = tf.reshape(tf.matMul(input, plan.stageA!), [rows, n1, 2, n2]);
  const aSwapped = tf.reshape(tf.matMul(input, plan.stageASwapped!), [rows, n1, 2, n2]);
  const twiddled = tf.add(tf.mul(a, plan.twiddleSame!), tf.mul(aSwapped, plan.twiddleSwap!));
  // rows (row, k2), columns (c, j1).
  const b = tf.reshape(tf.transpose(twiddled, [0, 3, 2, 1]), [rows * n2, 2 * n1]);
  const y = tf.matMul(b, plan.stageB!);
  // [row, k2, c, k1] → k = n2·k1 + k2 in natural order, c first.
  if (realOut) return tf.reshape(tf.transpose(tf.reshape(y, [rows, n2, n1]), [0, 2, 1]), [rows, n1 * n2]);
  return tf.reshape(tf.transpose(tf.reshape(y, [rows, n2, 2, n1]), [2, 0, 3, 1]), [2, rows, n1 * n2]);
}

/**
 * The 2-D transform of x over its last two axes. Complex input is stacked [2, ...batch, h, w]; real input is
 * [...batch, h, w]. The output is stacked [2, ...batch, h, w], or [...batch, h, w] with spec.realOutput.
 * Untaped building block: call it only inside a linear operator.
 */
export function dft2(x: tf.Tensor, spec: Dft2Spec): tf.Tensor {
  const shape = x.shape.slice(spec.realInput ? 0 : 1) as number[];
  const h = shape[shape.length - 2];
  const w = shape[shape.length - 1];
  if (h !== spec.h.n || w !== spec.w.n) throw new Error(`dft2: spec is for ${spec.h.n}×${spec.w.n}, input is ${h}×${w}`);
  const batch = shape.slice(0, -2).reduce((s, d) => s * d, 1);
  const pw = axisPlan(spec.w, spec.realInput, false);
  const ph = axisPlan(spec.h, false, spec.realOutput);
  return tf.tidy(() => {
    const alongW = transformLastAxis(x, batch * h, pw, spec.realInput, false); // [2, batch·h, w]
    const swapped = tf.transpose(tf.reshape(alongW, [2 * batch, h, w]), [0, 2, 1]); // [2·batch, w, h]
    const alongH = transformLastAxis(swapped, batch * w, ph, false, spec.realOutput);
    const c = spec.realOutput ? 1 : 2;
    const back = tf.transpose(tf.reshape(alongH, [c * batch, w, h]), [0, 2, 1]);
    return tf.reshape(back, spec.realOutput ? shape : [2, ...shape]);
  });
}

/** Releases every cached DFT constant (they are rebuilt on demand). */
export function clearDftCache(): void {
  for (const p of plans.values()) {
    tf.dispose([p.dense, p.stageA, p.stageASwapped, p.twiddleSame, p.twiddleSwap, p.stageB].filter((t): t is tf.Tensor => !!t));
  }
  plans.clear();
}
