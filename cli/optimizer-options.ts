// The optimizer options every optimized synthesis command shares (metamer, mad, mad-all, compare-layers).
import { Adam } from '../synth/optimizers/adam.js';
import { LBFGS } from '../synth/optimizers/lbfgs.js';
import type { Optimizer } from '../synth/optimizers/optimizer.js';
import { UsageError, type OptionSpec, type ParsedArgs } from './args.js';

export type OptimizerName = 'adam' | 'lbfgs';

export interface OptimizerChoice {
  /** 'adam' (AMSGrad, the default) or 'lbfgs' (one L-BFGS iteration with a strong-Wolfe line search per iteration). */
  optimizer?: OptimizerName;
  /** Learning rate (default 0.01 for Adam, 1 for L-BFGS). */
  lr?: number;
  /** L-BFGS curvature pairs kept (default 100). */
  historySize?: number;
}

const DEFAULT_LR: Record<OptimizerName, number> = { adam: 0.01, lbfgs: 1 };

export const optimizerOptionSpecs: OptionSpec[] = [
  { name: 'optimizer', type: 'string', value: 'adam|lbfgs', default: 'adam', description: 'Adam (AMSGrad), or L-BFGS (one iteration with a strong-Wolfe line search per --max-iter step)' },
  { name: 'lr', type: 'number', value: 'X', description: 'learning rate (default: 0.01 for Adam — 0.001 for geodesics — and 1 for L-BFGS; a resumed run keeps its own)' },
  { name: 'history-size', type: 'integer', value: 'N', description: 'L-BFGS curvature pairs kept (default: 100)' },
];

/** `value` when it is one of `allowed`, else a usage error naming the option. */
export function oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value !== undefined && !allowed.includes(value as T)) throw new UsageError(`--${option} must be ${allowed.join(' or ')}, got '${String(value)}'.`);
  return value as T | undefined;
}

/** Fails unless `value` (when given) is at least `min`. */
export function atLeast(option: string, value: unknown, min: number): void {
  if (value !== undefined && (value as number) < min) throw new UsageError(`--${option} must be at least ${min}, got ${String(value)}.`);
}

export function optimizerChoice(args: ParsedArgs): OptimizerChoice {
  const o = args.options;
  atLeast('history-size', o.historySize, 1);
  if (o.lr !== undefined && !((o.lr as number) > 0)) throw new UsageError(`--lr must be positive, got ${String(o.lr)}.`);
  return {
    optimizer: oneOf('optimizer', o.optimizer, ['adam', 'lbfgs'] as const),
    lr: o.lr as number | undefined,
    historySize: o.historySize as number | undefined,
  };
}

/** A fresh optimizer for one synthesis; `defaultLr` overrides the usual default learning rates (geodesics use Adam at 0.001). */
export function makeOptimizer(choice: OptimizerChoice, defaultLr: Partial<Record<OptimizerName, number>> = {}): Optimizer {
  const name = choice.optimizer ?? 'adam';
  const lr = choice.lr ?? defaultLr[name] ?? DEFAULT_LR[name];
  // one L-BFGS iteration per step keeps --max-iter, the progress bar and the loss list in iterations
  return name === 'lbfgs' ? new LBFGS({ lr, maxIter: 1, historySize: choice.historySize }) : new Adam({ lr, amsgrad: true });
}
