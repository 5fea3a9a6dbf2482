import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import type { Closure, Optimizer, OptimizerState } from './optimizer.js';
import { dot, strongWolfe } from './line-search.js';

export interface LbfgsOptions {
  lr?: number;
  /** Inner iterations per step() (torch's max_iter). */
  maxIter?: number;
  /** Objective evaluations per step(); default maxIter·5/4. */
  maxEval?: number;
  toleranceGrad?: number;
  toleranceChange?: number;
  historySize?: number;
  /** 'strongWolfe' (default) or null for fixed steps of lr. */
  lineSearch?: 'strongWolfe' | null;
}

/**
 * L-BFGS with torch.optim.LBFGS's control flow (two-loop recursion, first step scaled by 1/|g|₁, curvature pairs
 * kept only when yᵀs > 1e-10). The history lives in float64 on the CPU: images are at most a few hundred thousand
 * values, so the two-loop recursion is cheap next to one model evaluation.
 */
export class LBFGS implements Optimizer {
  readonly kind = 'lbfgs';
  learningRate: number;
  readonly initialLearningRate: number;
  readonly maxIter: number;
  readonly maxEval: number;
  readonly toleranceGrad: number;
  readonly toleranceChange: number;
  readonly historySize: number;
  readonly lineSearch: 'strongWolfe' | null;
  private oldDirs: Float64Array[] = [];
  private oldSteps: Float64Array[] = [];
  private rho: number[] = [];
  private hDiag = 1;
  private direction: Float64Array | null = null;
  private stepSize = 0;
  private prevGrad: Float64Array | null = null;
  private iterations = 0;

  constructor(options: LbfgsOptions = {}) {
    this.learningRate = this.initialLearningRate = options.lr ?? 1;
    this.maxIter = options.maxIter ?? 20;
    this.maxEval = options.maxEval ?? Math.floor((this.maxIter * 5) / 4);
    this.toleranceGrad = options.toleranceGrad ?? 1e-7;
    this.toleranceChange = options.toleranceChange ?? 1e-9;
    this.historySize = options.historySize ?? 100;
    this.lineSearch = options.lineSearch === undefined ? 'strongWolfe' : options.lineSearch;
    if (!(this.learningRate > 0)) throw new ValueError(`L-BFGS learning rate must be positive, got ${this.learningRate}.`);
    if (!(this.historySize >= 1)) throw new ValueError(`historySize must be at least 1, got ${this.historySize}.`);
  }

  async step(param: tf.Variable, closure: Closure): Promise<number> {
    const shape = param.shape;
    const x0 = Float64Array.from((await param.data()) as Float32Array);
    const setParam = (x: Float64Array) => {
      const t = tf.tensor(Float32Array.from(x), shape, 'float32');
      param.assign(t);
      t.dispose();
    };
    const evaluate = async (x: Float64Array | null) => {
      if (x) setParam(x);
      const { loss, grad } = await closure();
      const g = Float64Array.from((await grad.data()) as Float32Array);
      grad.dispose();
      return { loss, grad: g };
    };

    let x: Float64Array = x0;
    let { loss, grad }: { loss: number; grad: Float64Array } = await evaluate(null);
    const originalLoss = loss;
    let evaluations = 1;
    if (maxAbs(grad) <= this.toleranceGrad) return originalLoss;

    for (let inner = 0; inner < this.maxIter; inner++) {
      this.iterations += 1;
      const d = this.iterations === 1 ? negate(grad) : this.nextDirection(grad);
      this.prevGrad = grad;
      const prevLoss = loss;
      let t = this.iterations === 1 ? Math.min(1, 1 / sumAbs(grad)) * this.learningRate : this.learningRate;
      const gtd = dot(grad, d);
      if (gtd > -this.toleranceChange) break;

      if (this.lineSearch === 'strongWolfe') {
        const start = x;
        const result = await strongWolfe(
          (step) => evaluate(axpy(start, step, d)),
          d,
          t,
          loss,
          grad,
          gtd,
          { toleranceChange: this.toleranceChange },
        );
        t = result.point.t;
        loss = result.point.loss;
        grad = result.point.grad;
        x = axpy(start, t, d);
        setParam(x);
        evaluations += result.evaluations;
      } else {
        x = axpy(x, t, d);
        if (inner !== this.maxIter - 1) {
          ({ loss, grad } = await evaluate(x));
          evaluations += 1;
        } else {
          setParam(x);
        }
      }
      this.direction = d;
      this.stepSize = t;

      if (inner === this.maxIter - 1 || evaluations >= this.maxEval) break;
      if (maxAbs(grad) <= this.toleranceGrad) break;
      if (maxAbs(d) * Math.abs(t) <= this.toleranceChange) break;
      if (Math.abs(loss - prevLoss) < this.toleranceChange) break;
    }
    return originalLoss;
  }

