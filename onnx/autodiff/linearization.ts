// The vjp and jvp split at the forward pass, beside the fused forms (driver.ts). One graph computes the network's
// output and everything the products need that does not depend on the cotangent or tangent: the activations they
// read and the masks built from them (Relu's y > 0, MaxPool's first-maximum taps), which are hoisted out of the
// products. Two product-only graphs take those values as inputs. An executor that keeps them for an image answers
// every further product there with one pass instead of two: an eigendistortion's Fisher products J(x)ᵀJ(x)v all
// linearize at one image, and so do the rows of a Jacobian. Boolean masks cross between graphs as float32 (what
// the runtime seam carries).
import { attr, makeNode } from '../attributes.js';
import type { Graph, Node, OnnxModelIR, ValueInfo } from '../ir.js';
import { pruneToOutputs, withGraph } from '../ir.js';
import { OnnxDataType } from '../schema.js';
import {
  emitJvp,
  emitterFor,
  emitVjp,
  fusedProduct,
  prepareForward,
  producedResult,
  type EmittedProduct,
  type Forward,
  type ProductModel,
} from './driver.js';
import type { GraphEmitter } from './emitter.js';

export interface ProductGraph {
  model: OnnxModelIR;
  /** The cotangent (vjp) or tangent (jvp) input. */
  vector: string;
  /** The values the graph reads from the forward graph's outputs (the image among them when a rule reads it). */
  reads: string[];
  output: string;
}

export interface Linearization {
  /** image -> [output, ...activations]. */
  forward: OnnxModelIR;
  input: string;
  output: string;
  outputShape: number[];
  /** The forward graph's outputs after the first: what the products read besides the image. */
  activations: string[];
  vjp: ProductGraph;
  jvp: ProductGraph;
}

/** What crosses from the forward graph to the products: its value names, boolean ones by a float32 stand-in. */
class Crossing {
  /** stand-in name -> boolean value */
  readonly booleans = new Map<string, string>();
  constructor(private readonly e: GraphEmitter) {}

  name(value: string): string {
    if (!this.e.isBool(value)) return value;
    const standIn = `${value}/as_float`;
    this.booleans.set(standIn, value);
    return standIn;
  }

  shape(name: string): number[] {
    return this.e.shapeOf(this.booleans.get(name) ?? name);
  }
}

function productOnly(p: EmittedProduct, produced: string, variantNodes: Node[], variant: Set<string>, forwardValues: Set<string>, crossing: Crossing): ProductGraph {
  const { e, vector } = p;
  const info = (name: string): ValueInfo => ({ name, dtype: 'float32', shape: crossing.shape(name) });
  let result = produced;
  const nodes = [...variantNodes];
  if (!variant.has(result)) {
    // A product that ignores its vector (a zero gradient) is computed in the forward graph: pass it through.
    const copy = e.fresh('result');
    nodes.push(makeNode('Identity', [result], [copy]));
    e.declare(copy, e.shapeOf(result));
    result = copy;
  }
  const pruned = pruneToOutputs(
    {
      name: `${p.forward.model.graph.name}_${p.kind}_only`,
      nodes,
      inputs: [vector],
      outputs: [info(result)],
      initializers: e.initializers,
      valueInfo: [],
    },
    [result],
  );
  const needed = [...new Set(pruned.nodes.flatMap((n) => n.inputs))].filter((name) => forwardValues.has(name) && !variant.has(name));
  const reads = needed.map((name) => crossing.name(name));
  // Booleans arrive as float32 and are cast back first.
  const restore = needed.filter((name) => e.isBool(name)).map((name) => makeNode('Cast', [crossing.name(name)], [name], { to: attr.int(OnnxDataType.BOOL) }));
  const graph: Graph = { ...pruned, nodes: [...restore, ...pruned.nodes], inputs: [vector, ...reads.map(info)] };
  return { model: withGraph(p.forward.model, graph), vector: vector.name, reads, output: result };
}

