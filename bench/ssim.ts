// SSIM forward + backward on a 256² pair, against plenoptic's `po.metric.ssim(einstein, x).backward()`.
// The helper below is shared by the ms-ssim and nlpd benches (a separate module would be listed as a bench).
import { tf } from '../runtime/tf.js';
import { metricFromFunction } from '../runtime/metric.js';
import { Rng, randNormal, randUniform } from '../runtime/rng.js';
import { ssim } from '../models/metrics/index.js';
import { referenceSeconds, timeMedian } from './reference.js';
import type { Bench, BenchResult } from './types.js';

/** A 256² image and a noisy copy of it clipped to [0, 1], like plenoptic's einstein / einstein_noisy pair. */
function imagePair(): [tf.Tensor4D, tf.Tensor4D] {
  const rng = new Rng(0);
  return tf.tidy(() => {
    const image = tf.conv2d(randUniform([1, 260, 260, 1], rng) as tf.Tensor4D, tf.fill([5, 5, 1, 1], 1 / 25), 1, 'valid');
    const x = tf.reshape(image, [1, 1, 256, 256]) as tf.Tensor4D;
    const noisy = tf.clipByValue(tf.add(x, tf.mul(randNormal([1, 1, 256, 256], rng), 0.1)), 0, 1) as tf.Tensor4D;
    return [x, noisy];
  });
}

/** Median seconds per value-and-gradient call of metric(a, b) with respect to b, as MAD runs it. */
export function metricForwardBackwardBench(
  name: string,
  itemKey: string,
  fallbackSeconds: number,
  fn: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor,
): Bench {
  return {
    description: `${name} forward + backward (gradient wrt the second image) on a 256×256 pair, per call`,
    async run(): Promise<BenchResult> {
      const [a, b] = imagePair();
      const metric = metricFromFunction(fn, name);
      const calls = 10;
      const seconds =
        (await timeMedian(async () => {
          for (let i = 0; i < calls; i++) {
            const { value, grad } = await metric.valueAndGrad(a, b);
            await value.data();
            value.dispose();
            grad.dispose();
          }
        }, 5, 1)) / calls;
      a.dispose();
      b.dispose();
      const reference = referenceSeconds(itemKey, fallbackSeconds);
      return {
        name: itemKey,
        ours_s: seconds,
        reference_s: reference.seconds,
        reference: reference.source,
        ratio: seconds / reference.seconds,
        notes: `median of 5 runs of ${calls} calls each, after one warm-up run`,
      };
    },
  };
}

export const bench: Bench = metricForwardBackwardBench('SSIM', 'ssim_forward_backward_256', 0.0716, (a, b) => ssim(a, b));
