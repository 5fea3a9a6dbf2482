// plenoptic's Geodesic: the sequence of images between imageA and imageB whose model representations form the
// shortest path (minimal path energy, hence also constant speed). plenoptic 1.1 deprecated it as not robust; here
// every run ends with `diagnostics`, which say when the path stopped improving, left the allowed range, or did no
// better than the pixel fade, instead of handing back a silently bad path.
import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { warn } from '../runtime/warnings.js';
import { objectiveValueAndGrad, type Model } from '../runtime/model.js';
import { validateInput, validateInputShape, validateModel } from '../runtime/validate.js';
import { defaultRng, type Rng } from '../runtime/rng.js';
import { OptimizedSynthesis, type OptimizedSynthesisOptions, type SynthesizeOptions } from './optimized.js';
import { pixelChangeConvergence } from './convergence.js';
import { penalizeRange } from './objectives.js';
import { fromSaved, toSaved, type SaveState } from './synthesis.js';
import type { SavedSynthesis } from './serialization.js';
import { deviationFromLine, makeStraightLine, sampleBrownianBridge } from './straightness.js';
import { diagnoseGeodesic, type GeodesicDiagnostics } from './geodesic-diagnostics.js';

export type InitialSequence = 'straight' | 'bridge';

export interface GeodesicOptions extends OptimizedSynthesisOptions {
  /** Number of transitions: the geodesic has nSteps + 1 frames, nSteps − 1 of them optimized. Default 10. */
  nSteps?: number;
  /** 'straight' (the pixel fade, default) or 'bridge' (a Brownian bridge between the anchors). */
  initialSequence?: InitialSequence;
  /** Generator for the 'bridge' start (default: the global one, see setSeed). */
  rng?: Rng;
  /** Print plenoptic's messages (they are always collected in `messages`). Default true. */
  verbose?: boolean;
}

export interface GeodesicSynthesizeOptions extends Omit<SynthesizeOptions, 'scheduler'> {}

/** Python's f'{x:.5e}'. */
function formatExp5(x: number): string {
  const [mantissa, exponent] = x.toExponential(5).split('e');
  const e = Number(exponent);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** ‖rep[t+1] − rep[t]‖² for each of the T − 1 steps of a representation sequence [T, C, H, W]. */
export function stepEnergy(representation: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const t = representation.shape[0];
    const rest = representation.shape.slice(1).map(() => -1);
    const velocity = tf.sub(tf.slice(representation, [1, ...rest.map(() => 0)], [t - 1, ...rest]), tf.slice(representation, 0, t - 1));
    return tf.sum(tf.square(velocity), [1, 2, 3]) as tf.Tensor1D;
  });
}

export class Geodesic extends OptimizedSynthesis {
  protected readonly kind = 'Geodesic';
  readonly imageA: tf.Tensor4D;
  readonly imageB: tf.Tensor4D;
  readonly model: Model;
  readonly nSteps: number;
  readonly initialSequence: InitialSequence;
  /** The straight pixel-space interpolation between the anchors, [nSteps + 1, C, H, W]. */
  readonly pixelfade: tf.Tensor4D;
  /** plenoptic's printed messages, in order. */
  readonly messages: string[] = [];
  protected override convergenceMessage = 'Pixel change norm has converged, stopping synthesis';
  private readonly verbose: boolean;
  private readonly interior: tf.Variable;
  private storedStepEnergy: Float32Array[] = [];
  private storedDevFromLine: Float32Array[] = [];
  private floor: number | null = null;
  private pixelfadeEnergy: number | null = null;
  private _diagnostics: GeodesicDiagnostics | null = null;
  private initialized = false;

