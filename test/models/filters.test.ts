import { describe, expect, it } from 'vitest';
import { circularGaussian2d, circularGaussianFactor, gaussian1d } from '../../models/filters.js';
import { ValueError } from '../../runtime/errors.js';
import { expectClose } from '../helpers/compare.js';

// Reference values: ../shared/spec/models.md §3.1, printed by running plenoptic's own code ([RUN]).
describe('gaussian1d', () => {
  it("matches plenoptic's default (SSIM) window and gaussian1d(5, 1)", () => {
    expectClose(gaussian1d(), [0.001028, 0.007599, 0.036001, 0.109361, 0.213006, 0.266012, 0.213006, 0.109361, 0.036001, 0.007599, 0.001028], {
      atol: 1e-6,
    });
    expectClose(gaussian1d(5, 1), [0.054489, 0.244201, 0.40262, 0.244201, 0.054489], { atol: 1e-6 });
  });

  it('rejects a non-positive std', () => {
    expect(() => gaussian1d(5, 0)).toThrow(ValueError);
  });
});

describe('circularGaussian2d', () => {
  it("matches plenoptic's values for odd and even sizes", async () => {
    const k3 = circularGaussian2d(3, 1);
    expectClose(await k3.data(), [0.075114, 0.123841, 0.075114, 0.123841, 0.20418, 0.123841, 0.075114, 0.123841, 0.075114], { atol: 1e-6 });
    const k7 = await circularGaussian2d([7, 7], 3).data();
    expect(k7[24]).toBeCloseTo(0.030709, 6);
    expect(k7[0]).toBeCloseTo(0.011297, 6);
    const k4 = await circularGaussian2d(4, 1).data();
    expect(k4[0]).toBeCloseTo(0.018082, 6);
    expect(k4[5]).toBeCloseTo(0.133612, 6);
  });

  it('has shape (outChannels, 1, h, w), one std per channel, each channel summing to 1', async () => {
    const k = circularGaussian2d([5, 8], [1, 2.5], 2);
    expect(k.shape).toEqual([2, 1, 5, 8]);
    const sums = await k.sum([1, 2, 3]).data();
    expectClose(sums, [1, 1], { atol: 1e-6 });
    const data = await k.data();
    // a wider Gaussian has a lower peak; the even width puts the peak between columns 3 and 4
    expect(data[2 * 8 + 3]).toBeGreaterThan(data[40 + 2 * 8 + 3]);
    expect(data[2 * 8 + 3]).toBeCloseTo(data[2 * 8 + 4], 7);
  });

  it('is the outer product of its 1-D factors', async () => {
    const k = await circularGaussian2d([7, 4], 1.7).data();
    const fy = circularGaussianFactor(7, 1.7);
    const fx = circularGaussianFactor(4, 1.7);
    expectClose(k, fy.flatMap((a) => fx.map((b) => a * b)), { atol: 1e-7 });
  });

  it('rejects bad stds and channel counts with the reason', () => {
    expect(() => circularGaussian2d(5, -1)).toThrow(/stdev must be positive/);
    expect(() => circularGaussian2d(5, [1, 2], 3)).toThrow(/Number of stds must equal out_channels/);
    expect(() => circularGaussian2d(5, 1, 0)).toThrow(/positive integer/);
    expect(() => circularGaussian2d([5, 0], 1)).toThrow(/kernelSize/);
  });
});
