// What the importer can run, checked at load time so that a model fails with one clear message instead of deep
// inside a synthesis: the opset range, op types, and modes we do not implement (training, MaxPool indices).
import { ValueError } from '../runtime/errors.js';
import { warn } from '../runtime/warnings.js';
import { attrInt } from './attributes.js';
import { kernels } from './interpreter/registry.js';
import type { Node, OnnxModelIR } from './ir.js';
import { consumerMap, opsetVersion } from './ir.js';
import { tensorNumbers } from './tensor-data.js';

export const MIN_OPSET = 11;
export const MAX_OPSET = 18;

/** Ops that only compute shapes or constants: supported when folding removes them. */
const foldOnly = ['Constant', 'ConstantOfShape', 'Shape'];

export function supportedOps(): string[] {
  return [...new Set([...Object.keys(kernels), ...foldOnly])].sort();
}

const alternatives: Record<string, string> = {
  Upsample: 'Resize (export with opset_version >= 11)',
  Gelu: 'Erf with Mul and Add (export with opset_version <= 18, which decomposes GELU)',
  PRelu: 'LeakyRelu (one slope for all channels)',
  Einsum: 'MatMul',
  ReduceMax: 'GlobalMaxPool',
  ReduceMin: 'GlobalMaxPool of the negated input',
  ReduceProd: 'ReduceSum',
  ReduceL2: 'Mul, ReduceSum and Sqrt',
  InstanceNormalization: 'BatchNormalization or LayerNormalization',
  GroupNormalization: 'LayerNormalization',
  Sum: 'Add',
  Mean: 'Add and Div',
  Max: 'Relu / Clip for thresholds',
  Min: 'Clip',
  Mish: 'Softplus, Tanh and Mul',
  Selu: 'Elu',
  ThresholdedRelu: 'Relu',
  If: 'a model without data-dependent control flow (trace it with fixed branches)',
  Loop: 'a model without data-dependent control flow (unroll the loop)',
  Where: 'Mul by a mask (Where needs a boolean condition computed at run time)',
  DepthToSpace: 'Reshape and Transpose',
  SpaceToDepth: 'Reshape and Transpose',
  Tile: 'Expand',
  Range: 'a Constant (export with a fixed input size)',
  NonZero: 'a model without data-dependent shapes',
};

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** The `count` candidates closest to `name` (case-insensitive edit distance; names containing it first). */
export function closestNames(name: string, candidates: readonly string[], count = 5): string[] {
  const lower = name.toLowerCase();
  return [...candidates]
    .map((c) => ({ c, score: editDistance(name, c) - (c.toLowerCase().includes(lower) ? 100 : 0) }))
    .sort((a, b) => a.score - b.score)
    .slice(0, count)
    .map(({ c }) => c);
}

export interface UnsupportedNode {
  node: string;
  opType: string;
  domain: string;
  problem: string;
}

function nodeProblem(node: Node, opset: number, readers: Map<string, Node[]>, graphOutputs: Set<string>): string | null {
  const used = (name: string | undefined) => !!name && ((readers.get(name)?.length ?? 0) > 0 || graphOutputs.has(name));
  if (node.domain) {
    return `is a custom operator of domain '${node.domain}'; export the model with standard ONNX operators only.`;
  }
  const supported = node.opType in kernels || foldOnly.includes(node.opType);
  if (!supported) {
    const alternative = alternatives[node.opType] ?? closestNames(node.opType, supportedOps(), 1)[0];
    return `is not supported (opset ${opset}). Nearest supported alternative: ${alternative}.`;
  }
  if (node.opType === 'BatchNormalization' && (attrInt(node, 'training_mode', 0) === 1 || node.outputs.slice(1).some(used))) {
    return 'runs in training mode; export the model after model.eval() with training=torch.onnx.TrainingMode.EVAL.';
  }
  if (node.opType === 'MaxPool' && used(node.outputs[1])) {
    return 'returns indices (return_indices=True), which are not supported; export the pool without them.';
  }
  if (node.opType === 'Dropout' && used(node.outputs[1])) {
    return 'uses its mask output, which exists only in training; export after model.eval().';
  }
  return null;
}

/** Nodes the importer cannot run, with the reason for each. */
export function unsupportedNodes(model: OnnxModelIR): UnsupportedNode[] {
  const opset = opsetVersion(model);
  const readers = consumerMap(model.graph);
  const graphOutputs = new Set(model.graph.outputs.map((o) => o.name));
  const problems: UnsupportedNode[] = [];
  for (const node of model.graph.nodes) {
    const problem = nodeProblem(node, opset, readers, graphOutputs);
    if (problem) problems.push({ node: node.name, opType: node.opType, domain: node.domain, problem });
  }
  return problems;
}

/** Dropout with a constant training_mode input of true. */
function trainingDropout(model: OnnxModelIR): Node | undefined {
  return model.graph.nodes.find((n) => {
    if (n.opType !== 'Dropout' || !n.inputs[2]) return false;
    const flag = model.graph.initializers.get(n.inputs[2]);
    return !!flag && tensorNumbers(flag)[0] !== 0;
  });
}

/**
 * Throws a ValueError describing the first unsupported part of the model (opset, op, mode), naming the node,
 * the op type, the opset and what to do instead. Warns for opsets newer than the ones this importer targets.
 */
export function checkSupported(model: OnnxModelIR, source = 'ONNX model'): void {
  const opset = opsetVersion(model);
  if (opset < MIN_OPSET) {
    throw new ValueError(
      `${source} uses opset ${opset}; opsets ${MIN_OPSET}-${MAX_OPSET} are supported. ` +
        `Re-export with torch.onnx.export(..., opset_version=${MIN_OPSET + 3}) or convert with onnx.version_converter.`,
    );
  }
  if (opset > MAX_OPSET) {
    warn(`${source} uses opset ${opset}, newer than the ${MIN_OPSET}-${MAX_OPSET} this importer was written for; ops whose semantics changed may fail.`);
  }
  const [first, ...rest] = unsupportedNodes(model);
  if (first) {
    const more = rest.length ? ` (and ${rest.length} more: ${[...new Set(rest.map((r) => r.opType))].join(', ')})` : '';
    throw new ValueError(`${source}: ${first.opType} node '${first.node}' ${first.problem}${more}`);
  }
  const dropout = trainingDropout(model);
  if (dropout) {
    throw new ValueError(`${source}: Dropout node '${dropout.name}' runs in training mode; export after model.eval().`);
  }
}
