import { resolve } from 'node:path';
import { useBackend } from '../../runtime/backend.js';
import { saveNpy } from '../../images/files.js';
import { loadOnnxModel, type Executor, type OnnxModel } from '../../adapters/onnx-model.js';
import type { Preprocess } from '../../adapters/preprocess.js';
import { UsageError, type CommandSpec } from '../args.js';
import { asUsage, type Command } from '../command.js';
import { resolveImage } from '../resolve-image.js';
import { oneOf } from '../optimizer-options.js';

const spec: CommandSpec = {
  name: 'onnx run',
  summary: 'Run an ONNX network (or one of its layers) on an input; with --grad, also the gradient of 0.5·sum(output²).',
  positionals: [{ name: 'FILE', description: 'the .onnx file', required: true }],
  options: [
    { name: 'input', type: 'string', value: 'X.npy', required: true, description: 'input: .npy ([c, h, w] or [b, c, h, w]), an image file (read as gray), or builtin:NAME' },
    { name: 'out', type: 'string', value: 'Y.npy', required: true, description: 'where to write the output (float32 .npy)' },
    { name: 'grad', type: 'string', value: 'G.npy', description: 'also write d/dinput of 0.5·sum(output²), through the tfjs interpreter' },
    { name: 'layer', type: 'string', value: 'L', description: "tap this layer instead of the graph's output: a PyTorch module path, ONNX node or value name, or a preset name" },
    { name: 'executor', type: 'string', value: 'ort|tfjs', description: 'run forward and gradients on onnxruntime or on the tfjs interpreter (default: onnxruntime when installed)' },
    { name: 'preprocess', type: 'string', value: 'imagenet|none', default: 'none', description: 'normalize [0, 1] images with the ImageNet mean and std first' },
    { name: 'gray-to-rgb', type: 'flag', description: 'repeat 1-channel inputs over the three input channels' },
    { name: 'preset', type: 'string', value: 'vgg16|resnet18', description: 'friendly layer names for --layer (relu3_3, layer2, ...)' },
    { name: 'size', type: 'integer', value: 'N', default: 224, description: 'size of built-in images' },
    { name: 'backend', type: 'string', value: 'B', description: 'tfjs backend: tensorflow, wasm or cpu (default: $PLENOPTIC_BACKEND, else the best available)' },
  ],
  examples: [
    'plenoptic onnx run resnet18.onnx --input x.npy --out y.npy --grad g.npy',
    'plenoptic onnx run vgg16.onnx --preset vgg16 --layer relu2_2 --input photo.png --gray-to-rgb --preprocess imagenet --out relu2_2.npy --executor tfjs',
  ],
};

function checkNpyPath(option: string, path: string | undefined): void {
  if (path !== undefined && !/\.npy$/i.test(path)) throw new UsageError(`--${option} must name a .npy file, got '${path}'.`);
}

export const onnxRunCommand: Command = {
  spec,
  async run(args, io) {
    const o = args.options;
    checkNpyPath('out', o.out as string);
    checkNpyPath('grad', o.grad as string | undefined);
    const executor = oneOf('executor', o.executor, ['ort', 'tfjs'] as const) as Executor | undefined;
    const preprocess = oneOf('preprocess', o.preprocess, ['imagenet', 'none'] as const) as Preprocess;
    const preset = oneOf('preset', o.preset, ['vgg16', 'resnet18'] as const);
    const backend = await asUsage(() => useBackend(o.backend as string | undefined));
    const file = args.positionals[0];
    const input = await resolveImage(o.input as string, { size: o.size as number, what: '--input' });
    let model: OnnxModel | undefined;
    try {
      model = await asUsage(() =>
        loadOnnxModel(file, { output: o.layer as string | undefined, executor, preprocess, grayToRgb: o.grayToRgb === true, preset }),
      );
      const m = model;
      const output = await asUsage(() => m.forward(input));
      try {
        await saveNpy(o.out as string, output);
        io.stdout.write(`${m.name} on ${m.executorInfo}: input [${input.shape.join(', ')}] -> output [${output.shape.join(', ')}] written to ${resolve(o.out as string)}\n`);
        if (o.grad) {
          // d/dx 0.5·Σ f(x)² = Jᵀ f(x)
          const grad = await m.vjp(input, output);
          await saveNpy(o.grad as string, grad);
          grad.dispose();
          io.stdout.write(`gradient of 0.5·sum(output²) [${input.shape.join(', ')}] (tfjs interpreter on ${backend.name}) written to ${resolve(o.grad as string)}\n`);
        }
      } finally {
        output.dispose();
      }
    } finally {
      input.dispose();
      model?.dispose();
    }
  },
};
