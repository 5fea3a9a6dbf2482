// The model part of a Metamer iteration with Gaussian((31, 31), std 3) on a 256² image: forward, loss, and the
// gradient with respect to the image. No fixture times this alone, so the reference is plenoptic's whole
// Metamer iteration (metamer_gaussian_256_100it / 100), which also includes Adam's step: a ratio well under 1 is
// what leaves room for the rest of our iteration.
import { tf } from '../runtime/tf.js';
import { Rng } from '../runtime/rng.js';
import { builtinImage } from '../images/procedural.js';
import { Gaussian } from '../models/naive.js';
import { referenceSeconds, timeMedian } from './reference.js';
import type { Bench } from './types.js';

const callsPerRun = 20;

export const bench: Bench = {
  description: 'Gaussian((31,31), std=3) forward + input gradient of 0.5·Σ(out − target)² on 256², per call',
  async run() {
    const model = new Gaussian([31, 31], { std: 3 });
    const target = tf.tidy(() => model.tfjsForward(builtinImage('dead-leaves', { size: 256 })));
    const x = tf.tensor4d(new Rng(0).uniformArray(256 * 256), [1, 1, 256, 256]);
    const lossGrad = tf.grad((xx: tf.Tensor) => tf.mul(0.5, tf.sum(tf.square(tf.sub(model.tfjsForward(xx as tf.Tensor4D), target)))));
    // CPU time as well as wall time: on a shared machine the wall time also counts other processes' turns.
    const cpuStart = process.cpuUsage();
    const runs = 5;
    const seconds = await timeMedian(async () => {
      for (let i = 0; i < callsPerRun; i++) {
        const g = lossGrad(x);
        await g.data();
        g.dispose();
      }
    }, runs);
    const cpu = process.cpuUsage(cpuStart);
    const cpuPerCall = (cpu.user + cpu.system) / 1e6 / ((runs + 1) * callsPerRun);
    tf.dispose([target, x]);
    const perCall = seconds / callsPerRun;
    const reference = referenceSeconds('metamer_gaussian_256_100it', 6.28);
    const perIteration = reference.seconds / 100;
    return {
      name: 'gaussian-forward-backward',
      ours_s: perCall,
      reference_s: perIteration,
      reference: `${reference.source}, one whole Metamer iteration (metamer_gaussian_256_100it / 100)`,
      ratio: perCall / perIteration,
      notes: `${(perCall * 1000).toFixed(1)} ms wall, ${(cpuPerCall * 1000).toFixed(1)} ms CPU per forward+backward (target <= 25 ms)`,
    };
  },
};
