// The numbers behind plenoptic's PortillaSimoncelli.plot_representation: the statistics grouped into the stem
// plots it draws, with their titles and grid layout. A renderer (display/) draws them; nothing here draws.
import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { convertToDict } from './dict.js';
import type { PsLayout, StatisticKey } from './layout.js';

export interface PsPlotPanel {
  /** plenoptic's axis title, e.g. 'pixels+var_highpass'. */
  title: string;
  values: Float32Array;
}

export interface PsPlotData {
  panels: PsPlotPanel[];
  /** GridSpec rows × columns plenoptic lays the panels out in (row-major). */
  rows: number;
  cols: number;
}

/** Norm-summarised groups, in the order plenoptic plots them. */
const normKeys: StatisticKey[] = [
  'auto_correlation_reconstructed',
  'auto_correlation_magnitude',
  'cross_orientation_correlation_magnitude',
  'cross_scale_correlation_magnitude',
  'cross_scale_correlation_real',
];

/** sqrt(nansum(x², axes 0 and 1)) flattened: the Euclidean norm over the first two axes, skipping NaNs. */
function normOverFirstTwoAxes(values: Float32Array, shape: number[]): Float32Array {
  const lead = shape[0] * shape[1];
  const rest = values.length / lead;
  const out = new Float32Array(rest);
  for (let j = 0; j < rest; j++) {
    let s = 0;
    for (let i = 0; i < lead; i++) {
      const v = values[i * rest + j];
      if (!Number.isNaN(v)) s += v * v;
    }
    out[j] = Math.sqrt(s);
  }
  return out;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The panels of plot_representation for one batch element, averaged over channels: pixel statistics with the
 * highpass variance; std, skew and kurtosis of the reconstructed images; magnitude standard deviations; and the
 * correlation groups summarised by their norm over the two lag (or orientation) axes.
 */
export function plotRepresentationData(layout: PsLayout, nScales: number, representation: tf.Tensor, batchIdx = 0): PsPlotData {
  if (representation.rank !== 3) {
    throw new ValueError(
      `representation must be [batch, channel, n_stats] but got shape [${representation.shape.join(', ')}]; pass the output of forward().`,
    );
  }
  const [b] = representation.shape;
  if (!Number.isInteger(batchIdx) || batchIdx < 0 || batchIdx >= b) {
    throw new ValueError(`batchIdx ${batchIdx} is out of range for a batch of ${b}; use 0..${b - 1}.`);
  }
  const averaged = tf.tidy(() => tf.mean(tf.slice(representation, [batchIdx, 0, 0], [1, -1, -1]), 1, true));
  const dict = convertToDict(layout, averaged);
  averaged.dispose();
  const read = (key: StatisticKey): Float32Array => {
    const t = dict[key];
    if (!t) throw new ValueError('representation has unexpected keys!');
    return t.dataSync() as Float32Array;
  };
  const panels: PsPlotPanel[] = [
    { title: 'pixels+var_highpass', values: concat([read('pixel_statistics'), read('var_highpass_residual')]) },
    {
      title: 'std+skew+kurtosis recon',
      values: concat([read('std_reconstructed'), read('skew_reconstructed'), read('kurtosis_reconstructed')]),
    },
    { title: 'magnitude_std', values: read('magnitude_std') },
  ];
  for (const key of normKeys) {
    if (key.startsWith('cross_scale') && nScales === 1) continue;
    const t = dict[key];
    if (!t) throw new ValueError('representation has unexpected keys!');
    panels.push({ title: key, values: normOverFirstTwoAxes(read(key), t.shape.slice(2)) });
  }
  for (const t of Object.values(dict)) t?.dispose();
  const rows = nScales === 1 ? 2 : 3;
  return { panels, rows, cols: Math.ceil(panels.length / rows) };
}
