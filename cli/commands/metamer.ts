import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tf } from '../../runtime/tf.js';
import type { Model } from '../../runtime/model.js';
import { useBackend } from '../../runtime/backend.js';
import { ProgressBar } from '../../runtime/progress.js';
import { Rng, setSeed } from '../../runtime/rng.js';
import { warn } from '../../runtime/warnings.js';
import { Metamer } from '../../synth/metamer.js';
import { MetamerCTF, type CoarseToFine } from '../../synth/metamer-ctf.js';
import { saveImage, saveNpy } from '../../images/files.js';
import { animate, lossCurveSvg, plotSynthesisStatus } from '../../display/index.js';
import { writeBytesFile, writePng, writeSvg } from '../../display/node.js';
import { UsageError, type CommandSpec, type ParsedArgs } from '../args.js';
import { asUsage, type CliIo, type Command } from '../command.js';
import { resolveImage } from '../resolve-image.js';
import { onnxExecution, resolveModel } from '../resolve-model.js';
import { atLeast, makeOptimizer, oneOf, optimizerChoice, optimizerOptionSpecs, type OptimizerChoice } from '../optimizer-options.js';

/** Everything a metamer run needs, as the command line gives it. */
export interface MetamerRunConfig extends OptimizerChoice {
  model: string;
  modelOptions?: unknown;
  image: string;
  /**
   * 'noise' (default: uniform on [0, 1]), 'mean-noise' (uniform on the target's mean ± 0.05, plenoptic's start for
   * texture metamers) or an image spec of the same size.
   */
  init?: string;
  size?: number;
  maxIter: number;
  /** Coarse-to-fine synthesis (MetamerCTF) for models with scales, such as portilla-simoncelli. */
  ctf?: CoarseToFine;
  /** null: move to the next scale every ctfItersToCheck iterations. */
  changeScaleCriterion?: number | null;
  ctfItersToCheck?: number;
  seed: number;
  storeProgress?: number;
  stopCriterion?: number;
  loss?: string;
  backend?: string;
  out: string;
  resume?: string;
}

export interface MetamerRunResult {
  outDir: string;
  files: string[];
  summary: Record<string, unknown>;
}


const spec: CommandSpec = {
  name: 'metamer',
  summary: "Synthesize a model metamer: an image whose model representation matches the target image's.",
  options: [
    { name: 'model', type: 'string', value: 'NAME', required: true, description: "built-in model (see 'plenoptic models') or FILE.onnx[#OUTPUT]" },
    { name: 'options', type: 'json', value: 'JSON', description: 'model options as camelCase JSON, e.g. \'{"kernelSize":[31,31],"std":3}\'' },
    { name: 'image', type: 'string', value: 'PATH|builtin:NAME', required: true, description: "target image: PNG/JPEG/TIFF (read as gray), .npy, or a built-in image (see 'plenoptic images')" },
    { name: 'size', type: 'integer', value: 'N', default: 256, description: 'size of built-in images' },
    { name: 'init', type: 'string', value: 'PATH|noise|mean-noise', default: 'noise', description: "starting image: uniform noise on [0, 1], uniform noise on the target's mean ± 0.05 (best for portilla-simoncelli), or an image of the same size" },
    { name: 'max-iter', type: 'integer', value: 'N', default: 100, description: 'iterations to run' },
    ...optimizerOptionSpecs,
    { name: 'ctf', type: 'string', value: 'together|separate', description: "coarse-to-fine synthesis for models with scales (portilla-simoncelli): add finer scales to the coarser ones ('together') or optimize one scale at a time ('separate')" },
    { name: 'change-scale-criterion', type: 'string', value: 'X|none', default: '1e-2', description: "with --ctf: move to the next scale when its loss changed less than this over --ctf-iters-to-check iterations ('none': every --ctf-iters-to-check iterations)" },
    { name: 'ctf-iters-to-check', type: 'integer', value: 'N', default: 50, description: 'with --ctf: iterations spent on a scale at least' },
    { name: 'seed', type: 'integer', value: 'S', default: 0, description: 'seed of the initial noise and of random built-in images' },
    { name: 'store-progress', type: 'integer', value: 'N', description: 'store the metamer every N iterations and write progress.gif' },
    { name: 'stop-criterion', type: 'number', value: 'X', default: 1e-4, description: 'stop when the loss changes less than this over 50 iterations' },
    { name: 'loss', type: 'string', value: 'NAME', default: 'mse', description: 'loss between representations: mse, l2Norm or relativeMse' },
    { name: 'resume', type: 'string', value: 'FILE', description: 'continue a run saved as metamer.plnt (same --model, --options, --image)' },
    { name: 'backend', type: 'string', value: 'B', description: 'tfjs backend: tensorflow, wasm or cpu (default: $PLENOPTIC_BACKEND, else the best available)' },
    { name: 'out', type: 'string', value: 'DIR', default: 'out/metamer', description: 'output folder' },
  ],
  notes: [
    "Models built for one image size (portilla-simoncelli, steerable-pyramid) take the target image's size unless --options gives imageShape.",
    'Writes DIR/metamer.png, metamer.npy, loss.svg, status.png, summary.json and metamer.plnt (the saved synthesis, for --resume), plus progress.gif with --store-progress.',
  ],
  examples: [
    'plenoptic metamer --model portilla-simoncelli --image texture.png --ctf together --max-iter 500 --store-progress 10',
    'plenoptic metamer --model portilla-simoncelli --options \'{"nScales":3}\' --image builtin:texture --size 128 --optimizer lbfgs --max-iter 50',
    'plenoptic metamer --model net.onnx#features.9 --options \'{"preprocess":"imagenet","grayToRgb":true}\' --image photo.png --max-iter 200',
    'plenoptic metamer --model gaussian --options \'{"kernelSize":[31,31],"std":3}\' --image builtin:dead-leaves --max-iter 300',
    'plenoptic metamer --model on-off --options \'{"kernelSize":[31,31],"pretrained":true}\' --image photo.png --store-progress 10 --out out/onoff',
    'plenoptic metamer --model on-off --options \'{"kernelSize":[31,31],"pretrained":true}\' --image photo.png --resume out/onoff/metamer.plnt --max-iter 200',
  ],
};

