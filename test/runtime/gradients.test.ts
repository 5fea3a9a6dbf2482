import { expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/compare.js';

// Gradients runtime/tf.ts registers in place of tfjs 4.22's broken ones, checked by counting copies and against
// a finite difference.
describeEachBackend('registered gradients', () => {
  it('MirrorPad sends each mirrored copy back to its source (reflect and symmetric)', async () => {
    const x = tf.tensor1d([1, 2, 3, 4]);
    const reflect = tf.grad((v: tf.Tensor) => tf.sum(tf.mirrorPad(v as tf.Tensor1D, [[2, 2]], 'reflect')))(x);
    expect(Array.from(await reflect.data())).toEqual([1, 3, 3, 1]);
    // symmetric [2,1,1,2,3,4,4,3]
    const symmetric = tf.grad((v: tf.Tensor) => tf.sum(tf.mirrorPad(v as tf.Tensor1D, [[2, 2]], 'symmetric')))(x);
    expect(Array.from(await symmetric.data())).toEqual([2, 2, 2, 2]);
  });

  it('MirrorPad in 2-D matches a finite difference of a weighted sum', async () => {
    const x = tf.tensor4d(Array.from({ length: 20 }, (_, i) => Math.sin(i)), [1, 4, 5, 1]);
    const w = tf.tensor4d(Array.from({ length: 8 * 8 }, (_, i) => Math.cos(i * 0.7)), [1, 8, 8, 1]);
    const f = (v: tf.Tensor) => tf.sum(tf.mul(tf.mirrorPad(v as tf.Tensor4D, [[0, 0], [1, 3], [2, 1], [0, 0]], 'reflect'), w));
    const grad = await tf.grad(f)(x).data();
    const base = await x.data();
    const fd: number[] = [];
    for (let i = 0; i < base.length; i++) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[i] += 1e-2;
      minus[i] -= 1e-2;
      // f is linear in x, so the central difference is exact up to float32 rounding
      const fp = (await f(tf.tensor4d(plus, [1, 4, 5, 1])).data())[0];
      const fm = (await f(tf.tensor4d(minus, [1, 4, 5, 1])).data())[0];
      fd.push((fp - fm) / 2e-2);
    }
    expectClose(grad, fd, { atol: 2e-3, label: 'mirrorPad gradient' });
  });
});
