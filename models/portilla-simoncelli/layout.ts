// Where each Portilla-Simoncelli statistic sits in the representation vector. This is plenoptic 1.1.0's layout
// (auto_correlation_magnitude is (M, M, K, S), orientation before scale), which the reference fixtures use.
// Pure bookkeeping, no tensors: the model, convertToDict and the plot data all read it.
import type { Scale } from '../../runtime/model.js';

export const statisticKeys = [
  'pixel_statistics',
  'auto_correlation_magnitude',
  'skew_reconstructed',
  'kurtosis_reconstructed',
  'auto_correlation_reconstructed',
  'std_reconstructed',
  'cross_orientation_correlation_magnitude',
  'magnitude_std',
  'cross_scale_correlation_magnitude',
  'cross_scale_correlation_real',
  'var_highpass_residual',
] as const;

export type StatisticKey = (typeof statisticKeys)[number];

export interface PsParameters {
  nScales: number;
  nOrientations: number;
  spatialCorrWidth: number;
}

/** One statistic group: its full shape (without batch and channel), and per flat element its scale and whether it is kept. */
export interface StatisticGroup {
  key: StatisticKey;
  shape: number[];
  scales: Scale[];
  necessary: boolean[];
  /** Number of kept (non-redundant) elements. */
  nNecessary: number;
}

export interface PsLayout {
  groups: StatisticGroup[];
  /** The scale label of each element of the representation vector. */
  representationScales: Scale[];
  /** Length of the representation vector. */
  nStats: number;
}

/**
 * Which lags (a1, a2) of an M×M auto-correlation are kept: the lower triangle with its diagonal, plus the first
 * row when M is even, minus the diagonal from the centre on (the centre is 1 after normalisation and the rest
 * repeat through A[i, j] = A[-i, -j]).
 */
export function autoCorrelationLagMask(m: number): boolean[] {
  const mask = new Array<boolean>(m * m).fill(false);
  for (let a1 = 0; a1 < m; a1++) {
    for (let a2 = 0; a2 <= a1; a2++) mask[a1 * m + a2] = true;
  }
  if (m % 2 === 0) for (let a2 = 0; a2 < m; a2++) mask[a2] = true;
  for (let d = Math.floor(m / 2); d < m; d++) mask[d * m + d] = false;
  return mask;
}

/**
 * The lags (dy, dx) of an M×M centred auto-correlation window, in row-major order of the window, as numpy's
 * center_crop of an fftshift-ed auto-correlation gives them: dy, dx ∈ [−⌊M/2⌋, ⌈M/2⌉ − 1].
 */
export function windowLags(m: number): Array<[number, number]> {
  const lags: Array<[number, number]> = [];
  const lo = -Math.floor(m / 2);
  for (let a1 = 0; a1 < m; a1++) for (let a2 = 0; a2 < m; a2++) lags.push([lo + a1, lo + a2]);
  return lags;
}

/** The kept lags of an M×M auto-correlation as row-major flat indices a1·M + a2. */
export function keptLagIndices(m: number): number[] {
  const mask = autoCorrelationLagMask(m);
  return mask.flatMap((keep, i) => (keep ? [i] : []));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Row-major (C-order) product of per-axis label functions. */
function fill(shape: number[], value: (index: number[]) => { scale: Scale; keep: boolean }): { scales: Scale[]; necessary: boolean[] } {
  const total = shape.reduce((a, b) => a * b, 1);
  const scales: Scale[] = [];
  const necessary: boolean[] = [];
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d] = rest % shape[d];
      rest = Math.floor(rest / shape[d]);
    }
    const v = value(index);
    scales.push(v.scale);
    necessary.push(v.keep);
  }
  return { scales, necessary };
}

export function psLayout({ nScales: s, nOrientations: k, spatialCorrWidth: m }: PsParameters): PsLayout {
  const lagMask = autoCorrelationLagMask(m);
  const withLowpass = (i: number): Scale => (i < s ? i : 'residual_lowpass');
  const group = (key: StatisticKey, shape: number[], value: (index: number[]) => { scale: Scale; keep: boolean }): StatisticGroup => {
    const { scales, necessary } = fill(shape, value);
    return { key, shape, scales, necessary, nNecessary: necessary.filter(Boolean).length };
  };
  const groups: StatisticGroup[] = [
    group('pixel_statistics', [6], () => ({ scale: 'pixel_statistics', keep: true })),
    group('auto_correlation_magnitude', [m, m, k, s], ([a1, a2, , sc]) => ({ scale: sc, keep: lagMask[a1 * m + a2] })),
    group('skew_reconstructed', [s + 1], ([i]) => ({ scale: withLowpass(i), keep: true })),
    group('kurtosis_reconstructed', [s + 1], ([i]) => ({ scale: withLowpass(i), keep: true })),
    group('auto_correlation_reconstructed', [m, m, s + 1], ([a1, a2, i]) => ({ scale: withLowpass(i), keep: lagMask[a1 * m + a2] })),
    group('std_reconstructed', [s + 1], ([i]) => ({ scale: withLowpass(i), keep: true })),
    group('cross_orientation_correlation_magnitude', [k, k, s], ([o1, o2, sc]) => ({ scale: sc, keep: o1 > o2 })),
    group('magnitude_std', [k, s], ([, sc]) => ({ scale: sc, keep: true })),
  ];
  if (s > 1) {
    groups.push(
      group('cross_scale_correlation_magnitude', [k, k, s - 1], ([, , sc]) => ({ scale: sc, keep: true })),
      group('cross_scale_correlation_real', [k, 2 * k, s - 1], ([, , sc]) => ({ scale: sc, keep: true })),
    );
  }
  groups.push(group('var_highpass_residual', [1], () => ({ scale: 'residual_highpass', keep: true })));
  const representationScales = groups.flatMap((g) => g.scales.filter((_, i) => g.necessary[i]));
  return { groups, representationScales, nStats: representationScales.length };
}

/** The coarse-to-fine scale list: pixel statistics, lowpass, the pyramid scales coarse to fine, highpass. */
export function psScales(nScales: number): Scale[] {
  return ['pixel_statistics', 'residual_lowpass', ...range(nScales).reverse(), 'residual_highpass'];
}
