// What a Geodesic run reports about its path, so that a poor result is named rather than returned silently: the
// straight-line floor it is measured against, whether the energy stopped improving or went up, whether the path
// left the allowed pixel range, and whether it ended up no better than the pixel fade it could have started from.

export interface GeodesicDiagnostics {
  /** Per-step energy of a perfectly straight representation path: ‖f(a) − f(b)‖² / nSteps². */
  straightLineFloor: number;
  /** Mean step energy of the current path (no range penalty). */
  pathEnergy: number;
  /** Mean step energy of the pixel fade (the straight line in pixel space). */
  pixelfadeEnergy: number;
  /** pathEnergy / straightLineFloor − 1: 0 means the representation path is straight and evenly paced. */
  excessOverFloor: number;
  /** Fraction of the excess over the floor removed by the last synthesize() call (1 = reached the floor). */
  progressToFloor: number;
  /** No new lowest loss in the last `window` iterations while still above the floor. */
  stoppedImproving: boolean;
  /** The last loss of the call is above its first. */
  lossIncreased: boolean;
  /** The optimized path has a higher energy than the pixel fade (by more than 0.1%). */
  worseThanPixelfade: boolean;
  /** Largest distance of a pixel outside allowedRange (0 when inside). */
  outsideRange: number;
  leftAllowedRange: boolean;
  /** Why the loop ended: 'converged' (pixel change criterion) or 'maxIter'. */
  stopReason: string | null;
  /** One sentence per problem found, each with what to try; empty when the path looks sound. */
  problems: string[];
}

export interface DiagnosisInput {
  /** All losses so far; the last call's are those from firstIteration on. */
  losses: readonly number[];
  firstIteration: number;
  pathEnergy: number;
  pixelfadeEnergy: number;
  floor: number;
  /** The current sequence's pixels. */
  pixels: ArrayLike<number>;
  allowedRange: readonly [number, number];
  stopReason: string | null;
  /** Iterations without a new best loss that count as "stopped improving" (the stopItersToCheck of the run). */
  window: number;
}

export function diagnoseGeodesic(input: DiagnosisInput): GeodesicDiagnostics {
  const { losses, firstIteration, pathEnergy, pixelfadeEnergy, floor, allowedRange, window } = input;
  const run = losses.slice(firstIteration);
  const problems: string[] = [];
  const excessOverFloor = floor > 0 ? pathEnergy / floor - 1 : pathEnergy > 0 ? Infinity : 0;
  const atFloor = pathEnergy <= floor * (1 + 1e-3) + 1e-12;
  const startEnergy = run.length ? run[0] : pathEnergy;
  const progressToFloor = startEnergy - floor > 0 ? (startEnergy - pathEnergy) / (startEnergy - floor) : 1;

  let stoppedImproving = false;
  if (run.length > window && !atFloor) {
    const bestBefore = Math.min(...run.slice(0, run.length - window));
    const bestRecent = Math.min(...run.slice(run.length - window));
    stoppedImproving = !(bestRecent < bestBefore);
    if (stoppedImproving) {
      problems.push(
        `The path energy has not improved in the last ${window} iterations (best ${bestBefore.toExponential(4)}), ` +
          `while it is still ${(100 * excessOverFloor).toFixed(1)}% above the straight-line floor: the optimizer is stuck or oscillating. ` +
          'Try a smaller learning rate, or a different initialSequence.',
      );
    }
  }
  // relative margin: float32 rounding alone moves a converged loss by ~1e-7 of its value
  const lossIncreased = run.length > 1 && run[run.length - 1] > run[0] * (1 + 1e-5) + 1e-12;
  if (lossIncreased) {
    problems.push(
      `The loss went up during synthesis (${run[0].toExponential(4)} → ${run[run.length - 1].toExponential(4)}): the steps are too large. ` +
        'Use an optimizer with a smaller learning rate.',
    );
  }
  // a margin, because where the pixel fade is itself the geodesic (a linear model) a converged path only ties it
  const worseThanPixelfade = pathEnergy > pixelfadeEnergy * (1 + 1e-3) + 1e-12;
  if (worseThanPixelfade) {
    problems.push(
      `The path energy (${pathEnergy.toExponential(4)}) is higher than the pixel fade's (${pixelfadeEnergy.toExponential(4)}): ` +
        "this path is worse than the straight interpolation. Run more iterations, or start from initialSequence: 'straight'.",
    );
  }
  const [lo, hi] = allowedRange;
  let outsideRange = 0;
  for (let i = 0; i < input.pixels.length; i++) {
    const v = input.pixels[i];
    outsideRange = Math.max(outsideRange, lo - v, v - hi);
  }
  const leftAllowedRange = outsideRange > 1e-3 * (hi - lo);
  if (leftAllowedRange) {
    problems.push(
      `The geodesic leaves the allowed range [${lo}, ${hi}] by up to ${outsideRange.toExponential(3)}: ` +
        'its frames are not valid images. Increase rangePenaltyLambda, or clamp the frames before using them.',
    );
  }
  return {
    straightLineFloor: floor,
    pathEnergy,
    pixelfadeEnergy,
    excessOverFloor,
    progressToFloor,
    stoppedImproving,
    lossIncreased,
    worseThanPixelfade,
    outsideRange: Math.max(0, outsideRange),
    leftAllowedRange,
    stopReason: input.stopReason,
    problems,
  };
}
