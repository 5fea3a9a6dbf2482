import { useBackend } from '../../runtime/backend.js';
import { setSeed } from '../../runtime/rng.js';
import { madCompetitionAll, madSetKeys, type MADSet } from '../../synth/mad-all.js';
import { displayMadImageAll, plotMadLossAll } from '../../synth/display/mad.js';
import type { CommandSpec } from '../args.js';
import { argumentErrorsAsUsage, asUsage, TerminalProgress, type Command } from '../command.js';
import { OutputFolder } from '../output-folder.js';
import { makeOptimizer } from '../optimizer-options.js';
import { madInputs, madNumbers, madSettings, madSharedOptions, reportMad } from './mad.js';

const spec: CommandSpec = {
  name: 'mad-all',
  summary: 'The full MAD set: each of two metrics minimized and maximized while the other is held fixed (four syntheses).',
  options: [
    { name: 'metric1', type: 'string', value: 'NAME', required: true, description: "first metric: mse, ssim, ms-ssim, nlpd, a built-in model (its representation distance) or FILE.onnx[#LAYER]" },
    { name: 'metric1-options', type: 'json', value: 'JSON', description: 'options of the first metric or model, as camelCase JSON' },
    { name: 'metric2', type: 'string', value: 'NAME', required: true, description: 'second metric (same choices)' },
    { name: 'metric2-options', type: 'json', value: 'JSON', description: 'options of the second metric or model' },
    ...madSharedOptions,
    { name: 'out', type: 'string', value: 'DIR', default: 'out/mad-all', description: 'output folder' },
  ],
  notes: [
    'All four syntheses start from the same noisy image. Writes DIR/mad_all.png (reference, initial image, and the min/max ' +
      'images of each metric), loss_all.svg (both metrics in all four syntheses), and for each synthesis (metric1Min, metric2Min, ' +
      'metric1Max, metric2Max) KEY_mad.png, KEY_mad.npy and KEY.plnt (the saved synthesis), plus summary.json.',
  ],
  examples: [
    'plenoptic mad-all --image einstein.png --metric1 mse --metric2 ssim --max-iter 200',
    'plenoptic mad-all --image builtin:dead-leaves --size 128 --metric1 ssim --metric2 nlpd --lambda 10',
  ],
};

export const madAllCommand: Command = {
  spec,
  async run(args, io) {
    const o = args.options;
    const settings = madSettings(args);
    const backend = await asUsage(() => useBackend(o.backend as string | undefined));
    setSeed(settings.seed);
    const inputs = await madInputs(args, [
      { spec: o.metric1 as string, options: o.metric1Options, what: '--metric1' },
      { spec: o.metric2 as string, options: o.metric2Options, what: '--metric2' },
    ]);
    const [metric1, metric2] = inputs.metrics;
    let set: MADSet | undefined;
    const bar = new TerminalProgress(io, 'MAD ');
    try {
      const out = await OutputFolder.create(o.out as string);
      const start = performance.now();
      set = await argumentErrorsAsUsage(() =>
        madCompetitionAll(inputs.image, metric1.metric, metric2.metric, {
          initialNoise: settings.initialNoise,
          metricTradeoffLambda: settings.lambda,
          rangePenaltyLambda: settings.rangePenaltyLambda,
          seed: settings.seed,
          maxIter: settings.maxIter,
          optimizer: () => makeOptimizer(settings),
          storeProgress: settings.storeProgress ?? false,
          stopCriterion: settings.stopCriterion,
          progressBar: false,
          onProgress: (key, info) => bar.update(info, `MAD ${key} `),
        }),
      ).finally(() => bar.close());
      const seconds = (performance.now() - start) / 1000;
      const names = { metric1Name: metric1.label, metric2Name: metric2.label };
      await out.png('mad_all.png', await displayMadImageAll(set, names));
      await out.text('loss_all.svg', (await plotMadLossAll(set, names)).toSvg());
      const syntheses: Record<string, unknown> = {};
      for (const key of madSetKeys) {
        const mad = set[key];
        await out.image(`${key}_mad.png`, mad.madImage);
        await out.npy(`${key}_mad.npy`, mad.madImage);
        await mad.save(out.path(`${key}.plnt`));
        syntheses[key] = { optimized: key.startsWith('metric1') ? metric1.label : metric2.label, minmax: mad.minmax, ...madNumbers(mad) };
        reportMad(io, `${key} (${mad.minmax} ${key.startsWith('metric1') ? metric1.label : metric2.label})`, syntheses[key] as Record<string, unknown>);
      }
      await out.summary({
        metric1: metric1.label,
        metric1Options: o.metric1Options ?? {},
        metric2: metric2.label,
        metric2Options: o.metric2Options ?? {},
        image: o.image,
        syntheses,
        seconds,
        backend: backend.name,
        seed: settings.seed,
      });
      io.stdout.write(`mad-all: four syntheses in ${seconds.toFixed(1)} s on ${backend.name}\n${out.report()}`);
    } finally {
      if (set) for (const key of madSetKeys) set[key].dispose();
      inputs.dispose();
    }
  },
};
