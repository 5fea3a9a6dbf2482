import { resolve } from 'node:path';
import { useBackend } from '../../runtime/backend.js';
import { saveNpy } from '../../images/files.js';
import { UsageError, type CommandSpec } from '../args.js';
import { asUsage, type Command } from '../command.js';
import { resolveImage } from '../resolve-image.js';
import { resolveModel } from '../resolve-model.js';

const spec: CommandSpec = {
  name: 'model',
  summary: 'Run a model on an input and save its output (and, with --grad, the gradient of 0.5·sum(output²)).',
  positionals: [{ name: 'NAME', description: "built-in model (see 'plenoptic models') or FILE.onnx[#OUTPUT]", required: true }],
  options: [
    { name: 'options', type: 'json', value: 'JSON', description: 'model options as camelCase JSON, e.g. \'{"kernelSize":[31,31],"pretrained":true}\'' },
    { name: 'input', type: 'string', value: 'X.npy|IMAGE', required: true, description: 'input: .npy ([h, w], [c, h, w] or [b, c, h, w]), an image file (read as gray), or builtin:NAME' },
    { name: 'size', type: 'integer', value: 'N', default: 256, description: 'size of built-in images' },
    { name: 'out', type: 'string', value: 'OUT.npy', required: true, description: 'where to write the model output (float32 .npy)' },
    { name: 'grad', type: 'string', value: 'GRAD.npy', description: 'also write the gradient of 0.5·sum(output²) with respect to the input' },
    { name: 'backend', type: 'string', value: 'B', description: 'tfjs backend: tensorflow, wasm or cpu (default: $PLENOPTIC_BACKEND, else the best available)' },
  ],
  examples: [
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
    checkNpyPath('out', out);
    checkNpyPath('grad', gradPath);
    const backend = await asUsage(() => useBackend(args.options.backend as string | undefined));
    const model = await resolveModel(args.positionals[0], args.options.options);
    const input = await resolveImage(args.options.input as string, { size: args.options.size as number, what: '--input' });
    try {
      const output = await asUsage(() => model.forward(input));
      try {
        await saveNpy(out, output);
        io.stdout.write(`${model.name} on ${backend.name}: input [${input.shape.join(', ')}] -> output [${output.shape.join(', ')}] written to ${resolve(out)}\n`);
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
