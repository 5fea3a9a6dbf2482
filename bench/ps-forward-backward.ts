// PortillaSimoncelli((256, 256)) forward + backward on reptile_skin, against plenoptic's
// `(0.5*ps(x).pow(2).sum()).backward()` (ps_forward_backward_256, one thread), and the forward alone against
// ps_forward_only_256.
import { tf } from '../runtime/tf.js';
import { PortillaSimoncelli } from '../models/portilla-simoncelli/model.js';
import { benchImage } from './fixture-image.js';
import { referenceSeconds } from './reference.js';
import type { Bench, BenchResult } from './types.js';

const callsPerRun = 10;
const runs = 5;
// Runs before the timed ones: the first calls also pay for V8's compilation, on other threads too.
const warmupRuns = 2;

interface Timing {
  /** Median and best wall-clock seconds per call. */
  wall: { median: number; best: number };
  /** Median and best process CPU seconds per call (all threads). */
  cpu: { median: number; best: number };
}

async function timeCalls(call: () => Promise<void>): Promise<Timing> {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < warmupRuns + runs; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < callsPerRun; i++) await call();
    const cpu = process.cpuUsage(cpu0);
    if (r < warmupRuns) continue;
    walls.push((performance.now() - t0) / 1000 / callsPerRun);
    cpus.push((cpu.user + cpu.system) / 1e6 / callsPerRun);
  }
  const summary = (a: number[]) => ({ median: a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)], best: Math.min(...a) });
  return { wall: summary(walls), cpu: summary(cpus) };
}

const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;

export const bench: Bench = {
  description: 'PortillaSimoncelli(256², 4 scales, 4 orientations, M = 9): gradient of 0.5·Σrep², per call',
  async run(): Promise<BenchResult> {
    const model = new PortillaSimoncelli([256, 256]);
    const { image, source } = benchImage('reptile_skin', 'dead-leaves');
    const lossGrad = tf.grad((x: tf.Tensor) => tf.mul(0.5, tf.sum(tf.square(model.tfjsForward(x as tf.Tensor4D)))));
    // CPU time as well as wall time: on a shared machine the wall time also counts other processes' turns.
    const both = await timeCalls(async () => {
      const g = lossGrad(image);
      await g.data();
      g.dispose();
    });
    const forward = await timeCalls(async () => {
      const rep = await model.forward(image);
      await rep.data();
      rep.dispose();
    });
    image.dispose();
    model.dispose();
    const reference = referenceSeconds('ps_forward_backward_256', 0.1355);
    const forwardReference = referenceSeconds('ps_forward_only_256', 0.0345);
    const seconds = both.wall.median;
    return {
      name: 'ps_forward_backward_256',
      ours_s: seconds,
      reference_s: reference.seconds,
      reference: reference.source,
      ratio: seconds / reference.seconds,
      notes:
        `forward+backward ${ms(both.wall.median)} wall (best ${ms(both.wall.best)}), ${ms(both.cpu.median)} CPU (best ${ms(both.cpu.best)}); ` +
        `forward alone ${ms(forward.wall.median)} wall (best ${ms(forward.wall.best)}), ${ms(forward.cpu.median)} CPU ` +
        `(plenoptic ${ms(forwardReference.seconds)}); medians of ${runs} runs of ${callsPerRun} calls after ${warmupRuns} warm-up runs; image ${source}`,
    };
  },
};
