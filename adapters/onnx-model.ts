// An exported network as a Model: load, preprocess, tap a layer, run. By default everything runs on onnxruntime
// (forward, and vjp / jvp through generated gradient graphs, onnx/autodiff) when it is installed; the tfjs
// interpreter is the fallback and the reference ('tfjs' executor), and only it offers tfjsForward (synthesis
// then differentiates loss∘model in one tfjs pass; with onnxruntime it asks for forward + vjp instead).
import { ValueError } from '../runtime/errors.js';
import type { Model } from '../runtime/model.js';
import { onnxruntimeStatus, type ExecutionProvider } from '../runtime/onnxruntime.js';
import { tf } from '../runtime/tf.js';
import { OrtModel, type OrtModelOptions } from '../onnx/autodiff/ort-model.js';
import { decodeModel } from '../onnx/decode.js';
import { encodeModel } from '../onnx/encode.js';
import { InterpretedModel } from '../onnx/interpreter/model.js';
import type { Dim, OnnxModelIR } from '../onnx/ir.js';
import { pruneToOutputs, withGraph } from '../onnx/ir.js';
import { inferShapes } from '../onnx/shape-inference.js';
import { checkSupported } from '../onnx/support.js';
import { layerEntries, resolveLayer, type LayerEntry, type LayerPreset } from './layers.js';
import { withPreprocessing, type PreprocessOptions } from './preprocess.js';
import { resnet18Preset } from './resnet18.js';
import { readSource, writeBytes } from './source.js';
import { vgg16Preset } from './vgg16.js';

export type Executor = 'ort' | 'tfjs';

export interface LoadOnnxOptions extends PreprocessOptions {
  /**
   * The value to return: an ONNX value or node name, a PyTorch module path ("features.11", "layer2"), or a
   * preset name ("relu3_3"). Default: the graph's first output.
   */
  output?: string;
  /**
   * What runs forward, vjp and jvp: 'ort' (onnxruntime with generated gradient graphs; the default when it is
   * installed) or 'tfjs' (the interpreter).
   */
  executor?: Executor;
  /** onnxruntime provider(s); default PLENOPTIC_ORT_EP, else the seam's choice (see runtime/onnxruntime.ts). */
  executionProvider?: OrtModelOptions['executionProvider'];
  /** onnxruntime intra-op threads per session; default PLENOPTIC_ORT_THREADS, else onnxruntime's own choice. */
  intraOpNumThreads?: number;
  /** Friendly layer names of a known architecture. */
  preset?: LayerPreset | 'vgg16' | 'resnet18';
  name?: string;
}

const presets: Record<string, LayerPreset> = { vgg16: vgg16Preset, resnet18: resnet18Preset };

function presetOf(preset: LoadOnnxOptions['preset']): LayerPreset | undefined {
  if (preset === undefined || typeof preset !== 'string') return preset;
  const found = presets[preset];
  if (!found) throw new ValueError(`Unknown preset '${preset}'. Choose one of: ${Object.keys(presets).join(', ')}.`);
  return found;
}

export class OnnxModel implements Model {
  private readonly checkedShapes = new Set<string>();
  /** Present only on the 'tfjs' executor: the interpreter differentiated by tfjs itself. */
  readonly tfjsForward?: (x: tf.Tensor4D) => tf.Tensor;

  private constructor(
    readonly name: string,
    /** The network with preprocessing, whole: what listLayers looks at. */
    readonly fullModel: OnnxModelIR,
    /** The network with preprocessing, truncated at the tapped value: what runs and what saveTappedModel writes. */
    readonly tappedModel: OnnxModelIR,
    /** The layer name as given (or the graph output). */
    readonly layer: string,
    readonly preset: LayerPreset | undefined,
    /** The tfjs interpreter of the tapped network: the 'tfjs' executor, and the 'ort' one's fallback. */
    private readonly interpreter: InterpretedModel,
    private readonly ort: OrtModel | null,
    /** Why this executor (requested, default, or why onnxruntime could not be used). */
    private readonly executorReason: string,
  ) {
    if (!ort) {
      this.tfjsForward = (x: tf.Tensor4D) => {
        this.checkInput(x);
        this.checkSize(x.shape);
        return interpreter.tfjsForward(x);
      };
    }
  }

