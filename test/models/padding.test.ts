import { expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Rng, randNormal } from '../../runtime/rng.js';
import { pad2d, samePadding, samePaddingAmounts, type PadMode } from '../../models/padding.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/compare.js';

describeEachBackend('padding', () => {
  it("pads a row as torch's F.pad does in each mode", async () => {
    const row = tf.tensor4d([0, 1, 2, 3], [1, 1, 1, 4]);
    const expected: Record<PadMode, number[]> = {
      constant: [0, 0, 0, 1, 2, 3, 0, 0],
      reflect: [2, 1, 0, 1, 2, 3, 2, 1],
      replicate: [0, 0, 0, 1, 2, 3, 3, 3],
      circular: [2, 3, 0, 1, 2, 3, 0, 1],
    };
    for (const [mode, values] of Object.entries(expected)) {
      const padded = pad2d(row, [2, 2, 0, 0], mode as PadMode);
      expect(padded.shape, mode).toEqual([1, 1, 1, 8]);
      expect(Array.from(await padded.data()), mode).toEqual(values);
    }
  });

  it('pads height and width independently: [left, right, top, bottom]', async () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 1, 2, 3]);
    const padded = pad2d(x, [1, 0, 0, 1], 'replicate');
    expect(padded.shape).toEqual([1, 1, 3, 4]);
    expect(Array.from(await padded.data())).toEqual([1, 1, 2, 3, 4, 4, 5, 6, 4, 4, 5, 6]);
  });

  it('same padding: (7, 7) adds 3 on each side, (4, 4) puts the extra pixel right and bottom', () => {
    const x = tf.zeros([1, 1, 16, 16]);
    expect(samePadding(x, [7, 7]).shape).toEqual([1, 1, 22, 22]);
    expect(samePadding(x, [4, 4]).shape).toEqual([1, 1, 19, 19]);
    expect(samePaddingAmounts(16, 4)).toEqual({ before: 1, after: 2 });
    expect(samePaddingAmounts(16, 3, 2)).toEqual({ before: 0, after: 1 });
  });

  it('has exact gradients in every mode (adjoint identity <pad(v), w> = <v, grad>)', async () => {
    const rng = new Rng(4);
    const x = randNormal([2, 1, 5, 6], rng) as tf.Tensor4D;
    for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as PadMode[]) {
      const w = randNormal([2, 1, 9, 9], rng);
      const v = randNormal([2, 1, 5, 6], rng);
      const grad = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(pad2d(xx, [1, 2, 3, 1], mode), w)))(x);
      const lhs = await tf.sum(tf.mul(pad2d(v, [1, 2, 3, 1], mode), w)).data();
      const rhs = await tf.sum(tf.mul(v, grad)).data();
      expectClose(rhs, lhs, { rtolOfMax: 1e-5, label: mode });
    }
  });

  it('refuses pads larger than torch allows, naming the fix', () => {
    const x = tf.zeros([1, 1, 4, 4]);
    expect(() => pad2d(x, [4, 4, 0, 0], 'reflect')).toThrow(/reflect padding of 4 pixels needs more than 4 pixels along the width/);
    expect(() => pad2d(x, [0, 0, 5, 0], 'circular')).toThrow(/circular padding/);
    expect(pad2d(x, [9, 9, 9, 9], 'replicate').shape).toEqual([1, 1, 22, 22]);
    expect(() => pad2d(x, [1, 1, 1, 1], 'mirror' as PadMode)).toThrow(/Choose one of: constant, reflect, replicate, circular/);
  });
});
