import type { Model } from '../runtime/model.js';
import { builtinModels, createModel, type ModelOptions } from '../models/registry.js';
import { loadOnnxModel, OnnxModel, type LoadOnnxOptions } from '../adapters/onnx-model.js';
import { UsageError } from './args.js';

/** An ONNX file, optionally with the output to use: 'net.onnx' or 'net.onnx#layer3'. */
const onnxSpec = /^(.*\.onnx)(?:#(.+))?$/i;

function checkOptions(options: unknown): ModelOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new UsageError(`--options must be a JSON object such as '{"kernelSize":[31,31],"std":3}', got ${JSON.stringify(options)}.`);
  }
  return options as ModelOptions;
}

export interface ModelContext {
  /**
   * The images' NCHW shape: models built for one image size (imageShape option) default to its [h, w], and an ONNX
   * network taking RGB is loaded with grayToRgb for gray images (unless the options set grayToRgb).
   */
  imageShape?: readonly number[];
}

/**
 * The model a `--model` argument names: a built-in model's kebab-case name (options as camelCase JSON), or an
 * ONNX file, 'FILE.onnx#LAYER' tapping a layer (options: LoadOnnxOptions, e.g. {"preprocess":"imagenet",
 * "grayToRgb":true}). Each source is one branch here.
 */
export async function resolveModel(spec: string, rawOptions?: unknown, context: ModelContext = {}): Promise<Model> {
  let options = checkOptions(rawOptions);
  const onnx = onnxSpec.exec(spec);
  if (onnx) {
    const [, path, layer] = onnx;
    const load = (extra: LoadOnnxOptions) => loadOnnxModel(path, { ...(options as LoadOnnxOptions), ...(layer ? { output: layer } : {}), ...extra });
    try {
      const model = await load({});
      // the CLI reads images as gray: an RGB network gets its gray image repeated over the three channels
      const gray = context.imageShape?.[1] === 1;
      if (!gray || options.grayToRgb !== undefined || model.inputChannels !== 3) return model;
      model.dispose();
      return await load({ grayToRgb: true });
    } catch (e) {
      throw new UsageError(`cannot load ONNX model '${spec}': ${(e as Error).message}`);
    }
  }
  if (!Object.hasOwn(builtinModels, spec)) {
    throw new UsageError(`unknown model '${spec}'. Known models: ${Object.keys(builtinModels).join(', ')} (or a FILE.onnx).`);
  }
  const shape = context.imageShape;
  if (shape && options.imageShape === undefined && builtinModels[spec].optionNames.includes('imageShape')) {
    options = { ...options, imageShape: shape.slice(-2) };
  }
  try {
    return createModel(spec, options);
  } catch (e) {
    throw new UsageError(`cannot build model '${spec}' with options ${JSON.stringify(options)}: ${(e as Error).message}`);
  }
}

/** For summaries: how an ONNX network ran (executor, onnxruntime provider, threads); nothing for other models. */
export function onnxExecution(model: Model | undefined): { onnxExecution?: string } {
  return model instanceof OnnxModel ? { onnxExecution: model.executorInfo } : {};
}
