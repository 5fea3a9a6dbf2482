import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { Rng, defaultRng } from '../runtime/rng.js';
import type { ProgressInfo } from '../runtime/progress.js';
import { MADCompetition, type MinMax } from './mad-competition.js';
import { resolveMetric, type MetricLike } from './mad-metrics.js';
import type { Optimizer } from './optimizers/optimizer.js';
import type { Scheduler } from './optimizers/scheduler.js';

/**
 * A full MAD set: each metric minimized and maximized with the other held fixed. The key order is plenoptic's
 * argument order for display_mad_image_all / plot_loss_all (m1_min, m2_min, m1_max, m2_max).
 */
export interface MADSet {
  metric1Min: MADCompetition;
  metric2Min: MADCompetition;
  metric1Max: MADCompetition;
  metric2Max: MADCompetition;
}

export type MADSetKey = keyof MADSet;

export const madSetKeys: readonly MADSetKey[] = ['metric1Min', 'metric2Min', 'metric1Max', 'metric2Max'];

export interface MadCompetitionAllOptions {
  initialNoise?: number;
  /** One value for all four, or one per synthesis (plenoptic's examples tune it per synthesis); omitted: automatic. */
  metricTradeoffLambda?: number | Partial<Record<MADSetKey, number>>;
  rangePenaltyLambda?: number;
  allowedRange?: readonly [number, number];
  /** Seeds the initial noise, the same for all four (plenoptic calls set_seed before each). Default: drawn from the global generator. */
  seed?: number;
  maxIter?: number;
  /** A fresh optimizer per synthesis (one optimizer cannot drive four images). Default: Adam(lr 0.01, AMSGrad). */
  optimizer?: () => Optimizer;
  scheduler?: () => Scheduler;
  storeProgress?: boolean | number;
  stopCriterion?: number;
  stopItersToCheck?: number;
  onProgress?: (key: MADSetKey, info: ProgressInfo) => void;
  signal?: AbortSignal;
  progressBar?: boolean | 'auto';
}

/** Which metric a synthesis of the set optimizes and in which direction. */
export function madSetRole(key: MADSetKey): { optimizes: 1 | 2; minmax: MinMax } {
  return { optimizes: key.startsWith('metric1') ? 1 : 2, minmax: key.endsWith('Min') ? 'min' : 'max' };
}

/**
 * Runs the four syntheses of a MAD set (metric1 min, metric2 min, metric1 max, metric2 max), all starting from the
 * same noisy image, with shared options. Each returned MADCompetition can be resumed, saved and disposed on its own.
 */
export async function madCompetitionAll(
  image: tf.Tensor4D,
  metric1: MetricLike,
  metric2: MetricLike,
  options: MadCompetitionAllOptions = {},
): Promise<MADSet> {
  // functions get their names here, so that all four syntheses call them alike; Models are wrapped (and released) by each
  const named = (m: MetricLike, role: string): MetricLike => (typeof m === 'function' ? resolveMetric(m, role) : m);
  const metrics = { 1: named(metric1, 'metric1'), 2: named(metric2, 'metric2') };
  const seed = options.seed ?? Math.floor(defaultRng().uniform() * 2 ** 31);
  const lambdaFor = (key: MADSetKey) =>
    typeof options.metricTradeoffLambda === 'number' ? options.metricTradeoffLambda : options.metricTradeoffLambda?.[key];
  const set: Partial<MADSet> = {};
  try {
    for (const key of madSetKeys) {
      const { optimizes, minmax } = madSetRole(key);
      const mad = new MADCompetition(image, metrics[optimizes], metrics[optimizes === 1 ? 2 : 1], {
        minmax,
        initialNoise: options.initialNoise,
        metricTradeoffLambda: lambdaFor(key),
        rangePenaltyLambda: options.rangePenaltyLambda,
        allowedRange: options.allowedRange,
        rng: new Rng(seed),
      });
      set[key] = mad;
      await mad.synthesize({
        maxIter: options.maxIter,
        optimizer: options.optimizer?.(),
        scheduler: options.scheduler?.(),
        storeProgress: options.storeProgress,
        stopCriterion: options.stopCriterion,
        stopItersToCheck: options.stopItersToCheck,
        onProgress: options.onProgress ? (info) => options.onProgress!(key, info) : undefined,
        signal: options.signal,
        progressBar: options.progressBar,
      });
    }
  } catch (e) {
    for (const mad of Object.values(set)) mad.dispose();
    throw e;
  }
  return set as MADSet;
}

/** plenoptic's check before the set figures: all four syntheses must share the image (allclose). */
export async function checkSameImage(set: MADSet): Promise<void> {
  const reference = (await set.metric1Min.image.data()) as Float32Array;
  for (const key of madSetKeys.slice(1)) {
    const image = set[key].image;
    const same =
      image.shape.join(',') === set.metric1Min.image.shape.join(',') &&
      ((await image.data()) as Float32Array).every((v, i) => Math.abs(v - reference[i]) <= 1e-8 + 1e-5 * Math.abs(reference[i]));
    if (!same) {
      throw new ValueError(`All four instances of MADCompetition must have same image! ${key}'s image differs from metric1Min's; build all four from one image.`);
    }
  }
}
