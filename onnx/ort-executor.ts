// Forward passes of a graph on onnxruntime: the IR is written back to bytes with its spatial input size left
// open (the interpreter accepts any size the graph can process, so onnxruntime should too) and run through the
// runtime seam.
import { createOrtSession, type OrtSession, type OrtSessionOptions } from '../runtime/onnxruntime.js';
import { ValueError } from '../runtime/errors.js';
import { tf } from '../runtime/tf.js';
import { encodeModel } from './encode.js';
import type { OnnxModelIR } from './ir.js';

/**
 * The model as onnxruntime should see it: every input dim after the channel axis symbolic, and no declared
 * shapes for outputs and intermediates (onnxruntime warns when a declared shape disagrees with the run).
 */
export function withOpenSpatialSize(model: OnnxModelIR): OnnxModelIR {
  const graph = model.graph;
  return {
    ...model,
    graph: {
      ...graph,
      inputs: graph.inputs.map((v) => ({
        ...v,
        ...(v.shape ? { shape: v.shape.map((d, i) => (i === 0 ? (d ?? 'batch') : i === 1 ? d : `${v.name}_dim${i}`)) } : {}),
      })),
      outputs: graph.outputs.map(({ name, dtype }) => ({ name, dtype })),
      valueInfo: [],
    },
  };
}

export class OrtForward {
  private constructor(
    private readonly session: OrtSession,
    private readonly input: string,
    private readonly output: string,
  ) {}

  static async create(model: OnnxModelIR, options: OrtSessionOptions = {}): Promise<OrtForward> {
    const graph = model.graph;
    if (graph.inputs.length !== 1 || graph.outputs.length < 1) {
      throw new ValueError('onnxruntime forward needs a graph with one input and an output.');
    }
    const session = await createOrtSession(encodeModel(withOpenSpatialSize(model)), options);
    return new OrtForward(session, graph.inputs[0].name, graph.outputs[0].name);
  }

  get executionProvider(): string {
    return this.session.executionProvider;
  }

  get description(): string {
    return `${this.session.runtime} (${this.session.executionProvider}; ${this.session.reason})`;
  }

  /** Runs the graph on x and returns its first output as a new tensor. */
  async run(x: tf.Tensor): Promise<tf.Tensor> {
    const data = (await x.data()) as Float32Array;
    const results = await this.session.run({ [this.input]: { data, dims: x.shape } });
    const out = results[this.output];
    return tf.tensor(out.data, [...out.dims], 'float32');
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
