import { tf } from '../runtime/tf.js';
import { ValueError, throwIfAborted } from '../runtime/errors.js';
import { warn } from '../runtime/warnings.js';
import { ProgressBar, reportProgress, type RunOptions } from '../runtime/progress.js';
import { Synthesis } from './synthesis.js';
import { Adam } from './optimizers/adam.js';
import type { Optimizer, SavedTensor } from './optimizers/optimizer.js';
import { optimizerStateFromSaved, optimizerStateToSaved } from './optimizers/persist.js';
import type { Scheduler } from './optimizers/scheduler.js';
import { createOptimizerFromState } from './optimizers/registry.js';
import type { SavedSynthesis } from './serialization.js';

export interface OptimizedSynthesisOptions {
  /** Weight of the quadratic penalty on pixels outside allowedRange (default 0.1). */
  rangePenaltyLambda?: number;
  /** Inclusive pixel range (default [0, 1]). */
  allowedRange?: readonly [number, number];
}

export interface SynthesizeOptions extends RunOptions {
  maxIter?: number;
  /** Only on the first call; later calls continue with the same optimizer. Default: Adam(lr 0.01, AMSGrad). */
  optimizer?: Optimizer;
  scheduler?: Scheduler;
  /** false/0: don't store; true/1: every iteration; N: every N iterations. Must stay the same across calls. */
  storeProgress?: boolean | number;
  stopCriterion?: number;
  stopItersToCheck?: number;
}

/**
 * plenoptic's OptimizedSynthesis: one tensor optimized to minimize objectiveFunction, with the shared loop
 * (bookkeeping of losses, gradient and pixel-change norms, stored progress, convergence, resume).
 */
export abstract class OptimizedSynthesis extends Synthesis {
  readonly rangePenaltyLambda: number;
  readonly allowedRange: readonly [number, number];
  protected _losses: number[] = [];
  protected _gradientNorm: number[] = [];
  protected _pixelChangeNorm: number[] = [];
  protected _storeProgress: number | null = null;
  protected _optimizer: Optimizer | null = null;
  protected _scheduler: Scheduler | null = null;
  /** Why the last synthesize() call ended: 'maxIter', 'converged'. */
  stopReason: string | null = null;

  constructor(options: OptimizedSynthesisOptions = {}) {
    super();
    this.rangePenaltyLambda = options.rangePenaltyLambda ?? 0.1;
    this.allowedRange = options.allowedRange ?? [0, 1];
    if (this.rangePenaltyLambda < 0) throw new ValueError('range_penalty_lambda must be non-negative!');
    if (!(this.allowedRange[0] < this.allowedRange[1])) {
      throw new ValueError(`allowedRange[0] must be less than allowedRange[1], got [${this.allowedRange.join(', ')}].`);
    }
  }

  /** The tensor being optimized (a live variable: read it, don't dispose it). */
  protected abstract get synthesizedVariable(): tf.Variable;

  /** Value and gradient (with respect to the synthesized tensor) of the objective. Caller owns both. */
  protected abstract objectiveValueAndGrad(): Promise<{ value: tf.Scalar; grad: tf.Tensor }>;

  /** Saves the current state into saved_* (called before a step when the iteration is a multiple of storeProgress). */
  protected abstract storeCurrent(): Promise<void>;

  /** iteration: the 0-based loop counter of the current synthesize() call. */
  protected abstract checkConvergence(stopCriterion: number, stopItersToCheck: number, iteration: number): boolean;

  /** Text of the warning printed when checkConvergence stops the loop. */
  protected convergenceMessage = 'Loss has converged, stopping synthesis';

  /** Extra values for the progress postfix, beside the loss and norms. */
  protected extraPostfix(): Record<string, number | string> {
    return {};
  }

  /** Hook before each step (MetamerCTF switches scales here). */
  protected async beforeStep(_iteration: number, _options: Required<Pick<SynthesizeOptions, 'stopCriterion' | 'stopItersToCheck'>>): Promise<void> {}

  /** The value the scheduler sees after a step (MetamerCTF passes its scale-specific loss). */
  protected schedulerLoss(loss: number): number {
    return loss;
  }

  get losses(): number[] {
    return this._losses.slice();
  }
  get gradientNorm(): number[] {
    return this._gradientNorm.slice();
  }
  get pixelChangeNorm(): number[] {
    return this._pixelChangeNorm.slice();
  }
  get optimizer(): Optimizer | null {
    return this._optimizer;
  }
  get scheduler(): Scheduler | null {
    return this._scheduler;
  }
  get storeProgress(): number | null {
    return this._storeProgress;
  }

  protected setStoreProgress(value: boolean | number | undefined): void {
    const n = value === true ? 1 : value === false || value === undefined ? 0 : value;
    if (!Number.isInteger(n) || n < 0) throw new ValueError(`storeProgress must be a boolean or a non-negative integer, got ${value}.`);
    if (this._storeProgress !== null && this._storeProgress !== n) {
      throw new Error(
        `If you've already run synthesize() before, must re-run it with same store_progress arg. You passed ${value} instead of ${this._storeProgress}.`,
      );
    }
    this._storeProgress = n;
  }

