import { tf } from '../../runtime/tf.js';
import { useBackend } from '../../runtime/backend.js';
import { builtinMetrics, type BuiltinMetricName } from '../../models/metrics/index.js';
import { UsageError, closest, type CommandSpec } from '../args.js';
import { asUsage, type Command } from '../command.js';
import { resolveImage } from '../resolve-image.js';

const names = Object.keys(builtinMetrics) as BuiltinMetricName[];

const spec: CommandSpec = {
  name: 'metric',
  summary: 'Compare two images with a perceptual metric (mse, ssim, ms-ssim, nlpd): one value per batch element and channel.',
  positionals: [
    { name: 'METRIC', description: names.map((n) => `${n} (${builtinMetrics[n].description})`).join('; '), required: true },
    { name: 'IMG1', description: 'first image: PNG/JPEG/TIFF (read as gray), .npy, or builtin:NAME', required: true },
    { name: 'IMG2', description: 'second image, of the same shape', required: true },
  ],
  options: [
    { name: 'options', type: 'json', value: 'JSON', description: 'metric options as camelCase JSON: ssim {"weighted":true,"pad":"reflect"}, ms-ssim {"powerFactors":[...]}' },
    { name: 'size', type: 'integer', value: 'N', default: 256, description: 'size of built-in images' },
    { name: 'seed', type: 'integer', value: 'S', default: 0, description: 'seed of random built-in images' },
    { name: 'json', type: 'flag', description: 'print the result as JSON' },
    { name: 'backend', type: 'string', value: 'B', description: 'tfjs backend: tensorflow, wasm or cpu (default: $PLENOPTIC_BACKEND, else the best available)' },
  ],
  notes: ['SSIM and MS-SSIM are similarities (1 for identical images); MSE and NLPD are distances (0 for identical images).'],
  examples: ['plenoptic metric ssim einstein.png einstein_noisy.png', 'plenoptic metric nlpd a.npy b.npy --json'],
};

export const metricCommand: Command = {
  spec,
  async run(args, io) {
    const [name, first, second] = args.positionals;
    if (!Object.hasOwn(builtinMetrics, name)) {
      const guess = closest(name, names);
      throw new UsageError(`unknown metric '${name}'${guess ? `; did you mean '${guess}'?` : '.'} Metrics: ${names.join(', ')}.`);
    }
    const options = args.options.options ?? {};
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new UsageError(`--options must be a JSON object such as '{"weighted":true}', got ${JSON.stringify(options)}.`);
    }
    const backend = await asUsage(() => useBackend(args.options.backend as string | undefined));
    const imageOptions = { size: args.options.size as number, seed: args.options.seed as number };
    const img1 = await resolveImage(first, { ...imageOptions, what: 'IMG1' });
    let img2: tf.Tensor4D | undefined;
    try {
      img2 = await resolveImage(second, { ...imageOptions, what: 'IMG2' });
      const images = [img1, img2] as const;
      const value = await asUsage(() => builtinMetrics[name as BuiltinMetricName].compute(...images, options as Record<string, unknown>));
      const values = (await value.array()) as number[][];
      value.dispose();
      if (args.options.json) {
        io.stdout.write(JSON.stringify({ metric: name, options, image1: first, image2: second, shape: [values.length, values[0].length], values, backend: backend.name }) + '\n');
      } else if (values.length === 1 && values[0].length === 1) {
        io.stdout.write(`${name}: ${values[0][0]}\n`);
      } else {
        io.stdout.write(`${name} (rows: batch, columns: channel):\n${values.map((row) => `  ${row.join('  ')}`).join('\n')}\n`);
      }
    } finally {
      img1.dispose();
      img2?.dispose();
    }
  },
};