  constructor(imageA: tf.Tensor4D, imageB: tf.Tensor4D, model: Model, options: GeodesicOptions = {}) {
    super(options);
    validateInputShape(imageA, { noBatch: true, allowedRange: this.allowedRange, name: 'image_a' });
    validateInputShape(imageB, { noBatch: true, allowedRange: this.allowedRange, name: 'image_b' });
    if (imageA.shape.join(',') !== imageB.shape.join(',')) {
      throw new ValueError(
        `image_a and image_b must be same shape, but got [${imageA.shape.join(', ')}] and [${imageB.shape.join(', ')}]. Crop or resize them to one size.`,
      );
    }
    const nSteps = options.nSteps ?? 10;
    if (!Number.isInteger(nSteps) || nSteps < 2) {
      throw new ValueError(`nSteps must be an integer >= 2 (the geodesic needs at least one frame between the anchors), but got ${nSteps}.`);
    }
    const initial = options.initialSequence ?? 'straight';
    if (initial !== 'straight' && initial !== 'bridge') {
      throw new ValueError(`Don't know how to handle initial_sequence=${String(initial)}; use 'straight' or 'bridge'.`);
    }
    this.imageA = tf.keep(imageA.clone());
    this.imageB = tf.keep(imageB.clone());
    this.model = model;
    this.nSteps = nSteps;
    this.initialSequence = initial;
    this.verbose = options.verbose ?? true;
    this.pixelfade = tf.keep(makeStraightLine(imageA, imageB, nSteps));
    const start = initial === 'bridge' ? sampleBrownianBridge(imageA, imageB, nSteps, { rng: options.rng ?? defaultRng() }) : this.pixelfade;
    const interior = tf.slice(start, 1, nSteps - 1);
    this.interior = tf.variable(interior, true, undefined, 'float32');
    interior.dispose();
    if (start !== this.pixelfade) start.dispose();
  }

  /** Builds and initializes (validates the images and the model) in one call. */
  static async create(imageA: tf.Tensor4D, imageB: tf.Tensor4D, model: Model, options: GeodesicOptions = {}): Promise<Geodesic> {
    const g = new Geodesic(imageA, imageB, model, options);
    await g.init();
    return g;
  }

  /** Validates the anchors and the model, and measures the straight-line floor; synthesize() calls it when needed. */
  async init(): Promise<void> {
    if (this.initialized) return;
    await validateInput(this.imageA, { noBatch: true, allowedRange: this.allowedRange, name: 'image_a' });
    await validateInput(this.imageB, { noBatch: true, allowedRange: this.allowedRange, name: 'image_b' });
    await validateModel(this.model, { imageShape: this.imageA.shape });
    const endpoints = tf.concat([this.imageA, this.imageB], 0) as tf.Tensor4D;
    const rep = await this.model.forward(endpoints);
    endpoints.dispose();
    try {
      if (rep.rank !== 4) {
        throw new ValueError(
          `Geodesic needs a model whose output is 4-D [batch, channel, height, width] (the step energy sums over dims 1, 2, 3), ` +
            `but it returned shape [${rep.shape.join(', ')}]. Reshape the representation to 4-D, e.g. [batch, 1, 1, n].`,
        );
      }
      this.floor = (await stepEnergy(rep).data())[0] / (this.nSteps * this.nSteps);
    } finally {
      rep.dispose();
    }
    this.pixelfadeEnergy = await this.pathEnergy(this.pixelfade);
    this.initialized = true;
  }

  /** The whole sequence [nSteps + 1, C, H, W], anchors included; a new tensor the caller owns. */
  get geodesic(): tf.Tensor4D {
    return tf.concat([this.imageA, this.interior, this.imageB], 0) as tf.Tensor4D;
  }

  /** The per-step energy of a perfectly straight representation path, ‖f(a) − f(b)‖² / nSteps². */
  get straightLineFloor(): number {
    if (this.floor === null) throw new ValueError('straightLineFloor is measured by init(); call `await geodesic.init()` or synthesize() first.');
    return this.floor;
  }

  /** What the last synthesize() found wrong with the path (empty `problems` when nothing); null before a run. */
  get diagnostics(): GeodesicDiagnostics | null {
    return this._diagnostics;
  }

  /** Stored step energies, [nStored, nSteps]; a new tensor the caller owns. */
  get stepEnergy(): tf.Tensor2D {
    return stack2(this.storedStepEnergy, [this.nSteps]) as tf.Tensor2D;
  }

  /** Stored deviations from the representation line, [nStored, nSteps + 1, 2] ([..., 0] along, [..., 1] from). */
  get devFromLine(): tf.Tensor3D {
    return stack2(this.storedDevFromLine, [this.nSteps + 1, 2]) as tf.Tensor3D;
  }

  protected get synthesizedVariable(): tf.Variable {
    return this.interior;
  }

  /** Mean step energy of the model's representation of `sequence` (default: the current geodesic), no penalty. */
  async pathEnergy(sequence?: tf.Tensor4D): Promise<number> {
    const seq = sequence ?? this.geodesic;
    const rep = await this.model.forward(seq);
    const energy = tf.tidy(() => tf.mean(stepEnergy(rep)));
    const value = (await energy.data())[0];
    tf.dispose([rep, energy]);
    if (!sequence) seq.dispose();
    return value;
  }

