import { useBackend } from '../../runtime/backend.js';
import { setSeed } from '../../runtime/rng.js';
import {
  compareLayers,
  type CompareLayersOptions,
  type EigendistortionComparisonOptions,
  type LayerComparison,
  type MetamerComparisonOptions,
} from '../../adapters/compare-layers.js';
import { plotLayerComparison } from '../../adapters/compare-layers-figure.js';
import type { LoadOnnxOptions } from '../../adapters/onnx-model.js';
import { readSource } from '../../adapters/source.js';
import { decodeModel } from '../../onnx/decode.js';
import { UsageError, type CommandSpec, type ParsedArgs } from '../args.js';
import { argumentErrorsAsUsage, asUsage, TerminalProgress, type Command } from '../command.js';
import { OutputFolder } from '../output-folder.js';
import { resolveImage } from '../resolve-image.js';
import { atLeast, makeOptimizer, oneOf, optimizerChoice, optimizerOptionSpecs } from '../optimizer-options.js';

const eigendistortionMethods = { power: 'power', exact: 'exact', 'randomized-svd': 'randomizedSvd' } as const;

const spec: CommandSpec = {
  name: 'compare-layers',
  summary: 'Run the same synthesis (eigendistortion or metamer) at several layers of one ONNX network and compare them in one figure.',
  positionals: [{ name: 'FILE', description: 'the .onnx file', required: true }],
  options: [
    { name: 'layers', type: 'string', value: 'A,B,C', required: true, description: "comma-separated layer names (see 'plenoptic onnx inspect FILE'): module paths, ONNX node or value names, preset names" },
    { name: 'image', type: 'string', value: 'PATH|builtin:NAME', required: true, description: 'image: PNG/JPEG/TIFF (read as gray), .npy, or builtin:NAME' },
    { name: 'method', type: 'string', value: 'eigendistortion|metamer', required: true, description: 'the synthesis to run at each layer' },
    { name: 'options', type: 'json', value: 'JSON', description: 'how to load the network, e.g. \'{"preprocess":"imagenet","preset":"vgg16","executor":"tfjs"}\' (gray images are repeated over RGB unless grayToRgb is set)' },
    { name: 'size', type: 'integer', value: 'N', default: 64, description: 'size of built-in images' },
    { name: 'max-iter', type: 'integer', value: 'N', description: 'power iterations per end of the spectrum (eigendistortion, default 1000) or metamer iterations (default 100)' },
    { name: 'k', short: 'k', type: 'integer', value: 'K', default: 1, description: 'eigendistortion: how many at each end of the spectrum' },
    { name: 'eigendistortion-method', type: 'string', value: 'M', default: 'power', description: "eigendistortion: 'power', 'exact' or 'randomized-svd'" },
    ...optimizerOptionSpecs,
    { name: 'loss', type: 'string', value: 'NAME', default: 'mse', description: 'metamer: loss between representations (mse, l2Norm, relativeMse)' },
    { name: 'stop-criterion', type: 'number', value: 'X', description: 'stop criterion of each synthesis (default: the method\'s own)' },
    { name: 'seed', type: 'integer', value: 'S', default: 0, description: 'seed of every layer\'s random start (the same for all layers) and of random built-in images' },
    { name: 'backend', type: 'string', value: 'B', description: 'tfjs backend: tensorflow, wasm or cpu (default: $PLENOPTIC_BACKEND, else the best available)' },
    { name: 'out', type: 'string', value: 'DIR', default: 'out/compare-layers', description: 'output folder' },
  ],
  notes: [
    'Writes DIR/comparison.png (the image, then a row per layer: the top and bottom eigendistortion, or the metamer and its loss), ' +
      'LAYER_top.npy / LAYER_bottom.npy or LAYER_metamer.npy for each layer, and summary.json (per layer: output shape, eigenvalues or losses, seconds).',
  ],
  examples: [
    'plenoptic compare-layers vgg16.onnx --options \'{"preprocess":"imagenet","preset":"vgg16"}\' --layers relu1_2,relu2_2,relu3_3 --image einstein.png --method eigendistortion --max-iter 200',
    'plenoptic compare-layers resnet18.onnx --layers layer1,layer2 --image builtin:dead-leaves --method metamer --max-iter 300',
  ],
};

function layerList(raw: string): string[] {
  const layers = raw.split(',').map((l) => l.trim());
  if (layers.some((l) => l === '')) throw new UsageError(`--layers must be comma-separated layer names such as features.4,features.9, got '${raw}'.`);
  return layers;
}

