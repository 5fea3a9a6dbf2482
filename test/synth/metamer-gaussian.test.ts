// Issue 2's acceptance run: a metamer of a 64×64 image under Gaussian((31,31), std 3) reaches a loss below 1e-4
// within 300 iterations (default Adam, lr 0.01, AMSGrad).
import { expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Rng } from '../../runtime/rng.js';
import { builtinImage } from '../../images/procedural.js';
import { Gaussian } from '../../models/naive.js';
import { Metamer } from '../../synth/metamer.js';
import { describeEachBackend } from '../helpers/backends.js';

describeEachBackend('Metamer with Gaussian((31,31), std 3) on 64×64', () => {
  it('reaches a loss below 1e-4 within 300 iterations', async () => {
    const image = builtinImage('dead-leaves', { size: 64, seed: 1 }) as tf.Tensor4D;
    const metamer = new Metamer(image, new Gaussian([31, 31], { std: 3 }), { rng: new Rng(0) });
    await metamer.synthesize({ maxIter: 300, stopCriterion: -1, progressBar: false });
    const losses = metamer.losses;
    expect(losses[0]).toBeGreaterThan(1e-3);
    expect(Math.min(...losses)).toBeLessThan(1e-4);
    metamer.dispose();
    image.dispose();
  });
});