  /**
   * Path energy of `geodesic` (default: the current one) plus rangePenaltyLambda · penalize_range; a new scalar the
   * caller owns. As in plenoptic the range penalty is taken on the current geodesic, whatever is passed.
   */
  async objectiveFunction(geodesic?: tf.Tensor4D): Promise<tf.Scalar> {
    await this.init();
    const energy = await this.pathEnergy(geodesic);
    const current = this.geodesic;
    const result = tf.tidy(() => tf.add(energy, tf.mul(penalizeRange(current, this.allowedRange), this.rangePenaltyLambda)) as tf.Scalar);
    current.dispose();
    return result;
  }

  protected async objectiveValueAndGrad(): Promise<{ value: tf.Scalar; grad: tf.Tensor }> {
    const sequence = this.geodesic;
    try {
      const { value, grad } = await objectiveValueAndGrad(
        this.model,
        sequence,
        (rep) => tf.mean(stepEnergy(rep)) as tf.Scalar,
        (x) => tf.mul(penalizeRange(x, this.allowedRange), this.rangePenaltyLambda) as tf.Scalar,
      );
      const interiorGrad = tf.slice(grad, 1, this.nSteps - 1);
      grad.dispose();
      return { value, grad: interiorGrad };
    } finally {
      sequence.dispose();
    }
  }

  async synthesize(options: GeodesicSynthesizeOptions = {}): Promise<void> {
    await this.init();
    let stopCriterion = options.stopCriterion;
    if (stopCriterion === undefined) {
      const norm = tf.norm(this.pixelfade);
      stopCriterion = ((await norm.data())[0] / 1e4) * ((1 + Math.sqrt(5)) / 2);
      norm.dispose();
    }
    this.say(`\n Stop criterion for pixel_change_norm = ${formatExp5(stopCriterion)}`);
    const iterationsBefore = this._losses.length;
    await this.runLoop({ ...options, stopCriterion }, 'Geodesic ', { maxIter: 1000, stopCriterion, stopItersToCheck: 50, learningRate: 0.001 });
    await this.diagnose(iterationsBefore, options.stopItersToCheck ?? 50);
  }

  /** Fills `diagnostics` for the iterations from firstIteration on, and warns about each problem. */
  private async diagnose(firstIteration: number, window: number): Promise<void> {
    const sequence = this.geodesic;
    const pixels = (await sequence.data()) as Float32Array;
    sequence.dispose();
    this._diagnostics = diagnoseGeodesic({
      losses: this._losses,
      firstIteration,
      pathEnergy: await this.pathEnergy(),
      pixelfadeEnergy: this.pixelfadeEnergy!,
      floor: this.floor!,
      pixels,
      allowedRange: this.allowedRange,
      stopReason: this.stopReason,
      window,
    });
    for (const problem of this._diagnostics.problems) warn(problem);
  }

  protected checkConvergence(stopCriterion: number, stopItersToCheck: number): boolean {
    return pixelChangeConvergence(this._pixelChangeNorm, stopCriterion, stopItersToCheck);
  }

  protected async storeCurrent(): Promise<void> {
    const sequence = this.geodesic;
    const rep = await this.model.forward(sequence);
    sequence.dispose();
    try {
      const energy = stepEnergy(rep);
      this.storedStepEnergy.push(Float32Array.from((await energy.data()) as Float32Array));
      energy.dispose();
      const { distAlongLine, distFromLine } = await deviationFromLine(rep);
      this.storedDevFromLine.push(Float32Array.from({ length: 2 * distAlongLine.length }, (_, i) => (i % 2 ? distFromLine : distAlongLine)[i >> 1]));
    } finally {
      rep.dispose();
    }
  }

