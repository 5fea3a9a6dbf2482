import { tf } from '../../runtime/tf.js';
import { useBackend } from '../../runtime/backend.js';
import { Rng, setSeed } from '../../runtime/rng.js';
import { warn } from '../../runtime/warnings.js';
import { MADCompetition, type MinMax } from '../../synth/mad-competition.js';
import { animateMad, plotMadLoss, plotMadSynthesisStatus } from '../../synth/display/mad.js';
import type { CommandSpec, OptionSpec, ParsedArgs } from '../args.js';
import { asUsage, TerminalProgress, type CliIo, type Command } from '../command.js';
import { OutputFolder } from '../output-folder.js';
import { resolveImage } from '../resolve-image.js';
import { resolveMetric, type ResolvedMetric } from '../resolve-metric.js';
import { atLeast, makeOptimizer, oneOf, optimizerChoice, optimizerOptionSpecs, type OptimizerChoice } from '../optimizer-options.js';

const METRIC_HELP = "mse, ssim, ms-ssim, nlpd (SSIMs as 1 − similarity), a built-in model (its representation distance; see 'plenoptic models') or FILE.onnx[#LAYER]";

/** Options shared by `mad` and `mad-all`. */
export const madSharedOptions: OptionSpec[] = [
  { name: 'image', type: 'string', value: 'PATH|builtin:NAME', required: true, description: 'reference image: PNG/JPEG/TIFF (read as gray), .npy, or builtin:NAME' },
  { name: 'size', type: 'integer', value: 'N', default: 256, description: 'size of built-in images' },
  { name: 'lambda', type: 'number', value: 'L', description: 'metric trade-off lambda, the weight holding the reference metric fixed (default: a power of ten balancing the two metrics)' },
  { name: 'initial-noise', type: 'number', value: 'X', default: 0.1, description: 'std of the Gaussian noise added to the image to start' },
  { name: 'range-penalty-lambda', type: 'number', value: 'X', default: 0.1, description: 'weight of the penalty on pixels outside [0, 1]' },
  { name: 'max-iter', type: 'integer', value: 'N', default: 100, description: 'iterations per synthesis' },
  ...optimizerOptionSpecs,
  { name: 'stop-criterion', type: 'number', value: 'X', default: 1e-4, description: 'stop when the loss changes less than this over 50 iterations' },
  { name: 'store-progress', type: 'integer', value: 'N', description: 'store the image every N iterations and write an animation' },
  { name: 'seed', type: 'integer', value: 'S', default: 0, description: 'seed of the initial noise and of random built-in images' },
  { name: 'backend', type: 'string', value: 'B', description: 'tfjs backend: tensorflow, wasm or cpu (default: $PLENOPTIC_BACKEND, else the best available)' },
];

export interface MadRunSettings extends OptimizerChoice {
  lambda?: number;
  initialNoise: number;
  rangePenaltyLambda: number;
  maxIter: number;
  stopCriterion: number;
  storeProgress?: number;
  seed: number;
}

export function madSettings(args: ParsedArgs): MadRunSettings {
  const o = args.options;
  atLeast('max-iter', o.maxIter, 0);
  atLeast('size', o.size, 1);
  atLeast('store-progress', o.storeProgress, 1);
  atLeast('initial-noise', o.initialNoise, 0);
  atLeast('range-penalty-lambda', o.rangePenaltyLambda, 0);
  atLeast('lambda', o.lambda, 0);
  return {
    ...optimizerChoice(args),
    lambda: o.lambda as number | undefined,
    initialNoise: o.initialNoise as number,
    rangePenaltyLambda: o.rangePenaltyLambda as number,
    maxIter: o.maxIter as number,
    stopCriterion: o.stopCriterion as number,
    storeProgress: o.storeProgress as number | undefined,
    seed: o.seed as number,
  };
}

