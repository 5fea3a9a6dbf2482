import type { Model } from '../runtime/model.js';
import type { Metric } from '../runtime/metric.js';
import { builtinMetrics, type BuiltinMetricName } from '../models/metrics/index.js';
import { builtinModels } from '../models/registry.js';
import { UsageError } from './args.js';
import { resolveModel, type ModelContext } from './resolve-model.js';

export interface ResolvedMetric {
  /** A built-in metric as a distance (0 on identical images), or a model, whose representation distance is used. */
  metric: Metric | Model;
  /** The name as given. */
  label: string;
  dispose(): void;
}

/**
 * The metric a `--optimized` / `--reference` / `--metric1` argument names: a built-in metric (mse, ssim, ms-ssim,
 * nlpd; SSIM and MS-SSIM become 1 − similarity), or a model — a built-in model's name or FILE.onnx[#LAYER] — whose
 * representation distance (plenoptic's model_metric) is the metric.
 */
export async function resolveMetric(spec: string, rawOptions: unknown, what: string, context: ModelContext = {}): Promise<ResolvedMetric> {
  if (Object.hasOwn(builtinMetrics, spec)) {
    const options = rawOptions ?? {};
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new UsageError(`${what}-options must be a JSON object such as '{"weighted":true}', got ${JSON.stringify(options)}.`);
    }
    try {
      const metric = builtinMetrics[spec as BuiltinMetricName].asDistance(options as Record<string, unknown>);
      return { metric, label: spec, dispose: () => metric.dispose?.() };
    } catch (e) {
      throw new UsageError(`cannot use metric '${spec}' with options ${JSON.stringify(options)}: ${(e as Error).message}`);
    }
  }
  if (!Object.hasOwn(builtinModels, spec) && !/\.onnx(#.+)?$/i.test(spec)) {
    throw new UsageError(
      `unknown metric '${spec}' in ${what}. Use a metric (${Object.keys(builtinMetrics).join(', ')}), a built-in model ` +
        `(its representation distance; see 'plenoptic models') or FILE.onnx[#LAYER].`,
    );
  }
  const model = await resolveModel(spec, rawOptions, context);
  return { metric: model, label: spec, dispose: () => model.dispose?.() };
}
