// SSIM forward + backward on a 256² pair, against plenoptic's `po.metric.ssim(einstein, x).backward()`.
// The helper below is shared by the ms-ssim and nlpd benches (a separate module would be listed as a bench).
import { tf } from '../runtime/tf.js';
import { metricFromFunction } from '../runtime/metric.js';
import { Rng, randNormal } from '../runtime/rng.js';
import { ssim } from '../models/metrics/index.js';
import { benchImage } from './fixture-image.js';
import { measure, referenceSeconds } from './reference.js';
import type { Bench, BenchResult } from './types.js';

/** plenoptic's pair: einstein and einstein + 0.1·noise clipped to [0, 1] (the fixture, else the same recipe). */
function imagePair(): { a: tf.Tensor4D; b: tf.Tensor4D; source: string } {
  const { image: a, source } = benchImage('einstein', 'dead-leaves');
  const noisy = benchImage('einstein_noisy', 'dead-leaves');
  if (noisy.source.startsWith('fixtures/')) return { a, b: noisy.image, source: `${source} / ${noisy.source}` };
  noisy.image.dispose();
  const b = tf.tidy(() => tf.clipByValue(tf.add(a, tf.mul(randNormal(a.shape, new Rng(0)), 0.1)), 0, 1) as tf.Tensor4D);
  return { a, b, source: `${source} and a noisy copy` };
}

/** Seconds per value-and-gradient call of fn(a, b) with respect to b, as MAD runs it. */
export function metricForwardBackwardBench(
  name: string,
  itemKey: string,
  fallbackSeconds: number,
  fn: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor,
): Bench {
  return {
    description: `${name} forward + backward (gradient wrt the second image) on a 256×256 pair, per call`,
    async run(): Promise<BenchResult> {
      const { a, b, source } = imagePair();
      const metric = metricFromFunction(fn, name);
      const calls = 10;
      const { wall, cpu } = await measure(async () => {
        for (let i = 0; i < calls; i++) {
          const { value, grad } = await metric.valueAndGrad(a, b);
          await value.data();
          value.dispose();
          grad.dispose();
        }
      }, 5, 1);
      a.dispose();
      b.dispose();
      const reference = referenceSeconds(itemKey, fallbackSeconds);
      const seconds = wall / calls;
      return {
        name: itemKey,
        ours_s: seconds,
        reference_s: reference.seconds,
        reference: reference.source,
        ratio: seconds / reference.seconds,
        notes: `${((cpu / calls) * 1000).toFixed(1)} ms CPU per call; median of 5 runs of ${calls} calls after a warm-up run; ${source}`,
      };
    },
  };
}

export const bench: Bench = metricForwardBackwardBench('SSIM', 'ssim_forward_backward_256', 0.0716, (a, b) => ssim(a, b));
