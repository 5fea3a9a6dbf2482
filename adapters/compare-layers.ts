// The same synthesis run at several layers of one ONNX network: how the representation changes along the network
// shows in which image changes each layer is most and least sensitive to (eigendistortions, as Berardino et al.
// 2017 did for VGG16) or which images it cannot tell apart (metamers).
import { tf } from '../runtime/tf.js';
import { ValueError, throwIfAborted } from '../runtime/errors.js';
import type { ProgressInfo } from '../runtime/progress.js';
import { Rng } from '../runtime/rng.js';
import { decodeModel } from '../onnx/decode.js';
import { Eigendistortion, type EigendistortionSynthesizeOptions } from '../synth/eigendistortion.js';
import { Metamer } from '../synth/metamer.js';
import type { LossFunction } from '../synth/objectives.js';
import type { Optimizer } from '../synth/optimizers/optimizer.js';
import { resolveLayer, type LayerPreset } from './layers.js';
import { loadOnnxModel, type LoadOnnxOptions, type OnnxModel } from './onnx-model.js';
import { withPreprocessing } from './preprocess.js';
import { resnet18Preset } from './resnet18.js';
import { readSource } from './source.js';
import { vgg16Preset } from './vgg16.js';

export type CompareMethod = 'eigendistortion' | 'metamer';

interface CompareLayersCommon {
  /** Layer names as loadOnnxModel's `output` takes them (module paths, ONNX names, preset names). */
  layers: readonly string[];
  /** The image, [1, C, H, W] in [0, 1]. */
  image: tf.Tensor4D;
  /** How to load the network (preprocessing, grayToRgb, preset, executor); `output` is set per layer. */
  load?: Omit<LoadOnnxOptions, 'output'>;
  /** Seeds each layer's random start identically, so that the layers differ only by the network (default 0). */
  seed?: number;
  onProgress?: (layer: string, info: ProgressInfo) => void;
  signal?: AbortSignal;
}

export interface EigendistortionComparisonOptions
  extends CompareLayersCommon,
    Omit<EigendistortionSynthesizeOptions, 'onProgress' | 'signal' | 'progressBar' | 'rng' | 'method'> {
  method: 'eigendistortion';
  /** The eigendistortion method (default 'power'). */
  eigendistortionMethod?: EigendistortionSynthesizeOptions['method'];
}

export interface MetamerComparisonOptions extends CompareLayersCommon {
  method: 'metamer';
  maxIter?: number;
  /** A fresh optimizer for each layer (default Adam, lr 0.01, AMSGrad). */
  optimizer?: () => Optimizer;
  lossFunction?: string | LossFunction;
  /** Starting image for every layer (default: uniform noise from the seed). */
  initialImage?: tf.Tensor4D;
  stopCriterion?: number;
  stopItersToCheck?: number;
}

export type CompareLayersOptions = EigendistortionComparisonOptions | MetamerComparisonOptions;

export interface EigendistortionLayerSummary {
  eigenindex: number[];
  eigenvalues: number[];
}

export interface MetamerLayerSummary {
  losses: number[];
  finalLoss: number;
  iterations: number;
  stopReason: string | null;
}

export interface LayerComparisonRow {
  layer: string;
  /** Shape of the layer's output for the image. */
  outputShape: number[];
  seconds: number;
  summary: EigendistortionLayerSummary | MetamerLayerSummary;
  /**
   * [1, C, H, W] images for the figure, owned by the comparison: 'top' and (when computed) 'bottom' eigendistortion,
   * or 'metamer'.
   */
  images: Record<string, tf.Tensor4D>;
}

export interface LayerComparison {
  method: CompareMethod;
  /** The image every layer worked on. */
  image: tf.Tensor4D;
  rows: LayerComparisonRow[];
  /** Releases the image and the rows' images. */
  dispose(): void;
}

const presets: Record<string, LayerPreset> = { vgg16: vgg16Preset, resnet18: resnet18Preset };

/** Fails before any synthesis when a layer name is unknown (the error lists close matches) or repeated. */
function checkLayers(bytes: Uint8Array, label: string, layers: readonly string[], load: CompareLayersOptions['load']): void {
  if (layers.length === 0) throw new ValueError('compareLayers needs at least one layer name in `layers`.');
  const repeated = layers.find((l, i) => layers.indexOf(l) !== i);
  if (repeated !== undefined) throw new ValueError(`Layer '${repeated}' is listed twice in \`layers\`; list each layer once.`);
  const preset = typeof load?.preset === 'string' ? presets[load.preset] : load?.preset;
  const graph = withPreprocessing(decodeModel(bytes, label), load ?? {}).graph;
  for (const layer of layers) resolveLayer(graph, layer, preset);
}

