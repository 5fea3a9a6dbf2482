import { tf } from './tf.js';
import { AttributeError, ValueError } from './errors.js';
import { warn } from './warnings.js';
import { isModel, type Model } from './model.js';

export interface ValidateInputOptions {
  /** Require batch size 1 (Eigendistortion, Geodesic). */
  noBatch?: boolean;
  /** Inclusive [min, max] the values must lie in. */
  allowedRange?: readonly [number, number];
  /** What to call the tensor in messages. */
  name?: string;
}

/** The checks that need no data: a 4-D float tensor, batch 1 when asked, a sane range. */
export function validateInputShape(x: unknown, options: ValidateInputOptions = {}): asserts x is tf.Tensor4D {
  const name = options.name ?? 'input_tensor';
  if (!(x instanceof tf.Tensor)) {
    throw new TypeError(`${name} must be a tf.Tensor, got ${x === null ? 'null' : typeof x}. Load images with loadImages() or tf.tensor4d().`);
  }
  if (x.dtype !== 'float32' && x.dtype !== 'complex64') {
    throw new TypeError(`Only float or complex dtypes are allowed but got type ${x.dtype}; convert ${name} with tf.cast(x, 'float32').`);
  }
  if (x.rank !== 4) {
    throw new ValueError(
      `${name} must be [n_batch, n_channels, im_height, im_width] but got shape [${x.shape.join(', ')}]. ` +
        `Add the missing axes, e.g. x.reshape([1, 1, h, w]) for one gray image.`,
    );
  }
  if (options.noBatch && x.shape[0] !== 1) {
    throw new ValueError(`${name} batch dimension must be 1, got ${x.shape[0]}. Pass one image at a time.`);
  }
  if (options.allowedRange && !(options.allowedRange[0] < options.allowedRange[1])) {
    throw new ValueError(`allowed_range[0] must be strictly less than allowed_range[1], but got [${options.allowedRange.join(', ')}].`);
  }
}

/** plenoptic's validate_input, plus a NaN/Inf check: a non-finite image would only surface later as a NaN loss. */
export async function validateInput(x: unknown, options: ValidateInputOptions = {}): Promise<void> {
  validateInputShape(x, options);
  const name = options.name ?? 'input_tensor';
  const data = (await x.data()) as Float32Array;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      throw new ValueError(`${name} contains ${Number.isNaN(v) ? 'NaN' : 'infinite'} values (first at flat index ${i}). Replace or clip them before synthesis.`);
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = options.allowedRange;
  if (range && (min < range[0] || max > range[1])) {
    throw new ValueError(
      `${name} range must lie within (${range[0]}, ${range[1]}), but got (${min}, ${max}). ` +
        `Rescale the image into that range, or pass allowedRange: [${Math.min(min, range[0])}, ${Math.max(max, range[1])}].`,
    );
  }
}

export interface ValidateModelOptions {
  /** Shape of the test image; plenoptic's default is [1, 1, 16, 16]. */
  imageShape?: readonly number[];
}

/**
 * plenoptic's validate_model, reinterpreted for the Model protocol: the output is a float tensor of rank 3 or 4,
 * and gradients flow back to the input with the input's shape. Runs one forward and one vjp on random data.
 */
export async function validateModel(model: unknown, options: ValidateModelOptions = {}): Promise<void> {
  if (!isModel(model)) {
    throw new TypeError(
      'model must implement the Model protocol (forward, vjp, jvp). Wrap a tfjs function with modelFromFunction(fn), or load a network with loadOnnxModel().',
    );
  }
  const shape = options.imageShape ? [1, ...options.imageShape.slice(1)] : [1, 1, 16, 16];
  const x = tf.randomUniform(shape as [number, number, number, number], 0, 1, 'float32', 0) as tf.Tensor4D;
  let output: tf.Tensor | undefined;
  try {
    output = await (model as Model).forward(x);
    if (!(output instanceof tf.Tensor)) {
      throw new ValueError('model does not return a tf.Tensor object -- are you sure all computations are performed using tfjs?');
    }
    if (output.dtype !== 'float32' && output.dtype !== 'complex64') {
      throw new TypeError(`model changes precision of input, don't do that! (output dtype ${output.dtype})`);
    }
    if (output.rank !== 3 && output.rank !== 4) {
      throw new ValueError(
        `When given a 4d input, model output must be three- or four-dimensional but had ${output.rank} dimensions (shape [${output.shape.join(', ')}]). ` +
          'Reshape the representation to [batch, channel, n] or [batch, channel, h, w].',
      );
    }
    const cotangent = tf.onesLike(output);
    let grad: tf.Tensor;
    try {
      grad = await (model as Model).vjp(x, cotangent);
    } catch (e) {
      throw new ValueError(`model strips gradient from input, do you detach it somewhere? (vjp failed: ${(e as Error).message})`);
    } finally {
      cotangent.dispose();
    }
    const gradShape = grad.shape.join(',');
    grad.dispose();
    if (gradShape !== x.shape.join(',')) {
      throw new ValueError(`model's gradient has shape [${gradShape}] but its input has shape [${x.shape.join(', ')}]; the vjp must return the input's shape.`);
    }
    if ((model as { training?: boolean }).training === true) {
      warn('model is in training mode, you probably want to call eval() to switch to evaluation mode');
    }
  } finally {
    x.dispose();
    output?.dispose();
  }
}

/**
 * plenoptic's validate_coarse_to_fine. plenoptic tries every subset of the scales (2^n − 2 forward passes); we try
 * each single scale and each leave-one-out subset (2n passes), which catches the same failures (no `scales`
 * option, an output that ignores it) at a fraction of the cost for models like Portilla-Simoncelli.
 */
export async function validateCoarseToFine(model: Model, options: ValidateModelOptions = {}): Promise<void> {
  warn('Validating whether model can work with coarse-to-fine synthesis -- this can take a while!');
  const scales = model.scales;
  if (!scales || scales.length === 0) {
    throw new AttributeError('model has no scales attribute and therefore we cannot do coarse-to-fine synthesis');
  }
  const shape = options.imageShape ? [1, ...options.imageShape.slice(1)] : [1, 1, 16, 16];
  const x = tf.randomUniform(shape as [number, number, number, number], 0, 1, 'float32', 0) as tf.Tensor4D;
  try {
    const full = await model.forward(x);
    const fullShape = full.shape.join(',');
    full.dispose();
    const subsets: (typeof scales)[number][][] = [];
    if (scales.length > 1) {
      for (const s of scales) subsets.push([s]);
      if (scales.length > 2) for (const s of scales) subsets.push(scales.filter((t) => t !== s));
    }
    for (const subset of subsets) {
      let out: tf.Tensor;
      try {
        out = await model.forward(x, { scales: subset });
      } catch (e) {
        throw new TypeError(`model forward method does not accept scales argument [${subset.join(', ')}]: ${(e as Error).message}`);
      }
      const same = out.shape.join(',') === fullShape;
      out.dispose();
      if (same) {
        throw new ValueError(`Output of model forward method doesn't change shape when scales keyword arg is set to [${subset.join(', ')}]`);
      }
    }
  } finally {
    x.dispose();
  }
}
