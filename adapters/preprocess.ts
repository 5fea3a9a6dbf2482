// Preprocessing as graph nodes in front of the network, so that every executor (tfjs interpreter, onnxruntime,
// generated gradient graphs) and a saved tapped model see the same function of the [0, 1] image.
import { ValueError } from '../runtime/errors.js';
import { attr, makeNode } from '../onnx/attributes.js';
import type { Node, OnnxModelIR } from '../onnx/ir.js';
import { makeTensor } from '../onnx/tensor-data.js';

export type Preprocess = 'imagenet' | 'none';

export interface PreprocessOptions {
  /** 'imagenet': (x - mean) / std with torchvision's ImageNet statistics, as torchvision's pretrained nets expect. */
  preprocess?: Preprocess;
  /** Accept 1-channel images and repeat them over the 3 input channels. */
  grayToRgb?: boolean;
}

export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

function unique(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/**
 * The model with preprocessing nodes before its (single) input. Its new input is called 'image' (or a variant if
 * that name is taken) and the metadata records what was added.
 */
export function withPreprocessing(model: OnnxModelIR, { preprocess = 'none', grayToRgb = false }: PreprocessOptions): OnnxModelIR {
  if (preprocess !== 'none' && preprocess !== 'imagenet') {
    throw new ValueError(`preprocess must be 'imagenet' or 'none', got '${String(preprocess)}'.`);
  }
  if (preprocess === 'none' && !grayToRgb) return model;
  const graph = model.graph;
  const input = graph.inputs[0];
  const channels = input.shape?.[1];
  if ((preprocess === 'imagenet' || grayToRgb) && channels !== 3) {
    throw new ValueError(
      `ImageNet normalization and grayToRgb need a network with 3 input channels; '${input.name}' has ${channels ?? 'unknown'}.`,
    );
  }
  const taken = new Set([...graph.initializers.keys(), ...graph.nodes.flatMap((n) => [n.name, ...n.outputs]), input.name]);
  const imageName = unique('image', taken);
  const nodes: Node[] = [];
  const initializers = new Map(graph.initializers);
  let current = imageName;
  const steps: { op: string; inputs: (cur: string) => string[]; attrs?: Node['attributes'] }[] = [];
  if (grayToRgb) steps.push({ op: 'Concat', inputs: (cur) => [cur, cur, cur], attrs: { axis: attr.int(1) } });
  if (preprocess === 'imagenet') {
    const mean = unique('plenoptic.imagenet_mean', taken);
    const std = unique('plenoptic.imagenet_std', taken);
    initializers.set(mean, makeTensor('float32', [1, 3, 1, 1], IMAGENET_MEAN));
    initializers.set(std, makeTensor('float32', [1, 3, 1, 1], IMAGENET_STD));
    steps.push({ op: 'Sub', inputs: (cur) => [cur, mean] }, { op: 'Div', inputs: (cur) => [cur, std] });
  }
  steps.forEach((step, i) => {
    const output = i === steps.length - 1 ? input.name : unique(`/plenoptic_preprocess/${step.op}_output_0`, taken);
    nodes.push(makeNode(step.op, step.inputs(current), [output], step.attrs, unique(`/plenoptic_preprocess/${step.op}`, taken)));
    current = output;
  });
  const shape = input.shape ? [input.shape[0], grayToRgb ? 1 : input.shape[1], ...input.shape.slice(2)] : undefined;
  return {
    ...model,
    metadata: {
      ...model.metadata,
      'plenoptic.preprocess': preprocess,
      'plenoptic.gray_to_rgb': String(grayToRgb),
    },
    graph: {
      ...graph,
      nodes: [...nodes, ...graph.nodes],
      inputs: [{ ...input, name: imageName, ...(shape ? { shape } : {}) }],
      initializers,
    },
  };
}
