import { describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { modelFromFunction, objectiveValueAndGrad, type Model } from '../../runtime/model.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/compare.js';
import { Rng, randNormal } from '../../runtime/rng.js';

// f(x) = x² * 3 elementwise: J = diag(6x), so Jv = 6 x v and Jᵀu = 6 x u analytically.
const square3 = modelFromFunction((x) => tf.mul(tf.square(x), 3), { name: 'square3' });

describeEachBackend('Model protocol', () => {
  it('vjp and jvp of a tfjs function match the analytic Jacobian', async () => {
    const rng = new Rng(1);
    const x = randNormal([1, 1, 4, 5], rng) as tf.Tensor4D;
    const v = randNormal([1, 1, 4, 5], rng) as tf.Tensor4D;
    const expected = await tf.mul(tf.mul(x, v), 6).data();
    const jv = await square3.jvp(x, v);
    const vj = await square3.vjp(x, v);
    expectClose(await jv.data(), expected, { rtolOfMax: 1e-6, label: 'jvp' });
    expectClose(await vj.data(), expected, { rtolOfMax: 1e-6, label: 'vjp' });
  });

  it('objectiveValueAndGrad gives the same result through tfjs autodiff and through forward + vjp', async () => {
    const rng = new Rng(2);
    const x = randNormal([1, 1, 3, 3], rng) as tf.Tensor4D;
    const target = randNormal([1, 1, 3, 3], rng);
    const loss = (out: tf.Tensor) => tf.mean(tf.squaredDifference(out, target)) as tf.Scalar;
    const penalty = (xx: tf.Tensor4D) => tf.sum(tf.square(xx)) as tf.Scalar;
    const opaque: Model = {
      name: 'opaque',
      forward: square3.forward.bind(square3),
      vjp: square3.vjp.bind(square3),
      jvp: square3.jvp.bind(square3),
    };
    const a = await objectiveValueAndGrad(square3, x, loss, penalty);
    const b = await objectiveValueAndGrad(opaque, x, loss, penalty);
    expect(Math.abs((await a.value.data())[0] - (await b.value.data())[0])).toBeLessThan(1e-5);
    expectClose(await a.grad.data(), await b.grad.data(), { rtolOfMax: 1e-6, label: 'grad' });
    // analytic: d/dx [mean((3x²-t)²) + Σx²] = 2(3x²-t)·6x/n + 2x
    const analytic = tf.add(tf.div(tf.mul(tf.mul(tf.sub(tf.mul(tf.square(x), 3), target), 12), x), 9), tf.mul(x, 2));
    expectClose(await a.grad.data(), await analytic.data(), { rtolOfMax: 1e-5, label: 'analytic grad' });
  });
});

describe('TfjsModel ownership', () => {
  it('forward of an identity model returns a new tensor, so disposing it leaves the input alive', async () => {
    const identity = modelFromFunction((x) => x, { name: 'identity' });
    const x = tf.tensor4d([1, 2, 3, 4], [1, 1, 2, 2]);
    const y = await identity.forward(x);
    expect(y).not.toBe(x);
    y.dispose();
    expect(Array.from(await x.data())).toEqual([1, 2, 3, 4]);
  });
});

describe('Rng', () => {
  it('is reproducible from a seed and from a saved state', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    a.normal();
    b.normal();
    const state = a.state();
    const seqA = Array.from({ length: 5 }, () => a.normal());
    const seqB = Array.from({ length: 5 }, () => b.normal());
    const c = Rng.fromState(state);
    expect(seqA).toEqual(seqB);
    expect(Array.from({ length: 5 }, () => c.normal())).toEqual(seqA);
  });

  it('draws uniform values with the right mean and variance', () => {
    const r = new Rng(7).uniformArray(100000);
    let mean = 0;
    for (const v of r) mean += v;
    mean /= r.length;
    let variance = 0;
    for (const v of r) variance += (v - mean) ** 2;
    variance /= r.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });
});
