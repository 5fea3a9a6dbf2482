// The graph IR every ONNX component shares: the decoder builds it, shape inference and folding rewrite it, the
// interpreter runs it, the encoder writes it back, and gradient-graph generators add nodes to it.
// Plain data, no classes: passes return new graphs and never mutate their input.
import { ValueError } from '../runtime/errors.js';
import type { DType, TensorData } from './tensor-data.js';

/** A dimension: a size, a symbolic name (ONNX dim_param, e.g. 'batch'), or null when unknown. */
export type Dim = number | string | null;

export interface ValueInfo {
  name: string;
  dtype: DType;
  /** Absent when the model does not declare the rank. */
  shape?: Dim[];
}

export type Attribute =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: TensorData }
  | { type: 'graph'; value: Graph }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensors'; value: TensorData[] }
  | { type: 'graphs'; value: Graph[] };

export interface Node {
  name: string;
  opType: string;
  /** '' (or 'ai.onnx') for standard operators. */
  domain: string;
  /** Value names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, Attribute>;
  docString?: string;
  /** NodeProto.metadata_props (the dynamo exporter keeps module scopes here). */
  metadata?: Record<string, string>;
}

export interface Graph {
  name: string;
  /** Topologically ordered: a node comes after the producers of its inputs. */
  nodes: Node[];
  /** The runtime inputs (never an initializer). */
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Map<string, TensorData>;
  /** Declared types of intermediate values, as the exporter wrote them. */
  valueInfo: ValueInfo[];
  docString?: string;
}

export interface OpsetImport {
  domain: string;
  version: number;
}

export interface OnnxModelIR {
  irVersion: number;
  opsetImports: OpsetImport[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  metadata: Record<string, string>;
  graph: Graph;
}

export function isStandardDomain(domain: string): boolean {
  return domain === '' || domain === 'ai.onnx';
}

/** The version of the standard operator set the model imports. */
export function opsetVersion(model: OnnxModelIR): number {
  const entry = model.opsetImports.find((o) => isStandardDomain(o.domain));
  if (!entry) throw new ValueError('The model imports no standard ONNX opset (domain "" / "ai.onnx").');
  return entry.version;
}

/** value name -> the node that produces it. */
export function producerMap(graph: Graph): Map<string, Node> {
  const map = new Map<string, Node>();
  for (const node of graph.nodes) for (const out of node.outputs) if (out) map.set(out, node);
  return map;
}

/** value name -> the nodes that read it. */
export function consumerMap(graph: Graph): Map<string, Node[]> {
  const map = new Map<string, Node[]>();
  for (const node of graph.nodes) {
    for (const input of node.inputs) {
      if (!input) continue;
      const list = map.get(input);
      if (list) list.push(node);
      else map.set(input, [node]);
    }
  }
  return map;
}

/**
 * Orders nodes so that every input is available (a graph input, an initializer, or an earlier node's output)
 * before its reader; stable for graphs that are already sorted. Throws on a cycle or a value nobody produces.
 */
export function topologicalSort(nodes: readonly Node[], available: Iterable<string>): Node[] {
  const ready = new Set<string>(available);
  ready.add('');
  const pending = [...nodes];
  const sorted: Node[] = [];
  while (pending.length) {
    const before = pending.length;
    for (let i = 0; i < pending.length; ) {
      const node = pending[i];
      if (node.inputs.every((name) => ready.has(name))) {
        sorted.push(node);
        for (const out of node.outputs) ready.add(out);
        pending.splice(i, 1);
      } else {
        i++;
      }
    }
    if (pending.length === before) {
      const stuck = pending[0];
      const missing = stuck.inputs.filter((name) => !ready.has(name));
      throw new ValueError(
        `ONNX graph is not a DAG or reads undefined values: node '${stuck.name}' (${stuck.opType}) needs ` +
          `${missing.map((m) => `'${m}'`).join(', ')}, which no node, input or initializer provides.`,
      );
    }
  }
  return sorted;
}

/** Names every value in the graph: inputs, initializers and node outputs, in graph order. */
export function valueNames(graph: Graph): string[] {
  const names = [...graph.inputs.map((v) => v.name), ...graph.initializers.keys()];
  for (const node of graph.nodes) for (const out of node.outputs) if (out) names.push(out);
  return names;
}

/**
 * The subgraph that computes `outputs`: nodes they do not depend on are dropped, and so are unused initializers
 * and inputs. Output types are taken from the old outputs or value_info when declared, else from `types`.
 */
export function pruneToOutputs(graph: Graph, outputs: readonly string[], types?: ReadonlyMap<string, ValueInfo>): Graph {
  const producers = producerMap(graph);
  const known = new Set(valueNames(graph));
  for (const name of outputs) {
    if (!known.has(name)) throw new ValueError(`Value '${name}' does not exist in graph '${graph.name}'.`);
  }
  const needed = new Set<string>();
  const keep = new Set<Node>();
  const stack = [...outputs];
  while (stack.length) {
    const name = stack.pop()!;
    if (needed.has(name)) continue;
    needed.add(name);
    const node = producers.get(name);
    if (node && !keep.has(node)) {
      keep.add(node);
      for (const input of node.inputs) if (input) stack.push(input);
    }
  }
  const declared = new Map<string, ValueInfo>();
  for (const v of [...graph.valueInfo, ...graph.outputs, ...graph.inputs]) declared.set(v.name, v);
  const outputInfo = outputs.map((name) => {
    const info = declared.get(name) ?? types?.get(name);
    const init = graph.initializers.get(name);
    if (info) return { ...info, name };
    if (init) return { name, dtype: init.dtype, shape: [...init.dims] };
    return { name, dtype: 'float32' as const };
  });
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => keep.has(n)),
    inputs: graph.inputs.filter((v) => needed.has(v.name)),
    outputs: outputInfo,
    initializers: new Map([...graph.initializers].filter(([name]) => needed.has(name))),
    valueInfo: graph.valueInfo.filter((v) => needed.has(v.name) && !outputs.includes(v.name)),
  };
}

/** Counts nodes per op type, sorted by op type. */
export function opCounts(graph: Graph): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of graph.nodes) counts[node.opType] = (counts[node.opType] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export function withGraph(model: OnnxModelIR, graph: Graph): OnnxModelIR {
  return { ...model, graph };
}
