import { builtinModels } from '../../models/registry.js';
import type { Command } from '../command.js';

export const modelsCommand: Command = {
  spec: {
    name: 'models',
    summary: 'List the built-in models (use the name with --model; options are camelCase JSON).',
    options: [],
    examples: ['plenoptic model gaussian --options \'{"kernelSize":[31,31],"std":3}\' --input builtin:disk --out blurred.npy'],
  },
  async run(_args, io) {
    for (const name of Object.keys(builtinModels)) io.stdout.write(`${name}\n`);
  },
};
