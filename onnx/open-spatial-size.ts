// A graph as onnxruntime should run it when its input size is not fixed in advance: the interpreter accepts any
// size the graph can process, so onnxruntime should too.
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
