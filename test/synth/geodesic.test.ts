import { describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { modelFromFunction } from '../../runtime/model.js';
import { Rng } from '../../runtime/rng.js';
import { captureWarnings } from '../../runtime/warnings.js';
import { Geodesic, stepEnergy } from '../../synth/geodesic.js';
import { diagnoseGeodesic } from '../../synth/geodesic-diagnostics.js';
import { deviationFromLine, translationSequence } from '../../synth/straightness.js';
import { animateGeodesic, geodesicStrip, plotDeviationFromLine, plotGeodesicLoss, plotStepEnergy } from '../../synth/display/geodesic.js';
import { Adam } from '../../synth/optimizers/adam.js';
import { Identity, Linear } from '../../models/naive.js';
import { OnOff } from '../../models/frontend.js';
import { describeEachBackend } from '../helpers/backends.js';
import { describeFixtures, fixtureTensor } from '../helpers/fixtures.js';
import { expectClose } from '../helpers/compare.js';

const quiet = { verbose: false };
const run = { progressBar: false as const };

function randomImage(h: number, w: number, seed: number): tf.Tensor4D {
  return tf.tensor4d(new Rng(seed).uniformArray(h * w), [1, 1, h, w]);
}

describeEachBackend('Geodesic', () => {
  it('is the pixel fade for the Identity model, from a Brownian bridge start', async () => {
    const a = randomImage(6, 6, 1);
    const b = randomImage(6, 6, 2);
    const geo = await Geodesic.create(a, b, new Identity(), { nSteps: 4, initialSequence: 'bridge', rng: new Rng(3), ...quiet });
    const before = await deviationFromLine(geo.geodesic);
    expect(Math.max(...before.distFromLine)).toBeGreaterThan(0.1);
    await geo.synthesize({ maxIter: 150, optimizer: new Adam({ lr: 0.02, amsgrad: true }), stopCriterion: -1, ...run });
    const after = await deviationFromLine(geo.geodesic);
    expect(Math.max(...after.distFromLine)).toBeLessThan(0.01);
    expectClose(after.distAlongLine, [0, 0.25, 0.5, 0.75, 1], { atol: 0.01, label: 'evenly paced' });
    // for the identity the pixel fade is the straight representation path: floor = fade energy = ‖a − b‖² / n²
    const diff = (await tf.sum(tf.square(tf.sub(a, b))).data())[0];
    expect(geo.straightLineFloor).toBeCloseTo(diff / 16, 6);
    expect(geo.diagnostics!.excessOverFloor).toBeLessThan(1e-3);
    expect(geo.diagnostics!.problems).toEqual([]);
    geo.dispose();
  });

  it('keeps the pixel fade (zero gradient) for Identity from a straight start, and stops on pixel change', async () => {
    const geo = await Geodesic.create(randomImage(4, 4, 4), randomImage(4, 4, 5), new Identity(), { nSteps: 3, ...quiet });
    const { warnings } = await captureWarnings(() => geo.synthesize({ maxIter: 100, stopItersToCheck: 5, ...run }));
    expect(warnings.map((w) => w.message)).toContain('Pixel change norm has converged, stopping synthesis');
    expect(geo.stopReason).toBe('converged');
    expect(geo.losses.length).toBeGreaterThan(5);
    expect(geo.losses.length).toBeLessThan(100);
    // the fade is the optimum: the energy stays at the floor
    expect(geo.diagnostics!.excessOverFloor).toBeLessThan(1e-5);
    const fadeNorm = (await tf.norm(geo.pixelfade).data())[0];
    const criterion = (fadeNorm / 1e4) * ((1 + Math.sqrt(5)) / 2);
    const [mantissa, exponent] = criterion.toExponential(5).split('e');
    expect(geo.messages[0]).toBe(`Stop criterion for pixel_change_norm = ${mantissa}e-0${exponent.slice(1)}`);
    geo.dispose();
  });

  it('makes the representation path straight for a Linear model', async () => {
    const model = new Linear([3, 3], { defaultFilters: false, rng: new Rng(6) });
    const geo = await Geodesic.create(randomImage(6, 6, 7), randomImage(6, 6, 8), model, {
      nSteps: 4,
      initialSequence: 'bridge',
      rng: new Rng(9),
      ...quiet,
    });
    await geo.synthesize({ maxIter: 150, optimizer: new Adam({ lr: 0.02, amsgrad: true }), stopCriterion: -1, ...run });
    const rep = await model.forward(geo.geodesic);
    const { distFromLine, distAlongLine } = await deviationFromLine(rep);
    expect(Math.max(...distFromLine)).toBeLessThan(0.02);
    expectClose(distAlongLine, [0, 0.25, 0.5, 0.75, 1], { atol: 0.02, label: 'evenly paced representation' });
    expect(geo.diagnostics!.excessOverFloor).toBeLessThan(2e-3);
    geo.dispose();
  });

  it('stores step energies and deviations, and computes the jerkiness', async () => {
    const geo = await Geodesic.create(randomImage(5, 5, 10), randomImage(5, 5, 11), new Identity(), {
      nSteps: 4,
      initialSequence: 'bridge',
      rng: new Rng(12),
      rangePenaltyLambda: 0,
      ...quiet,
    });
    await geo.synthesize({ maxIter: 7, storeProgress: 3, stopCriterion: -1, ...run });
    const energies = geo.stepEnergy;
    const deviations = geo.devFromLine;
    expect(energies.shape).toEqual([3, 4]);
    expect(deviations.shape).toEqual([3, 5, 2]);
    // the first store is taken before the first step, on the sequence whose loss is losses[0] (no range penalty)
    const first = await energies.data();
    expect((first[0] + first[1] + first[2] + first[3]) / 4).toBeCloseTo(geo.losses[0], 5);
    const dev = await deviations.data();
    expectClose([dev[0], dev[1], dev[8], dev[9]], [0, 0, 1, 0], { atol: 1e-6, label: 'endpoints on the line' });
    // for the identity Jᵀ is the identity, so each jerk is the squared norm of a unit direction
    const jerk = await geo.calculateJerkiness();
    expectClose(await jerk.data(), [1, 1, 1], { atol: 1e-5, label: 'jerkiness' });
    tf.dispose([energies, deviations, jerk]);
    geo.dispose();
  });

  it('saves, loads and resumes as one uninterrupted run', async () => {
    const a = randomImage(4, 4, 13);
    const b = randomImage(4, 4, 14);
    const model = new Linear([3, 3], { defaultFilters: false, rng: new Rng(15) });
    const options = { nSteps: 3, initialSequence: 'bridge' as const, ...quiet };
    const whole = await Geodesic.create(a, b, model, { ...options, rng: new Rng(16) });
    await whole.synthesize({ maxIter: 12, storeProgress: 2, stopCriterion: -1, ...run });
    const first = await Geodesic.create(a, b, model, { ...options, rng: new Rng(16) });
    await first.synthesize({ maxIter: 5, storeProgress: 2, stopCriterion: -1, ...run });
    const bytes = await first.serialize();
    const resumed = await Geodesic.create(a, b, model, { ...options, rng: new Rng(99) });
    await resumed.load(bytes);
    await resumed.synthesize({ maxIter: 7, storeProgress: 2, stopCriterion: -1, ...run });
    expectClose(resumed.losses, whole.losses, { atol: 1e-7, label: 'losses' });
    expectClose(await resumed.geodesic.data(), await whole.geodesic.data(), { atol: 1e-7, label: 'geodesic' });
    expect(resumed.stepEnergy.shape).toEqual([6, 3]);
    const otherModel = await Geodesic.create(a, b, new Identity(), options);
    await expect(otherModel.load(bytes)).rejects.toThrow(/objective_function on pixelfade of saved and initialized Geodesic object are different/);
    const otherSteps = await Geodesic.create(a, b, model, { ...options, nSteps: 4 });
    await expect(otherSteps.load(bytes)).rejects.toThrow(/Saved and initialized n_steps are different/);
    [whole, first, resumed, otherModel, otherSteps].forEach((g) => g.dispose());
  });

  it('reports a path made worse by too large steps instead of returning it silently', async () => {
    const geo = await Geodesic.create(randomImage(4, 4, 17), randomImage(4, 4, 18), new Identity(), { nSteps: 3, ...quiet });
    const { warnings } = await captureWarnings(() =>
      geo.synthesize({ maxIter: 20, optimizer: new Adam({ lr: 0.5 }), stopCriterion: -1, stopItersToCheck: 5, ...run }),
    );
    const d = geo.diagnostics!;
    expect(d.worseThanPixelfade).toBe(true);
    expect(d.lossIncreased).toBe(true);
    expect(d.problems.length).toBeGreaterThan(0);
    expect(warnings.map((w) => w.message)).toEqual(expect.arrayContaining(d.problems));
    geo.dispose();
  });
});

describe('Geodesic display', () => {
  it('draws the loss, the deviation from the line, the step energies, the strip and the animation', async () => {
    const a = randomImage(4, 4, 19);
    const b = randomImage(4, 4, 20);
    const geo = await Geodesic.create(a, b, new Identity(), { nSteps: 3, initialSequence: 'bridge', rng: new Rng(21), ...quiet });
    await geo.synthesize({ maxIter: 5, stopCriterion: -1, ...run });
    for (const figure of [plotGeodesicLoss(geo), await plotDeviationFromLine(geo, { naturalVideo: translationSequence(a, 3) }), await plotStepEnergy(geo)]) {
      expect(figure.width).toBeGreaterThan(100);
      expect(figure.svg).not.toBeNull();
    }
    const strip = await geodesicStrip(geo, { zoom: 5, gap: 2 });
    expect([strip.width, strip.height]).toEqual([4 * 20 + 3 * 2, 20]);
    const gif = await animateGeodesic(geo, { zoom: 2 });
    expect(new TextDecoder().decode(gif.subarray(0, 6))).toBe('GIF89a');
    await expect(plotDeviationFromLine(geo, { naturalVideo: tf.zeros([4, 1, 5, 5]) as tf.Tensor4D })).rejects.toThrow(/naturalVideo frames must have the anchors' shape/);
    geo.dispose();
  });
});

describe('Geodesic diagnostics', () => {
  const base = { pixelfadeEnergy: 2, floor: 1, allowedRange: [0, 1] as const, stopReason: 'maxIter', window: 3, firstIteration: 0 };
  it('flags a stalled run, a path outside the range, and reports progress towards the floor', () => {
    const d = diagnoseGeodesic({ ...base, losses: [2, 1.5, 1.4, 1.45, 1.41, 1.42], pathEnergy: 1.4, pixels: [0.5, 1.2, -0.1] });
    expect(d.stoppedImproving).toBe(true);
    expect(d.leftAllowedRange).toBe(true);
    expect(d.outsideRange).toBeCloseTo(0.2, 10);
    expect(d.progressToFloor).toBeCloseTo(0.6, 10);
    expect(d.excessOverFloor).toBeCloseTo(0.4, 10);
    expect(d.problems.some((p) => /has not improved in the last 3 iterations/.test(p))).toBe(true);
    expect(d.problems.some((p) => /leaves the allowed range \[0, 1\]/.test(p))).toBe(true);
  });
  it('finds nothing wrong with a path that is still improving inside the range', () => {
    const d = diagnoseGeodesic({ ...base, losses: [2, 1.8, 1.6, 1.5, 1.45, 1.41], pathEnergy: 1.4, pixels: [0, 0.5, 1] });
    expect(d.problems).toEqual([]);
  });
});

describe('Geodesic bad inputs', () => {
  const a = randomImage(4, 4, 1);
  it('rejects images of different sizes, nSteps < 2 and an unknown initial sequence', () => {
    expect(() => new Geodesic(a, randomImage(4, 5, 2), new Identity())).toThrow(/image_a and image_b must be same shape, but got \[1, 1, 4, 4\] and \[1, 1, 4, 5\]/);
    expect(() => new Geodesic(a, a, new Identity(), { nSteps: 1 })).toThrow(/nSteps must be an integer >= 2/);
    expect(() => new Geodesic(a, a, new Identity(), { nSteps: 0 })).toThrow(/nSteps must be an integer >= 2/);
    expect(() => new Geodesic(a, a, new Identity(), { initialSequence: 'zigzag' as 'straight' })).toThrow(/Don't know how to handle initial_sequence=zigzag/);
    expect(() => new Geodesic(tf.zeros([2, 1, 4, 4]) as tf.Tensor4D, a, new Identity())).toThrow(/batch dimension must be 1/);
  });
  it('rejects a model whose output is not 4-D, and anchors outside the allowed range', async () => {
    const flat = modelFromFunction((x) => tf.reshape(x, [x.shape[0], 1, -1]), { name: 'flat' });
    await expect(Geodesic.create(a, randomImage(4, 4, 3), flat, quiet)).rejects.toThrow(/Geodesic needs a model whose output is 4-D .* shape \[2, 1, 16\]/);
    await expect(Geodesic.create(tf.mul(a, 3) as tf.Tensor4D, a, new Identity(), quiet)).rejects.toThrow(/image_a range must lie within \(0, 1\)/);
  });
});

describeFixtures('Geodesic through OnOff on a translation', () => {
  it('lowers the path energy monotonically towards the reported straight-line floor', async () => {
    const crop = tf.slice(fixtureTensor('images', 'einstein.npy'), [0, 0, 100, 100], [1, 1, 32, 32]) as tf.Tensor4D;
    const video = translationSequence(crop, 6);
    const a = tf.slice(video, 0, 1) as tf.Tensor4D;
    const b = tf.slice(video, 6, 1) as tf.Tensor4D;
    const model = new OnOff([31, 31], { pretrained: true });
    const geo = await Geodesic.create(a, b, model, { nSteps: 6, ...quiet });
    const reps = await model.forward(tf.concat([a, b]) as tf.Tensor4D);
    const floor = (await stepEnergy(reps).data())[0] / 36;
    expect(geo.straightLineFloor).toBeCloseTo(floor, 8);
    // plenoptic's default optimizer, Adam(lr 0.001, AMSGrad)
    await geo.synthesize({ maxIter: 40, stopCriterion: -1, ...run });
    const losses = geo.losses;
    for (let i = 1; i < losses.length; i++) expect(losses[i], `iteration ${i}`).toBeLessThanOrEqual(losses[i - 1] * (1 + 1e-6));
    const d = geo.diagnostics!;
    expect(d.straightLineFloor).toBe(geo.straightLineFloor);
    expect(d.pathEnergy).toBeGreaterThanOrEqual(floor * (1 - 1e-5));
    expect(d.pathEnergy).toBeLessThan(d.pixelfadeEnergy);
    expect(d.progressToFloor).toBeGreaterThan(0.5);
    expect(d.problems).toEqual([]);
    geo.dispose();
  });
});