/** The emitted nodes that read a vector, directly or not, in emission order. */
function dependOnVectors(e: GraphEmitter, vectors: string[]): { nodes: Node[]; values: Set<string> } {
  const values = new Set(vectors);
  const nodes = e.nodes.filter((n) => {
    if (!n.inputs.some((i) => values.has(i))) return false;
    for (const o of n.outputs) values.add(o);
    return true;
  });
  return { nodes, values };
}

/** The forward graph returning what the products read, and the product-only graphs. */
function linearizationOf(forward: Forward): Linearization {
  const { output } = forward;
  const inputShape = forward.facts.get(forward.input)!.shape as number[];
  // One emitter for both products, so the masks their rules share are built once.
  const e = emitterFor(forward, 'grad');
  const [vjpNodes, jvpNodes] = [emitVjp(forward, e), emitJvp(forward, e)];
  const [vjpResult, jvpResult] = [producedResult(vjpNodes), producedResult(jvpNodes)];
  const variant = dependOnVectors(e, [vjpNodes.vector.name, jvpNodes.vector.name]);
  const invariantNodes = e.nodes.filter((n) => !variant.nodes.includes(n));
  const forwardValues = new Set([forward.input, ...forward.model.graph.nodes.flatMap((n) => n.outputs), ...invariantNodes.flatMap((n) => n.outputs)]);
  const crossing = new Crossing(e);
  const vjp = productOnly(vjpNodes, vjpResult, variant.nodes, variant.values, forwardValues, crossing);
  const jvp = productOnly(jvpNodes, jvpResult, variant.nodes, variant.values, forwardValues, crossing);

  let computed = output;
  const extra: Node[] = [];
  // A graph output cannot be the graph input itself (the identity tap): copy it.
  if (output === forward.input) {
    computed = e.fresh('output');
    extra.push(makeNode('Identity', [output], [computed]));
    e.declare(computed, inputShape);
  }
  const activations = [...new Set([...vjp.reads, ...jvp.reads])].filter((name) => name !== forward.input && name !== computed);
  for (const [standIn, value] of crossing.booleans) extra.push(makeNode('Cast', [value], [standIn], { to: attr.int(OnnxDataType.FLOAT) }));
  const outputs = [computed, ...activations].map((name): ValueInfo => ({ name, dtype: 'float32', shape: crossing.shape(name) }));
  const graph: Graph = {
    ...forward.model.graph,
    nodes: [...forward.model.graph.nodes, ...invariantNodes, ...extra],
    inputs: [{ name: forward.input, dtype: 'float32', shape: [...inputShape] }],
    initializers: e.initializers,
    valueInfo: [],
  };
  const pruned = pruneToOutputs(graph, outputs.map((o) => o.name));
  return {
    forward: withGraph(forward.model, { ...pruned, outputs }),
    input: forward.input,
    output: computed,
    outputShape: e.shapeOf(output),
    activations,
    vjp,
    jvp,
  };
}

/** Every graph an executor needs for one input shape. */
export interface GradientGraphs {
  /** image -> output. */
  forward: OnnxModelIR;
  /** (image, vector) -> product, each computing its own forward pass: for one product at an image. */
  vjp: ProductModel;
  jvp: ProductModel;
  /** The split form: for several products at one image. */
  linearization: Linearization;
}

/**
 * The graphs of `model` at value `output` for images of `inputShape`. Throws a GradientRuleError naming the first
 * node it cannot differentiate.
 */
export function buildGradientGraphs(model: OnnxModelIR, output: string, inputShape: readonly number[]): GradientGraphs {
  const forward = prepareForward(model, output, inputShape);
  const linearization = linearizationOf(forward);
  const plain = linearization.forward;
  return {
    forward: withGraph(plain, pruneToOutputs(plain.graph, [linearization.output])),
    vjp: fusedProduct(emitVjp(forward)),
    jvp: fusedProduct(emitJvp(forward)),
    linearization,
  };
}
