import { expect } from 'vitest';
import type { tf } from '../../runtime/tf.js';

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Asserts max|a-b| <= atol + rtolOfMax * max|b|, reporting the measured error on failure. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { atol = 0, rtolOfMax = 0, label = 'values' }: { atol?: number; rtolOfMax?: number; label?: string },
): number {
  const err = maxAbsDiff(actual, expected);
  const bound = atol + rtolOfMax * maxAbs(expected);
  expect(err, `${label}: max abs error ${err.toExponential(3)} > bound ${bound.toExponential(3)}`).toBeLessThanOrEqual(bound);
  expect(Number.isFinite(err), `${label}: non-finite values`).toBe(true);
  return err;
}

export async function expectTensorClose(
  actual: tf.Tensor,
  expected: tf.Tensor,
  opts: { atol?: number; rtolOfMax?: number; label?: string },
): Promise<number> {
  expect(actual.shape, `${opts.label ?? 'tensor'} shape`).toEqual(expected.shape);
  return expectClose(await actual.data(), await expected.data(), opts);
}