  /** The executor forward, vjp and jvp use. */
  get executor(): Executor {
    return this.ort ? 'ort' : 'tfjs';
  }

  /** onnxruntime's provider ('cpu', 'cuda', 'webgpu', 'wasm') once a session ran; null on the tfjs executor or before. */
  get executionProvider(): ExecutionProvider | null {
    return this.ort?.executionProvider ?? null;
  }

  /** How the model runs, in words (executor, provider, and why). */
  get executorInfo(): string {
    return this.ort ? `${this.ort.description} (${this.executorReason})` : `tfjs interpreter (${this.executorReason})`;
  }

  /** Channels the model takes (1 when loaded with grayToRgb). */
  get inputChannels(): number | null {
    const c = this.tappedModel.graph.inputs[0].shape?.[1];
    return typeof c === 'number' ? c : null;
  }

  static async load(source: string | Uint8Array | ArrayBuffer, options: LoadOnnxOptions = {}): Promise<OnnxModel> {
    const { bytes, label } = await readSource(source);
    const decoded = decodeModel(bytes, label);
    checkSupported(decoded, label);
    const inputs = decoded.graph.inputs;
    if (inputs.length !== 1 || (inputs[0].shape && inputs[0].shape.length !== 4)) {
      throw new ValueError(
        `${label} takes ${inputs.map((i) => `'${i.name}' [${i.shape?.join(', ') ?? '?'}]`).join(', ')}; ` +
          'only networks with one NCHW image input are supported.',
      );
    }
    const preset = presetOf(options.preset);
    const full = withPreprocessing(decoded, options);
    const layer = options.output ?? decoded.graph.outputs[0].name;
    const tap = resolveLayer(full.graph, layer, preset);
    const tapped = withGraph(full, pruneToOutputs(full.graph, [tap]));
    const base = label.split(/[\\/]/).pop()!.replace(/\.onnx$/, '');
    const name = options.name ?? (options.output ? `${base}#${options.output}` : base);
    const interpreter = new InterpretedModel(name, tapped, tapped.graph.outputs[0].name);
    const { ort, reason } = await chooseExecutor(name, tapped, interpreter, options);
    return new OnnxModel(name, full, tapped, layer, preset, interpreter, ort, reason);
  }

  private checkInput(x: tf.Tensor): void {
    if (x.rank !== 4) {
      throw new ValueError(`${this.name} takes a 4-D NCHW image batch, got shape [${x.shape.join(', ')}].`);
    }
    const expected = this.inputChannels;
    const channels = x.shape[1];
    if (expected !== null && channels !== expected) {
      const hint =
        expected === 3 && channels === 1
          ? ' Load the model with grayToRgb: true to repeat a gray image over RGB.'
          : expected === 1 && channels === 3
            ? ' The model was loaded with grayToRgb: true; pass gray images or load it without grayToRgb.'
            : '';
      throw new ValueError(`${this.name} expects ${expected} input channel(s), got ${channels} (shape [${x.shape.join(', ')}]).${hint}`);
    }
  }

  /** Checks, once per shape, that the graph can process an input of this size (shape inference only). */
  private checkSize(shape: readonly number[]): void {
    const key = shape.join('x');
    if (this.checkedShapes.has(key)) return;
    try {
      inferShapes(this.tappedModel, { [this.tappedModel.graph.inputs[0].name]: shape });
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      throw new ValueError(`${this.name} cannot process an input of shape [${shape.join(', ')}]: ${e.message}`);
    }
    this.checkedShapes.add(key);
  }

  private executorFor(x: tf.Tensor): Model {
    this.checkInput(x);
    this.checkSize(x.shape);
    return this.ort ?? this.interpreter;
  }

