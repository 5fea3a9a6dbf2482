import type { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { metricFromFunction, type Metric } from '../../runtime/metric.js';
import { mse } from './mse.js';
import { msSsim, type MsSsimOptions } from './ms-ssim.js';
import { nlpd } from './nlpd.js';
import { ssim, type SsimOptions } from './ssim.js';

export { mse } from './mse.js';
export { ssim, ssimMap, type SsimOptions } from './ssim.js';
export { msSsim, DEFAULT_POWER_FACTORS, type MsSsimOptions } from './ms-ssim.js';
export { nlpd, normalizedLaplacianPyramid } from './nlpd.js';
export { NLP } from './nlp.js';
export { modelMetric } from './model-metric.js';

export type BuiltinMetricName = 'mse' | 'ssim' | 'ms-ssim' | 'nlpd';

/** A built-in metric as the CLI and MAD see it. */
export interface BuiltinMetric {
  readonly name: BuiltinMetricName;
  readonly description: string;
  /** The option names compute and asDistance accept. */
  readonly optionNames: readonly string[];
  /** plenoptic's function, [batch, channel]: SSIM and MS-SSIM are similarities (1 = identical). */
  compute(img1: tf.Tensor4D, img2: tf.Tensor4D, options?: Record<string, unknown>): tf.Tensor2D;
  /**
   * A Metric that is 0 on identical images, as MAD needs (validateMetric): mse, 1 − ssim, 1 − ms-ssim, and
   * nlpd − 1e-5 (nlpd's square-root epsilon makes it 1e-5 on identical images).
   */
  asDistance(options?: Record<string, unknown>): Metric;
}

function checkOptions(name: string, options: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(options).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new ValueError(
      `Unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for metric '${name}'. ` +
        (allowed.length ? `It accepts: ${allowed.join(', ')}.` : 'It takes no options.'),
    );
  }
}

function builtin(
  name: BuiltinMetricName,
  description: string,
  optionNames: readonly string[],
  compute: (img1: tf.Tensor4D, img2: tf.Tensor4D, options: Record<string, unknown>) => tf.Tensor2D,
  toDistance: (value: tf.Tensor2D) => tf.Tensor,
): BuiltinMetric {
  const checked = (img1: tf.Tensor4D, img2: tf.Tensor4D, options: Record<string, unknown> = {}) => {
    checkOptions(name, options, optionNames);
    return compute(img1, img2, options);
  };
  return {
    name,
    description,
    optionNames,
    compute: checked,
    asDistance(options = {}) {
      checkOptions(name, options, optionNames);
      return metricFromFunction((a, b) => toDistance(compute(a, b, options)), name);
    },
  };
}

const identity = (v: tf.Tensor2D) => v;
const oneMinus = (v: tf.Tensor2D) => v.neg().add(1);

/** The metrics the `plenoptic metric` command and MAD know by name. */
export const builtinMetrics: Record<BuiltinMetricName, BuiltinMetric> = {
  mse: builtin('mse', 'mean-squared error over height and width', [], (a, b) => mse(a, b), identity),
  ssim: builtin('ssim', 'structural similarity index (1 = identical)', ['weighted', 'pad'], (a, b, o) => ssim(a, b, o as SsimOptions), oneMinus),
  'ms-ssim': builtin('ms-ssim', 'multiscale structural similarity (1 = identical)', ['powerFactors'], (a, b, o) => msSsim(a, b, o as MsSsimOptions), oneMinus),
  nlpd: builtin('nlpd', 'normalized Laplacian pyramid distance', [], (a, b) => nlpd(a, b), (v) => v.sub(1e-5)),
};