/** The image and two metrics of a MAD command; on failure, whatever was already built is released. */
export async function madInputs(
  args: ParsedArgs,
  sides: readonly [{ spec: string; options: unknown; what: string }, { spec: string; options: unknown; what: string }],
): Promise<{ image: tf.Tensor4D; metrics: [ResolvedMetric, ResolvedMetric]; dispose(): void }> {
  const image = await resolveImage(args.options.image as string, { size: args.options.size as number, seed: args.options.seed as number });
  const built: ResolvedMetric[] = [];
  const dispose = () => {
    image.dispose();
    built.forEach((m) => m.dispose());
  };
  try {
    for (const side of sides) built.push(await resolveMetric(side.spec, side.options, side.what, { imageShape: image.shape }));
  } catch (e) {
    dispose();
    throw e;
  }
  return { image, metrics: [built[0], built[1]], dispose };
}

/** Metric values at the start and the end, and the reference's relative drift: what a MAD summary reports. */
export function madNumbers(mad: MADCompetition): Record<string, unknown> {
  const optimized = mad.optimizedMetricLoss;
  const reference = mad.referenceMetricLoss;
  const last = <T>(xs: T[]) => xs[xs.length - 1];
  return {
    metricTradeoffLambda: mad.metricTradeoffLambda,
    iterations: mad.losses.length,
    stopReason: mad.stopReason,
    optimizedMetric: { initial: optimized[0], final: last(optimized) },
    referenceMetric: { target: mad.referenceMetricTarget, final: last(reference), relativeChange: Math.abs(last(reference) - mad.referenceMetricTarget) / Math.abs(mad.referenceMetricTarget || 1) },
    losses: mad.losses,
    optimizedMetricLoss: optimized,
    referenceMetricLoss: reference,
  };
}

const spec: CommandSpec = {
  name: 'mad',
  summary: 'MAD competition: change an image to minimize or maximize one metric while holding another fixed.',
  options: [
    { name: 'optimized', type: 'string', value: 'NAME', required: true, description: `metric to minimize or maximize: ${METRIC_HELP}` },
    { name: 'optimized-options', type: 'json', value: 'JSON', description: 'options of the optimized metric or model, as camelCase JSON' },
    { name: 'reference', type: 'string', value: 'NAME', required: true, description: 'metric held at its initial value (same choices as --optimized)' },
    { name: 'reference-options', type: 'json', value: 'JSON', description: 'options of the reference metric or model' },
    { name: 'minmax', type: 'string', value: 'min|max', required: true, description: 'minimize or maximize the optimized metric' },
    ...madSharedOptions,
    { name: 'resume', type: 'string', value: 'FILE', description: 'continue a run saved as mad.plnt (same image, metrics, --minmax and --lambda)' },
    { name: 'out', type: 'string', value: 'DIR', default: 'out/mad', description: 'output folder' },
  ],
  notes: [
    'Writes DIR/mad.png, mad.npy, loss.svg (both metrics over the iterations), status.png, summary.json and mad.plnt (the saved synthesis, for --resume), plus progress.gif with --store-progress.',
  ],
  examples: [
    'plenoptic mad --image einstein.png --optimized mse --reference ssim --minmax max --max-iter 300',
    'plenoptic mad --image builtin:dead-leaves --size 128 --optimized ssim --reference nlpd --minmax min --lambda 10 --out out/mad-ssim-min',
    'plenoptic mad --image photo.png --optimized net.onnx#features.9 --optimized-options \'{"grayToRgb":true}\' --reference mse --minmax max',
  ],
};

