import { tf } from '../runtime/tf.js';
import { AttributeError, ValueError } from '../runtime/errors.js';
import type { RunOptions } from '../runtime/progress.js';
import type { SavedTensor } from './optimizers/optimizer.js';
import { decodeSynthesis, encodeSynthesis, readBytes, writeBytes, type SavedSynthesis } from './serialization.js';

export interface SaveState {
  meta: Record<string, unknown>;
  tensors: Record<string, SavedTensor>;
}

export async function toSaved(t: tf.Tensor): Promise<SavedTensor> {
  return { shape: t.shape.slice(), data: Float32Array.from((await t.data()) as Float32Array) };
}

export function fromSaved(s: SavedTensor): tf.Tensor {
  return tf.tensor(s.data, s.shape, 'float32');
}

/** torch.allclose(a, b, rtol, atol=1e-8): |a − b| ≤ atol + rtol·|b| elementwise. */
export function allClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol = 1e-8): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) return false;
  }
  return true;
}

/**
 * plenoptic's Synthesis contract: construct with the images first and the model next, call synthesize() (resumable;
 * results are attributes, nothing is returned), save() everything but the model, and load() into an object
 * constructed with the same inputs.
 */
export abstract class Synthesis {
  /** Registry name written into saved files, e.g. 'Metamer'. */
  protected abstract readonly kind: string;

  abstract synthesize(options?: RunOptions): Promise<void>;

  /** Everything needed to resume, minus the model. */
  protected abstract saveState(): Promise<SaveState>;

  /** Restores a saved state after checkSaved() has accepted it. */
  protected abstract restoreState(saved: SavedSynthesis): Promise<void>;

  /** Compares saved inputs with this object's (plenoptic's check_attributes); throws on mismatch. */
  protected abstract checkSaved(saved: SavedSynthesis): Promise<void>;

  /** The saved synthesis as bytes (usable in a browser: offer them as a download). */
  async serialize(): Promise<Uint8Array> {
    const { meta, tensors } = await this.saveState();
    return encodeSynthesis(this.kind, meta, tensors);
  }

  /** Saves to a file (Node). */
  async save(path: string): Promise<void> {
    await writeBytes(path, await this.serialize());
  }

  /** Loads a saved synthesis into this object, which must be built with the same image(s) and model. */
  async load(source: string | Uint8Array): Promise<void> {
    const bytes = typeof source === 'string' ? await readBytes(source) : source;
    const saved = decodeSynthesis(bytes, typeof source === 'string' ? source : 'data');
    if (saved.kind !== this.kind) {
      throw new ValueError(`This file holds a saved ${saved.kind}, not a ${this.kind}. Load it into a ${saved.kind}.`);
    }
    await this.checkSaved(saved);
    await this.restoreState(saved);
  }

  /** plenoptic's attribute check for a tensor: same shape, allclose with rtol 5e-2. */
  protected async checkTensorAttribute(name: string, saved: SavedSynthesis, current: tf.Tensor): Promise<void> {
    const s = saved.tensors[name];
    if (!s) throw new AttributeError(`The saved file has no attribute ${name}; it was written by another kind of synthesis.`);
    if (s.shape.join(',') !== current.shape.join(',')) {
      throw new ValueError(
        `Attribute ${name} have different shapes! Saved: [${s.shape.join(', ')}], initialized: [${current.shape.join(', ')}]. ` +
          'Construct the object with the same inputs you saved it with.',
      );
    }
    if (!allClose((await current.data()) as Float32Array, s.data, 5e-2)) {
      throw new ValueError(`Saved and initialized ${name} are different! Construct the object with the same inputs (and model) you saved it with.`);
    }
  }

  /** plenoptic's attribute check for a plain value. */
  protected checkValueAttribute(name: string, savedValue: unknown, current: unknown): void {
    if (JSON.stringify(savedValue) !== JSON.stringify(current)) {
      throw new ValueError(
        `Saved and initialized ${name} are different! Saved: ${JSON.stringify(savedValue)}, initialized: ${JSON.stringify(current)}.`,
      );
    }
  }
}
