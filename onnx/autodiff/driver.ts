// Generates, for one concrete input shape, the ONNX graphs of a network's vector-Jacobian product (inputs: the
// image and the cotangent of the tapped output; output: the image gradient) and Jacobian-vector product (inputs:
// the image and a tangent; output: J·tangent). The fused forms contain the forward graph, whose activations the
// rules read (onnxruntime fuses and merges what it can); linearization.ts splits them at the forward pass. The
// forward graph is folded for the shape first, so every value has a static shape and every parameter is a constant.
import { ValueError } from '../../runtime/errors.js';
import { foldConstants } from '../fold.js';
import { imageInput } from '../interpreter/plan.js';
import type { Graph, Node, OnnxModelIR, ValueInfo } from '../ir.js';
import { isStandardDomain, opsetVersion, pruneToOutputs, valueNames, withGraph } from '../ir.js';
import { nodeLabel } from '../op-params.js';
import { staticShape, type Facts } from '../shape-inference.js';
import { isFloat, type TensorData } from '../tensor-data.js';
import { GraphEmitter } from './emitter.js';
import { gradientRules } from './registry.js';
import { GradientRuleError, ruleError, type JvpContext, type OpRule, type RuleContext, type VjpContext } from './rule.js';

/** The generated graph's names for its runtime inputs and output. */
export interface ProductModel {
  model: OnnxModelIR;
  /** The image input (the forward graph's input name). */
  input: string;
  /** The cotangent (vjp) or tangent (jvp) input. */
  vector: string;
  output: string;
  /** Shape of the forward output for this input shape (the cotangent's shape; the jvp's output shape). */
  outputShape: number[];
}

export interface Forward {
  model: OnnxModelIR;
  facts: Facts;
  input: string;
  output: string;
  /** Values that depend on the image. */
  active: Set<string>;
}

/** Ops that only compute shapes and constants: folding removes them, and their outputs carry no gradient. */
const foldOnly = new Set(['Constant', 'ConstantOfShape', 'Shape']);

/**
 * The values computed from the image (float outputs of nodes that read one), in graph order, and the nodes among
 * those readers whose op has no gradient rule.
 */
function activeValues(graph: Graph, input: string, isFloatValue: (name: string) => boolean): { active: Set<string>; missing: Node[] } {
  const active = new Set([input]);
  const missing: Node[] = [];
  for (const node of graph.nodes) {
    if (foldOnly.has(node.opType) || !node.inputs.some((name) => active.has(name))) continue;
    if (!isStandardDomain(node.domain) || !(node.opType in gradientRules)) missing.push(node);
    for (const out of node.outputs) if (out && isFloatValue(out)) active.add(out);
  }
  return { active, missing };
}

/** Nodes on the image's path whose op has no gradient rule. */
export function nodesWithoutGradient(model: OnnxModelIR): Node[] {
  return activeValues(model.graph, imageInput(model), () => true).missing;
}

function throwIfMissing(missing: Node[]): void {
  if (missing.length) {
    throw new GradientRuleError(missing[0].opType, missing[0].name, 'no gradient rule for this op type; its vjp and jvp need the tfjs interpreter.');
  }
}

/** The forward graph folded for one input shape, with the values that depend on the image. */
export function prepareForward(model: OnnxModelIR, output: string, inputShape: readonly number[]): Forward {
  const input = imageInput(model);
  const pruned = withGraph(model, pruneToOutputs(model.graph, [output]));
  // Checked before folding, which would stop at an op it does not know with a less useful message.
  throwIfMissing(activeValues(pruned.graph, input, () => true).missing);
  const { model: folded, facts } = foldConstants(pruned, { [input]: inputShape });
  const { active, missing } = activeValues(folded.graph, input, (name) => isFloat(facts.get(name)?.dtype ?? 'float32'));
  throwIfMissing(missing);
  if (!active.has(output)) {
    throw new ValueError(`Value '${output}' does not depend on the input '${input}'; tap a value computed from the image.`);
  }
  return { model: folded, facts, input, output, active };
}

/** An emitter appending to the forward graph: its names, shapes and initializers. */
export function emitterFor(forward: Forward, prefix: string): GraphEmitter {
  const graph = forward.model.graph;
  const shapes = new Map<string, number[]>();
  for (const [name, f] of forward.facts) if (f.shape.every((d) => typeof d === 'number')) shapes.set(name, f.shape as number[]);
  const taken = [...valueNames(graph), ...graph.nodes.map((n) => n.name)];
  return new GraphEmitter(opsetVersion(forward.model), new Map<string, TensorData>(graph.initializers), taken, shapes, prefix);
}

function ruleContext(forward: Forward, e: GraphEmitter, node: Node): RuleContext {
  const { facts, active } = forward;
  const initializers = e.initializers;
  const constant = (i: number) => (node.inputs[i] ? (initializers.get(node.inputs[i]) ?? facts.get(node.inputs[i])?.constant) : undefined);
  return {
    node,
    opset: e.opset,
    e,
    hasInput: (i) => !!node.inputs[i],
    constant,
    inShape: (i) => staticShape(facts, node.inputs[i]),
    outShape: (j) => staticShape(facts, node.outputs[j]),
    active: (i) => !!node.inputs[i] && active.has(node.inputs[i]),
    requireConstant(i, what) {
      const value = constant(i);
      if (!value) throw ruleError({ node }, `its ${what} is computed at run time; only constant ${what}s are differentiated.`);
      return value;
    },
  };
}

