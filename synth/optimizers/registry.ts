import { ValueError } from '../../runtime/errors.js';
import { Adam } from './adam.js';
import { SGD } from './sgd.js';
import { LBFGS } from './lbfgs.js';
import type { Optimizer, OptimizerState } from './optimizer.js';

/** Rebuilds optimizers from saved state by kind; optimizers added later register here. */
export const optimizerFactories: Record<string, (state: OptimizerState) => Optimizer> = {
  adam: (s) => Adam.fromState(s),
  sgd: (s) => SGD.fromState(s),
  lbfgs: (s) => LBFGS.fromState(s),
};

export function createOptimizerFromState(state: OptimizerState): Optimizer {
  const factory = optimizerFactories[state.kind];
  if (!factory) {
    throw new ValueError(`Saved optimizer kind '${state.kind}' is unknown. Known: ${Object.keys(optimizerFactories).join(', ')}.`);
  }
  return factory(state);
}
