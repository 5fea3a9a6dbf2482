import { expect, it } from 'vitest';
import { tf } from '../../../runtime/tf.js';
import { complexAbs, complexAngle, complexMul, conj } from '../../../models/fourier/index.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { expectClose } from '../../helpers/compare.js';

describeEachBackend('complex pairs', () => {
  it('complexMul and conj follow (a + ib)(c + id) = (ac − bd) + i(ad + bc)', () => {
    const [re, im] = tf.tidy(() => {
      const a = { re: tf.tensor1d([1, 0, 2]), im: tf.tensor1d([2, 1, -1]) };
      const b = { re: tf.tensor1d([3, 0, 0.5]), im: tf.tensor1d([-1, 1, 4]) };
      const p = complexMul(a, conj(b));
      return [p.re.dataSync(), p.im.dataSync()];
    });
    // a·conj(b): (1+2i)(3+i) = 1+7i; (i)(−i) = 1; (2−i)(0.5−4i) = −3−8.5i
    expectClose(re, [1, 1, -3], { atol: 1e-6, label: 're' });
    expectClose(im, [7, 0, -8.5], { atol: 1e-6, label: 'im' });
  });

  it('complexAbs and complexAngle have finite gradients at 0 (0, like torch), correct ones elsewhere', () => {
    const re = tf.tensor1d([0, 3, -1]);
    const im = tf.tensor1d([0, 4, 0]);
    const [abs, angle] = tf.tidy(() => [complexAbs({ re, im }).dataSync(), complexAngle({ re, im }).dataSync()]);
    expectClose(abs, [0, 5, 1], { atol: 1e-6, label: '|z|' });
    expectClose(angle, [0, Math.atan2(4, 3), Math.PI], { atol: 1e-6, label: 'arg z' });
    const [gr, gi] = tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(complexAbs({ re: a, im: b })))([re, im]).map((g) => g.dataSync()));
    expectClose(gr, [0, 0.6, -1], { atol: 1e-6, label: 'd|z|/dre' });
    expectClose(gi, [0, 0.8, 0], { atol: 1e-6, label: 'd|z|/dim' });
    const ga = tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(complexAngle({ re: a, im: b })))([re, im])[0].dataSync());
    expect(Array.from(ga).every(Number.isFinite)).toBe(true);
    expectClose([ga[1]], [-4 / 25], { atol: 1e-6, label: 'd arg/dre' });
    tf.dispose([re, im]);
  });
});
