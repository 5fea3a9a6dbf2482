import { describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Adam } from '../../synth/optimizers/adam.js';
import { SGD } from '../../synth/optimizers/sgd.js';
import { ReduceLROnPlateau } from '../../synth/optimizers/scheduler.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/compare.js';

// f(p) = Σ (p − a)²·w: gradient 2w(p − a). The float64 reference below is torch.optim.Adam's documented update.
const a = [0.3, -1.2, 2.0, 0.5];
const w = [1, 10, 0.1, 3];
function gradAt(p: number[]): number[] {
  return p.map((v, i) => 2 * w[i] * (v - a[i]));
}
function lossAt(p: number[]): number {
  return p.reduce((s, v, i) => s + w[i] * (v - a[i]) ** 2, 0);
}

function referenceAdam(p0: number[], steps: number, lr: number, amsgrad: boolean): number[] {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const p = p0.slice();
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const vmax = p.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const g = gradAt(p);
    for (let i = 0; i < p.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2;
      vmax[i] = Math.max(vmax[i], v[i]);
      const denom = Math.sqrt(amsgrad ? vmax[i] : v[i]) / Math.sqrt(1 - b2 ** t) + eps;
      p[i] -= (lr / (1 - b1 ** t)) * (m[i] / denom);
    }
  }
  return p;
}

async function runOptimizer(opt: Adam | SGD, p0: number[], steps: number): Promise<{ p: number[]; losses: number[] }> {
  const param = tf.variable(tf.tensor1d(p0));
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = await opt.step(param, async () => {
      const p = Array.from(await param.data());
      return { loss: lossAt(p), grad: tf.tensor1d(gradAt(p)) };
    });
    losses.push(loss);
  }
  const p = Array.from(await param.data());
  param.dispose();
  opt.dispose();
  return { p, losses };
}

describeEachBackend('optimizers', () => {
  const p0 = [0, 0, 0, 0];
  it('Adam with AMSGrad follows torch.optim.Adam(amsgrad=True) step for step', async () => {
    const { p } = await runOptimizer(new Adam({ lr: 0.05 }), p0, 40);
    expectClose(p, referenceAdam(p0, 40, 0.05, true), { atol: 2e-6, label: 'amsgrad params' });
  });

  it('Adam without AMSGrad follows torch.optim.Adam', async () => {
    const { p } = await runOptimizer(new Adam({ lr: 0.05, amsgrad: false }), p0, 40);
    expectClose(p, referenceAdam(p0, 40, 0.05, false), { atol: 2e-6, label: 'adam params' });
  });

  it('records the loss before each step and resumes exactly from saved state', async () => {
    const full = await runOptimizer(new Adam({ lr: 0.05 }), p0, 20);
    expect(full.losses[0]).toBeCloseTo(lossAt(p0), 6);
    const first = new Adam({ lr: 0.05 });
    const param = tf.variable(tf.tensor1d(p0));
    const closure = async () => {
      const p = Array.from(await param.data());
      return { loss: lossAt(p), grad: tf.tensor1d(gradAt(p)) };
    };
    for (let s = 0; s < 10; s++) await first.step(param, closure);
    const resumed = Adam.fromState(await first.getState());
    for (let s = 0; s < 10; s++) await resumed.step(param, closure);
    expectClose(Array.from(await param.data()), full.p, { atol: 1e-7, label: 'resumed params' });
    param.dispose();
    first.dispose();
    resumed.dispose();
  });

  it('SGD with momentum follows torch.optim.SGD', async () => {
    const { p } = await runOptimizer(new SGD({ lr: 0.01, momentum: 0.9 }), p0, 15);
    const ref = p0.slice();
    const buf = ref.map(() => 0);
    for (let s = 0; s < 15; s++) {
      const g = gradAt(ref);
      for (let i = 0; i < ref.length; i++) {
        buf[i] = s === 0 ? g[i] : 0.9 * buf[i] + g[i];
        ref[i] -= 0.01 * buf[i];
      }
    }
    expectClose(p, ref, { atol: 1e-6, label: 'sgd params' });
  });
});

describe('ReduceLROnPlateau', () => {
  it('cuts the learning rate after `patience` steps without improvement', () => {
    const opt = new Adam({ lr: 1 });
    const s = new ReduceLROnPlateau({ factor: 0.5, patience: 2 });
    for (const loss of [5, 4, 4, 4]) s.step(loss, opt);
    expect(opt.learningRate).toBe(1);
    s.step(4, opt);
    expect(opt.learningRate).toBe(0.5);
    opt.dispose();
  });

  it('rejects a factor outside (0, 1)', () => {
    expect(() => new ReduceLROnPlateau({ factor: 2 })).toThrow(/factor must be in \(0, 1\)/);
  });
});
