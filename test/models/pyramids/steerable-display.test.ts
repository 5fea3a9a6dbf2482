import { expect, it } from 'vitest';
import { tf } from '../../../runtime/tf.js';
import { SteerablePyramidFreq } from '../../../models/pyramids/steerable.js';
import { disposeCoeffs } from '../../../models/pyramids/pyramid-coeffs.js';
import { pyramidBandsForDisplay, type PlotComplex } from '../../../models/pyramids/steerable-display.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { expectClose } from '../../helpers/compare.js';

describeEachBackend('pyramidBandsForDisplay', () => {
  it('lays a real pyramid out like pyrshow: highpass, one row per scale, one column per orientation, lowpass', () => {
    const pyr = new SteerablePyramidFreq([32, 32], { height: 2, order: 1 });
    const x = tf.randomUniform([2, 1, 32, 32], 0, 1, 'float32', 1) as tf.Tensor4D;
    const coeffs = pyr.forwardPyramid(x);
    const panels = pyramidBandsForDisplay(coeffs, { batchIdx: 1 });
    expect(panels.map((p) => [p.title, p.row, p.col, p.shape])).toEqual([
      ['residual_highpass', 0, 0, [32, 32]],
      ['scale 0, band 0', 1, 0, [32, 32]],
      ['scale 0, band 1', 1, 1, [32, 32]],
      ['scale 1, band 0', 2, 0, [16, 16]],
      ['scale 1, band 1', 2, 1, [16, 16]],
      ['residual_lowpass', 3, 0, [8, 8]],
    ]);
    const band = coeffs.get('s1_o1') as tf.Tensor;
    const expected = tf.tidy(() => tf.slice(band, [1, 0, 0, 0], [1, 1, 16, 16]).dataSync());
    expectClose(panels[4].data, expected, { atol: 0, label: 'panel data is batch 1 of the band' });
    expect(pyramidBandsForDisplay(coeffs, { showResiduals: false }).map((p) => p.row)).toEqual([0, 0, 1, 1]);
    disposeCoeffs(coeffs);
    x.dispose();
    pyr.dispose();
  });

  it('splits complex bands into real/imaginary or amplitude/phase panels', () => {
    const pyr = new SteerablePyramidFreq([16, 16], { height: 1, order: 1, isComplex: true });
    const x = tf.randomUniform([1, 1, 16, 16], 0, 1, 'float32', 2) as tf.Tensor4D;
    const coeffs = pyr.forwardPyramid(x);
    const rect = pyramidBandsForDisplay(coeffs);
    expect(rect.map((p) => [p.title, p.col])).toEqual([
      ['residual_highpass', 0],
      ['scale 0, band 0 (real)', 0],
      ['scale 0, band 0 (imag)', 1],
      ['scale 0, band 1 (real)', 2],
      ['scale 0, band 1 (imag)', 3],
      ['residual_lowpass', 0],
    ]);
    const polar = pyramidBandsForDisplay(coeffs, { plotComplex: 'polar' });
    const amplitude = rect[1].data.map((v, i) => Math.hypot(v, rect[2].data[i]));
    expectClose(polar[1].data, amplitude, { atol: 1e-6, label: 'amplitude' });
    expect(polar[2].part).toBe('phase');
    expect(() => pyramidBandsForDisplay(coeffs, { plotComplex: 'magnitude' as PlotComplex })).toThrow(/'rectangular', 'polar' or 'logpolar'/);
    expect(() => pyramidBandsForDisplay(coeffs, { batchIdx: 3 })).toThrow(/batchIdx 3 is out of range/);
    disposeCoeffs(coeffs);
    x.dispose();
    pyr.dispose();
  });
});
