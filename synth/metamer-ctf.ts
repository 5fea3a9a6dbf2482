import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import type { ForwardOptions, Model, Scale } from '../runtime/model.js';
import { validateCoarseToFine } from '../runtime/validate.js';
import { Metamer, type MetamerOptions } from './metamer.js';
import type { SynthesizeOptions } from './optimized.js';
import { lossConvergence } from './convergence.js';
import type { SaveState } from './synthesis.js';
import type { SavedSynthesis } from './serialization.js';

export type CoarseToFine = 'together' | 'separate';
/** A scale of the model, or 'all' once every scale is optimized at once. */
export type CtfScale = Scale | 'all';

export interface MetamerCTFOptions extends MetamerOptions {
  /** 'together' (default) adds finer scales to the coarser ones; 'separate' optimizes one scale at a time. */
  coarseToFine?: CoarseToFine;
}

export interface MetamerCTFSynthesizeOptions extends SynthesizeOptions {
  /** Move to the next scale when the scale loss changed less than this over ctfItersToCheck; null: after ctfItersToCheck. */
  changeScaleCriterion?: number | null;
  ctfItersToCheck?: number;
}

const key = (s: CtfScale) => String(s);

/**
 * Coarse-to-fine metamer synthesis (plenoptic's MetamerCTF) for models with `scales` and forward(x, {scales}).
 * `losses` holds the full-model loss; `scalesLoss` the loss of the scales being optimized at each iteration.
 */
export class MetamerCTF extends Metamer {
  protected override readonly kind: string = 'MetamerCTF';
  readonly coarseToFine: CoarseToFine;
  private _scales: CtfScale[];
  private _scalesLoss: number[] = [];
  private _scalesTiming = new Map<string, number[]>();
  private _scalesFinished: CtfScale[] = [];
  private scaleTarget: tf.Tensor | null = null;
  private changeScaleCriterion: number | null = 1e-2;
  private ctfItersToCheck = 50;
  private overallLossOfStep: number | null = null;
  private scaleLossOfStep = NaN;
  private ctfValidated = false;

  constructor(image: tf.Tensor4D, model: Model, options: MetamerCTFOptions = {}) {
    super(image, model, options);
    const mode = options.coarseToFine ?? 'together';
    if (mode !== 'together' && mode !== 'separate') {
      throw new ValueError(`Don't know how to handle value ${mode}! Must be one of: 'separate', 'together'`);
    }
    this.coarseToFine = mode;
    const scales = model.scales ?? [];
    this._scales = mode === 'together' ? [...scales.slice(0, -1), 'all'] : [...scales, 'all'];
    this._scalesTiming.set(key(this._scales[0]), [0]);
  }

  static override async create(image: tf.Tensor4D, model: Model, options: MetamerCTFOptions = {}): Promise<MetamerCTF> {
    const m = new MetamerCTF(image, model, options);
    await m.init();
    return m;
  }

  override async init(): Promise<void> {
    if (!this.ctfValidated) {
      await validateCoarseToFine(this.model, { imageShape: this.image.shape });
      this.ctfValidated = true;
    }
    await super.init();
  }

  /** Remaining scales, the current one first. */
  get scales(): CtfScale[] {
    return this._scales.slice();
  }
  get scalesLoss(): number[] {
    return this._scalesLoss.slice();
  }
  /** scale -> [start iteration, stop iteration]. */
  get scalesTiming(): Record<string, number[]> {
    return Object.fromEntries([...this._scalesTiming].map(([k, v]) => [k, v.slice()]));
  }
  get scalesFinished(): CtfScale[] {
    return this._scalesFinished.slice();
  }

  override async synthesize(options: MetamerCTFSynthesizeOptions = {}): Promise<void> {
    const stopCriterion = options.stopCriterion ?? 1e-4;
    const changeScaleCriterion = options.changeScaleCriterion === undefined ? 1e-2 : options.changeScaleCriterion;
    if (changeScaleCriterion !== null && stopCriterion >= changeScaleCriterion) {
      throw new ValueError('stop_criterion must be strictly less than change_scale_criterion, or things get weird!');
    }
    this.changeScaleCriterion = changeScaleCriterion;
    this.ctfItersToCheck = options.ctfItersToCheck ?? 50;
    await this.init();
    await this.runLoop({ ...options, stopCriterion }, 'MetamerCTF ', { maxIter: 100, stopCriterion: 1e-4, stopItersToCheck: 50 });
  }

