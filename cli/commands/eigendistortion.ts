import { tf } from '../../runtime/tf.js';
import { useBackend } from '../../runtime/backend.js';
import type { Model } from '../../runtime/model.js';
import { Rng, setSeed } from '../../runtime/rng.js';
import { Eigendistortion, type EigendistortionMethod } from '../../synth/eigendistortion.js';
import { displayEigendistortion, plotTopBottomEigendistortions } from '../../synth/display/eigendistortion.js';
import { imshow } from '../../display/imshow.js';
import { gridFigures, type Figure } from '../../display/figure.js';
import type { CommandSpec, ParsedArgs } from '../args.js';
import { argumentErrorsAsUsage, asUsage, TerminalProgress, type Command } from '../command.js';
import { OutputFolder } from '../output-folder.js';
import { resolveImage } from '../resolve-image.js';
import { onnxExecution, resolveModel } from '../resolve-model.js';
import { atLeast, oneOf } from '../optimizer-options.js';

const methods = { power: 'power', exact: 'exact', 'randomized-svd': 'randomizedSvd' } as const;

const spec: CommandSpec = {
  name: 'eigendistortion',
  summary: "Eigendistortions: the image changes a model finds most and least visible (extremal eigenvectors of its Fisher matrix JᵀJ).",
  options: [
    { name: 'model', type: 'string', value: 'NAME', required: true, description: "built-in model (see 'plenoptic models') or FILE.onnx[#LAYER]" },
    { name: 'options', type: 'json', value: 'JSON', description: 'model options as camelCase JSON' },
    { name: 'image', type: 'string', value: 'PATH|builtin:NAME', required: true, description: 'image: PNG/JPEG/TIFF (read as gray), .npy, or builtin:NAME' },
    { name: 'size', type: 'integer', value: 'N', default: 64, description: 'size of built-in images' },
    { name: 'method', type: 'string', value: 'M', default: 'power', description: "'power' (top and bottom k), 'exact' (all; small images only) or 'randomized-svd' (top k)" },
    { name: 'k', short: 'k', type: 'integer', value: 'K', default: 1, description: 'eigendistortions to compute at each end of the spectrum' },
    { name: 'max-iter', type: 'integer', value: 'N', default: 1000, description: 'power iterations per end of the spectrum' },
    { name: 'stop-criterion', type: 'number', value: 'X', default: 1e-7, description: 'power method: stop when the eigenvalues change less than this' },
    { name: 'p', type: 'integer', value: 'P', default: 5, description: 'randomized SVD oversampling' },
    { name: 'q', type: 'integer', value: 'Q', default: 2, description: 'randomized SVD power iterations' },
    { name: 'alpha', type: 'number', value: 'A', default: 3, description: 'the figure shows image + alpha·distortion' },
    { name: 'seed', type: 'integer', value: 'S', default: 0, description: 'seed of the random starting vectors and of random built-in images' },
    { name: 'backend', type: 'string', value: 'B', description: 'tfjs backend: tensorflow, wasm or cpu (default: $PLENOPTIC_BACKEND, else the best available)' },
    { name: 'out', type: 'string', value: 'DIR', default: 'out/eigendistortion', description: 'output folder' },
  ],
  notes: [
    'Writes DIR/distortions.png (the top and bottom eigendistortion, alone and added to the image), eigendistortions.npy ' +
      '([n, C, H, W], ordered as eigenindex), eigenvalues.json, eigendistortion.plnt (the saved synthesis) and summary.json. ' +
      'Gray images given to an RGB ONNX network are repeated over its three channels.',
  ],
  examples: [
    'plenoptic eigendistortion --model on-off --options \'{"kernelSize":[31,31],"pretrained":true}\' --image einstein.png -k 2 --max-iter 200',
    'plenoptic eigendistortion --model vgg16.onnx#relu2_2 --options \'{"preprocess":"imagenet","preset":"vgg16"}\' --image builtin:dead-leaves --size 64',
    'plenoptic eigendistortion --model gaussian --options \'{"kernelSize":[5,5],"std":1}\' --image builtin:disk --size 16 --method exact',
  ],
};

interface EigendistortionSettings {
  method: EigendistortionMethod;
  k: number;
  maxIter: number;
  stopCriterion: number;
  p: number;
  q: number;
  alpha: number;
  seed: number;
}

