import { builtinModels } from '../../models/registry.js';
import type { CommandSpec } from '../args.js';
import type { Command } from '../command.js';
import { reportRun, runMetamer, type MetamerRunConfig } from './metamer.js';

type DemoPreset = Omit<MetamerRunConfig, 'out' | 'backend'> & { about: string };

/**
 * What `npm start` runs, best first: the first preset whose model is built in. Each finishes in well under two
 * minutes on two CPU cores.
 */
const presets: DemoPreset[] = [
  {
    // plenoptic's texture recipe: mean-matched low-variance noise, L2-norm loss, coarse to fine with a scale added
    // every 7 iterations; 128² with 7×7 auto-correlations keeps 4 scales and about 30 s of CPU time
    about: 'a texture metamer: Portilla-Simoncelli statistics of a built-in texture, matched from noise, coarse to fine',
    model: 'portilla-simoncelli',
    modelOptions: { nScales: 4, nOrientations: 4, spatialCorrWidth: 7 },
    image: 'builtin:texture',
    size: 128,
    init: 'mean-noise',
    loss: 'l2Norm',
    ctf: 'together',
    changeScaleCriterion: null,
    ctfItersToCheck: 7,
    maxIter: 300,
    lr: 0.01,
    seed: 0,
    storeProgress: 10,
    stopCriterion: 1e-6,
  },
  {
    about: 'a metamer for the OnOff retina model (Berardino et al. 2017, pretrained) of a dead-leaves image',
    model: 'on-off',
    modelOptions: { kernelSize: [31, 31], pretrained: true, cacheFilt: true },
    image: 'builtin:dead-leaves',
    size: 128,
    maxIter: 300,
    lr: 0.01,
    seed: 0,
    storeProgress: 20,
    stopCriterion: 1e-6,
  },
];

const spec: CommandSpec = {
  name: 'demo',
  summary: 'Synthesize a metamer with built-in defaults (what `npm start` runs) and say where the results are.',
  options: [
    { name: 'out', type: 'string', value: 'DIR', default: 'out/demo', description: 'output folder' },
    { name: 'max-iter', type: 'integer', value: 'N', description: "override the preset's iterations" },
    { name: 'backend', type: 'string', value: 'B', description: 'tfjs backend: tensorflow, wasm or cpu (default: $PLENOPTIC_BACKEND, else the best available)' },
  ],
};

export const demoCommand: Command = {
  spec,
  async run(args, io) {
    const preset = presets.find((p) => Object.hasOwn(builtinModels, p.model)) ?? presets[presets.length - 1];
    const { about, ...config } = preset;
    const maxIter = (args.options.maxIter as number | undefined) ?? config.maxIter;
    io.stdout.write(`plenoptic demo: ${about} (${config.image}, ${config.size}×${config.size}, ${maxIter} iterations)\n`);
    const result = await runMetamer({ ...config, maxIter, out: args.options.out as string, backend: args.options.backend as string | undefined }, io);
    reportRun(result, io);
    io.stdout.write(`Open ${result.outDir}/status.png (metamer, loss, representation error) and progress.gif (the synthesis over time).\n`);
  },
};
