import { expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { modelFromFunction } from '../../runtime/model.js';
import { Rng } from '../../runtime/rng.js';
import { LBFGS } from '../../synth/optimizers/lbfgs.js';
import { createOptimizerFromState } from '../../synth/optimizers/registry.js';
import { strongWolfe } from '../../synth/optimizers/line-search.js';
import { Metamer } from '../../synth/metamer.js';
import { describeEachBackend } from '../helpers/backends.js';

// Rosenbrock: minimum 0 at (1, 1); a classic test of curvature handling.
function rosenbrock(p: ArrayLike<number>): { loss: number; grad: number[] } {
  const [x, y] = [p[0], p[1]];
  return {
    loss: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    grad: [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
  };
}

describeEachBackend('L-BFGS', () => {
  it('finds the Rosenbrock minimum with the strong-Wolfe line search', async () => {
    const param = tf.variable(tf.tensor1d([-1.2, 1]));
    const opt = new LBFGS({ lr: 1, maxIter: 100 });
    let evaluations = 0;
    const closure = async () => {
      evaluations += 1;
      const { loss, grad } = rosenbrock(await param.data());
      return { loss, grad: tf.tensor1d(grad) };
    };
    for (let s = 0; s < 3; s++) await opt.step(param, closure);
    const [x, y] = await param.data();
    expect(Math.abs(x - 1)).toBeLessThan(1e-3);
    expect(Math.abs(y - 1)).toBeLessThan(2e-3);
    expect(evaluations).toBeLessThan(200);
    param.dispose();
  });

  it('minimizes a 6-D convex quadratic to float32 precision and survives a save/restore', async () => {
    const diag = [1, 3, 10, 0.5, 7, 2];
    const target = [0.2, -0.4, 1, 0.1, -1, 0.6];
    const param = tf.variable(tf.zeros([6]));
    const closure = async () => {
      const p = await param.data();
      const grad = diag.map((d, i) => d * (p[i] - target[i]));
      const loss = diag.reduce((s, d, i) => s + 0.5 * d * (p[i] - target[i]) ** 2, 0);
      return { loss, grad: tf.tensor1d(grad) };
    };
    // maxEval defaults to maxIter·5/4 (torch), which would cut each step to two iterations here
    const opt = new LBFGS({ maxIter: 4, maxEval: 20 });
    await opt.step(param, closure);
    const restored = createOptimizerFromState(await opt.getState());
    for (let s = 0; s < 3; s++) await restored.step(param, closure);
    const p = await param.data();
    target.forEach((t, i) => expect(Math.abs(p[i] - t)).toBeLessThan(1e-5));
    param.dispose();
  });

  it('drives a metamer further than Adam in the same number of steps', async () => {
    const kernel = tf.keep(tf.fill([3, 3, 1, 1], 1 / 9) as tf.Tensor4D);
    const blur = modelFromFunction((x) => tf.transpose(tf.conv2d(tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D, kernel, 1, 'valid'), [0, 3, 1, 2]));
    const image = tf.tensor(new Rng(4).uniformArray(144), [1, 1, 12, 12]) as tf.Tensor4D;
    const withLbfgs = new Metamer(image, blur, { rng: new Rng(1) });
    await withLbfgs.synthesize({ maxIter: 10, optimizer: new LBFGS({ maxIter: 10, historySize: 10 }), stopCriterion: -1, progressBar: false });
    const withAdam = new Metamer(image, blur, { rng: new Rng(1) });
    await withAdam.synthesize({ maxIter: 10, stopCriterion: -1, progressBar: false });
    const final = async (m: Metamer) => (await (await m.objectiveFunction()).data())[0];
    expect(await final(withLbfgs)).toBeLessThan((await final(withAdam)) / 10);
    withLbfgs.dispose();
    withAdam.dispose();
  });
});

it('strong-Wolfe search returns a point meeting both Wolfe conditions on a 1-D quartic', async () => {
  // f(t) = (t − 2)⁴ along d = 1 from 0: f0 = 16, f'(0) = −32
  const d = Float64Array.of(1);
  const evaluate = async (t: number) => ({ loss: (t - 2) ** 4, grad: Float64Array.of(4 * (t - 2) ** 3) });
  const { point } = await strongWolfe(evaluate, d, 1, 16, Float64Array.of(-32), -32);
  expect(point.loss).toBeLessThanOrEqual(16 + 1e-4 * point.t * -32);
  expect(Math.abs(point.gtd)).toBeLessThanOrEqual(0.9 * 32);
});

it('L-BFGS rejects a non-positive learning rate', () => {
  expect(() => new LBFGS({ lr: 0 })).toThrow(/learning rate must be positive/);
});
