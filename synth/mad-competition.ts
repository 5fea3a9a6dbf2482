import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { warn } from '../runtime/warnings.js';
import { Rng, defaultRng } from '../runtime/rng.js';
import { validateInput, validateInputShape } from '../runtime/validate.js';
import { validateMetric, type Metric } from '../runtime/metric.js';
import { OptimizedSynthesis, type OptimizedSynthesisOptions, type SynthesizeOptions } from './optimized.js';
import { lossConvergence } from './convergence.js';
import { penalizeRange } from './objectives.js';
import { fromSaved, toSaved, type SaveState } from './synthesis.js';
import type { SavedSynthesis } from './serialization.js';
import { metricFingerprint, metricScalar, metricValueAndGrad, resolveMetric, type MetricLike } from './mad-metrics.js';
import { balancingLambda, pythonFloat } from './mad-lambda.js';

export type MinMax = 'min' | 'max';

export interface MADCompetitionOptions extends OptimizedSynthesisOptions {
  /** Whether to minimize or maximize the optimized metric. */
  minmax: MinMax;
  /** Standard deviation of the Gaussian noise added to the image to make the initial MAD image (default 0.1). */
  initialNoise?: number;
  /** Weight of the constraint holding the reference metric fixed; omitted: a power of ten balancing the metrics. */
  metricTradeoffLambda?: number;
  /** Generator for the initial noise (default: the global one, see setSeed). */
  rng?: Rng;
}

export interface MADSynthesizeOptions extends SynthesizeOptions {}

/** The metric values and their gradients (with respect to the MAD image) at one MAD image. */
interface MetricTerms {
  optimized: number;
  reference: number;
  optimizedGrad: tf.Tensor;
  referenceGrad: tf.Tensor;
}

/**
 * Synthesizes one maximally-differentiating image (plenoptic's MADCompetition): starting from the image plus
 * noise, minimize or maximize optimizedMetric(image, madImage) while holding referenceMetric(image, madImage) at
 * its initial value. A full MAD set needs four of these (see madCompetitionAll).
 */
export class MADCompetition extends OptimizedSynthesis {
  protected readonly kind: string = 'MADCompetition';
  readonly image: tf.Tensor4D;
  readonly optimizedMetric: Metric;
  readonly referenceMetric: Metric;
  readonly minmax: MinMax;
  readonly initialNoise: number;
  protected _initialImage: tf.Tensor4D;
  protected _madImage: tf.Variable;
  protected _metricTradeoffLambda: number | null;
  protected _referenceMetricTarget: number | null = null;
  protected _optimizedMetricLoss: number[] = [];
  protected _referenceMetricLoss: number[] = [];
  protected _savedMadImage: Float32Array[] = [];
  /** Terms computed after the last step, reused by the next step when the MAD image has not changed since. */
  private cachedTerms: { terms: MetricTerms; dataId: object } | null = null;
  /** Metrics this object wrapped around the ones passed in (a Model's distance caches a representation). */
  private readonly ownedMetrics: Metric[];
  private initialized = false;

  constructor(image: tf.Tensor4D, optimizedMetric: MetricLike, referenceMetric: MetricLike, options: MADCompetitionOptions) {
    super({ rangePenaltyLambda: options?.rangePenaltyLambda ?? 0.1, allowedRange: options?.allowedRange });
    validateInputShape(image, { allowedRange: this.allowedRange, name: 'image' });
    const minmax = options?.minmax as unknown;
    if (minmax !== 'min' && minmax !== 'max') {
      throw new ValueError(`synthesis_target must be one of {'min', 'max'}, but got value ${String(minmax)} instead!`);
    }
    this.minmax = minmax;
    this.initialNoise = options.initialNoise ?? 0.1;
    if (!(this.initialNoise >= 0) || !Number.isFinite(this.initialNoise)) {
      throw new ValueError(`initialNoise must be a non-negative number (the std of the initial noise), got ${options.initialNoise}.`);
    }
    const lambda = options.metricTradeoffLambda;
    if (lambda !== undefined && !(Number.isFinite(lambda) && lambda >= 0)) {
      throw new ValueError(`metricTradeoffLambda must be a non-negative number, got ${lambda}. Omit it to pick one automatically.`);
    }
    this._metricTradeoffLambda = lambda ?? null;
    this.optimizedMetric = resolveMetric(optimizedMetric, 'optimizedMetric');
    this.referenceMetric = resolveMetric(referenceMetric, 'referenceMetric');
    this.ownedMetrics = [this.optimizedMetric, this.referenceMetric].filter((m, i) => m !== [optimizedMetric, referenceMetric][i]);
    this.image = tf.keep(image.clone());
    // The noise is drawn here, not in init(), so that setSeed(s) right before construction fixes the initial image.
    const rng = options.rng ?? defaultRng();
    const [lo, hi] = this.allowedRange;
    const noise = tf.tensor(rng.normalArray(image.size), image.shape, 'float32');
    this._initialImage = tf.keep(tf.tidy(() => tf.clipByValue(tf.add(image, tf.mul(noise, this.initialNoise)), lo, hi)) as tf.Tensor4D);
    noise.dispose();
    this._madImage = tf.variable(this._initialImage, true, undefined, 'float32');
  }

