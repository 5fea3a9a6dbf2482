// Static types of every value for a given input shape, and what is known of each value's contents: constants
// (evaluated in JS) and "symbolic" integer vectors such as Shape(x) = [batch, 16, 8, 8], whose elements may be a
// symbolic dimension. That lets folding turn PyTorch's Shape -> Gather -> Unsqueeze -> Concat -> Reshape chains
// into constant Reshape targets while the batch axis stays dynamic.
import { ValueError } from '../runtime/errors.js';
import { attrInt } from './attributes.js';
import { canEvaluate, evaluateConstant } from './const-eval.js';
import type { Dim, Node, OnnxModelIR } from './ir.js';
import { opsetVersion } from './ir.js';
import { nodeLabel, sliceParams, type OpContext } from './op-params.js';
import { shapeRules } from './shape-rules.js';
import { makeTensor, storageKind, tensorNumbers, type DType, type TensorData } from './tensor-data.js';

export interface ValueFacts {
  dtype: DType;
  /** Dimensions: numbers, symbolic names (the batch axis), or null when unknown. */
  shape: Dim[];
  /** The value itself, when it is known at load time. */
  constant?: TensorData;
  /** The elements of a rank-0/1 integer value known only in part (e.g. [batch, 16, -1]). */
  elements?: Dim[];
}

export type Facts = Map<string, ValueFacts>;

export interface RuleContext extends OpContext {
  facts: (i: number) => ValueFacts;
  /** Shape of input i; throws if it is omitted. */
  shape: (i: number) => Dim[];
}

export type ShapeRule = (ctx: RuleContext) => { dtype: DType; shape: Dim[] }[];

export function isStatic(shape: readonly Dim[]): shape is number[] {
  return shape.every((d) => typeof d === 'number');
}

function contextFor(node: Node, opset: number, facts: Facts): RuleContext {
  const factsOf = (i: number) => {
    const name = node.inputs[i];
    const f = name ? facts.get(name) : undefined;
    if (!f) throw new ValueError(`${nodeLabel(node)}: input ${i} ('${name ?? ''}') is missing or has no inferred type.`);
    return f;
  };
  return {
    node,
    opset,
    hasInput: (i) => !!node.inputs[i],
    constant: (i) => (node.inputs[i] ? facts.get(node.inputs[i])?.constant : undefined),
    facts: factsOf,
    shape: (i) => factsOf(i).shape,
  };
}

const symbolicOps: Record<string, (ctx: RuleContext) => Dim[] | undefined> = {
  Shape: (ctx) => {
    const shape = ctx.shape(0);
    const rank = shape.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
    return shape.slice(clamp(attrInt(ctx.node, 'start', 0)), clamp(attrInt(ctx.node, 'end', rank)));
  },
  Identity: (ctx) => ctx.facts(0).elements,
  Cast: (ctx) => ctx.facts(0).elements,
  Unsqueeze: (ctx) => ctx.facts(0).elements,
  Squeeze: (ctx) => ctx.facts(0).elements,
  Gather: (ctx) => {
    const elements = ctx.facts(0).elements;
    const indices = ctx.constant(1);
    if (!elements || !indices) return undefined;
    return tensorNumbers(indices).map((i) => elements[i < 0 ? i + elements.length : i] ?? null);
  },
  Concat: (ctx) => {
    const parts: Dim[] = [];
    for (let i = 0; i < ctx.node.inputs.length; i++) {
      const f = ctx.facts(i);
      const e = f.elements ?? (f.constant ? tensorNumbers(f.constant) : undefined);
      if (!e) return undefined;
      parts.push(...e);
    }
    return parts;
  },
  Slice: (ctx) => {
    const elements = ctx.facts(0).elements;
    if (!elements) return undefined;
    const [p] = sliceParams(ctx, [elements.length]);
    return Array.from({ length: p.count }, (_, k) => elements[p.start + k * p.step]);
  },
};

function elementsToConstant(elements: Dim[], rank0: boolean): TensorData | undefined {
  if (!isStatic(elements)) return undefined;
  return makeTensor('int64', rank0 ? [] : [elements.length], elements);
}

export interface InferOptions {
  /** Return what was inferred before the first node that fails, instead of throwing. */
  stopAtError?: boolean;
}

/**
 * Infers every value's type. `inputShapes` overrides the declared input shapes (e.g. a concrete image size);
 * symbolic dims (strings) stay symbolic. Throws a ValueError naming the node where shapes stop making sense.
 */
export function inferShapes(
  model: OnnxModelIR,
  inputShapes: Record<string, readonly Dim[]> = {},
  options: InferOptions = {},
): Facts {
  const graph = model.graph;
  const opset = opsetVersion(model);
  const facts: Facts = new Map();
  for (const [name, t] of graph.initializers) facts.set(name, { dtype: t.dtype, shape: [...t.dims], constant: t });
  for (const input of graph.inputs) {
    const shape = inputShapes[input.name] ?? input.shape;
    if (!shape) throw new ValueError(`Graph input '${input.name}' has no declared shape; pass its shape explicitly.`);
    facts.set(input.name, { dtype: input.dtype, shape: [...shape] });
  }
  for (const node of graph.nodes) {
    try {
      inferNode(node, opset, facts);
    } catch (e) {
      if (options.stopAtError) break;
      throw e;
    }
  }
  return facts;
}

function inferNode(node: Node, opset: number, facts: Facts): void {
  const ctx = contextFor(node, opset, facts);
  const outputs = node.outputs;
  const inputs = node.inputs.map((name) => (name ? facts.get(name) : undefined));
  const allConstant = inputs.every((f, i) => !node.inputs[i] || f?.constant);
  if (allConstant && canEvaluate(node.opType)) {
    const values = evaluateConstant(ctx, inputs.map((f) => f?.constant));
    if (values) {
      values.forEach((t, i) => facts.set(outputs[i], { dtype: t.dtype, shape: [...t.dims], constant: t }));
      return;
    }
  }
  const rule = shapeRules[node.opType];
  if (!rule) {
    throw new ValueError(`${nodeLabel(node)}: no shape inference for op type '${node.opType}'.`);
  }
  let types;
  try {
    types = rule(ctx);
  } catch (e) {
    if (e instanceof ValueError && e.message.includes(node.name)) throw e;
    throw new ValueError(`${nodeLabel(node)}: ${(e as Error).message}`);
  }
  types.forEach((type, i) => {
    if (outputs[i]) facts.set(outputs[i], { ...type });
  });
  const symbolic = symbolicOps[node.opType];
  const out = facts.get(outputs[0]);
  if (symbolic && out && storageKind(out.dtype) !== 'float' && out.shape.length <= 1) {
    const elements = symbolic(ctx);
    if (elements) {
      const constant = elementsToConstant(elements, out.shape.length === 0);
      facts.set(outputs[0], constant ? { ...out, constant } : { ...out, elements });
    }
  }
}

/** Static shape of a value, for code that needs numbers (after inference with concrete input shapes). */
export function staticShape(facts: Facts, name: string): number[] {
  const f = facts.get(name);
  if (!f) throw new ValueError(`Value '${name}' has no inferred shape.`);
  if (!isStatic(f.shape)) {
    throw new ValueError(`Value '${name}' has shape [${f.shape.join(', ')}], which is not fully known.`);
  }
  return f.shape;
}
