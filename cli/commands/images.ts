import { builtinImages } from '../../images/procedural.js';
import type { Command } from '../command.js';

export const imagesCommand: Command = {
  spec: {
    name: 'images',
    summary: 'List the built-in images (use them as builtin:NAME wherever an image is expected).',
    options: [],
    examples: ['plenoptic metamer --model gaussian --options \'{"kernelSize":[31,31],"std":3}\' --image builtin:pink-noise --size 128'],
  },
  async run(_args, io) {
    const names = Object.keys(builtinImages);
    const width = Math.max(...names.map((n) => n.length));
    for (const name of names) io.stdout.write(`${name.padEnd(width)}  ${builtinImages[name].description}\n`);
  },
};