function settingsFrom(args: ParsedArgs): EigendistortionSettings {
  const o = args.options;
  const method = oneOf('method', o.method, Object.keys(methods) as (keyof typeof methods)[])!;
  atLeast('k', o.k, 1);
  atLeast('max-iter', o.maxIter, 1);
  atLeast('size', o.size, 1);
  atLeast('p', o.p, 0);
  atLeast('q', o.q, 0);
  return {
    method: methods[method],
    k: o.k as number,
    maxIter: o.maxIter as number,
    stopCriterion: o.stopCriterion as number,
    p: o.p as number,
    q: o.q as number,
    alpha: o.alpha as number,
    seed: o.seed as number,
  };
}

/** Whatever part of the spectrum was computed: top and bottom when both ends exist, else the top alone. */
export async function distortionFigure(e: Eigendistortion, alpha: number): Promise<Figure> {
  const zoom = Math.max(1, Math.floor(192 / Math.max(e.imHeight, e.imWidth)));
  if (e.eigenindex?.includes(e.inputDim - 1)) return plotTopBottomEigendistortions(e, { alpha, zoom });
  const values = (await e.eigenvalues!.data()) as Float32Array;
  const top = tf.slice(e.eigendistortions!, [0, 0, 0, 0], [1, -1, -1, -1]);
  try {
    return gridFigures(
      [
        await imshow(top, { vrange: 'indep0', zoom, title: `top eigendistortion (lambda=${values[0].toExponential(3)})` }),
        await displayEigendistortion(e, { eigenindex: 0, alpha, zoom, vrange: [0, 1], title: `image + ${alpha}·top` }),
      ],
      2,
    );
  } finally {
    top.dispose();
  }
}

export const eigendistortionCommand: Command = {
  spec,
  async run(args, io) {
    const o = args.options;
    const settings = settingsFrom(args);
    const backend = await asUsage(() => useBackend(o.backend as string | undefined));
    setSeed(settings.seed);
    const image = await resolveImage(o.image as string, { size: o.size as number, seed: settings.seed });
    let model: Model | undefined;
    let e: Eigendistortion | undefined;
    try {
      model = await resolveModel(o.model as string, o.options, { imageShape: image.shape });
      const m = model;
      e = await asUsage(() => Eigendistortion.create(image, m, { verbose: false }));
      const out = await OutputFolder.create(o.out as string);
      const progress = new TerminalProgress(io, 'Eigendistortion ');
      const start = performance.now();
      const synthesis = e;
      await argumentErrorsAsUsage(() =>
        synthesis.synthesize({
          method: settings.method,
          k: settings.k,
          maxIter: settings.maxIter,
          stopCriterion: settings.stopCriterion,
          p: settings.p,
          q: settings.q,
          rng: new Rng(settings.seed),
          progressBar: false,
          onProgress: (info) => progress.update(info),
        }),
      ).finally(() => progress.close());
      const seconds = (performance.now() - start) / 1000;
      const eigenvalues = Array.from((await e.eigenvalues!.data()) as Float32Array);
      const eigenindex = e.eigenindex!;
      await out.png('distortions.png', await distortionFigure(e, settings.alpha));
      await out.npy('eigendistortions.npy', e.eigendistortions!);
      const spectrum = { method: settings.method, k: settings.k, inputDim: e.inputDim, outputDim: e.outputDim, eigenindex, eigenvalues };
      await out.text('eigenvalues.json', JSON.stringify(spectrum, null, 2) + '\n');
      await e.save(out.path('eigendistortion.plnt'));
      await out.summary({ model: o.model, modelOptions: o.options ?? {}, image: o.image, ...spectrum, messages: e.messages, seconds, backend: backend.name, ...onnxExecution(model), seed: settings.seed });
      const ends = eigenindex.map((index, i) => `λ[${index}] = ${eigenvalues[i].toExponential(4)}`).join(', ');
      io.stdout.write(`eigendistortion (${settings.method}, ${e.inputDim} pixels) in ${seconds.toFixed(1)} s on ${backend.name}: ${ends}\n${out.report()}`);
    } finally {
      e?.dispose();
      model?.dispose?.();
      image.dispose();
    }
  },
};
