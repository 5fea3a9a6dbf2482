import { describe, expect, it } from 'vitest';
import { tf } from '../../../runtime/tf.js';
import { autoCorrelationLagMask, psLayout, psScales } from '../../../models/portilla-simoncelli/layout.js';
import { convertToDict, convertToTensor, statisticIndicesForScales } from '../../../models/portilla-simoncelli/dict.js';
import { plotRepresentationData } from '../../../models/portilla-simoncelli/plot-data.js';
import { describeFixtures, fixtureTensor, readFixtureJson, readFixtureNpy } from '../../helpers/fixtures.js';
import { expectClose } from '../../helpers/compare.js';

const defaults = { nScales: 4, nOrientations: 4, spatialCorrWidth: 9 };

describe('Portilla-Simoncelli layout', () => {
  it('counts the non-redundant statistics as plenoptic does for every (scales, orientations, width)', () => {
    // plenoptic 1.1.0's lengths (spec §4.3), and the closed form 6 + A·S·K + 3(S+1) + A(S+1) + S·K(K−1)/2 + S·K + [S>1]·3K²(S−1) + 1.
    const cases: Array<[number, number, number, number]> = [
      [1, 4, 9, 263], [2, 4, 9, 524], [3, 4, 9, 785], [4, 4, 9, 1046], [4, 2, 9, 590],
      [4, 3, 9, 807], [4, 4, 5, 458], [4, 4, 7, 710], [4, 4, 8, 1025], [4, 6, 7, 1126],
    ];
    for (const [s, k, m, n] of cases) {
      const a = m % 2 ? (m * m - 1) / 2 : (m * m + 2 * m - 2) / 2;
      const closed = 6 + a * s * k + 3 * (s + 1) + a * (s + 1) + (s * k * (k - 1)) / 2 + s * k + (s > 1 ? 3 * k * k * (s - 1) : 0) + 1;
      expect(psLayout({ nScales: s, nOrientations: k, spatialCorrWidth: m }).nStats, `(${s},${k},${m})`).toBe(n);
      expect(closed).toBe(n);
    }
  });

  it('assigns the per-scale counts of the defaults (6, 43, 213, 261, 261, 261, 1)', () => {
    const layout = psLayout(defaults);
    const count = (scale: string | number) => layout.representationScales.filter((s) => s === scale).length;
    expect(psScales(4)).toEqual(['pixel_statistics', 'residual_lowpass', 3, 2, 1, 0, 'residual_highpass']);
    expect(psScales(4).map(count)).toEqual([6, 43, 213, 261, 261, 261, 1]);
  });

  it('keeps the 7×7 auto-correlation lags the seed notebook prints', () => {
    const mask = autoCorrelationLagMask(7);
    const keptPerRow = Array.from({ length: 7 }, (_, r) => mask.slice(r * 7, r * 7 + 7).map(Number).join(''));
    expect(keptPerRow).toEqual(['1000000', '1100000', '1110000', '1110000', '1111000', '1111100', '1111110']);
    expect(mask.filter(Boolean).length).toBe(24);
    expect(autoCorrelationLagMask(8).filter(Boolean).length).toBe(39);
  });

  it('rejects unknown scales with the list of valid ones', () => {
    const layout = psLayout(defaults);
    expect(() => statisticIndicesForScales(layout, [7], psScales(4))).toThrow(/scales must be drawn from model.scales/);
    expect(statisticIndicesForScales(layout, [0], psScales(4)).length).toBe(261);
  });
});

describeFixtures('Portilla-Simoncelli layout against plenoptic 1.1.0 (fixtures/ps)', () => {
  const caseName = 'reptile_skin_s4_o4_w9';
  const reference = () => readFixtureJson('ps', 'ps.json')[caseName];

  it('labels every statistic with the same scale and keeps the same mask per group', () => {
    const ref = reference();
    const layout = psLayout(defaults);
    expect(layout.representationScales.map(String)).toEqual(ref.representation_scales.map(String));
    expect(layout.groups.map((g) => g.key)).toEqual(ref.dict_keys_in_order);
    for (const g of layout.groups) {
      expect([1, 1, ...g.shape], g.key).toEqual(ref.dict[g.key].shape);
      expect(g.nNecessary, g.key).toBe(ref.dict[g.key].n_necessary);
      const mask = (ref.necessary_stats_mask[g.key] as unknown[]).flat(Infinity).map(Boolean);
      expect(g.necessary, g.key).toEqual(mask);
    }
  });

  it('convertToDict gives plenoptic’s dict (values and NaN slots) and convertToTensor inverts it', async () => {
    const layout = psLayout(defaults);
    const rep = fixtureTensor('ps', caseName, 'rep.npy');
    const dict = convertToDict(layout, rep);
    for (const g of layout.groups) {
      const expected = readFixtureNpy('ps', caseName, 'dict', `${g.key}.npy`);
      const actual = dict[g.key]!;
      expect(actual.shape, g.key).toEqual(expected.shape);
      const a = actual.dataSync();
      const nanA = Array.from(a, Number.isNaN);
      const nanE = Array.from(expected.data, Number.isNaN);
      expect(nanA, `${g.key} NaN slots`).toEqual(nanE);
      expectClose(a.filter((v) => !Number.isNaN(v)), Array.from(expected.data).filter((v) => !Number.isNaN(v)), { atol: 0, label: g.key });
    }
    const back = convertToTensor(layout, dict);
    expect(Array.from(await back.data())).toEqual(Array.from(await rep.data()));
    expect(() => convertToDict(layout, tf.slice(rep, [0, 0, 0], [1, 1, 261]))).toThrow(/wrong length \(expected 1046 but got 261\)/);
  });

  it('plotRepresentationData groups the panels as plot_representation does', () => {
    const layout = psLayout(defaults);
    const rep = fixtureTensor('ps', caseName, 'rep.npy');
    const data = plotRepresentationData(layout, 4, rep);
    expect(data.panels.map((p) => p.title)).toEqual([
      'pixels+var_highpass', 'std+skew+kurtosis recon', 'magnitude_std', 'auto_correlation_reconstructed',
      'auto_correlation_magnitude', 'cross_orientation_correlation_magnitude', 'cross_scale_correlation_magnitude',
      'cross_scale_correlation_real',
    ]);
    expect([data.rows, data.cols]).toEqual([3, 3]);
    const npy = (key: string) => readFixtureNpy('ps', caseName, 'dict', `${key}.npy`);
    const pix = npy('pixel_statistics').data;
    expect(Array.from(data.panels[0].values)).toEqual([...Array.from(pix), npy('var_highpass_residual').data[0]]);
    expect(data.panels[1].values.length).toBe(15);
    // The norm over the lag axes, computed from plenoptic's dict with NaNs skipped.
    const acm = npy('auto_correlation_magnitude');
    const expected = new Float32Array(16);
    for (let i = 0; i < 81; i++) {
      for (let j = 0; j < 16; j++) {
        const v = acm.data[i * 16 + j];
        if (!Number.isNaN(v)) expected[j] += v * v;
      }
    }
    expectClose(data.panels[4].values, expected.map(Math.sqrt), { rtolOfMax: 1e-6, label: 'acm norm' });
    expect(() => plotRepresentationData(layout, 4, rep, 1)).toThrow(/batchIdx 1 is out of range/);
  });
});