export const madCommand: Command = {
  spec,
  async run(args, io) {
    const o = args.options;
    const minmax = oneOf('minmax', o.minmax, ['min', 'max'] as const) as MinMax;
    const settings = madSettings(args);
    const backend = await asUsage(() => useBackend(o.backend as string | undefined));
    setSeed(settings.seed);
    const inputs = await madInputs(args, [
      { spec: o.optimized as string, options: o.optimizedOptions, what: '--optimized' },
      { spec: o.reference as string, options: o.referenceOptions, what: '--reference' },
    ]);
    const [optimized, reference] = inputs.metrics;
    let mad: MADCompetition | undefined;
    try {
      mad = await asUsage(async () => {
        const m = new MADCompetition(inputs.image, optimized.metric, reference.metric, {
          minmax,
          initialNoise: settings.initialNoise,
          metricTradeoffLambda: settings.lambda,
          rangePenaltyLambda: settings.rangePenaltyLambda,
          rng: new Rng(settings.seed),
        });
        try {
          await m.init();
          if (o.resume) await m.load(o.resume as string);
        } catch (e) {
          m.dispose();
          throw e;
        }
        return m;
      });
      const out = await OutputFolder.create(o.out as string);
      if (o.resume && o.lr !== undefined) warn('--lr is ignored with --resume: the saved optimizer state continues.');
      const before = mad.losses.length;
      const bar = new TerminalProgress(io, 'MAD ');
      const start = performance.now();
      await mad
        .synthesize({
          maxIter: settings.maxIter,
          optimizer: o.resume ? undefined : makeOptimizer(settings),
          storeProgress: o.resume ? (settings.storeProgress ?? mad.storeProgress ?? false) : (settings.storeProgress ?? false),
          stopCriterion: settings.stopCriterion,
          progressBar: false,
          onProgress: (info) => bar.update(info),
        })
        .finally(() => bar.close());
      const seconds = (performance.now() - start) / 1000;
      await writeMadOutputs(mad, out, '');
      await mad.save(out.path('mad.plnt'));
      const numbers = madNumbers(mad);
      await out.summary({
        optimized: optimized.label,
        optimizedOptions: o.optimizedOptions ?? {},
        reference: reference.label,
        referenceOptions: o.referenceOptions ?? {},
        minmax,
        image: o.image,
        ...numbers,
        iterationsThisRun: mad.losses.length - before,
        seconds,
        backend: backend.name,
        seed: settings.seed,
        optimizer: mad.optimizer?.kind ?? null,
        storeProgress: mad.storeProgress,
        resumedFrom: o.resume ?? null,
      });
      reportMad(io, `mad (${minmax} ${optimized.label}, ${reference.label} held)`, numbers, ` in ${seconds.toFixed(1)} s on ${backend.name}`);
      io.stdout.write(out.report());
    } finally {
      mad?.dispose();
      inputs.dispose();
    }
  },
};

/** The image, its .npy, the loss plot, the status figure and (with stored progress) the animation of one MAD synthesis. */
export async function writeMadOutputs(mad: MADCompetition, out: OutputFolder, prefix: string): Promise<void> {
  const name = (base: string) => (prefix ? `${prefix}_${base}` : base);
  await out.image(name('mad.png'), mad.madImage);
  await out.npy(name('mad.npy'), mad.madImage);
  await out.text(name('loss.svg'), plotMadLoss(mad).toSvg());
  await out.png(name('status.png'), await plotMadSynthesisStatus(mad));
  if (mad.storeProgress) await out.text(name('progress.gif'), await animateMad(mad));
}

/** One line per synthesis; `timing` says how long and where, e.g. ' in 3.1 s on wasm'. */
export function reportMad(io: CliIo, what: string, numbers: Record<string, unknown>, timing = ''): void {
  const opt = numbers.optimizedMetric as { initial: number; final: number };
  const ref = numbers.referenceMetric as { target: number; final: number; relativeChange: number };
  io.stdout.write(
    `${what}: ${numbers.iterations} iterations${timing}; optimized ${opt.initial.toExponential(3)} -> ${opt.final.toExponential(3)}, ` +
      `reference ${ref.target.toExponential(3)} -> ${ref.final.toExponential(3)} (${(100 * ref.relativeChange).toFixed(2)}% change)\n`,
  );
}