  /** Updates the curvature history with the last step and applies the two-loop recursion to −grad. */
  private nextDirection(grad: Float64Array): Float64Array {
    const prev = this.prevGrad!;
    const d = this.direction!;
    const y = new Float64Array(grad.length);
    const s = new Float64Array(grad.length);
    for (let i = 0; i < grad.length; i++) {
      y[i] = grad[i] - prev[i];
      s[i] = d[i] * this.stepSize;
    }
    const ys = dot(y, s);
    if (ys > 1e-10) {
      if (this.oldDirs.length === this.historySize) {
        this.oldDirs.shift();
        this.oldSteps.shift();
        this.rho.shift();
      }
      this.oldDirs.push(y);
      this.oldSteps.push(s);
      this.rho.push(1 / ys);
      this.hDiag = ys / dot(y, y);
    }
    const q = negate(grad);
    const alpha = new Array<number>(this.oldDirs.length);
    for (let i = this.oldDirs.length - 1; i >= 0; i--) {
      alpha[i] = dot(this.oldSteps[i], q) * this.rho[i];
      const yi = this.oldDirs[i];
      for (let j = 0; j < q.length; j++) q[j] -= alpha[i] * yi[j];
    }
    for (let j = 0; j < q.length; j++) q[j] *= this.hDiag;
    for (let i = 0; i < this.oldDirs.length; i++) {
      const beta = dot(this.oldDirs[i], q) * this.rho[i];
      const si = this.oldSteps[i];
      for (let j = 0; j < q.length; j++) q[j] += si[j] * (alpha[i] - beta);
    }
    return q;
  }

  async getState(): Promise<OptimizerState> {
    const tensors: OptimizerState['tensors'] = {};
    const save = (name: string, a: Float64Array | null) => {
      if (a) tensors[name] = { shape: [a.length], data: Float32Array.from(a) };
    };
    this.oldDirs.forEach((a, i) => save(`oldDirs.${i}`, a));
    this.oldSteps.forEach((a, i) => save(`oldSteps.${i}`, a));
    save('direction', this.direction);
    save('prevGrad', this.prevGrad);
    return {
      kind: this.kind,
      config: {
        lr: this.initialLearningRate,
        maxIter: this.maxIter,
        maxEval: this.maxEval,
        toleranceGrad: this.toleranceGrad,
        toleranceChange: this.toleranceChange,
        historySize: this.historySize,
        strongWolfe: this.lineSearch === 'strongWolfe',
      },
      scalars: {
        learningRate: this.learningRate,
        hDiag: this.hDiag,
        stepSize: this.stepSize,
        iterations: this.iterations,
        historyLength: this.oldDirs.length,
        ...Object.fromEntries(this.rho.map((r, i) => [`rho.${i}`, r])),
      },
      tensors,
    };
  }

  setState(state: OptimizerState): void {
    const s = state.scalars;
    const load = (name: string) => (state.tensors[name] ? Float64Array.from(state.tensors[name].data) : null);
    const n = s.historyLength ?? 0;
    this.oldDirs = Array.from({ length: n }, (_, i) => load(`oldDirs.${i}`)!);
    this.oldSteps = Array.from({ length: n }, (_, i) => load(`oldSteps.${i}`)!);
    this.rho = Array.from({ length: n }, (_, i) => s[`rho.${i}`]);
    this.direction = load('direction');
    this.prevGrad = load('prevGrad');
    this.learningRate = s.learningRate ?? this.learningRate;
    this.hDiag = s.hDiag ?? 1;
    this.stepSize = s.stepSize ?? 0;
    this.iterations = s.iterations ?? 0;
  }

  resetState(): void {
    this.oldDirs = [];
    this.oldSteps = [];
    this.rho = [];
    this.hDiag = 1;
    this.direction = null;
    this.prevGrad = null;
    this.stepSize = 0;
    this.iterations = 0;
  }

  dispose(): void {
    this.resetState();
  }

  static fromState(state: OptimizerState): LBFGS {
    const c = state.config;
    const lbfgs = new LBFGS({
      lr: c.lr as number,
      maxIter: c.maxIter as number,
      maxEval: c.maxEval as number,
      toleranceGrad: c.toleranceGrad as number,
      toleranceChange: c.toleranceChange as number,
      historySize: c.historySize as number,
      lineSearch: c.strongWolfe ? 'strongWolfe' : null,
    });
    lbfgs.setState(state);
    return lbfgs;
  }
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

function sumAbs(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += Math.abs(v);
  return s;
}

function negate(a: Float64Array): Float64Array {
  return a.map((v) => -v);
}

/** x + t·d as a new array. */
function axpy(x: Float64Array, t: number, d: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] + t * d[i];
  return out;
}
