import { useBackend } from '../../runtime/backend.js';
import type { Model } from '../../runtime/model.js';
import { Rng, setSeed } from '../../runtime/rng.js';
import { warn } from '../../runtime/warnings.js';
import type { tf } from '../../runtime/tf.js';
import { Geodesic } from '../../synth/geodesic.js';
import { animateGeodesic, geodesicStrip, plotDeviationFromLine, plotGeodesicLoss, plotStepEnergy } from '../../synth/display/geodesic.js';
import type { CommandSpec } from '../args.js';
import { asUsage, TerminalProgress, type Command } from '../command.js';
import { OutputFolder } from '../output-folder.js';
import { resolveImage } from '../resolve-image.js';
import { onnxExecution, resolveModel } from '../resolve-model.js';
import { atLeast, makeOptimizer, oneOf, optimizerChoice, optimizerOptionSpecs } from '../optimizer-options.js';

const spec: CommandSpec = {
  name: 'geodesic',
  summary: "Geodesic: the shortest path between two images in a model's representation, as a sequence of images.",
  options: [
    { name: 'model', type: 'string', value: 'NAME', required: true, description: "built-in model (see 'plenoptic models') or FILE.onnx[#LAYER]" },
    { name: 'options', type: 'json', value: 'JSON', description: 'model options as camelCase JSON' },
    { name: 'image-a', type: 'string', value: 'PATH|builtin:NAME', required: true, description: 'first anchor image: PNG/JPEG/TIFF (read as gray), .npy, or builtin:NAME' },
    { name: 'image-b', type: 'string', value: 'PATH|builtin:NAME', required: true, description: 'second anchor image, of the same size' },
    { name: 'size', type: 'integer', value: 'N', default: 64, description: 'size of built-in images' },
    { name: 'n-steps', type: 'integer', value: 'N', default: 10, description: 'transitions between the anchors (the sequence has N + 1 frames)' },
    { name: 'initial-sequence', type: 'string', value: 'straight|bridge', default: 'straight', description: 'start from the pixel fade or from a Brownian bridge between the anchors' },
    { name: 'max-iter', type: 'integer', value: 'N', default: 100, description: 'iterations to run' },
    ...optimizerOptionSpecs,
    { name: 'stop-criterion', type: 'number', value: 'X', description: 'stop when the pixel change norm stays below this (default: norm(pixel fade)·φ/10⁴, plenoptic\'s)' },
    { name: 'range-penalty-lambda', type: 'number', value: 'X', default: 0.1, description: 'weight of the penalty on pixels outside [0, 1]' },
    { name: 'store-progress', type: 'integer', value: 'N', description: 'store the step energies and deviation from the line every N iterations' },
    { name: 'resume', type: 'string', value: 'FILE', description: 'continue a run saved as geodesic.plnt (same model, anchors, --n-steps and --initial-sequence)' },
    { name: 'seed', type: 'integer', value: 'S', default: 0, description: "seed of the 'bridge' start and of random built-in images" },
    { name: 'backend', type: 'string', value: 'B', description: 'tfjs backend: tensorflow, wasm or cpu (default: $PLENOPTIC_BACKEND, else the best available)' },
    { name: 'out', type: 'string', value: 'DIR', default: 'out/geodesic', description: 'output folder' },
  ],
  notes: [
    'Writes DIR/sequence.png (the frames side by side), geodesic.gif (the frames as an animation), geodesic.npy ([N + 1, C, H, W]), ' +
      'loss.svg, step_energy.svg (each step against the straight-line floor), deviation.svg (distance from the representation line), ' +
      'geodesic.plnt (the saved synthesis, for --resume) and summary.json, which also says when the path stopped improving, ' +
      'left the pixel range or ended no better than the pixel fade.',
  ],
  examples: [
    'plenoptic geodesic --model on-off --options \'{"kernelSize":[31,31],"pretrained":true}\' --image-a a.png --image-b b.png --n-steps 10 --max-iter 500',
    'plenoptic geodesic --model net.onnx#layer1 --image-a builtin:disk --image-b builtin:checkerboard --size 32 --max-iter 200',
  ],
};

