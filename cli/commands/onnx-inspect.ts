import { decodeModel } from '../../onnx/decode.js';
import { opCounts, opsetVersion, type Dim, type OnnxModelIR } from '../../onnx/ir.js';
import { inferShapes } from '../../onnx/shape-inference.js';
import { unsupportedNodes } from '../../onnx/support.js';
import { layerEntries, type LayerPreset } from '../../adapters/layers.js';
import { readSource } from '../../adapters/source.js';
import { resnet18Preset } from '../../adapters/resnet18.js';
import { vgg16Preset } from '../../adapters/vgg16.js';
import { UsageError, type CommandSpec } from '../args.js';
import { asUsage, type Command } from '../command.js';
import { oneOf } from '../optimizer-options.js';

const presets: Record<string, LayerPreset> = { vgg16: vgg16Preset, resnet18: resnet18Preset };

const spec: CommandSpec = {
  name: 'onnx inspect',
  summary: 'Describe an ONNX network: inputs, outputs, opset, op counts, tappable layers with their shapes, unsupported ops.',
  positionals: [{ name: 'FILE', description: 'the .onnx file', required: true }],
  options: [
    { name: 'input-shape', type: 'string', value: 'N,C,H,W', description: "input shape for the layers' shapes (default: the declared one, batch 1)" },
    { name: 'preset', type: 'string', value: 'vgg16|resnet18', description: 'also list the friendly layer names of a known architecture (relu3_3, layer2, ...)' },
    { name: 'json', type: 'flag', description: 'print the description as JSON' },
  ],
  notes: ['Any listed layer name can be tapped: --model FILE.onnx#LAYER in every synthesis command, --layer in onnx run.'],
  examples: ['plenoptic onnx inspect vgg16.onnx --preset vgg16 --input-shape 1,3,64,64', 'plenoptic onnx inspect net.onnx --json'],
};

export interface OnnxDescription {
  file: string;
  producer: string;
  irVersion: number;
  opset: number;
  inputs: { name: string; dtype: string; shape: Dim[] | null }[];
  outputs: { name: string; dtype: string; shape: Dim[] | null }[];
  nodes: number;
  /** Values in the initializers (exporters store shared weights once). */
  parameters: number;
  opCounts: Record<string, number>;
  unsupported: { node: string; opType: string; problem: string }[];
  layerInputShape: number[] | null;
  layers: { name: string; kind: string; opType: string | null; shape: Dim[] | null }[];
}

function parseShape(raw: string): number[] {
  const dims = raw.split(/[,x×]/).map((d) => Number(d.trim()));
  if (dims.length !== 4 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new UsageError(`--input-shape must be four positive integers N,C,H,W (e.g. 1,3,224,224), got '${raw}'.`);
  }
  return dims;
}

/** Everything inspect reports, from the decoded graph alone (a model with unsupported ops is still described). */
export function describeOnnx(model: OnnxModelIR, file: string, inputShape: number[] | null, preset?: LayerPreset): OnnxDescription {
  const graph = model.graph;
  const input = graph.inputs[0];
  const declared = input?.shape?.map((d, i) => (i === 0 && typeof d !== 'number' ? 1 : d));
  const shape = inputShape ?? (declared?.every((d) => typeof d === 'number') ? (declared as number[]) : null);
  // shapes as far as inference gets; values known without the image (constants, shape arithmetic) are no layers
  const facts = shape && input ? inferShapes(model, { [input.name]: shape }, { stopAtError: true }) : null;
  const layers = layerEntries(graph, preset)
    .filter((entry) => !facts?.get(entry.value)?.constant)
    .map((entry) => ({ name: entry.name, kind: entry.kind, opType: entry.opType ?? null, shape: facts?.get(entry.value)?.shape ?? null }));
  let parameters = 0;
  for (const t of graph.initializers.values()) parameters += t.dims.reduce((p, d) => p * d, 1);
  const info = (v: { name: string; dtype: string; shape?: Dim[] }) => ({ name: v.name, dtype: v.dtype, shape: v.shape ?? null });
  return {
    file,
    producer: `${model.producerName} ${model.producerVersion}`.trim(),
    irVersion: model.irVersion,
    opset: opsetVersion(model),
    inputs: graph.inputs.map(info),
    outputs: graph.outputs.map(info),
    nodes: graph.nodes.length,
    parameters,
    opCounts: opCounts(graph),
    unsupported: unsupportedNodes(model).map(({ node, opType, problem }) => ({ node, opType, problem })),
    layerInputShape: shape,
    layers,
  };
}

const shapeText = (shape: Dim[] | null) => (shape ? `[${shape.map((d) => d ?? '?').join(', ')}]` : '?');

function formatDescription(d: OnnxDescription): string {
  const lines = [
    `${d.file}: opset ${d.opset}, IR version ${d.irVersion}, produced by ${d.producer || 'unknown'}; ${d.nodes} nodes, ${d.parameters.toLocaleString('en-US')} stored parameter values`,
    `inputs:  ${d.inputs.map((v) => `${v.name} ${v.dtype} ${shapeText(v.shape)}`).join(', ')}`,
    `outputs: ${d.outputs.map((v) => `${v.name} ${v.dtype} ${shapeText(v.shape)}`).join(', ')}`,
    `ops: ${Object.entries(d.opCounts).map(([op, n]) => `${op} ${n}`).join(', ')}`,
    d.unsupported.length
      ? `unsupported (${d.unsupported.length}):\n${d.unsupported.map((u) => `  ${u.opType} node '${u.node}' ${u.problem}`).join('\n')}`
      : 'unsupported: none (every node can run, with gradients)',
    `tappable layers${d.layerInputShape ? ` (shapes for input [${d.layerInputShape.join(', ')}])` : " (give --input-shape for their shapes)"}:`,
  ];
  const width = Math.max(4, ...d.layers.map((l) => l.name.length));
  for (const l of d.layers) lines.push(`  ${l.name.padEnd(width)}  ${(l.opType ?? '').padEnd(18)}  ${shapeText(l.shape).padEnd(20)}  ${l.kind}`);
  return lines.join('\n') + '\n';
}

export const onnxInspectCommand: Command = {
  spec,
  async run(args, io) {
    const file = args.positionals[0];
    const shape = args.options.inputShape === undefined ? null : parseShape(args.options.inputShape as string);
    const presetName = oneOf('preset', args.options.preset, Object.keys(presets));
    const model = await asUsage(async () => {
      const { bytes, label } = await readSource(file);
      return decodeModel(bytes, label);
    });
    const description = describeOnnx(model, file, shape, presetName ? presets[presetName] : undefined);
    io.stdout.write(args.options.json ? JSON.stringify(description, null, 2) + '\n' : formatDescription(description));
  },
};