  /** Builds and initializes (validation, the reference target, the automatic lambda) in one call. */
  static async create(
    image: tf.Tensor4D,
    optimizedMetric: MetricLike,
    referenceMetric: MetricLike,
    options: MADCompetitionOptions,
  ): Promise<MADCompetition> {
    const mad = new MADCompetition(image, optimizedMetric, referenceMetric, options);
    await mad.init();
    return mad;
  }

  /** Validates the image and metrics, and records the initial metric values; synthesize() calls it when needed. */
  async init(): Promise<void> {
    if (this.initialized) return;
    await validateInput(this.image, { allowedRange: this.allowedRange, name: 'image' });
    await validateMetric(this.optimizedMetric, { imageShape: this.image.shape });
    await validateMetric(this.referenceMetric, { imageShape: this.image.shape });
    const madImage = this._madImage as tf.Tensor as tf.Tensor4D;
    const reference = await metricScalar(this.referenceMetric, this.image, madImage);
    const optimized = await metricScalar(this.optimizedMetric, this.image, madImage);
    this._referenceMetricTarget = reference;
    this._referenceMetricLoss = [reference];
    this._optimizedMetricLoss = [optimized];
    if (this._metricTradeoffLambda === null) {
      this._metricTradeoffLambda = balancingLambda(optimized, reference);
      warn(`Since metric_tradeoff_lamda was None, automatically set to ${pythonFloat(this._metricTradeoffLambda)} to roughly balance metrics.`);
    }
    this.initialized = true;
  }

  /** The image being synthesized (a live variable: read it, don't dispose it). */
  get madImage(): tf.Variable {
    return this._madImage;
  }

  /** The starting MAD image: the image plus noise, clipped to allowedRange. */
  get initialImage(): tf.Tensor4D {
    return this._initialImage;
  }

  get metricTradeoffLambda(): number {
    if (this._metricTradeoffLambda === null) {
      throw new ValueError('metricTradeoffLambda is chosen by init(); call `await mad.init()` or synthesize() first.');
    }
    return this._metricTradeoffLambda;
  }

  /** reference_metric(image, initial image): the value the reference metric is held at. */
  get referenceMetricTarget(): number {
    if (this._referenceMetricTarget === null) {
      throw new ValueError('referenceMetricTarget is computed by init(); call `await mad.init()` or synthesize() first.');
    }
    return this._referenceMetricTarget;
  }

  /** optimizedMetric(image, madImage) at the initial image and after every step (length losses.length + 1). */
  get optimizedMetricLoss(): number[] {
    return this._optimizedMetricLoss.slice();
  }

  /** referenceMetric(image, madImage) at the initial image and after every step (length losses.length + 1). */
  get referenceMetricLoss(): number[] {
    return this._referenceMetricLoss.slice();
  }

  /** Stored MAD images, shape (nStored, B, C, H, W); a new tensor the caller owns. */
  get savedMadImage(): tf.Tensor {
    const shape = this.image.shape;
    if (this._savedMadImage.length === 0) return tf.zeros([0, ...shape]);
    const flat = new Float32Array(this._savedMadImage.length * this.image.size);
    this._savedMadImage.forEach((a, i) => flat.set(a, i * a.length));
    return tf.tensor(flat, [this._savedMadImage.length, ...shape], 'float32');
  }

  get savedMadImageCount(): number {
    return this._savedMadImage.length;
  }

  protected get synthesizedVariable(): tf.Variable {
    return this._madImage;
  }

  async synthesize(options: MADSynthesizeOptions = {}): Promise<void> {
    await this.init();
    await this.runLoop(options, 'MADCompetition ', { maxIter: 100, stopCriterion: 1e-4, stopItersToCheck: 50 });
  }

  private get target(): number {
    return this.minmax === 'min' ? 1 : -1;
  }