function configFrom(args: ParsedArgs): MetamerRunConfig {
  const o = args.options;
  atLeast('max-iter', o.maxIter, 0);
  atLeast('size', o.size, 1);
  atLeast('store-progress', o.storeProgress, 1);
  atLeast('ctf-iters-to-check', o.ctfItersToCheck, 1);
  return {
    model: o.model as string,
    modelOptions: o.options,
    image: o.image as string,
    init: o.init as string,
    size: o.size as number,
    maxIter: o.maxIter as number,
    ...optimizerChoice(args),
    ctf: oneOf('ctf', o.ctf, ['together', 'separate'] as const),
    changeScaleCriterion: scaleCriterion(o.changeScaleCriterion as string),
    ctfItersToCheck: o.ctfItersToCheck as number | undefined,
    seed: o.seed as number,
    storeProgress: o.storeProgress as number | undefined,
    stopCriterion: o.stopCriterion as number,
    loss: o.loss as string,
    backend: o.backend as string | undefined,
    out: o.out as string,
    resume: o.resume as string | undefined,
  };
}

function scaleCriterion(raw: string): number | null {
  if (raw === 'none') return null;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--change-scale-criterion expects a number or 'none', got '${raw}'.`);
  return value;
}

/** The starting image --init asks for; undefined: the synthesis's own uniform noise. */
async function initialImage(config: MetamerRunConfig, image: tf.Tensor4D): Promise<tf.Tensor4D | undefined> {
  if (!config.init || config.init === 'noise') return undefined;
  if (config.init === 'mean-noise') {
    const noise = tf.tensor(new Rng(config.seed).uniformArray(image.size), image.shape, 'float32');
    const start = tf.tidy(() => tf.add(tf.mul(tf.sub(noise, 0.5), 0.1), tf.mean(image))) as tf.Tensor4D;
    noise.dispose();
    return start;
  }
  return resolveImage(config.init, { size: config.size, seed: config.seed, what: '--init' });
}

/** Runs a metamer synthesis from a command-line configuration and writes its outputs. */
export async function runMetamer(config: MetamerRunConfig, io: CliIo): Promise<MetamerRunResult> {
  const backend = await asUsage(() => useBackend(config.backend));
  setSeed(config.seed);
  const image = await resolveImage(config.image, { size: config.size, seed: config.seed });
  let model: Model | undefined;
  let init: tf.Tensor4D | undefined;
  let metamer: Metamer;
  try {
    model = await resolveModel(config.model, config.modelOptions, { imageShape: image.shape });
    init = await initialImage(config, image);
    const options = { initialImage: init, lossFunction: config.loss, rng: new Rng(config.seed) };
    const m = model;
    metamer = await asUsage(async () => {
      const built = config.ctf ? new MetamerCTF(image, m, { ...options, coarseToFine: config.ctf }) : new Metamer(image, m, options);
      try {
        await built.init();
        if (config.resume) await built.load(config.resume);
      } catch (e) {
        built.dispose();
        throw e;
      }
      return built;
    });
  } catch (e) {
    model?.dispose?.();
    throw e;
  } finally {
    image.dispose();
    init?.dispose();
  }
  try {
    const outDir = resolve(config.out);
    await mkdir(outDir, { recursive: true });
    if (config.resume && config.lr !== undefined) {
      warn('--lr is ignored with --resume: the saved optimizer state continues.');
    }
    const before = metamer.losses.length;
    const bar = new ProgressBar(config.maxIter, 'Metamer ', io.stderr.isTTY ? true : false, io.stderr);
    const start = performance.now();
    await metamer.synthesize({
      maxIter: config.maxIter,
      optimizer: config.resume ? undefined : makeOptimizer(config),
      storeProgress: config.resume ? (config.storeProgress ?? metamer.storeProgress ?? false) : (config.storeProgress ?? false),
      stopCriterion: config.stopCriterion,
      progressBar: false,
      onProgress: (info) => bar.update(info),
      ...(metamer instanceof MetamerCTF ? { changeScaleCriterion: config.changeScaleCriterion, ctfItersToCheck: config.ctfItersToCheck } : {}),
    });
    bar.close();
    const seconds = (performance.now() - start) / 1000;

    const files: string[] = [];
    const path = (name: string) => {
      files.push(name);
      return join(outDir, name);
    };
    const clipped = tf.tidy(() => tf.clipByValue(metamer.metamer, 0, 1)) as tf.Tensor4D;
    await saveImage(path('metamer.png'), clipped);
    clipped.dispose();
    await saveNpy(path('metamer.npy'), metamer.metamer);
    await writeSvg(path('loss.svg'), lossCurveSvg(metamer.losses));
    await writePng(path('status.png'), await plotSynthesisStatus(metamer));
    if (metamer.storeProgress) {
      // image-like representations get per-frame colour ranges (plenoptic warns about them otherwise)
      const ylim = metamer.targetRepresentation.rank === 4 ? false : null;
      await writeBytesFile(path('progress.gif'), await animate(metamer, { ylim }));
    }
    await metamer.save(path('metamer.plnt'));
    const losses = metamer.losses;
    const summary = {
      model: config.model,
      modelOptions: config.modelOptions ?? {},
      image: config.image,
      init: config.init ?? 'noise',
      iterations: losses.length,
      iterationsThisRun: losses.length - before,
      stopReason: metamer.stopReason,
      losses,
      finalLoss: losses.length ? losses[losses.length - 1] : null,
      seconds,
      backend: backend.name,
      ...onnxExecution(model),
      seed: config.seed,
      optimizer: metamer.optimizer?.kind ?? null,
      learningRate: metamer.optimizer?.learningRate ?? null,
      ...(metamer instanceof MetamerCTF
        ? { coarseToFine: metamer.coarseToFine, scalesTiming: metamer.scalesTiming, scalesFinished: metamer.scalesFinished, scalesLoss: metamer.scalesLoss }
        : {}),
      storeProgress: metamer.storeProgress,
      resumedFrom: config.resume ? resolve(config.resume) : null,
      files: [...files, 'summary.json'],
    };
    await writeFile(path('summary.json'), JSON.stringify(summary, null, 2) + '\n');
    return { outDir, files, summary };
  } finally {
    metamer.dispose();
    model?.dispose?.();
  }
}

export function reportRun(result: MetamerRunResult, io: CliIo): void {
  const { summary } = result;
  const loss = summary.finalLoss === null ? 'n/a' : (summary.finalLoss as number).toExponential(3);
  io.stdout.write(
    `metamer: ${summary.iterationsThisRun} iterations (${summary.iterations} in all) in ${(summary.seconds as number).toFixed(1)} s on ${summary.backend}, final loss ${loss}\n`,
  );
  io.stdout.write(`outputs in ${result.outDir}:\n${result.files.map((f) => `  ${f}`).join('\n')}\n`);
}

export const metamerCommand: Command = {
  spec,
  async run(args, io) {
    reportRun(await runMetamer(configFrom(args), io), io);
  },
};
