// Issue 3's acceptance run: a Portilla-Simoncelli metamer of reptile_skin (plenoptic's photo, from the fixtures)
// with 100 Adam iterations at lr 0.01 reaches a loss <= 0.01 (plenoptic 1.1.0 reaches 0.0032).
import { expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { useBackend } from '../../runtime/backend.js';
import { Rng } from '../../runtime/rng.js';
import { PortillaSimoncelli } from '../../models/portilla-simoncelli/index.js';
import { Metamer } from '../../synth/metamer.js';
import { describeFixtures, fixtureTensor } from '../helpers/fixtures.js';

describeFixtures('texture metamer of reptile_skin [wasm]', () => {
  it('reaches a loss <= 0.01 in 100 Adam iterations at lr 0.01', async () => {
    // the model's statistics run in JavaScript, so the backend only carries the optimizer: wasm suffices
    await useBackend('wasm');
    const image = fixtureTensor('images', 'reptile_skin.npy') as tf.Tensor4D;
    const model = new PortillaSimoncelli([256, 256]);
    const metamer = new Metamer(image, model, { rng: new Rng(0) });
    await metamer.synthesize({ maxIter: 100, stopCriterion: -1, progressBar: false });
    const losses = metamer.losses;
    expect(losses.length).toBe(100);
    expect(losses[99]).toBeLessThanOrEqual(0.01);
    expect(losses[99]).toBeLessThan(losses[0] / 10);
    metamer.dispose();
    model.dispose();
    image.dispose();
  });
});
