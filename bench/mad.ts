// 100 MADCompetition iterations on a 256² image, 1 − SSIM(weighted, reflect) minimized with MSE held (λ = 1e4),
// against plenoptic's timing item mad_ssim_vs_mse_256_100it (construction included, as there).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '../runtime/tf.js';
import { Rng, randUniform } from '../runtime/rng.js';
import { captureWarnings } from '../runtime/warnings.js';
import { npyToTensor, parseNpy } from '../images/npy.js';
import { builtinMetrics } from '../models/metrics/index.js';
import { MADCompetition } from '../synth/mad-competition.js';
import { referenceSeconds, timeMedian } from './reference.js';
import type { Bench, BenchResult } from './types.js';

/** einstein from ../shared/fixtures when it is there, else a smooth procedural 256² image. */
function benchImage(): { image: tf.Tensor4D; source: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const path = resolve(dir, '..', 'shared', 'fixtures', 'images', 'einstein.npy');
  if (existsSync(path)) return { image: npyToTensor(parseNpy(readFileSync(path), path)) as tf.Tensor4D, source: 'einstein (fixtures)' };
  const image = tf.tidy(() => {
    const smooth = tf.conv2d(randUniform([1, 260, 260, 1], new Rng(0)) as tf.Tensor4D, tf.fill([5, 5, 1, 1], 1 / 25), 1, 'valid');
    return tf.reshape(smooth, [1, 1, 256, 256]) as tf.Tensor4D;
  });
  return { image, source: 'procedural 256² image (fixtures absent)' };
}

async function runMad(image: tf.Tensor4D, maxIter: number): Promise<MADCompetition> {
  const sdsim = builtinMetrics.ssim.asDistance({ weighted: true, pad: 'reflect' });
  const mse = builtinMetrics.mse.asDistance();
  // SSIM warns whenever the MAD image strays outside [0, 1]; the docs silence it the same way
  const { result } = await captureWarnings(async () => {
    const mad = await MADCompetition.create(image, sdsim, mse, { minmax: 'min', initialNoise: 0.04, metricTradeoffLambda: 1e4, rng: new Rng(0) });
    await mad.synthesize({ maxIter, stopCriterion: -1, progressBar: false });
    return mad;
  });
  return result;
}

export const bench: Bench = {
  description: '100 MADCompetition iterations, 1 − SSIM(weighted, pad reflect) minimized vs MSE held, λ = 1e4, 256×256',
  async run(): Promise<BenchResult> {
    const { image, source } = benchImage();
    (await runMad(image, 3)).dispose();
    let last: MADCompetition | null = null;
    const seconds = await timeMedian(async () => {
      last?.dispose();
      last = await runMad(image, 100);
    }, 3, 0);
    const final = last as MADCompetition | null;
    const optimized = final?.optimizedMetricLoss.at(-1);
    const reference = final?.referenceMetricLoss.at(-1);
    final?.dispose();
    image.dispose();
    const ref = referenceSeconds('mad_ssim_vs_mse_256_100it', 9.24);
    return {
      name: 'mad_ssim_vs_mse_256_100it',
      ours_s: seconds,
      reference_s: ref.seconds,
      reference: ref.source,
      ratio: seconds / ref.seconds,
      notes:
        `median of 3 runs on ${source} after a 3-iteration warm-up; final optimized ${optimized?.toExponential(4)}, ` +
        `reference ${reference?.toExponential(4)} (plenoptic: 2.6749e-03, 1.5079e-03, with torch's noise)`,
    };
  },
};
