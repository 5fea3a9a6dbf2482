// What plenoptic's MAD figures show, as plain data (values, titles, labels, styles), so that any renderer (PNG, SVG,
// canvas) can draw them: display_mad_image, plot_loss, display_mad_image_all, plot_loss_all.
import type { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import type { MADCompetition } from './mad-competition.js';
import { checkSameImage, madSetRole, type MADSet, type MADSetKey } from './mad-all.js';

export interface MadImagePanel {
  title: string;
  /** One image, [1, C, H, W]; a new tensor the caller owns. */
  image: tf.Tensor4D;
}

export interface MadLossLine {
  label?: string;
  values: number[];
  /** matplotlib colour cycle name ('C0', 'C1') as plenoptic uses. */
  color?: string;
  linestyle?: '-' | '--';
}

export interface MadLossAxis {
  title?: string;
  xlabel: string;
  ylabel: string;
  lines: MadLossLine[];
  /** The red dot of the highlighted iteration, one per line. */
  markers: { x: number; y: number }[];
}

/** The image display_mad_image shows: the current MAD image, or saved_mad_image[iteration] (negative counts from the end). */
export function madImagePanel(mad: MADCompetition, options: { iteration?: number; batchIdx?: number; title?: string } = {}): MadImagePanel {
  const { iteration, batchIdx = 0, title = 'MADCompetition' } = options;
  const batch = mad.image.shape[0];
  if (!Number.isInteger(batchIdx) || batchIdx < 0 || batchIdx >= batch) {
    throw new ValueError(`batchIdx must be an integer in [0, ${batch - 1}], got ${batchIdx}.`);
  }
  if (iteration === undefined) return { title, image: mad.madImage.slice([batchIdx], [1]) as tf.Tensor4D };
  if (!mad.storeProgress) {
    throw new ValueError('synthesis() was run with store_progress=False, cannot specify which iteration to plot (only last one, with iteration=None)');
  }
  const count = mad.savedMadImageCount;
  const index = iteration < 0 ? count + iteration : iteration;
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new ValueError(`iteration ${iteration} is out of range: ${count} MAD images were stored (every ${mad.storeProgress} iterations).`);
  }
  const saved = mad.savedMadImage;
  const image = saved.slice([index, batchIdx], [1, 1]).reshape(mad.image.shape.map((n, i) => (i === 0 ? 1 : n))) as tf.Tensor4D;
  saved.dispose();
  return { title, image };
}

/** The loss index plot_loss marks in red: the last one, or `iteration` (negative counts from the end). */
function lossIndex(mad: MADCompetition, iteration?: number): number {
  const n = mad.losses.length;
  return iteration === undefined ? n - 1 : iteration < 0 ? n + iteration : iteration;
}

/** plot_loss's two axes: the reference metric's values and the optimized metric's, with a dot at `iteration`. */
export function madLossAxes(mad: MADCompetition, options: { iteration?: number; line?: Omit<MadLossLine, 'values'> } = {}): [MadLossAxis, MadLossAxis] {
  const index = lossIndex(mad, options.iteration);
  const axis = (ylabel: string, values: number[]): MadLossAxis => ({
    xlabel: 'Synthesis iteration',
    ylabel,
    lines: [{ ...options.line, values }],
    markers: index >= 0 && index < values.length ? [{ x: index, y: values[index] }] : [],
  });
  return [axis('Reference metric loss', mad.referenceMetricLoss), axis('Optimized metric loss', mad.optimizedMetricLoss)];
}

function metricNames(set: MADSet, names: { metric1Name?: string; metric2Name?: string }): { 1: string; 2: string } {
  return { 1: names.metric1Name ?? set.metric1Min.optimizedMetric.name, 2: names.metric2Name ?? set.metric2Min.optimizedMetric.name };
}

/**
 * display_mad_image_all's 3×2 grid, row by row: reference and initial (noisy) image, then min/max of metric 1, then
 * min/max of metric 2. The images are new tensors the caller owns.
 */
export async function madImageAllPanels(set: MADSet, names: { metric1Name?: string; metric2Name?: string } = {}): Promise<MadImagePanel[]> {
  await checkSameImage(set);
  const n = metricNames(set, names);
  const first = (t: tf.Tensor) => t.slice([0], [1]) as tf.Tensor4D;
  return [
    { title: 'Reference image', image: first(set.metric1Min.image) },
    { title: 'Initial (noisy) image', image: first(set.metric1Min.initialImage) },
    madImagePanel(set.metric1Min, { title: `Minimize ${n[1]}` }),
    madImagePanel(set.metric1Max, { title: `Maximize ${n[1]}` }),
    madImagePanel(set.metric2Min, { title: `Minimize ${n[2]}` }),
    madImagePanel(set.metric2Max, { title: `Maximize ${n[2]}` }),
  ];
}

/**
 * plot_loss_all's two axes: the left shows metric 2's values in all four syntheses, the right metric 1's. Colour
 * says which metric was optimized (C0: metric 1, C1: metric 2), the line style the direction (-- min, - max).
 */
export async function madLossAllAxes(set: MADSet, names: { metric1Name?: string; metric2Name?: string } = {}): Promise<[MadLossAxis, MadLossAxis]> {
  await checkSameImage(set);
  const n = metricNames(set, names);
  const left: MadLossAxis = { title: n[2], xlabel: 'Synthesis iteration', ylabel: 'Loss', lines: [], markers: [] };
  const right: MadLossAxis = { title: n[1], xlabel: 'Synthesis iteration', ylabel: 'Loss', lines: [], markers: [] };
  const order: MADSetKey[] = ['metric1Min', 'metric1Max', 'metric2Min', 'metric2Max'];
  for (const key of order) {
    const { optimizes, minmax } = madSetRole(key);
    const line = {
      label: `${minmax === 'min' ? 'Minimize' : 'Maximize'} ${n[optimizes]}`,
      color: optimizes === 1 ? 'C0' : 'C1',
      linestyle: (minmax === 'min' ? '--' : '-') as '--' | '-',
    };
    const [reference, optimized] = madLossAxes(set[key], { line });
    // the reference axis of a metric-1 synthesis shows metric 2, and the other way round
    const [toLeft, toRight] = optimizes === 1 ? [reference, optimized] : [optimized, reference];
    left.lines.push(...toLeft.lines);
    left.markers.push(...toLeft.markers);
    right.lines.push(...toRight.lines);
    right.markers.push(...toRight.markers);
  }
  return [left, right];
}
