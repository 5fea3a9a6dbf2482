import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { warn } from '../runtime/warnings.js';
import { objectiveValueAndGrad, type ForwardOptions, type Model } from '../runtime/model.js';
import { validateInput, validateInputShape, validateModel } from '../runtime/validate.js';
import { Rng, defaultRng } from '../runtime/rng.js';
import { OptimizedSynthesis, type OptimizedSynthesisOptions, type SynthesizeOptions } from './optimized.js';
import { lossConvergence } from './convergence.js';
import { lossFunctions, penalizeRange, type LossFunction } from './objectives.js';
import { fromSaved, toSaved, type SaveState } from './synthesis.js';
import type { SavedSynthesis } from './serialization.js';

export interface MetamerOptions extends OptimizedSynthesisOptions {
  /** Compares representations; a name ('mse', 'l2Norm', 'relativeMse') or a function. Default 'mse'. */
  lossFunction?: string | LossFunction;
  /** Starting image; default: uniform noise spanning allowedRange. */
  initialImage?: tf.Tensor4D;
  /** Generator for the initial noise (default: the global one, see setSeed). */
  rng?: Rng;
}

export interface MetamerSynthesizeOptions extends SynthesizeOptions {}

function resolveLoss(loss: string | LossFunction | undefined): { fn: LossFunction; name: string | null } {
  if (loss === undefined) return { fn: lossFunctions.mse, name: 'mse' };
  if (typeof loss === 'string') {
    const fn = lossFunctions[loss];
    if (!fn) throw new ValueError(`Unknown loss function '${loss}'. Choose one of: ${Object.keys(lossFunctions).join(', ')}, or pass a function.`);
    return { fn, name: loss };
  }
  const named = Object.entries(lossFunctions).find(([, f]) => f === loss);
  return { fn: loss, name: named ? named[0] : null };
}

/**
 * Synthesizes an image whose model representation matches the target image's (plenoptic's Metamer).
 * `await metamer.synthesize({ maxIter })` may be called again to continue; results are attributes.
 */
export class Metamer extends OptimizedSynthesis {
  protected readonly kind: string = 'Metamer';
  readonly image: tf.Tensor4D;
  readonly model: Model;
  readonly lossFunction: LossFunction;
  /** Registry name of the loss function, or null for a user function. */
  readonly lossFunctionName: string | null;
  protected _targetRepresentation: tf.Tensor | null = null;
  protected _metamer: tf.Variable;
  protected _savedMetamer: Float32Array[] = [];
  private initialized = false;
  private initialImageGiven: boolean;

  constructor(image: tf.Tensor4D, model: Model, options: MetamerOptions = {}) {
    super(options);
    validateInputShape(image, { allowedRange: this.allowedRange, name: 'image' });
    this.image = tf.keep(image.clone());
    this.model = model;
    const loss = resolveLoss(options.lossFunction);
    this.lossFunction = loss.fn;
    this.lossFunctionName = loss.name;
    this.initialImageGiven = options.initialImage !== undefined;
    let start: tf.Tensor;
    if (options.initialImage !== undefined) {
      const init = options.initialImage;
      if (!(init instanceof tf.Tensor) || init.rank < 4) {
        throw new ValueError(
          `initial_image must be [n_batch, n_channels, im_height, im_width] but got ${init instanceof tf.Tensor ? `shape [${init.shape.join(', ')}]` : typeof init}.`,
        );
      }
      if (init.shape.join(',') !== image.shape.join(',')) {
        throw new ValueError(`initial_image and image must be same size! Got [${init.shape.join(', ')}] and [${image.shape.join(', ')}].`);
      }
      start = init.clone();
    } else {
      start = this.noiseInRange(image.shape, options.rng ?? defaultRng());
    }
    this._metamer = tf.variable(start, true, undefined, 'float32');
    start.dispose();
  }

  /** Builds and initializes (validates, computes the target representation) in one call. */
  static async create(image: tf.Tensor4D, model: Model, options: MetamerOptions = {}): Promise<Metamer> {
    const m = new Metamer(image, model, options);
    await m.init();
    return m;
  }

