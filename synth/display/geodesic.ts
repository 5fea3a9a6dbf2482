// plenoptic's Geodesic plots (plot_loss, plot_deviation_from_line), the step energies against the straight-line
// floor, and the sequence itself as an image strip and as an animation.
import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { imshow, type ImshowOptions } from '../../display/imshow.js';
import { lossCurve, linePlot, parseColor, type LineSeries, type LinePlotOptions, type LossCurveOptions, type Marker } from '../../display/line-plot.js';
import { encodeGif } from '../../display/gif.js';
import type { Figure } from '../../display/figure.js';
import { deviationFromLine } from '../straightness.js';
import { stepEnergy, type Geodesic } from '../geodesic.js';

/** plenoptic's Geodesic plot_loss: the losses on a log axis. */
export function plotGeodesicLoss(geodesic: Geodesic, options: LossCurveOptions = {}): Figure {
  return lossCurve(geodesic.losses, { logY: true, xlabel: 'Synthesis iteration', ylabel: 'Loss', ...options });
}

async function deviationOf(geodesic: Geodesic, sequence: tf.Tensor4D): Promise<{ x: Float32Array; y: Float32Array }> {
  const rep = await geodesic.model.forward(sequence);
  try {
    const { distAlongLine, distFromLine } = await deviationFromLine(rep);
    return { x: distAlongLine, y: distFromLine };
  } finally {
    rep.dispose();
  }
}

function withKnots(series: LineSeries[]): Marker[] {
  return series.flatMap((s) => Array.from(s.y, (y, i) => ({ x: s.x![i], y, color: s.color, radius: 3 })));
}

/**
 * plenoptic's plot_deviation_from_line: for the pixel fade (green), the geodesic (red) and, if given, a natural
 * video between the same anchors (blue), each frame's representation measured along and from the straight line
 * between the endpoint representations, in units of that line's length.
 */
export async function plotDeviationFromLine(
  geodesic: Geodesic,
  options: { naturalVideo?: tf.Tensor4D } & Omit<LinePlotOptions, 'markers'> = {},
): Promise<Figure> {
  const { naturalVideo, ...plot } = options;
  const series: LineSeries[] = [];
  const fade = await deviationOf(geodesic, geodesic.pixelfade);
  series.push({ ...fade, color: parseColor('g'), label: 'pixelfade' });
  const current = geodesic.geodesic;
  try {
    series.push({ ...(await deviationOf(geodesic, current)), color: parseColor('r'), label: 'geodesic' });
  } finally {
    current.dispose();
  }
  if (naturalVideo) {
    if (naturalVideo.shape.slice(1).join(',') !== geodesic.imageA.shape.slice(1).join(',')) {
      throw new ValueError(`naturalVideo frames must have the anchors' shape [${geodesic.imageA.shape.slice(1).join(', ')}], got [${naturalVideo.shape.slice(1).join(', ')}].`);
    }
    series.push({ ...(await deviationOf(geodesic, naturalVideo)), color: parseColor('b'), label: 'natural video' });
  }
  return linePlot(series, {
    title: 'Deviation from the straight line',
    xlabel: 'Distance along representation line',
    ylabel: 'Distance from representation line',
    ...plot,
    markers: withKnots(series),
  });
}

/**
 * The energy of each step of the current geodesic and of the pixel fade, with the straight-line floor
 * ‖f(a) − f(b)‖² / nSteps² as a dashed line: a geodesic whose steps all sit on the floor is straight and evenly paced.
 */
export async function plotStepEnergy(geodesic: Geodesic, options: Omit<LinePlotOptions, 'markers'> = {}): Promise<Figure> {
  await geodesic.init();
  const energies = async (sequence: tf.Tensor4D) => {
    const rep = await geodesic.model.forward(sequence);
    const e = stepEnergy(rep);
    const values = (await e.data()) as Float32Array;
    tf.dispose([rep, e]);
    return values;
  };
  const current = geodesic.geodesic;
  const steps = Float32Array.from({ length: geodesic.nSteps }, (_, i) => i + 1);
  const series: LineSeries[] = [
    { x: steps, y: await energies(geodesic.pixelfade), color: parseColor('g'), label: 'pixelfade' },
    { x: steps, y: await energies(current), color: parseColor('r'), label: 'geodesic' },
    { x: [1, geodesic.nSteps], y: [geodesic.straightLineFloor, geodesic.straightLineFloor], color: parseColor('k'), dash: [6, 4], label: 'straight-line floor' },
  ];
  current.dispose();
  return linePlot(series, { title: 'Step energy', xlabel: 'Step', ylabel: 'Squared step length', ...options });
}

/** The frames of the geodesic side by side (anchors included). */
export async function geodesicStrip(geodesic: Geodesic, options: ImshowOptions = {}): Promise<Figure> {
  const frames = geodesic.geodesic;
  try {
    return await imshow(frames, { vrange: geodesic.allowedRange, colMax: frames.shape[0], title: null, ...options });
  } finally {
    frames.dispose();
  }
}

/** The geodesic played frame by frame as an animated GIF (bytes). */
export async function animateGeodesic(
  geodesic: Geodesic,
  options: ImshowOptions & { framerate?: number; loop?: boolean } = {},
): Promise<Uint8Array> {
  const { framerate = 5, loop = true, ...show } = options;
  if (!(framerate > 0)) throw new ValueError(`framerate must be positive, got ${framerate}.`);
  const frames = geodesic.geodesic;
  try {
    const figures: Figure[] = [];
    for (let i = 0; i < frames.shape[0]; i++) {
      const frame = tf.slice(frames, i, 1);
      figures.push(await imshow(frame, { vrange: geodesic.allowedRange, title: null, ...show }));
      frame.dispose();
    }
    return encodeGif(figures, { delayMs: 1000 / framerate, loop });
  } finally {
    frames.dispose();
  }
}
