import { ValueError } from '../../runtime/errors.js';
import type { Optimizer } from './optimizer.js';

/** Called after every step with that step's loss, as plenoptic calls `scheduler.step(loss)`. */
export interface Scheduler {
  readonly kind: string;
  step(loss: number, optimizer: Optimizer): void;
  getState(): Record<string, number>;
  setState(state: Record<string, number>): void;
}

export interface ReduceLROnPlateauOptions {
  factor?: number;
  patience?: number;
  threshold?: number;
  /** 'rel' compares with best·(1 − threshold), 'abs' with best − threshold (torch's threshold_mode). */
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number;
}

/** torch.optim.lr_scheduler.ReduceLROnPlateau in 'min' mode: the scheduler plenoptic's examples use. */
export class ReduceLROnPlateau implements Scheduler {
  readonly kind = 'reduce-lr-on-plateau';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLr: number;
  private best = Infinity;
  private badSteps = 0;
  private cooldownLeft = 0;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
    if (!(this.factor > 0 && this.factor < 1)) throw new ValueError(`factor must be in (0, 1), got ${this.factor}.`);
  }

  step(loss: number, optimizer: Optimizer): void {
    const improved =
      this.thresholdMode === 'rel' ? loss < this.best * (1 - this.threshold) : loss < this.best - this.threshold;
    if (improved) {
      this.best = loss;
      this.badSteps = 0;
    } else {
      this.badSteps += 1;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft -= 1;
      this.badSteps = 0;
    }
    if (this.badSteps > this.patience) {
      optimizer.learningRate = Math.max(optimizer.learningRate * this.factor, this.minLr);
      this.cooldownLeft = this.cooldown;
      this.badSteps = 0;
    }
  }

  getState(): Record<string, number> {
    return { best: this.best, badSteps: this.badSteps, cooldownLeft: this.cooldownLeft };
  }

  setState(state: Record<string, number>): void {
    this.best = state.best ?? Infinity;
    this.badSteps = state.badSteps ?? 0;
    this.cooldownLeft = state.cooldownLeft ?? 0;
  }
}