  /**
   * t·L1(x, x̂) + λ1·(L2(x, x+ε) − L2(x, x̂))² + λ2·penalizeRange(x̂), with t = 1 to minimize and −1 to maximize.
   * Arguments left out default to the current MAD image and the image; the value is a new scalar the caller owns.
   */
  async objectiveFunction(madImage?: tf.Tensor4D, image?: tf.Tensor4D): Promise<tf.Scalar> {
    await this.init();
    const x = image ?? this.image;
    const xHat = madImage ?? (this._madImage as tf.Tensor as tf.Tensor4D);
    if (x.shape.join(',') !== xHat.shape.join(',')) {
      throw new ValueError(
        `madImage and image must have the same shape, got [${xHat.shape.join(', ')}] and [${x.shape.join(', ')}]. Pass tensors shaped like the MAD image.`,
      );
    }
    const optimized = await metricScalar(this.optimizedMetric, x, xHat);
    const reference = await metricScalar(this.referenceMetric, x, xHat);
    const lambda = this.metricTradeoffLambda;
    const constraint = (this.referenceMetricTarget - reference) ** 2;
    return tf.tidy(() =>
      tf.add(tf.scalar(this.target * optimized + lambda * constraint), tf.mul(penalizeRange(xHat, this.allowedRange), this.rangePenaltyLambda)),
    ) as tf.Scalar;
  }

  private async evaluateTerms(): Promise<MetricTerms> {
    const x = this._madImage as tf.Tensor as tf.Tensor4D;
    const optimized = await metricValueAndGrad(this.optimizedMetric, this.image, x);
    try {
      const reference = await metricValueAndGrad(this.referenceMetric, this.image, x);
      return { optimized: optimized.value, reference: reference.value, optimizedGrad: optimized.grad, referenceGrad: reference.grad };
    } catch (e) {
      optimized.grad.dispose();
      throw e;
    }
  }

  private dropCachedTerms(): void {
    if (!this.cachedTerms) return;
    this.cachedTerms.terms.optimizedGrad.dispose();
    this.cachedTerms.terms.referenceGrad.dispose();
    this.cachedTerms = null;
  }

  protected async objectiveValueAndGrad(): Promise<{ value: tf.Scalar; grad: tf.Tensor }> {
    // A variable's dataId changes on every assign, so a matching one means the MAD image is where the terms were taken.
    const cached = this.cachedTerms;
    const current = this._madImage.dataId as object;
    const terms = cached && cached.dataId === current ? cached.terms : await this.evaluateTerms();
    if (cached) this.cachedTerms = null;
    if (cached && cached.terms !== terms) {
      cached.terms.optimizedGrad.dispose();
      cached.terms.referenceGrad.dispose();
    }
    const lambda = this.metricTradeoffLambda;
    const gap = this.referenceMetricTarget - terms.reference;
    const t = this.target;
    try {
      return tf.tidy(() => {
        const penalty = tf.valueAndGrad((xx: tf.Tensor) => penalizeRange(xx, this.allowedRange))(this._madImage);
        const value = tf.add(tf.scalar(t * terms.optimized + lambda * gap * gap), tf.mul(penalty.value, this.rangePenaltyLambda)) as tf.Scalar;
        // d/dx̂ of λ(target − L2)² is −2λ(target − L2)·∇L2
        const grad = tf.addN([tf.mul(terms.optimizedGrad, t), tf.mul(terms.referenceGrad, -2 * lambda * gap), tf.mul(penalty.grad, this.rangePenaltyLambda)]);
        return { value, grad };
      });
    } finally {
      terms.optimizedGrad.dispose();
      terms.referenceGrad.dispose();
    }
  }

  /**
   * A step, then both metrics at the new image (plenoptic records them there). Their gradients at that image are
   * kept for the next step, whose objective is taken at the same point, so each step costs one metric
   * forward+backward instead of plenoptic's forward+backward plus a forward.
   */
  protected override async optimizerStep(): Promise<number> {
    const loss = await super.optimizerStep();
    this.dropCachedTerms();
    const terms = await this.evaluateTerms();
    this._referenceMetricLoss.push(terms.reference);
    this._optimizedMetricLoss.push(terms.optimized);
    this.cachedTerms = { terms, dataId: this._madImage.dataId as object };
    return loss;
  }

  protected override extraPostfix(): Record<string, number | string> {
    return {
      reference_metric: this._referenceMetricLoss[this._referenceMetricLoss.length - 1],
      optimized_metric: this._optimizedMetricLoss[this._optimizedMetricLoss.length - 1],
    };
  }