  /**
   * How well the representation's acceleration lines up with the model's local curvature (plenoptic's first-order
   * optimality check): ‖Jᵀ(â_t)‖² for t = 1 … nSteps − 1, with â_t the unit acceleration of the representation at
   * frame t and J the Jacobian at that frame. A new tensor of nSteps − 1 values the caller owns.
   */
  async calculateJerkiness(geodesic?: tf.Tensor4D): Promise<tf.Tensor1D> {
    const sequence = geodesic ?? this.geodesic;
    const rep = await this.model.forward(sequence);
    const t = rep.shape[0];
    const cotangent = tf.tidy(() => {
      const rest = rep.shape.slice(1).map(() => -1);
      const zero = rep.shape.slice(1).map(() => 0);
      const frames = (from: number, count: number) => tf.slice(rep, [from, ...zero], [count, ...rest]);
      const acceleration = tf.add(tf.sub(frames(2, t - 2), tf.mul(frames(1, t - 2), 2)), frames(0, t - 2));
      const magnitude = tf.sqrt(tf.sum(tf.square(acceleration), [1, 2, 3], true));
      const direction = tf.div(acceleration, magnitude);
      const edge = tf.zerosLike(frames(0, 1));
      return tf.concat([edge, direction, edge], 0);
    });
    const pulled = await this.model.vjp(sequence, cotangent);
    const jerk = tf.tidy(() => tf.sum(tf.square(tf.slice(pulled, 1, t - 2)), [1, 2, 3]) as tf.Tensor1D);
    tf.dispose([rep, cotangent, pulled]);
    if (!geodesic) sequence.dispose();
    return jerk;
  }

  private say(message: string): void {
    this.messages.push(message.replace(/^\n\s*/, ''));
    if (this.verbose) console.log(message);
  }

  protected async saveState(): Promise<SaveState> {
    await this.init();
    const loop = await this.loopState();
    const check = await this.objectiveFunction(this.pixelfade);
    const tensors: SaveState['tensors'] = {
      image_a: await toSaved(this.imageA),
      image_b: await toSaved(this.imageB),
      pixelfade: await toSaved(this.pixelfade),
      geodesic: await toSaved(this.interior),
      ...loop.tensors,
    };
    this.storedStepEnergy.forEach((data, i) => (tensors[`step_energy.${i}`] = { shape: [this.nSteps], data }));
    this.storedDevFromLine.forEach((data, i) => (tensors[`dev_from_line.${i}`] = { shape: [this.nSteps + 1, 2], data }));
    const meta = {
      ...loop.meta,
      nSteps: this.nSteps,
      initialSequence: this.initialSequence,
      storedCount: this.storedStepEnergy.length,
      saveCheck: (await check.data())[0],
      model: this.model.name,
    };
    check.dispose();
    return { meta, tensors };
  }

  protected async checkSaved(saved: SavedSynthesis): Promise<void> {
    await this.init();
    await this.checkTensorAttribute('image_a', saved, this.imageA);
    await this.checkTensorAttribute('image_b', saved, this.imageB);
    this.checkValueAttribute('n_steps', saved.meta.nSteps, this.nSteps);
    this.checkValueAttribute('initial_sequence', saved.meta.initialSequence, this.initialSequence);
    this.checkLoopAttributes(saved);
    await this.checkTensorAttribute('pixelfade', saved, this.pixelfade);
    const objective = await this.objectiveFunction(this.pixelfade);
    const mine = (await objective.data())[0];
    objective.dispose();
    const theirs = saved.meta.saveCheck as number;
    if (!(Math.abs(mine - theirs) <= 1e-8 + 1e-2 * Math.abs(theirs))) {
      throw new ValueError(
        `objective_function on pixelfade of saved and initialized Geodesic object are different! Do they use the same model? Self: ${mine}, Saved: ${theirs}`,
      );
    }
  }

  protected async restoreState(saved: SavedSynthesis): Promise<void> {
    const interior = fromSaved(saved.tensors.geodesic);
    this.interior.assign(interior);
    interior.dispose();
    const count = (saved.meta.storedCount as number) ?? 0;
    this.storedStepEnergy = Array.from({ length: count }, (_, i) => saved.tensors[`step_energy.${i}`].data);
    this.storedDevFromLine = Array.from({ length: count }, (_, i) => saved.tensors[`dev_from_line.${i}`].data);
    this.restoreLoopState(saved);
  }

  /** Releases the tensors this object holds (not the model). */
  dispose(): void {
    tf.dispose([this.imageA, this.imageB, this.pixelfade, this.interior]);
    this._optimizer?.dispose();
  }
}

/** Stacks stored arrays of one shape into a tensor [count, ...shape] (empty [0, ...shape] when none). */
function stack2(arrays: Float32Array[], shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const flat = new Float32Array(arrays.length * size);
  arrays.forEach((a, i) => flat.set(a, i * size));
  return tf.tensor(flat, [arrays.length, ...shape], 'float32');
}
