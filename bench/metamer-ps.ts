// Issue 3's bench: 100 Metamer iterations with PortillaSimoncelli((256,256), 4, 4, 9) on reptile_skin, the call
// of fixtures/timings' metamer_ps_256_100it (default Adam, lr 0.01, AMSGrad; no early stop).
import { Rng } from '../runtime/rng.js';
import { PortillaSimoncelli } from '../models/portilla-simoncelli/index.js';
import { Metamer } from '../synth/metamer.js';
import { benchImage } from './fixture-image.js';
import { measure, referenceSeconds } from './reference.js';
import type { Bench } from './types.js';

export const bench: Bench = {
  description: 'Metamer, PortillaSimoncelli(256², 4 scales, 4 orientations, 9), 100 iterations (Adam lr 0.01)',
  async run() {
    const { image, source } = benchImage('reptile_skin', 'texture');
    const model = new PortillaSimoncelli([256, 256]);
    let finalLoss = NaN;
    const { wall, cpu } = await measure(
      async () => {
        const metamer = new Metamer(image, model, { rng: new Rng(0) });
        await metamer.synthesize({ maxIter: 100, stopCriterion: -1, progressBar: false });
        finalLoss = metamer.losses[99];
        metamer.dispose();
      },
      3,
      0,
    );
    const reference = referenceSeconds('metamer_ps_256_100it', 11.5);
    image.dispose();
    model.dispose();
    return {
      name: 'metamer-ps',
      ours_s: wall,
      reference_s: reference.seconds,
      reference: reference.source,
      ratio: wall / reference.seconds,
      notes: `${cpu.toFixed(2)} s CPU per run; image ${source}; final loss ${finalLoss.toExponential(3)} (plenoptic 0.0032, issue bound 0.01)`,
    };
  },
};
