import { resolve } from 'node:path';
import { useBackend } from '../../runtime/backend.js';
import { saveNpy } from '../../images/files.js';
import { UsageError, type CommandSpec } from '../args.js';
import { asUsage, type Command } from '../command.js';
import { resolveImage } from '../resolve-image.js';
import { resolveModel } from '../resolve-model.js';
import { isPyramid, pyramidBands, writeBands } from '../pyramid-bands.js';

const spec: CommandSpec = {
  name: 'model',
  summary: 'Run a model on an input and save its output (and, with --grad, the gradient of 0.5·sum(output²)).',
  positionals: [{ name: 'NAME', description: "built-in model (see 'plenoptic models') or FILE.onnx[#OUTPUT]", required: true }],
  options: [
    { name: 'options', type: 'json', value: 'JSON', description: 'model options as camelCase JSON, e.g. \'{"kernelSize":[31,31],"pretrained":true}\'' },
    { name: 'input', type: 'string', value: 'X.npy|IMAGE', required: true, description: 'input: .npy ([h, w], [c, h, w] or [b, c, h, w]), an image file (read as gray), or builtin:NAME' },
    { name: 'size', type: 'integer', value: 'N', default: 256, description: 'size of built-in images' },
    { name: 'out', type: 'string', value: 'OUT', required: true, description: 'where to write the model output: a float32 .npy file, or for a pyramid a folder with one .npy per band' },
    { name: 'grad', type: 'string', value: 'GRAD.npy', description: 'also write the gradient of 0.5·sum(output²) with respect to the input' },
    { name: 'backend', type: 'string', value: 'B', description: 'tfjs backend: tensorflow, wasm or cpu (default: $PLENOPTIC_BACKEND, else the best available)' },
  ],
  notes: [
    "Models built for one image size (steerable-pyramid, portilla-simoncelli) take the input's size unless --options gives imageShape. " +
      'A pyramid writes OUT as a folder: residual_highpass.npy, s{scale}_o{orientation}.npy (complex bands as _real.npy and _imag.npy) and ' +
      'residual_lowpass.npy for steerable-pyramid; level0.npy (finest) … level{n-1}.npy for laplacian-pyramid.',
  ],
  examples: [
    'plenoptic model steerable-pyramid --options \'{"order":3,"isComplex":true}\' --input builtin:einstein --out bands/',
    'plenoptic model portilla-simoncelli --options \'{"nScales":4}\' --input texture.png --out stats.npy',
    'plenoptic model on-off --options \'{"kernelSize":[31,31],"pretrained":true}\' --input einstein.npy --out onoff.npy --grad onoff_grad.npy',
    'plenoptic model gaussian --options \'{"kernelSize":[31,31],"std":3}\' --input builtin:zone-plate --out blurred.npy',
  ],
};

function checkNpyPath(option: string, path: string | undefined): void {
  if (path !== undefined && !/\.npy$/i.test(path)) throw new UsageError(`--${option} must name a .npy file, got '${path}'.`);
}

export const modelCommand: Command = {
  spec,
  async run(args, io) {
    const out = args.options.out as string;
    const gradPath = args.options.grad as string | undefined;
    checkNpyPath('grad', gradPath);
    const backend = await asUsage(() => useBackend(args.options.backend as string | undefined));
    const input = await resolveImage(args.options.input as string, { size: args.options.size as number, what: '--input' });
    let model;
    try {
      model = await resolveModel(args.positionals[0], args.options.options, { imageShape: input.shape });
    } catch (e) {
      input.dispose();
      throw e;
    }
    try {
      const shape = `input [${input.shape.join(', ')}]`;
      if (isPyramid(model)) {
        const bands = await asUsage(() => pyramidBands(model, input));
        await writeBands(bands, out);
        const files = bands.map(([file]) => file);
        io.stdout.write(`${model.name} on ${backend.name}: ${shape} -> ${files.length} bands written to ${resolve(out)}: ${files.join(', ')}\n`);
      } else {
        checkNpyPath('out', out);
      }
      // the flat output is needed for the file (not for a pyramid) and for the gradient
      if (isPyramid(model) && !gradPath) return;
      const output = await asUsage(() => model.forward(input));
      try {
        if (!isPyramid(model)) {
          await saveNpy(out, output);
          io.stdout.write(`${model.name} on ${backend.name}: ${shape} -> output [${output.shape.join(', ')}] written to ${resolve(out)}\n`);
        }
        if (gradPath) {
          // d/dx 0.5·Σ f(x)² = Jᵀ f(x)
          const grad = await model.vjp(input, output);
          await saveNpy(gradPath, grad);
          grad.dispose();
          io.stdout.write(`gradient of 0.5·sum(output²) [${input.shape.join(', ')}] written to ${resolve(gradPath)}\n`);
        }
      } finally {
        output.dispose();
      }
    } finally {
      input.dispose();
      model.dispose?.();
    }
  },
};