function loadOptions(raw: unknown): Omit<LoadOnnxOptions, 'output'> {
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UsageError(`--options must be a JSON object such as '{"preprocess":"imagenet"}', got ${JSON.stringify(raw)}.`);
  }
  if ('output' in raw) throw new UsageError('--options cannot set output: the layers come from --layers.');
  return raw as Omit<LoadOnnxOptions, 'output'>;
}

/** The network's declared input channels (null when not declared). */
async function inputChannels(file: string): Promise<number | null> {
  const { bytes, label } = await readSource(file);
  const c = decodeModel(bytes, label).graph.inputs[0]?.shape?.[1];
  return typeof c === 'number' ? c : null;
}

type Shared = 'layers' | 'image' | 'load' | 'seed' | 'onProgress';

/** The method's part of the compareLayers options, and the same settings as plain values for summary.json. */
function methodOptions(
  args: ParsedArgs,
  method: 'eigendistortion' | 'metamer',
): { synthesis: Omit<EigendistortionComparisonOptions, Shared> | Omit<MetamerComparisonOptions, Shared>; settings: Record<string, unknown> } {
  const o = args.options;
  atLeast('max-iter', o.maxIter, 1);
  atLeast('k', o.k, 1);
  const common = { maxIter: o.maxIter as number | undefined, stopCriterion: o.stopCriterion as number | undefined };
  if (method === 'eigendistortion') {
    const name = oneOf('eigendistortion-method', o.eigendistortionMethod, Object.keys(eigendistortionMethods) as (keyof typeof eigendistortionMethods)[])!;
    const settings = { ...common, eigendistortionMethod: eigendistortionMethods[name], k: o.k as number };
    return { synthesis: { method, ...settings }, settings };
  }
  const choice = optimizerChoice(args);
  const settings = { ...common, lossFunction: o.loss as string };
  return { synthesis: { method, ...settings, optimizer: () => makeOptimizer(choice) }, settings: { ...settings, ...choice } };
}

export const compareLayersCommand: Command = {
  spec,
  async run(args, io) {
    const o = args.options;
    const file = args.positionals[0];
    const method = oneOf('method', o.method, ['eigendistortion', 'metamer'] as const)!;
    const layers = layerList(o.layers as string);
    const load = loadOptions(o.options);
    const { synthesis, settings } = methodOptions(args, method);
    const seed = o.seed as number;
    const backend = await asUsage(() => useBackend(o.backend as string | undefined));
    setSeed(seed);
    const channels = await asUsage(() => inputChannels(file));
    const image = await resolveImage(o.image as string, { size: o.size as number, seed });
    let comparison: LayerComparison | undefined;
    try {
      const grayToRgb = load.grayToRgb ?? (image.shape[1] === 1 && channels === 3);
      const progress = new TerminalProgress(io, '');
      const start = performance.now();
      const options: CompareLayersOptions = {
        ...synthesis,
        layers,
        image,
        load: { ...load, grayToRgb },
        seed,
        onProgress: (layer, info) => progress.update(info, `${layer} `),
      };
      comparison = await argumentErrorsAsUsage(() => compareLayers(file, options)).finally(() => progress.close());
      const seconds = (performance.now() - start) / 1000;
      const out = await OutputFolder.create(o.out as string);
      await out.png('comparison.png', await plotLayerComparison(comparison));
      const safe = (layer: string) => layer.replace(/[^A-Za-z0-9._-]+/g, '_');
      for (const row of comparison.rows) {
        for (const [kind, t] of Object.entries(row.images)) await out.npy(`${safe(row.layer)}_${kind}.npy`, t);
      }
      const rows = comparison.rows.map(({ layer, outputShape, seconds: s, summary }) => ({ layer, outputShape, seconds: s, ...summary }));
      await out.summary({ file, method, layers, image: o.image, load: { ...load, grayToRgb }, settings, rows, seconds, backend: backend.name, seed });
      io.stdout.write(`compare-layers (${method}, ${layers.length} layers) in ${seconds.toFixed(1)} s on ${backend.name}:\n`);
      for (const row of rows) {
        const result = 'eigenvalues' in row ? `eigenvalues ${row.eigenvalues.map((v) => v.toExponential(3)).join(', ')}` : `final loss ${row.finalLoss.toExponential(3)}`;
        io.stdout.write(`  ${row.layer} [${row.outputShape.join(', ')}]: ${result} (${row.seconds.toFixed(1)} s)\n`);
      }
      io.stdout.write(out.report());
    } finally {
      comparison?.dispose();
      image.dispose();
    }
  },
};
