// Names a user can tap: ONNX value names, node names, and the PyTorch module paths exporters keep. The TorchScript
// exporter scopes node names ("/layer1/layer1.0/conv1/Conv" -> module "layer1.0.conv1"); the dynamo exporter
// records them in node metadata (pkg.torch.onnx.name_scopes = "['', 'layer1', 'layer1.0', 'layer1.0.conv1',
// 'conv2d_3']": cumulative module paths, then the node's own name). A module's value is what leaves it: the last
// output of its nodes that something outside the module reads.
import { ValueError } from '../runtime/errors.js';
import type { Graph, Node } from '../onnx/ir.js';
import { consumerMap } from '../onnx/ir.js';
import { closestNames } from '../onnx/support.js';

/** Friendly layer names of a known architecture (e.g. VGG16's relu3_3), mapped to module paths. */
export interface LayerPreset {
  readonly name: string;
  /** Friendly names, in network order. */
  readonly names: readonly string[];
  /** Module paths to try for a name, first match wins; undefined when the preset does not know the name. */
  candidates(name: string): string[] | undefined;
}

/** Joins scope segments into a dotted module path; segments may already be qualified ("layer1", "layer1.0"). */
function joinScopes(segments: readonly string[]): string {
  let path = '';
  for (const segment of segments) {
    if (!segment) continue;
    path = !path ? segment : segment.startsWith(`${path}.`) ? segment : `${path}.${segment}`;
  }
  return path;
}

/** The PyTorch module path a node belongs to ('' for the top-level module or when unknown). */
export function modulePathOf(node: Node): string {
  const scopes = node.metadata?.['pkg.torch.onnx.name_scopes'];
  if (scopes) return joinScopes([...scopes.matchAll(/'([^']*)'/g)].map((m) => m[1]).slice(0, -1));
  if (!node.name.startsWith('/')) return '';
  return joinScopes(node.name.split('/').slice(1, -1));
}

export interface LayerEntry {
  /** The name to tap it by. */
  name: string;
  kind: 'module' | 'node' | 'value' | 'preset';
  /** The ONNX value it taps. */
  value: string;
  opType?: string;
}

/** Every module path in the graph with the value that leaves it, in the order the values are computed. */
export function moduleOutputs(graph: Graph): Map<string, string> {
  const order = new Map<string, number>();
  graph.nodes.forEach((n, i) => n.outputs.forEach((o) => order.set(o, i)));
  const paths = graph.nodes.map(modulePathOf);
  const members = new Map<string, Set<Node>>();
  graph.nodes.forEach((node, i) => {
    const parts = paths[i].split('.');
    for (let k = 1; k <= parts.length && paths[i]; k++) {
      const prefix = parts.slice(0, k).join('.');
      let set = members.get(prefix);
      if (!set) members.set(prefix, (set = new Set()));
      set.add(node);
    }
  });
  const readers = consumerMap(graph);
  const graphOutputs = new Set(graph.outputs.map((o) => o.name));
  const result: [string, string][] = [];
  for (const [path, nodes] of members) {
    let best: string | null = null;
    for (const node of nodes) {
      for (const out of node.outputs) {
        if (!out) continue;
        const leaves = graphOutputs.has(out) || (readers.get(out) ?? []).some((r) => !nodes.has(r));
        if (leaves && (best === null || order.get(out)! > order.get(best)!)) best = out;
      }
    }
    if (best) result.push([path, best]);
  }
  result.sort((a, b) => order.get(a[1])! - order.get(b[1])! || a[0].length - b[0].length);
  return new Map(result);
}

/** Tappable names: modules, then nodes outside any module, then preset names that resolve. */
export function layerEntries(graph: Graph, preset?: LayerPreset): LayerEntry[] {
  const modules = moduleOutputs(graph);
  const producers = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const entries: LayerEntry[] = [...modules].map(([name, value]) => ({
    name,
    kind: 'module' as const,
    value,
    opType: producers.get(value)?.opType,
  }));
  for (const node of graph.nodes) {
    if (!modulePathOf(node) && node.outputs[0] && !node.name.startsWith('/plenoptic_preprocess/')) {
      entries.push({ name: node.name, kind: 'node', value: node.outputs[0], opType: node.opType });
    }
  }
  if (preset) {
    for (const name of preset.names) {
      const value = resolveWith(graph, modules, name, preset);
      if (value) entries.push({ name, kind: 'preset', value, opType: producers.get(value)?.opType });
    }
  }
  return entries;
}

function resolveWith(graph: Graph, modules: Map<string, string>, name: string, preset?: LayerPreset): string | undefined {
  for (const candidate of preset?.candidates(name) ?? []) {
    const value = modules.get(candidate);
    if (value) return value;
  }
  const isValue = graph.inputs.some((v) => v.name === name) || graph.nodes.some((n) => n.outputs.includes(name));
  if (isValue) return name;
  const node = graph.nodes.find((n) => n.name === name);
  if (node?.outputs[0]) return node.outputs[0];
  return modules.get(name);
}

/**
 * The ONNX value a layer name refers to: a preset name, a value name, a node name or a module path. Unknown names
 * get an error listing the closest known ones.
 */
export function resolveLayer(graph: Graph, name: string, preset?: LayerPreset): string {
  const modules = moduleOutputs(graph);
  const value = resolveWith(graph, modules, name, preset);
  if (value) return value;
  const known = [
    ...(preset?.names ?? []),
    ...modules.keys(),
    ...graph.nodes.map((n) => n.name),
    ...graph.nodes.flatMap((n) => n.outputs),
  ];
  const close = closestNames(name, [...new Set(known)]);
  throw new ValueError(
    `Unknown layer '${name}'. Close matches: ${close.join(', ')}. ` +
      'Layers can be named by PyTorch module path, ONNX node name or ONNX value name; listLayers(model) lists them.',
  );
}