/** Runs a rule, turning any failure into a GradientRuleError that names the node. */
function applyRule<T>(node: Node, run: (rule: OpRule) => T): T {
  const rule = gradientRules[node.opType];
  try {
    return run(rule);
  } catch (e) {
    if (e instanceof GradientRuleError) throw e;
    throw new GradientRuleError(node.opType, node.name, `${(e as Error).message.replace(`${nodeLabel(node)}: `, '')}`);
  }
}

/** A product's nodes, emitted after (and reading) the forward graph's. */
export interface EmittedProduct {
  kind: 'vjp' | 'jvp';
  forward: Forward;
  e: GraphEmitter;
  /** The cotangent or tangent input. */
  vector: ValueInfo;
  /** The value holding the product. */
  result: string;
}

/** The result as a value some node produces: a graph output cannot be a graph input (the identity tap). */
export function producedResult(p: EmittedProduct): string {
  const { result } = p;
  return result === p.forward.input || result === p.vector.name ? p.e.unary('Identity', result) : result;
}

/** One graph computing the forward pass and the product: (image, vector) -> product. */
export function fusedProduct(p: EmittedProduct): ProductModel {
  const { forward, e, vector } = p;
  const graph = forward.model.graph;
  const output = producedResult(p);
  const generated: Graph = {
    ...graph,
    name: `${graph.name}_${p.kind}`,
    nodes: [...graph.nodes, ...e.nodes],
    inputs: [{ name: forward.input, dtype: 'float32', shape: e.shapeOf(forward.input) }, vector],
    outputs: [{ name: output, dtype: 'float32', shape: e.shapeOf(output) }],
    initializers: e.initializers,
    valueInfo: [],
  };
  const pruned = pruneToOutputs(generated, [output]);
  // Keep both inputs even where the product does not read one (a linear network's vjp ignores the image).
  return {
    model: withGraph(forward.model, { ...pruned, inputs: generated.inputs }),
    input: forward.input,
    vector: vector.name,
    output,
    outputShape: staticShape(forward.facts, forward.output),
  };
}

/** Emits the vjp's nodes (into `e`, which may also hold the jvp's). */
export function emitVjp(forward: Forward, e = emitterFor(forward, 'vjp')): EmittedProduct {
  const { output } = forward;
  const outShape = staticShape(forward.facts, output);
  const cotangent = e.fresh('cotangent');
  e.declare(cotangent, outShape);
  const contributions = new Map<string, string[]>([[output, [cotangent]]]);
  const total = (name: string) => e.sum(contributions.get(name) ?? []);
  const nodes = forward.model.graph.nodes;
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k];
    if (!node.inputs.some((name) => forward.active.has(name))) continue;
    const cotangents = node.outputs.map((o) => (o ? total(o) : undefined));
    if (cotangents.every((c) => c === undefined)) continue;
    const grads = applyRule(node, (rule) => rule.vjp({ ...ruleContext(forward, e, node), cotangent: (j) => cotangents[j] } as VjpContext));
    grads.forEach((g, i) => {
      const name = node.inputs[i];
      if (!g || !name || !forward.active.has(name)) return;
      const list = contributions.get(name);
      if (list) list.push(g);
      else contributions.set(name, [g]);
    });
  }
  const result = total(forward.input) ?? e.zeros(e.shapeOf(forward.input));
  return { kind: 'vjp', forward, e, vector: { name: cotangent, dtype: 'float32', shape: outShape }, result };
}

/** Emits the jvp's nodes (into `e`, which may also hold the vjp's). */
export function emitJvp(forward: Forward, e = emitterFor(forward, 'jvp')): EmittedProduct {
  const inputShape = e.shapeOf(forward.input);
  const tangent = e.fresh('tangent');
  e.declare(tangent, inputShape);
  const tangents = new Map<string, string>([[forward.input, tangent]]);
  for (const node of forward.model.graph.nodes) {
    if (!node.inputs.some((name) => forward.active.has(name))) continue;
    const outs = applyRule(node, (rule) => rule.jvp({ ...ruleContext(forward, e, node), tangent: (i) => tangents.get(node.inputs[i]) } as JvpContext));
    node.outputs.forEach((name, j) => {
      if (name && forward.active.has(name) && outs[j]) tangents.set(name, outs[j]!);
    });
  }
  const result = tangents.get(forward.output);
  if (!result) throw new ValueError(`No tangent reached the output '${forward.output}'.`);
  return { kind: 'jvp', forward, e, vector: { name: tangent, dtype: 'float32', shape: inputShape }, result };
}

/**
 * The vjp graph of `model` at value `output` for images of `inputShape`: (image, cotangent) -> Jᵀ·cotangent.
 * Throws a GradientRuleError naming the first node it cannot differentiate.
 */
export function buildVjpModel(model: OnnxModelIR, output: string, inputShape: readonly number[]): ProductModel {
  return fusedProduct(emitVjp(prepareForward(model, output, inputShape)));
}

/** The jvp graph of `model` at value `output` for images of `inputShape`: (image, tangent) -> J·tangent. */
export function buildJvpModel(model: OnnxModelIR, output: string, inputShape: readonly number[]): ProductModel {
  return fusedProduct(emitJvp(prepareForward(model, output, inputShape)));
}
