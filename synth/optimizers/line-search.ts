// Strong-Wolfe line search with cubic interpolation (Nocedal & Wright, Algorithms 3.5 and 3.6), in float64 on the
// flattened parameter. `evaluate(t)` returns the loss and gradient at x0 + t·d.

export interface LinePoint {
  t: number;
  loss: number;
  grad: Float64Array;
  /** Directional derivative grad·d. */
  gtd: number;
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to [lo, hi]. */
function cubicMinimizer(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, lo: number, hi: number): number {
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2sq = d1 * d1 - g1 * g2;
  if (d2sq >= 0) {
    const d2 = Math.sqrt(d2sq);
    const t = x2 <= x1 ? x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2)) : x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2));
    if (Number.isFinite(t)) return Math.min(Math.max(t, lo), hi);
  }
  return (lo + hi) / 2;
}

export interface StrongWolfeOptions {
  c1?: number;
  c2?: number;
  toleranceChange?: number;
  maxEvaluations?: number;
}

/**
 * Finds t satisfying the strong Wolfe conditions along d from a start point with loss f0, gradient g0 and
 * directional derivative gtd0 < 0. Returns the accepted point and the number of evaluations used.
 */
export async function strongWolfe(
  evaluate: (t: number) => Promise<{ loss: number; grad: Float64Array }>,
  d: Float64Array,
  t0: number,
  f0: number,
  g0: Float64Array,
  gtd0: number,
  options: StrongWolfeOptions = {},
): Promise<{ point: LinePoint; evaluations: number }> {
  const c1 = options.c1 ?? 1e-4;
  const c2 = options.c2 ?? 0.9;
  const toleranceChange = options.toleranceChange ?? 1e-9;
  const maxEvaluations = options.maxEvaluations ?? 25;
  const dMax = d.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const at = async (t: number): Promise<LinePoint> => {
    const { loss, grad } = await evaluate(t);
    return { t, loss, grad, gtd: dot(grad, d) };
  };

  let prev: LinePoint = { t: 0, loss: f0, grad: g0, gtd: gtd0 };
  let current = await at(t0);
  let evaluations = 1;
  let bracket: [LinePoint, LinePoint] | null = null;

  // Bracketing phase: grow t until the interval is known to contain a Wolfe point.
  while (evaluations < maxEvaluations) {
    if (current.loss > f0 + c1 * current.t * gtd0 || (evaluations > 1 && current.loss >= prev.loss)) {
      bracket = [prev, current];
      break;
    }
    if (Math.abs(current.gtd) <= -c2 * gtd0) return { point: current, evaluations };
    if (current.gtd >= 0) {
      bracket = [prev, current];
      break;
    }
    const minStep = current.t + 0.01 * (current.t - prev.t);
    const maxStep = current.t * 10;
    const next = cubicMinimizer(prev.t, prev.loss, prev.gtd, current.t, current.loss, current.gtd, minStep, maxStep);
    prev = current;
    current = await at(next);
    evaluations += 1;
  }
  if (!bracket) return { point: current, evaluations };

  // Zoom phase: shrink the bracket [lo, hi] (lo has the lower loss) by safeguarded cubic interpolation.
  let [lo, hi] = bracket[0].loss <= bracket[1].loss ? bracket : [bracket[1], bracket[0]];
  let insufficientProgress = false;
  while (evaluations < maxEvaluations) {
    if (Math.abs(hi.t - lo.t) * dMax < toleranceChange) break;
    const left = Math.min(lo.t, hi.t);
    const right = Math.max(lo.t, hi.t);
    let t = cubicMinimizer(lo.t, lo.loss, lo.gtd, hi.t, hi.loss, hi.gtd, left, right);
    // Keep away from the interval's ends, where interpolation stalls.
    const eps = 0.1 * (right - left);
    if (Math.min(right - t, t - left) < eps) {
      if (insufficientProgress || t >= right || t <= left) {
        t = Math.abs(t - right) < Math.abs(t - left) ? right - eps : left + eps;
        insufficientProgress = false;
      } else {
        insufficientProgress = true;
      }
    } else {
      insufficientProgress = false;
    }
    const trial = await at(t);
    evaluations += 1;
    if (trial.loss > f0 + c1 * t * gtd0 || trial.loss >= lo.loss) {
      hi = trial;
    } else {
      if (Math.abs(trial.gtd) <= -c2 * gtd0) return { point: trial, evaluations };
      if (trial.gtd * (hi.t - lo.t) >= 0) hi = lo;
      lo = trial;
    }
  }
  return { point: lo, evaluations };
}
