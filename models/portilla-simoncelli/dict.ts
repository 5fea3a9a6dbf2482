// Conversions between the Portilla-Simoncelli representation vector [B, C, nStats] and its named groups
// [B, C, ...shape] (NaN where a statistic is redundant), and the choice of statistics for a subset of scales.
import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import type { Scale } from '../../runtime/model.js';
import type { PsLayout, StatisticKey } from './layout.js';

export type PsDict = Record<StatisticKey, tf.Tensor>;

/** plenoptic's convert_to_dict: each group in its full shape, with NaN in the redundant slots. */
export function convertToDict(layout: PsLayout, representation: tf.Tensor): Partial<PsDict> {
  if (representation.rank !== 3) {
    throw new ValueError(
      `representation must be [batch, channel, n_stats] but got shape [${representation.shape.join(', ')}]; pass the output of forward().`,
    );
  }
  const [b, c, n] = representation.shape;
  if (n !== layout.nStats) {
    throw new ValueError(
      `representation tensor is the wrong length (expected ${layout.nStats} but got ${n})! Did you remove some of the scales? ` +
        '(i.e., by setting scales in the forward pass)? convert_to_dict does not support such tensors.',
    );
  }
  const values = representation.dataSync() as Float32Array;
  const out: Partial<PsDict> = {};
  let offset = 0;
  for (const group of layout.groups) {
    const size = group.necessary.length;
    const data = new Float32Array(b * c * size).fill(NaN);
    for (let bc = 0; bc < b * c; bc++) {
      let taken = 0;
      for (let i = 0; i < size; i++) {
        if (group.necessary[i]) data[bc * size + i] = values[bc * n + offset + taken++];
      }
    }
    out[group.key] = tf.tensor(data, [b, c, ...group.shape]);
    offset += group.nNecessary;
  }
  return out;
}

/** plenoptic's convert_to_tensor: packs the groups and drops the redundant slots (the inverse of convertToDict). */
export function convertToTensor(layout: PsLayout, dict: Partial<PsDict>): tf.Tensor3D {
  const first = dict[layout.groups[0].key];
  if (!first) throw new ValueError(`representation dict is missing '${layout.groups[0].key}'; pass the output of convertToDict().`);
  const [b, c] = first.shape;
  const out = new Float32Array(b * c * layout.nStats);
  let offset = 0;
  for (const group of layout.groups) {
    const t = dict[group.key];
    const expected = [b, c, ...group.shape];
    if (!t || !tf.util.arraysEqual(t.shape, expected)) {
      throw new ValueError(
        `representation dict entry '${group.key}' must have shape [${expected.join(', ')}] but got ${t ? `[${t.shape.join(', ')}]` : 'nothing'}.`,
      );
    }
    const values = t.dataSync();
    const size = group.necessary.length;
    for (let bc = 0; bc < b * c; bc++) {
      let taken = 0;
      for (let i = 0; i < size; i++) {
        if (group.necessary[i]) out[bc * layout.nStats + offset + taken++] = values[bc * size + i];
      }
    }
    offset += group.nNecessary;
  }
  return tf.tensor3d(out, [b, c, layout.nStats]);
}

/** Indices into the representation vector of the statistics that belong to `scales`, in vector order. */
export function statisticIndicesForScales(layout: PsLayout, scales: readonly Scale[], allScales: readonly Scale[]): number[] {
  const unknown = scales.filter((s) => !allScales.includes(s));
  if (unknown.length) {
    throw new ValueError(
      `Unknown scale(s) ${unknown.map((s) => JSON.stringify(s)).join(', ')}: scales must be drawn from model.scales = [${allScales
        .map((s) => JSON.stringify(s))
        .join(', ')}].`,
    );
  }
  const wanted = new Set(scales);
  return layout.representationScales.flatMap((s, i) => (wanted.has(s) ? [i] : []));
}
