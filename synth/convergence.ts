/** plenoptic.tools.convergence.loss_convergence: the loss moved less than stopCriterion over the last stopItersToCheck. */
export function lossConvergence(losses: readonly number[], stopCriterion: number, stopItersToCheck: number): boolean {
  return (
    losses.length > stopItersToCheck &&
    Math.abs(losses[losses.length - stopItersToCheck] - losses[losses.length - 1]) < stopCriterion
  );
}

/** plenoptic.tools.convergence.pixel_change_convergence: every recent pixel change was below stopCriterion. */
export function pixelChangeConvergence(
  pixelChangeNorm: readonly number[],
  stopCriterion: number,
  stopItersToCheck: number,
): boolean {
  if (pixelChangeNorm.length <= stopItersToCheck) return false;
  return pixelChangeNorm.slice(-stopItersToCheck).every((v) => v < stopCriterion);
}