type RowResult = Pick<LayerComparisonRow, 'summary' | 'images'>;

async function eigendistortionRow(image: tf.Tensor4D, model: OnnxModel, options: EigendistortionComparisonOptions, layer: string): Promise<RowResult> {
  const e = await Eigendistortion.create(image, model, { verbose: false });
  try {
    const { onProgress } = options;
    await e.synthesize({
      method: options.eigendistortionMethod,
      k: options.k,
      maxIter: options.maxIter,
      p: options.p,
      q: options.q,
      stopCriterion: options.stopCriterion,
      rng: new Rng(options.seed ?? 0),
      signal: options.signal,
      progressBar: false,
      onProgress: onProgress ? (info) => onProgress(layer, info) : undefined,
    });
    const eigenindex = e.eigenindex!;
    const eigenvalues = Array.from((await e.eigenvalues!.data()) as Float32Array);
    const at = (position: number) => tf.keep(tf.slice(e.eigendistortions!, [position, 0, 0, 0], [1, -1, -1, -1]));
    const images: Record<string, tf.Tensor4D> = { top: at(e.indexer(0)) };
    if (eigenindex.includes(e.inputDim - 1)) images.bottom = at(e.indexer(-1));
    return { summary: { eigenindex, eigenvalues }, images };
  } finally {
    e.dispose();
  }
}

async function metamerRow(image: tf.Tensor4D, model: OnnxModel, options: MetamerComparisonOptions, layer: string): Promise<RowResult> {
  const metamer = new Metamer(image, model, { initialImage: options.initialImage, lossFunction: options.lossFunction, rng: new Rng(options.seed ?? 0) });
  try {
    await metamer.synthesize({
      maxIter: options.maxIter,
      optimizer: options.optimizer?.(),
      stopCriterion: options.stopCriterion,
      stopItersToCheck: options.stopItersToCheck,
      signal: options.signal,
      progressBar: false,
      onProgress: options.onProgress ? (info) => options.onProgress!(layer, info) : undefined,
    });
    const losses = metamer.losses;
    return {
      summary: { losses, finalLoss: losses[losses.length - 1], iterations: losses.length, stopReason: metamer.stopReason },
      images: { metamer: tf.keep(metamer.metamer.clone()) as tf.Tensor4D },
    };
  } finally {
    metamer.dispose();
  }
}

/**
 * Runs one synthesis method at each of `layers` of the ONNX network `source` (a path, URL or bytes) on one image:
 * the network is loaded once per layer, tapped there, and released before the next. Returns one row per layer,
 * in the order given; dispose() the result when done.
 */
export async function compareLayers(source: string | Uint8Array | ArrayBuffer, options: CompareLayersOptions): Promise<LayerComparison> {
  const { layers, image, method } = options;
  if (method !== 'eigendistortion' && method !== 'metamer') {
    throw new ValueError(`method must be 'eigendistortion' or 'metamer', got '${String(method)}'.`);
  }
  if (!(image instanceof tf.Tensor) || image.rank !== 4 || image.shape[0] !== 1) {
    throw new ValueError(`image must be one image as a [1, C, H, W] tensor, got ${image instanceof tf.Tensor ? `shape [${image.shape.join(', ')}]` : typeof image}.`);
  }
  const { bytes, label } = await readSource(source);
  checkLayers(bytes, label, layers, options.load);
  const rows: LayerComparisonRow[] = [];
  const kept = tf.keep(image.clone());
  const comparison: LayerComparison = {
    method,
    image: kept,
    rows,
    dispose() {
      kept.dispose();
      for (const row of rows) Object.values(row.images).forEach((t) => t.dispose());
    },
  };
  try {
    for (const layer of layers) {
      throwIfAborted(options.signal);
      const start = performance.now();
      const model = await loadOnnxModel(bytes, { ...options.load, output: layer, name: `${label.split(/[\\/]/).pop()}#${layer}` });
      try {
        const representation = await model.forward(kept);
        const outputShape = representation.shape.slice();
        representation.dispose();
        const row = method === 'eigendistortion' ? await eigendistortionRow(kept, model, options, layer) : await metamerRow(kept, model, options, layer);
        rows.push({ layer, outputShape, ...row, seconds: (performance.now() - start) / 1000 });
      } finally {
        model.dispose();
      }
    }
  } catch (e) {
    comparison.dispose();
    throw e;
  }
  return comparison;
}
