import type { SavedSynthesis } from '../serialization.js';
import type { OptimizerState, SavedTensor } from './optimizer.js';

const prefix = 'optimizer.';

/** The optimizer's tensors as entries of a saved synthesis. */
export function optimizerStateToSaved(state: OptimizerState | null): Record<string, SavedTensor> {
  if (!state) return {};
  return Object.fromEntries(Object.entries(state.tensors).map(([k, v]) => [prefix + k, v]));
}

/** Reassembles an optimizer state from meta.optimizer and the 'optimizer.*' tensors. */
export function optimizerStateFromSaved(saved: SavedSynthesis): OptimizerState | null {
  const meta = saved.meta.optimizer as Omit<OptimizerState, 'tensors'> | null | undefined;
  if (!meta) return null;
  const tensors: Record<string, SavedTensor> = {};
  for (const [k, v] of Object.entries(saved.tensors)) if (k.startsWith(prefix)) tensors[k.slice(prefix.length)] = v;
  return { ...meta, tensors };
}