export const geodesicCommand: Command = {
  spec,
  async run(args, io) {
    const o = args.options;
    atLeast('n-steps', o.nSteps, 2);
    atLeast('max-iter', o.maxIter, 0);
    atLeast('size', o.size, 1);
    atLeast('store-progress', o.storeProgress, 1);
    atLeast('range-penalty-lambda', o.rangePenaltyLambda, 0);
    const initialSequence = oneOf('initial-sequence', o.initialSequence, ['straight', 'bridge'] as const)!;
    const choice = optimizerChoice(args);
    const seed = o.seed as number;
    const backend = await asUsage(() => useBackend(o.backend as string | undefined));
    setSeed(seed);
    const images: tf.Tensor4D[] = [];
    let model: Model | undefined;
    let geodesic: Geodesic | undefined;
    try {
      images.push(await resolveImage(o.imageA as string, { size: o.size as number, seed, what: '--image-a' }));
      images.push(await resolveImage(o.imageB as string, { size: o.size as number, seed, what: '--image-b' }));
      const [a, b] = images;
      model = await resolveModel(o.model as string, o.options, { imageShape: a.shape });
      const m = model;
      geodesic = await asUsage(async () => {
        const g = new Geodesic(a, b, m, { nSteps: o.nSteps as number, initialSequence, rangePenaltyLambda: o.rangePenaltyLambda as number, rng: new Rng(seed), verbose: false });
        try {
          await g.init();
          if (o.resume) await g.load(o.resume as string);
        } catch (e) {
          g.dispose();
          throw e;
        }
        return g;
      });
      const out = await OutputFolder.create(o.out as string);
      if (o.resume && (o.lr !== undefined || o.optimizer !== 'adam')) warn('--lr and --optimizer are ignored with --resume: the saved optimizer state continues.');
      const before = geodesic.losses.length;
      const progress = new TerminalProgress(io, 'Geodesic ');
      const start = performance.now();
      await geodesic
        .synthesize({
          maxIter: o.maxIter as number,
          optimizer: o.resume ? undefined : makeOptimizer(choice, { adam: 0.001 }),
          stopCriterion: o.stopCriterion as number | undefined,
          storeProgress: o.resume ? ((o.storeProgress as number | undefined) ?? geodesic.storeProgress ?? false) : ((o.storeProgress as number | undefined) ?? false),
          progressBar: false,
          onProgress: (info) => progress.update(info),
        })
        .finally(() => progress.close());
      const seconds = (performance.now() - start) / 1000;
      const frames = geodesic.geodesic;
      try {
        await out.npy('geodesic.npy', frames);
      } finally {
        frames.dispose();
      }
      const zoom = Math.max(1, Math.floor(96 / Math.max(a.shape[2], a.shape[3])));
      await out.png('sequence.png', await geodesicStrip(geodesic, { zoom }));
      await out.text('geodesic.gif', await animateGeodesic(geodesic, { zoom: Math.max(1, Math.floor(256 / Math.max(a.shape[2], a.shape[3]))) }));
      await out.text('loss.svg', plotGeodesicLoss(geodesic).toSvg());
      await out.text('step_energy.svg', (await plotStepEnergy(geodesic)).toSvg());
      await out.text('deviation.svg', (await plotDeviationFromLine(geodesic)).toSvg());
      await geodesic.save(out.path('geodesic.plnt'));
      const losses = geodesic.losses;
      const diagnostics = geodesic.diagnostics;
      await out.summary({
        model: o.model,
        modelOptions: o.options ?? {},
        imageA: o.imageA,
        imageB: o.imageB,
        nSteps: geodesic.nSteps,
        initialSequence,
        iterations: losses.length,
        iterationsThisRun: losses.length - before,
        stopReason: geodesic.stopReason,
        losses,
        finalLoss: losses.length ? losses[losses.length - 1] : null,
        straightLineFloor: geodesic.straightLineFloor,
        diagnostics,
        messages: geodesic.messages,
        seconds,
        backend: backend.name,
        ...onnxExecution(model),
        seed,
        optimizer: geodesic.optimizer?.kind ?? null,
        storeProgress: geodesic.storeProgress,
        resumedFrom: o.resume ?? null,
      });
      const energy = diagnostics ? `, path energy ${diagnostics.pathEnergy.toExponential(3)} (straight-line floor ${diagnostics.straightLineFloor.toExponential(3)})` : '';
      io.stdout.write(`geodesic: ${losses.length - before} iterations (${losses.length} in all) in ${seconds.toFixed(1)} s on ${backend.name}${energy}\n`);
      io.stdout.write(out.report());
    } finally {
      geodesic?.dispose();
      model?.dispose?.();
      images.forEach((t) => t.dispose());
    }
  },
};
