// An ONNX network as a Model served by onnxruntime alone. For each input shape (on first use) the gradient graphs
// are generated (linearization.ts) and each runs in its own session, created on first use and cached:
// - forward: the network alone;
// - vjp / jvp at an image met for the first time: one fused graph computing the forward pass and the product;
// - a second product at the same image: the forward graph that also returns the activations and masks the
//   products need, kept for that image, then a product-only graph reading them; every further product there runs
//   only the product-only graph (an eigendistortion's Fisher products all linearize at one image);
// - forward, once products have been asked for: that same capturing forward graph, so the product that follows
//   at the image (a synthesis step is forward then vjp) runs product-only instead of repeating the forward pass.
// Where no product graph can be generated (an op without a gradient rule), vjp and jvp fall back, with a warning,
// to the tfjs interpreter, which stays the reference for both. There is deliberately no tfjsForward: synthesis then
// asks for forward + vjp instead of differentiating the (much slower) interpreter itself.
import { ValueError } from '../../runtime/errors.js';
import type { Model } from '../../runtime/model.js';
import {
  createOrtSession,
  onnxruntimeStatus,
  type ExecutionProvider,
  type OrtSession,
  type OrtSessionOptions,
  type OrtTensorData,
} from '../../runtime/onnxruntime.js';
import { tf } from '../../runtime/tf.js';
import { warn } from '../../runtime/warnings.js';
import { encodeModel } from '../encode.js';
import { InterpretedModel } from '../interpreter/model.js';
import type { OnnxModelIR } from '../ir.js';
import { withOpenSpatialSize } from '../open-spatial-size.js';
import { nodesWithoutGradient } from './driver.js';
import { buildGradientGraphs, type GradientGraphs } from './linearization.js';
import { GradientRuleError } from './rule.js';

export interface OrtModelOptions {
  /** onnxruntime provider(s); default PLENOPTIC_ORT_EP, else the seam's choice (see runtime/onnxruntime.ts). */
  executionProvider?: OrtSessionOptions['executionProvider'];
  /** Intra-op threads of each session. Default: PLENOPTIC_ORT_THREADS, else onnxruntime's own choice (every core). */
  intraOpNumThreads?: number;
  /** Runs vjp / jvp where no product graph can be generated. Default: the tfjs interpreter of the same graph. */
  fallback?: Model;
}

/** The graphs and sessions of one input shape. */
interface ShapeEntry {
  key: string;
  /** null when the products cannot be generated for this shape (they run on the fallback). */
  graphs: GradientGraphs | null;
  sessions: Map<string, Promise<OrtSession>>;
}

/** An image, kept to recognise the next call at the same one. */
interface Seen {
  key: string;
  image: Float32Array;
  dims: number[];
}

/** The forward values the product-only graphs read, at one image. */
interface Captured extends Seen {
  values: Record<string, OrtTensorData>;
}

/** Shapes whose graphs and sessions are kept; synthesis uses one or two. */
const SHAPE_CACHE_SIZE = 3;

