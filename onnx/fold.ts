// Constant folding for a given input shape: Identity (and inference Dropout) are bypassed, every value computable
// at load time becomes an initializer (Constant, ConstantOfShape, Shape chains, arithmetic on initializers), and
// Reshape targets known up to the batch axis are rewritten with ONNX's 0 ("copy this dim"), so PyTorch's
// x.reshape(x.shape[0], 16, -1) keeps a dynamic batch without the Shape -> Gather -> Unsqueeze -> Concat chain.
import type { Dim, Graph, Node, OnnxModelIR } from './ir.js';
import { pruneToOutputs, withGraph } from './ir.js';
import { inferShapes, type Facts } from './shape-inference.js';
import { attrInt } from './attributes.js';
import { makeTensor, type TensorData } from './tensor-data.js';

export interface FoldResult {
  model: OnnxModelIR;
  /** Types (and known values) of the folded model's values. */
  facts: Facts;
}

/** Node outputs that pass their input through unchanged at inference. */
function passThrough(node: Node): boolean {
  if (node.opType === 'Identity') return true;
  if (node.opType !== 'Dropout') return false;
  return node.outputs.filter((o) => o).length === 1;
}

/** Rewires readers of Identity outputs to the Identity's input, except where the output is a graph output. */
function bypassIdentities(graph: Graph): Graph {
  const graphOutputs = new Set(graph.outputs.map((o) => o.name));
  const alias = new Map<string, string>();
  const resolve = (name: string): string => {
    let n = name;
    while (alias.has(n)) n = alias.get(n)!;
    return n;
  };
  const nodes: Node[] = [];
  for (const node of graph.nodes) {
    if (passThrough(node) && !graphOutputs.has(node.outputs[0])) {
      alias.set(node.outputs[0], resolve(node.inputs[0]));
      continue;
    }
    nodes.push({ ...node, inputs: node.inputs.map((i) => (i ? resolve(i) : i)) });
  }
  return { ...graph, nodes };
}

/** A Reshape target whose symbolic entries all copy the input's dim at the same position, as a constant with 0s. */
function zeroCopyTarget(node: Node, facts: Facts): TensorData | undefined {
  if (attrInt(node, 'allowzero', 0) === 1) return undefined;
  const target = facts.get(node.inputs[1])?.elements;
  const input = facts.get(node.inputs[0])?.shape;
  if (!target || !input) return undefined;
  const values: number[] = [];
  for (let i = 0; i < target.length; i++) {
    const d: Dim = target[i];
    if (typeof d === 'number') values.push(d);
    else if (d !== null && input[i] === d) values.push(0);
    else return undefined;
  }
  return makeTensor('int64', [values.length], values);
}

/**
 * Folds what is constant for the given input shapes (default: the declared ones, with their symbolic batch).
 * The result computes the same outputs; its initializers share memory with the source model's.
 */
export function foldConstants(model: OnnxModelIR, inputShapes: Record<string, readonly Dim[]> = {}): FoldResult {
  const bypassed = bypassIdentities(model.graph);
  const facts = inferShapes(withGraph(model, bypassed), inputShapes);
  const graphOutputs = new Set(bypassed.outputs.map((o) => o.name));
  const initializers = new Map(bypassed.initializers);
  const taken = new Set([...initializers.keys(), ...bypassed.nodes.flatMap((n) => n.outputs)]);
  const nodes: Node[] = [];
  for (const node of bypassed.nodes) {
    const constantOutputs = node.outputs.every((o) => !o || facts.get(o)?.constant);
    if (constantOutputs && !node.outputs.some((o) => graphOutputs.has(o))) continue;
    let inputs = node.inputs;
    if (node.opType === 'Reshape' && !facts.get(node.inputs[1])?.constant) {
      const target = zeroCopyTarget(node, facts);
      if (target) {
        let name = `${node.inputs[1]}_folded`;
        while (taken.has(name)) name += '_';
        taken.add(name);
        initializers.set(name, target);
        facts.set(name, { dtype: 'int64', shape: [...target.dims], constant: target });
        inputs = [node.inputs[0], name, ...node.inputs.slice(2)];
      }
    }
    for (const input of inputs) {
      const known = input ? facts.get(input)?.constant : undefined;
      if (known && !initializers.has(input)) initializers.set(input, known);
    }
    nodes.push(inputs === node.inputs ? node : { ...node, inputs });
  }
  const folded = pruneToOutputs(
    { ...bypassed, nodes, initializers },
    bypassed.outputs.map((o) => o.name),
  );
  return { model: withGraph(model, { ...folded, outputs: bypassed.outputs }), facts };
}