  async forward(x: tf.Tensor4D): Promise<tf.Tensor> {
    return this.executorFor(x).forward(x);
  }

  async vjp(x: tf.Tensor4D, cotangent: tf.Tensor): Promise<tf.Tensor4D> {
    return this.executorFor(x).vjp(x, cotangent);
  }

  async jvp(x: tf.Tensor4D, tangent: tf.Tensor4D): Promise<tf.Tensor> {
    return this.executorFor(x).jvp(x, tangent);
  }

  dispose(): void {
    this.ort?.dispose();
    this.interpreter.dispose();
  }
}

async function chooseExecutor(
  name: string,
  model: OnnxModelIR,
  interpreter: InterpretedModel,
  options: LoadOnnxOptions,
): Promise<{ ort: OrtModel | null; reason: string }> {
  const wanted = options.executor;
  if (wanted !== undefined && wanted !== 'ort' && wanted !== 'tfjs') {
    throw new ValueError(`executor must be 'ort' or 'tfjs', got '${String(wanted)}'.`);
  }
  if (wanted === 'tfjs') return { ort: null, reason: 'requested' };
  const status = await onnxruntimeStatus();
  if (!status.available) {
    if (wanted === 'ort') throw new ValueError(`executor 'ort' was requested but onnxruntime is not available: ${status.reason}`);
    return { ort: null, reason: `onnxruntime unavailable: ${status.reason}` };
  }
  const ort = await OrtModel.create(name, model, {
    executionProvider: options.executionProvider,
    intraOpNumThreads: options.intraOpNumThreads,
    fallback: interpreter,
  });
  return { ort, reason: wanted === 'ort' ? 'requested' : 'default' };
}

/**
 * Loads an ONNX image network (exported from PyTorch, opsets 11-18) as a Model. See LoadOnnxOptions for tapping
 * a layer, preprocessing and the executor.
 */
export function loadOnnxModel(source: string | Uint8Array | ArrayBuffer, options: LoadOnnxOptions = {}): Promise<OnnxModel> {
  return OnnxModel.load(source, options);
}

export interface LayerInfo extends LayerEntry {
  /** Output shape for the given input shape; null where it could not be inferred. */
  shape: Dim[] | null;
}

/**
 * The layers of the whole network (not just up to the tap) with their output shapes for `inputShape` (NCHW of
 * the model's input, after grayToRgb; default: the shape the model was exported with, batch 1).
 */
export function listLayers(model: OnnxModel, inputShape?: readonly number[]): LayerInfo[] {
  const full = model.fullModel;
  const input = full.graph.inputs[0];
  const shape = inputShape ?? input.shape?.map((d, i) => (i === 0 && typeof d !== 'number' ? 1 : d));
  if (!shape || shape.some((d) => typeof d !== 'number')) {
    throw new ValueError(`The model's input size is not fixed ([${input.shape?.join(', ')}]); pass an inputShape such as [1, 3, 224, 224].`);
  }
  const facts = inferShapes(full, { [input.name]: shape as number[] }, { stopAtError: true });
  // Values known at load time (Constant nodes, shape arithmetic) do not depend on the image: not layers.
  return layerEntries(full.graph, model.preset)
    .filter((entry) => !facts.get(entry.value)?.constant)
    .map((entry) => ({ ...entry, shape: facts.get(entry.value)?.shape ?? null }));
}

/** The tapped network (preprocessing included) as ONNX bytes. */
export function tappedModelBytes(model: OnnxModel): Uint8Array {
  return encodeModel(model.tappedModel);
}

/**
 * Writes the tapped network as a standalone .onnx file: it maps a [0, 1] image to the tapped layer, with the
 * preprocessing built in, so load it back with preprocess 'none' and without grayToRgb.
 */
export async function saveTappedModel(model: OnnxModel, path: string): Promise<void> {
  await writeBytes(path, tappedModelBytes(model));
}