  private noiseInRange(shape: number[], rng: Rng): tf.Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    const u = rng.uniformArray(n);
    let min = Infinity;
    let max = -Infinity;
    for (const v of u) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const [lo, hi] = this.allowedRange;
    // plenoptic rescales the noise so that it spans the allowed range exactly
    const scale = max > min ? (hi - lo) / (max - min) : 0;
    for (let i = 0; i < n; i++) u[i] = lo + (u[i] - min) * scale;
    return tf.tensor(u, shape, 'float32');
  }

  /** Validates the image and model and computes the target representation; synthesize() calls it when needed. */
  async init(): Promise<void> {
    if (this.initialized) return;
    await validateInput(this.image, { allowedRange: this.allowedRange, name: 'image' });
    await validateModel(this.model, { imageShape: this.image.shape });
    this._targetRepresentation = tf.keep(await this.model.forward(this.image));
    this.initialized = true;
  }

  /** Options passed to the model's forward during a step; MetamerCTF restricts the scales. */
  protected forwardOptions(): ForwardOptions | undefined {
    return undefined;
  }

  get metamer(): tf.Variable {
    return this._metamer;
  }

  get targetRepresentation(): tf.Tensor {
    if (!this._targetRepresentation) throw new ValueError('targetRepresentation is computed by init(); call `await metamer.init()` or synthesize() first.');
    return this._targetRepresentation;
  }

  /** Stored metamers, shape (nStored, B, C, H, W); a new tensor the caller owns. */
  get savedMetamer(): tf.Tensor {
    const shape = this.image.shape;
    if (this._savedMetamer.length === 0) return tf.zeros([0, ...shape]);
    const flat = new Float32Array(this._savedMetamer.length * this._savedMetamer[0].length);
    this._savedMetamer.forEach((a, i) => flat.set(a, i * a.length));
    return tf.tensor(flat, [this._savedMetamer.length, ...shape], 'float32');
  }

  get savedMetamerCount(): number {
    return this._savedMetamer.length;
  }

  protected get synthesizedVariable(): tf.Variable {
    return this._metamer;
  }

  async synthesize(options: MetamerSynthesizeOptions = {}): Promise<void> {
    await this.init();
    await this.runLoop(options, 'Metamer ', { maxIter: 100, stopCriterion: 1e-4, stopItersToCheck: 50 });
  }

  /**
   * loss_function(model(metamer), target) + λ·penalize_range(metamer). With no arguments, evaluates the current
   * metamer; the value is a new scalar the caller owns.
   */
  async objectiveFunction(metamerRepresentation?: tf.Tensor, targetRepresentation?: tf.Tensor): Promise<tf.Scalar> {
    await this.init();
    const rep = metamerRepresentation ?? (await this.model.forward(this._metamer as tf.Tensor as tf.Tensor4D));
    const result = tf.tidy(() =>
      tf.add(
        this.lossFunction(rep, targetRepresentation ?? this.targetRepresentation),
        tf.mul(penalizeRange(this._metamer, this.allowedRange), this.rangePenaltyLambda),
      ) as tf.Scalar,
    );
    if (!metamerRepresentation) rep.dispose();
    return result;
  }

  protected async objectiveValueAndGrad(): Promise<{ value: tf.Scalar; grad: tf.Tensor }> {
    const target = this.targetRepresentationForStep();
    return objectiveValueAndGrad(
      this.model,
      this._metamer as tf.Tensor as tf.Tensor4D,
      (rep) => this.lossFunction(rep, target),
      (x) => tf.mul(penalizeRange(x, this.allowedRange), this.rangePenaltyLambda) as tf.Scalar,
      this.forwardOptions(),
    );
  }

  /** The representation the current step compares against (MetamerCTF narrows it to the current scales). */
  protected targetRepresentationForStep(): tf.Tensor {
    return this.targetRepresentation;
  }

  protected async storeCurrent(): Promise<void> {
    this._savedMetamer.push(Float32Array.from((await this._metamer.data()) as Float32Array));
  }

  protected checkConvergence(stopCriterion: number, stopItersToCheck: number, _iteration: number): boolean {
    return lossConvergence(this._losses, stopCriterion, stopItersToCheck);
  }

  protected async saveState(): Promise<SaveState> {
    await this.init();
    const loop = await this.loopState();
    const tensors: SaveState['tensors'] = {
      image: await toSaved(this.image),
      target_representation: await toSaved(this.targetRepresentation),
      metamer: await toSaved(this._metamer),
      ...loop.tensors,
    };
    this._savedMetamer.forEach((data, i) => (tensors[`saved_metamer.${i}`] = { shape: this.image.shape.slice(), data }));
    return {
      meta: {
        ...loop.meta,
        lossFunction: this.lossFunctionName ?? { custom: this.lossFunction.name || 'anonymous' },
        savedMetamerCount: this._savedMetamer.length,
        model: this.model.name,
      },
      tensors,
    };
  }

  protected async checkSaved(saved: SavedSynthesis): Promise<void> {
    await this.init();
    await this.checkTensorAttribute('image', saved, this.image);
    await this.checkTensorAttribute('target_representation', saved, this.targetRepresentation);
    this.checkLoopAttributes(saved);
    this.checkLossFunction(saved.meta.lossFunction);
  }

  /** plenoptic's check_loss_functions: a named saved loss must agree with ours on random inputs (rtol 1e-2). */
  private checkLossFunction(savedLoss: unknown): void {
    if (typeof savedLoss === 'string') {
      const savedFn = lossFunctions[savedLoss];
      if (!savedFn) throw new ValueError(`Saved loss function '${savedLoss}' is unknown to this version.`);
      const agree = tf.tidy(() => {
        const a = tf.randomUniform(this.image.shape, 0, 1, 'float32', 1);
        const b = tf.randomUniform(this.image.shape, 0, 1, 'float32', 2);
        const x = savedFn(a, b).dataSync()[0];
        const y = this.lossFunction(a, b).dataSync()[0];
        return Math.abs(x - y) <= 1e-8 + 1e-2 * Math.abs(y);
      });
      if (!agree) throw new ValueError(`Saved and initialized loss_function are different! The file used '${savedLoss}'.`);
    } else {
      warn(`The saved synthesis used a custom loss function (${JSON.stringify(savedLoss)}); make sure you passed the same one.`);
    }
  }

  protected async restoreState(saved: SavedSynthesis): Promise<void> {
    const metamer = fromSaved(saved.tensors.metamer);
    this._metamer.assign(metamer);
    metamer.dispose();
    const count = (saved.meta.savedMetamerCount as number) ?? 0;
    this._savedMetamer = Array.from({ length: count }, (_, i) => saved.tensors[`saved_metamer.${i}`].data);
    this.restoreLoopState(saved);
  }

  /** Releases the tensors this object holds (not the model). */
  dispose(): void {
    this.image.dispose();
    this._metamer.dispose();
    this._targetRepresentation?.dispose();
    this._optimizer?.dispose();
  }
}