  protected initializeOptimizer(optimizer: Optimizer | undefined, defaultLearningRate = 0.01): void {
    if (this._optimizer === null) {
      this._optimizer = optimizer ?? new Adam({ lr: defaultLearningRate, amsgrad: true });
    } else if (optimizer !== undefined) {
      throw new TypeError('When resuming synthesis, optimizer arg must be None! (leave the optimizer option undefined on later synthesize() calls)');
    }
  }

  /** The shared synthesize loop of plenoptic's OptimizedSynthesis subclasses. */
  protected async runLoop(options: SynthesizeOptions, label: string, defaults: { maxIter: number; stopCriterion: number; stopItersToCheck: number; learningRate?: number }): Promise<void> {
    const maxIter = options.maxIter ?? defaults.maxIter;
    const stopCriterion = options.stopCriterion ?? defaults.stopCriterion;
    const stopItersToCheck = options.stopItersToCheck ?? defaults.stopItersToCheck;
    if (!Number.isInteger(maxIter) || maxIter < 0) throw new ValueError(`maxIter must be a non-negative integer, got ${maxIter}.`);
    this.initializeOptimizer(options.optimizer, defaults.learningRate);
    this.setStoreProgress(options.storeProgress);
    if (options.scheduler !== undefined) this._scheduler = options.scheduler;
    const bar = new ProgressBar(maxIter, label, options.progressBar ?? 'auto');
    this.stopReason = 'maxIter';
    try {
      for (let i = 0; i < maxIter; i++) {
        throwIfAborted(options.signal);
        await this.beforeStep(i, { stopCriterion, stopItersToCheck });
        if (this._storeProgress && this._losses.length % this._storeProgress === 0) await this.storeCurrent();
        const loss = await this.optimizerStep();
        if (!Number.isFinite(loss)) {
          throw new ValueError('Found a NaN in loss during optimization.');
        }
        this._scheduler?.step(this.schedulerLoss(loss), this._optimizer!);
        reportProgress(options, bar, {
          iteration: i + 1,
          total: maxIter,
          postfix: {
            loss,
            learning_rate: this._optimizer!.learningRate,
            gradient_norm: this._gradientNorm[this._gradientNorm.length - 1],
            pixel_change_norm: this._pixelChangeNorm[this._pixelChangeNorm.length - 1],
            ...this.extraPostfix(),
          },
        });
        if (this.checkConvergence(stopCriterion, stopItersToCheck, i)) {
          warn(this.convergenceMessage);
          this.stopReason = 'converged';
          break;
        }
      }
    } finally {
      bar.close();
    }
  }

  /** One optimizer step with plenoptic's bookkeeping: the loss and gradient norm before it, the pixel change it made. */
  protected async optimizerStep(): Promise<number> {
    const variable = this.synthesizedVariable;
    const before = variable.clone();
    let lastGradNorm = NaN;
    const loss = await this._optimizer!.step(variable, async () => {
      const { value, grad } = await this.objectiveValueAndGrad();
      const norm = tf.norm(grad);
      const [lossValue, gradNorm] = await Promise.all([value.data(), norm.data()]);
      value.dispose();
      norm.dispose();
      lastGradNorm = gradNorm[0];
      return { loss: lossValue[0], grad };
    });
    const change = tf.tidy(() => tf.norm(tf.sub(variable, before)));
    this._pixelChangeNorm.push((await change.data())[0]);
    change.dispose();
    before.dispose();
    this._losses.push(loss);
    this._gradientNorm.push(lastGradNorm);
    return loss;
  }

  /** The loop's state for save(): histories, optimizer (its settings in meta, its tensors apart), scheduler. */
  protected async loopState(): Promise<{ meta: Record<string, unknown>; tensors: Record<string, SavedTensor> }> {
    const optimizerState = this._optimizer ? await this._optimizer.getState() : null;
    return {
      meta: {
        rangePenaltyLambda: this.rangePenaltyLambda,
        allowedRange: this.allowedRange,
        losses: this._losses,
        gradientNorm: this._gradientNorm,
        pixelChangeNorm: this._pixelChangeNorm,
        storeProgress: this._storeProgress,
        scheduler: this._scheduler ? { kind: this._scheduler.kind, state: this._scheduler.getState() } : null,
        optimizer: optimizerState ? { kind: optimizerState.kind, config: optimizerState.config, scalars: optimizerState.scalars } : null,
      },
      tensors: optimizerStateToSaved(optimizerState),
    };
  }

  protected restoreLoopState(saved: SavedSynthesis): void {
    const m = saved.meta;
    const optimizerState = optimizerStateFromSaved(saved);
    this._losses = (m.losses as number[]).slice();
    this._gradientNorm = (m.gradientNorm as number[]).slice();
    this._pixelChangeNorm = (m.pixelChangeNorm as number[]).slice();
    this._storeProgress = (m.storeProgress as number | null) ?? null;
    this._optimizer?.dispose();
    this._optimizer = optimizerState ? createOptimizerFromState(optimizerState) : null;
    const sched = m.scheduler as { kind: string; state: Record<string, number> } | null;
    if (sched && this._scheduler && this._scheduler.kind === sched.kind) this._scheduler.setState(sched.state);
  }

  protected checkLoopAttributes(saved: SavedSynthesis): void {
    this.checkValueAttribute('range_penalty_lambda', saved.meta.rangePenaltyLambda, this.rangePenaltyLambda);
    this.checkValueAttribute('allowed_range', saved.meta.allowedRange, this.allowedRange);
  }
}
