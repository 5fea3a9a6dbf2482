// Issue 2's bench: 100 Metamer iterations with Gaussian((31,31), std 3) on a 256² image, the same call as
// fixtures/timings' metamer_gaussian_256_100it (default Adam, lr 0.01, AMSGrad; no early stop).
import { Rng } from '../runtime/rng.js';
import { Gaussian } from '../models/naive.js';
import { Metamer } from '../synth/metamer.js';
import { benchImage } from './fixture-image.js';
import { measure, referenceSeconds } from './reference.js';
import type { Bench } from './types.js';

export const bench: Bench = {
  description: 'Metamer, Gaussian((31,31), std=3), 256², 100 iterations (Adam lr 0.01, AMSGrad)',
  async run() {
    const { image, source } = benchImage('einstein', 'dead-leaves');
    const model = new Gaussian([31, 31], { std: 3 });
    let finalLoss = NaN;
    const { wall: seconds, cpu } = await measure(async () => {
      const metamer = new Metamer(image, model, { rng: new Rng(0) });
      await metamer.synthesize({ maxIter: 100, stopCriterion: -1, progressBar: false });
      finalLoss = metamer.losses[99];
      metamer.dispose();
    });
    const reference = referenceSeconds('metamer_gaussian_256_100it', 6.28);
    image.dispose();
    return {
      name: 'metamer-gaussian',
      ours_s: seconds,
      reference_s: reference.seconds,
      reference: reference.source,
      ratio: seconds / reference.seconds,
      notes: `${cpu.toFixed(2)} s CPU per run; image ${source}; final loss ${finalLoss.toExponential(3)} (plenoptic: 2.77e-05)`,
    };
  },
};
