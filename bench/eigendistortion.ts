// Power-method eigendistortions of the pretrained LuminanceGainControl on einstein 256², k = 1, 50 iterations for
// the top and 50 for the bottom (plenoptic: stop_criterion = -1, so both runs use all their iterations).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { tf } from '../runtime/tf.js';
import { Rng } from '../runtime/rng.js';
import { loadNpy } from '../images/files.js';
import { sineGrating } from '../images/procedural.js';
import { LuminanceGainControl } from '../models/frontend.js';
import { Eigendistortion } from '../synth/eigendistortion.js';
import { projectRoot, referenceSeconds, timeMedian } from './reference.js';
import type { Bench } from './types.js';

const itemKey = 'eigendistortion_power_LG_256_k1_2x50it';

async function einsteinOrStandIn(): Promise<{ image: tf.Tensor4D; note: string }> {
  const path = resolve(projectRoot(), '..', 'shared', 'fixtures', 'images', 'einstein.npy');
  if (existsSync(path)) return { image: (await loadNpy(path)) as tf.Tensor4D, note: 'einstein 256²' };
  return { image: sineGrating({ size: 256 }), note: 'a 256² grating (fixtures absent, so not einstein)' };
}

export const bench: Bench = {
  description: 'Eigendistortion power method, LuminanceGainControl (pretrained) on 256², k=1, 50 + 50 iterations',
  async run() {
    const { image, note } = await einsteinOrStandIn();
    const model = new LuminanceGainControl([31, 31], { pretrained: true, cacheFilt: true });
    let eigenvalues: number[] = [];
    // CPU time as well as wall time: on a shared machine the wall time also counts other processes' turns
    const cpuStart = process.cpuUsage();
    const runs = 3;
    const ours = await timeMedian(async () => {
      const e = await Eigendistortion.create(image, model, { verbose: false });
      await e.synthesize({ method: 'power', k: 1, maxIter: 50, stopCriterion: -1, rng: new Rng(0), progressBar: false });
      eigenvalues = Array.from(await e.eigenvalues!.data());
      e.dispose();
    }, runs, 1);
    const cpu = process.cpuUsage(cpuStart);
    const cpuPerRun = (cpu.user + cpu.system) / 1e6 / (runs + 1);
    image.dispose();
    model.dispose();
    const reference = referenceSeconds(itemKey, 44.2);
    return {
      name: itemKey,
      ours_s: ours,
      reference_s: reference.seconds,
      reference: reference.source,
      ratio: ours / reference.seconds,
      notes: `${note}; CPU ${cpuPerRun.toFixed(1)} s per run; eigenvalues (top, bottom) = ${eigenvalues.map((v) => v.toExponential(4)).join(', ')} (plenoptic: 8.8398e-03, 1.7796e-04)`,
    };
  },
};
