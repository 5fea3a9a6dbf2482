// PortillaSimoncelli((256, 256)) forward + backward on reptile_skin, against plenoptic's
// `(0.5*ps(x).pow(2).sum()).backward()` (ps_forward_backward_256, one thread), and the forward alone against
// ps_forward_only_256.
import { tf } from '../runtime/tf.js';
import { PortillaSimoncelli } from '../models/portilla-simoncelli/model.js';
import { benchImage } from './fixture-image.js';
import { referenceSeconds, timeMedian } from './reference.js';
import type { Bench, BenchResult } from './types.js';

const callsPerRun = 10;
const runs = 5;

export const bench: Bench = {
  description: 'PortillaSimoncelli(256², 4 scales, 4 orientations, M = 9): gradient of 0.5·Σrep², per call',
  async run(): Promise<BenchResult> {
    const model = new PortillaSimoncelli([256, 256]);
    const { image, source } = benchImage('reptile_skin', 'dead-leaves');
    const lossGrad = tf.grad((x: tf.Tensor) => tf.mul(0.5, tf.sum(tf.square(model.tfjsForward(x as tf.Tensor4D)))));
    // CPU time as well as wall time: on a shared machine the wall time also counts other processes' turns.
    const cpuStart = process.cpuUsage();
    const seconds =
      (await timeMedian(async () => {
        for (let i = 0; i < callsPerRun; i++) {
          const g = lossGrad(image);
          await g.data();
          g.dispose();
        }
      }, runs)) / callsPerRun;
    const cpu = process.cpuUsage(cpuStart);
    const cpuPerCall = (cpu.user + cpu.system) / 1e6 / ((runs + 1) * callsPerRun);
    const forwardSeconds =
      (await timeMedian(async () => {
        for (let i = 0; i < callsPerRun; i++) {
          const rep = await model.forward(image);
          await rep.data();
          rep.dispose();
        }
      }, runs)) / callsPerRun;
    image.dispose();
    model.dispose();
    const reference = referenceSeconds('ps_forward_backward_256', 0.1355);
    const forwardReference = referenceSeconds('ps_forward_only_256', 0.0345);
    return {
      name: 'ps_forward_backward_256',
      ours_s: seconds,
      reference_s: reference.seconds,
      reference: reference.source,
      ratio: seconds / reference.seconds,
      notes:
        `${(seconds * 1000).toFixed(1)} ms wall, ${(cpuPerCall * 1000).toFixed(1)} ms CPU per forward+backward; forward alone ` +
        `${(forwardSeconds * 1000).toFixed(1)} ms (plenoptic ${(forwardReference.seconds * 1000).toFixed(1)} ms); ` +
        `median of ${runs} runs of ${callsPerRun} calls after a warm-up run; image ${source}`,
    };
  },
};