  protected async storeCurrent(): Promise<void> {
    this._savedMadImage.push(Float32Array.from((await this._madImage.data()) as Float32Array));
  }

  protected checkConvergence(stopCriterion: number, stopItersToCheck: number): boolean {
    return lossConvergence(this._losses, stopCriterion, stopItersToCheck);
  }

  protected async saveState(): Promise<SaveState> {
    await this.init();
    const loop = await this.loopState();
    const tensors: SaveState['tensors'] = {
      image: await toSaved(this.image),
      initial_image: await toSaved(this._initialImage),
      mad_image: await toSaved(this._madImage),
      ...loop.tensors,
    };
    this._savedMadImage.forEach((data, i) => (tensors[`saved_mad_image.${i}`] = { shape: this.image.shape.slice(), data }));
    return {
      meta: {
        ...loop.meta,
        minmax: this.minmax,
        initialNoise: this.initialNoise,
        metricTradeoffLambda: this.metricTradeoffLambda,
        referenceMetricTarget: this.referenceMetricTarget,
        optimizedMetricLoss: this._optimizedMetricLoss,
        referenceMetricLoss: this._referenceMetricLoss,
        optimizedMetric: { name: this.optimizedMetric.name, fingerprint: await metricFingerprint(this.optimizedMetric, this.image.shape) },
        referenceMetric: { name: this.referenceMetric.name, fingerprint: await metricFingerprint(this.referenceMetric, this.image.shape) },
        savedMadImageCount: this._savedMadImage.length,
      },
      tensors,
    };
  }

  protected async checkSaved(saved: SavedSynthesis): Promise<void> {
    await this.init();
    await this.checkTensorAttribute('image', saved, this.image);
    this.checkValueAttribute('metric_tradeoff_lambda', saved.meta.metricTradeoffLambda, this.metricTradeoffLambda);
    this.checkLoopAttributes(saved);
    this.checkValueAttribute('minmax', saved.meta.minmax, this.minmax);
    await this.checkMetric('optimized_metric', saved.meta.optimizedMetric, this.optimizedMetric);
    await this.checkMetric('reference_metric', saved.meta.referenceMetric, this.referenceMetric);
  }

  /**
   * plenoptic compares saved and current metrics by their outputs on random pairs (rtol 1e-2). The saved metric
   * itself is not in the file, so its name and its value on a fixed pseudo-random pair stand in for it.
   */
  private async checkMetric(label: string, saved: unknown, metric: Metric): Promise<void> {
    const s = saved as { name: string; fingerprint: number } | undefined;
    if (!s) throw new ValueError(`The saved file has no ${label}; it was not written by a MADCompetition.`);
    if (s.name !== metric.name) {
      throw new ValueError(`Saved and initialized ${label} are different! Saved: '${s.name}', initialized: '${metric.name}'. Construct the object with the same metrics.`);
    }
    const now = await metricFingerprint(metric, this.image.shape);
    if (!(Math.abs(now - s.fingerprint) <= 1e-8 + 1e-2 * Math.abs(s.fingerprint))) {
      throw new ValueError(
        `Saved and initialized ${label} are different! On the same random pair of images, the saved '${s.name}' gave ${s.fingerprint} and this one gives ${now}.`,
      );
    }
  }

  protected async restoreState(saved: SavedSynthesis): Promise<void> {
    this.dropCachedTerms();
    const m = saved.meta;
    const madImage = fromSaved(saved.tensors.mad_image);
    this._madImage.assign(madImage);
    madImage.dispose();
    this._initialImage.dispose();
    this._initialImage = tf.keep(fromSaved(saved.tensors.initial_image) as tf.Tensor4D);
    this._referenceMetricTarget = m.referenceMetricTarget as number;
    this._optimizedMetricLoss = (m.optimizedMetricLoss as number[]).slice();
    this._referenceMetricLoss = (m.referenceMetricLoss as number[]).slice();
    const count = (m.savedMadImageCount as number) ?? 0;
    this._savedMadImage = Array.from({ length: count }, (_, i) => saved.tensors[`saved_mad_image.${i}`].data);
    this.restoreLoopState(saved);
  }

  /** Releases the tensors this object holds, and the metric wrappers it made (never the metrics or models passed in). */
  dispose(): void {
    this.dropCachedTerms();
    this.ownedMetrics.forEach((m) => m.dispose?.());
    this.image.dispose();
    this._initialImage.dispose();
    this._madImage.dispose();
    this._optimizer?.dispose();
  }
}