  protected override forwardOptions(): ForwardOptions | undefined {
    const current = this._scales[0];
    if (current === 'all') return undefined;
    return { scales: this.coarseToFine === 'together' ? [current, ...(this._scalesFinished as Scale[])] : [current] };
  }

  protected override targetRepresentationForStep(): tf.Tensor {
    return this.scaleTarget ?? this.targetRepresentation;
  }

  /** plenoptic's scale switch, checked before each step. */
  protected override async beforeStep(): Promise<void> {
    const ctf = this.ctfItersToCheck;
    const current = this._scales[0];
    const n = this._scalesLoss.length;
    const start = this._scalesTiming.get(key(current))?.[0] ?? 0;
    if (
      this._scales.length > 1 &&
      n >= ctf &&
      (this.changeScaleCriterion === null || Math.abs(this._scalesLoss[n - 1] - this._scalesLoss[n - ctf]) < this.changeScaleCriterion) &&
      this._losses.length - start >= ctf
    ) {
      this._scalesTiming.get(key(current))!.push(this._losses.length - 1);
      this._scalesFinished.push(current);
      this._scales.shift();
      this._scalesTiming.set(key(this._scales[0]), [this._losses.length]);
      this._optimizer!.learningRate = this._optimizer!.initialLearningRate;
      this.scaleTarget?.dispose();
      this.scaleTarget = null;
    }
    if (this._scales[0] !== 'all' && this.scaleTarget === null) {
      this.scaleTarget = tf.keep(await this.model.forward(this.image, this.forwardOptions()));
    }
  }

  protected override async objectiveValueAndGrad(): Promise<{ value: tf.Scalar; grad: tf.Tensor }> {
    const result = await super.objectiveValueAndGrad();
    if (this.overallLossOfStep === null) {
      // the first evaluation of a step is at the pre-step image: record the full-model loss there
      if (this._scales[0] === 'all') {
        this.overallLossOfStep = (await result.value.data())[0];
      } else {
        const overall = await this.objectiveFunction();
        this.overallLossOfStep = (await overall.data())[0];
        overall.dispose();
      }
    }
    return result;
  }

  protected override async optimizerStep(): Promise<number> {
    this.overallLossOfStep = null;
    const scaleLoss = await super.optimizerStep();
    const overall = this.overallLossOfStep ?? scaleLoss;
    this._losses[this._losses.length - 1] = overall;
    this._scalesLoss.push(scaleLoss);
    this.scaleLossOfStep = scaleLoss;
    return overall;
  }

  protected override schedulerLoss(): number {
    return this.scaleLossOfStep;
  }

  protected override checkConvergence(stopCriterion: number, stopItersToCheck: number, iteration: number): boolean {
    const allStart = this._scalesTiming.get('all')?.[0];
    const coarseToFineEnough = this._scales[0] === 'all' && allStart !== undefined && iteration - allStart > this.ctfItersToCheck;
    return lossConvergence(this._losses, stopCriterion, stopItersToCheck) && coarseToFineEnough;
  }

  protected override extraPostfix(): Record<string, number | string> {
    return { current_scale: String(this._scales[0]), current_scale_loss: this.scaleLossOfStep };
  }

  protected override async saveState(): Promise<SaveState> {
    const state = await super.saveState();
    state.meta.coarseToFine = this.coarseToFine;
    state.meta.ctf = {
      scales: this._scales,
      scalesLoss: this._scalesLoss,
      scalesTiming: this.scalesTiming,
      scalesFinished: this._scalesFinished,
    };
    return state;
  }

  protected override async checkSaved(saved: SavedSynthesis): Promise<void> {
    await super.checkSaved(saved);
    this.checkValueAttribute('coarse_to_fine', saved.meta.coarseToFine, this.coarseToFine);
  }

  protected override async restoreState(saved: SavedSynthesis): Promise<void> {
    await super.restoreState(saved);
    const ctf = saved.meta.ctf as { scales: CtfScale[]; scalesLoss: number[]; scalesTiming: Record<string, number[]>; scalesFinished: CtfScale[] };
    this._scales = ctf.scales.slice();
    this._scalesLoss = ctf.scalesLoss.slice();
    this._scalesTiming = new Map(Object.entries(ctf.scalesTiming));
    this._scalesFinished = ctf.scalesFinished.slice();
    this.scaleTarget?.dispose();
    this.scaleTarget = null;
  }

  override dispose(): void {
    this.scaleTarget?.dispose();
    super.dispose();
  }
}
