import { builtinModels } from '../../models/registry.js';
import type { Command } from '../command.js';

export const modelsCommand: Command = {
  spec: {
    name: 'models',
    summary: 'List the built-in models and their options (use the name with --model; options are camelCase JSON).',
    options: [],
    notes: ['Models built for one image size (those with imageShape) take the size of the image they are given unless the options set it.'],
    examples: ['plenoptic model gaussian --options \'{"kernelSize":[31,31],"std":3}\' --input builtin:disk --out blurred.npy'],
  },
  async run(_args, io) {
    const names = Object.keys(builtinModels);
    const width = Math.max(...names.map((n) => n.length));
    for (const name of names) io.stdout.write(`${name.padEnd(width)}  options: ${builtinModels[name].optionNames.join(', ') || 'none'}\n`);
  },
};