function defaultThreads(): number | undefined {
  const fromEnv = typeof process !== 'undefined' ? Number(process.env?.PLENOPTIC_ORT_THREADS) : NaN;
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : undefined;
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class OrtModel implements Model {
  private readonly shapes = new Map<string, ShapeEntry>();
  private captured: Captured | null = null;
  /** The image of the last product computed by a fused graph. */
  private lastProduct: Seen | null = null;
  /** Whether vjp or jvp has been called: from then on forward keeps what the products read. */
  private productsAsked = false;
  /** How many times each graph ran ('forward', 'vjp', 'linearize', 'vjp at linearization', ...): for profiling. */
  readonly graphRuns = new Map<string, number>();
  private fallbackModel: Model | null;
  /** Whether the fallback was made here (and is disposed here). */
  private readonly ownsFallback: boolean;
  private readonly sessionOptions: OrtSessionOptions;
  /** Why products cannot be generated for any shape, when an op has no rule. */
  private readonly unsupported: string | null;
  private provider: ExecutionProvider | null = null;
  private providerReason = '';

  private constructor(
    readonly name: string,
    /** The network, its first output being the value the model returns. */
    readonly graph: OnnxModelIR,
    options: OrtModelOptions,
  ) {
    this.fallbackModel = options.fallback ?? null;
    this.ownsFallback = !options.fallback;
    this.sessionOptions = { executionProvider: options.executionProvider, intraOpNumThreads: options.intraOpNumThreads ?? defaultThreads() };
    const missing = nodesWithoutGradient(graph);
    this.unsupported = missing.length
      ? `no gradient rule for ${[...new Set(missing.map((n) => n.opType))].join(', ')} (node '${missing[0].name}')`
      : null;
    if (this.unsupported) {
      warn(`${name}: ${this.unsupported}; vjp and jvp run on the tfjs interpreter (much slower than onnxruntime).`);
    }
  }

  /**
   * A Model running `graph` (one image input; its first output is the model's output) on onnxruntime. Sessions
   * are created on first use for each input shape.
   */
  static async create(name: string, graph: OnnxModelIR, options: OrtModelOptions = {}): Promise<OrtModel> {
    if (graph.graph.inputs.length !== 1 || graph.graph.outputs.length < 1) {
      throw new ValueError(`${name}: onnxruntime products need a graph with one input and an output.`);
    }
    return new OrtModel(name, graph, options);
  }

  /** The onnxruntime provider the sessions run on ('cpu', 'cuda', 'webgpu' or 'wasm'); null before the first run. */
  get executionProvider(): ExecutionProvider | null {
    return this.provider;
  }

  /** How the model runs, in words. */
  get description(): string {
    const where = this.provider ? `onnxruntime ${this.provider} (${this.providerReason})` : 'onnxruntime (no session yet)';
    const products = this.unsupported ? `vjp/jvp on the tfjs interpreter (${this.unsupported})` : 'vjp/jvp from generated gradient graphs';
    const threads = this.sessionOptions.intraOpNumThreads;
    return `${where}; ${products}; ${threads ? `${threads} intra-op thread(s)` : "onnxruntime's default intra-op threads"}`;
  }

  private get output(): string {
    return this.graph.graph.outputs[0].name;
  }

  private fallback(): Model {
    this.fallbackModel ??= new InterpretedModel(this.name, this.graph, this.output);
    return this.fallbackModel;
  }

  private entry(shape: readonly number[]): ShapeEntry {
    const key = shape.join('x');
    let entry = this.shapes.get(key);
    if (entry) {
      this.shapes.delete(key);
      this.shapes.set(key, entry);
      return entry;
    }
    entry = { key, graphs: this.unsupported ? null : this.generate(shape), sessions: new Map() };
    this.shapes.set(key, entry);
    if (this.shapes.size > SHAPE_CACHE_SIZE) {
      const [oldestKey, oldest] = this.shapes.entries().next().value as [string, ShapeEntry];
      this.shapes.delete(oldestKey);
      release(oldest);
    }
    return entry;
  }

  private generate(shape: readonly number[]): GradientGraphs | null {
    try {
      return buildGradientGraphs(this.graph, this.output, shape);
    } catch (e) {
      if (!(e instanceof GradientRuleError)) {
        if (e instanceof ValueError) throw new ValueError(`${this.name} cannot process an input of shape [${shape.join(', ')}]: ${e.message}`);
        throw e;
      }
      warn(`${this.name}: cannot generate gradient graphs for input [${shape.join(', ')}] (${e.message}); vjp and jvp run on the tfjs interpreter.`);
      return null;
    }
  }

  /** Runs graph `role` of the entry (its session made on first use) on float32 feeds. */
  private async run(entry: ShapeEntry, role: string, graph: OnnxModelIR, feeds: Record<string, OrtTensorData>): Promise<Record<string, OrtTensorData>> {
    let session = entry.sessions.get(role);
    if (!session) {
      session = createOrtSession(encodeModel(graph), this.sessionOptions).then((s) => {
        this.provider = s.executionProvider;
        this.providerReason = s.reason;
        return s;
      });
      entry.sessions.set(role, session);
    }
    this.graphRuns.set(role, (this.graphRuns.get(role) ?? 0) + 1);
    return (await session).run(feeds);
  }

  private checkImage(x: tf.Tensor): void {
    if (x.rank !== 4 || x.dtype !== 'float32') {
      throw new ValueError(`${this.name} takes a float32 NCHW image batch, got ${x.dtype} of shape [${x.shape.join(', ')}].`);
    }
  }

  private async image(x: tf.Tensor4D, entry: ShapeEntry): Promise<Seen> {
    return { key: entry.key, image: (await x.data()) as Float32Array, dims: x.shape };
  }

  /** What the product-only graphs read at this image, computing and keeping it when `capture` is set. */
  private async linearized(entry: ShapeEntry, graphs: GradientGraphs, seen: Seen, capture: boolean): Promise<Record<string, OrtTensorData> | null> {
    const same = (other: Seen | null) => !!other && other.key === seen.key && sameValues(other.image, seen.image);
    if (same(this.captured)) return this.captured!.values;
    if (!capture) return null;
    const lin = graphs.linearization;
    // A copy: the backend may hand out its own buffer, which must not change under the cache.
    const image = seen.image.slice();
    const values = await this.run(entry, 'linearize', lin.forward, { [lin.input]: { data: image, dims: seen.dims } });
    values[lin.input] = { data: image, dims: seen.dims };
    this.captured = { ...seen, image, values };
    this.lastProduct = null;
    return values;
  }

  private async product(kind: 'vjp' | 'jvp', x: tf.Tensor4D, vector: tf.Tensor): Promise<tf.Tensor | null> {
    const entry = this.entry(x.shape);
    const graphs = entry.graphs;
    if (!graphs) return null;
    this.productsAsked = true;
    const seen = await this.image(x, entry);
    const vectorData = { data: (await vector.data()) as Float32Array, dims: vector.shape };
    const repeated = !!this.lastProduct && this.lastProduct.key === seen.key && sameValues(this.lastProduct.image, seen.image);
    const values = await this.linearized(entry, graphs, seen, repeated);
    let out: OrtTensorData;
    if (values) {
      const product = graphs.linearization[kind];
      const feeds: Record<string, OrtTensorData> = { [product.vector]: vectorData };
      for (const name of product.reads) feeds[name] = values[name];
      out = (await this.run(entry, `${kind} at linearization`, product.model, feeds))[product.output];
    } else {
      const fused = graphs[kind];
      out = (await this.run(entry, kind, fused.model, { [fused.input]: { data: seen.image, dims: seen.dims }, [fused.vector]: vectorData }))[fused.output];
      this.lastProduct = { ...seen, image: seen.image.slice() };
    }
    return tf.tensor(out.data, [...out.dims], 'float32');
  }

  async forward(x: tf.Tensor4D): Promise<tf.Tensor> {
    this.checkImage(x);
    const entry = this.entry(x.shape);
    const graphs = entry.graphs;
    const seen = await this.image(x, entry);
    const kept = graphs && (await this.linearized(entry, graphs, seen, this.productsAsked));
    let y: OrtTensorData;
    if (kept) y = kept[graphs.linearization.output];
    else if (graphs) y = (await this.run(entry, 'forward', graphs.forward, { [graphs.linearization.input]: { data: seen.image, dims: seen.dims } }))[graphs.linearization.output];
    else {
      // Without gradient graphs the network still runs on onnxruntime, as it is.
      const open = withOpenSpatialSize(this.graph);
      y = (await this.run(entry, 'network', open, { [this.graph.graph.inputs[0].name]: { data: seen.image, dims: seen.dims } }))[this.output];
    }
    return tf.tensor(y.data, [...y.dims], 'float32');
  }

  async vjp(x: tf.Tensor4D, cotangent: tf.Tensor): Promise<tf.Tensor4D> {
    this.checkImage(x);
    const expected = this.entry(x.shape).graphs?.linearization.outputShape;
    if (expected && (cotangent.shape.length !== expected.length || cotangent.shape.some((d, i) => d !== expected[i]))) {
      throw new ValueError(
        `${this.name}: the cotangent has shape [${cotangent.shape.join(', ')}], but the output for an input of shape ` +
          `[${x.shape.join(', ')}] has shape [${expected.join(', ')}].`,
      );
    }
    return ((await this.product('vjp', x, cotangent)) ?? (await this.fallback().vjp(x, cotangent))) as tf.Tensor4D;
  }

  async jvp(x: tf.Tensor4D, tangent: tf.Tensor4D): Promise<tf.Tensor> {
    this.checkImage(x);
    if (tangent.shape.length !== 4 || tangent.shape.some((d, i) => d !== x.shape[i])) {
      throw new ValueError(`${this.name}: the tangent has shape [${tangent.shape.join(', ')}]; it must match the image's [${x.shape.join(', ')}].`);
    }
    return (await this.product('jvp', x, tangent)) ?? this.fallback().jvp(x, tangent);
  }

  dispose(): void {
    for (const entry of this.shapes.values()) release(entry);
    this.shapes.clear();
    this.captured = null;
    this.lastProduct = null;
    if (this.ownsFallback) {
      this.fallbackModel?.dispose?.();
      this.fallbackModel = null;
    }
  }
}

function release(entry: ShapeEntry): void {
  for (const session of entry.sessions.values()) void session.then((s) => s.release()).catch(() => undefined);
}

/**
 * The executor for an ONNX graph (one image input; its first output is the model's output): an OrtModel when
 * onnxruntime can be loaded here, else the tfjs interpreter. `executor` forces one ('ort' fails without onnxruntime).
 */
export async function onnxGraphModel(
  name: string,
  graph: OnnxModelIR,
  options: OrtModelOptions & { executor?: 'ort' | 'tfjs' } = {},
): Promise<{ model: Model; executor: 'ort' | 'tfjs'; reason: string }> {
  const { executor, ...ortOptions } = options;
  if (executor !== undefined && executor !== 'ort' && executor !== 'tfjs') {
    throw new ValueError(`executor must be 'ort' or 'tfjs', got '${String(executor)}'.`);
  }
  const interpreted = () => new InterpretedModel(name, graph, graph.graph.outputs[0].name);
  if (executor === 'tfjs') return { model: interpreted(), executor: 'tfjs', reason: 'requested' };
  const status = await onnxruntimeStatus();
  if (!status.available) {
    if (executor === 'ort') throw new ValueError(`executor 'ort' was requested but onnxruntime is not available: ${status.reason}`);
    return { model: interpreted(), executor: 'tfjs', reason: `onnxruntime unavailable: ${status.reason}` };
  }
  return { model: await OrtModel.create(name, graph, ortOptions), executor: 'ort', reason: executor === 'ort' ? 'requested' : 'default' };
}
