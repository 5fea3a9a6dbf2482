// plenoptic.tools.straightness: straight lines and Brownian bridges between two images, how far a sequence strays
// from the line through its endpoints, and translation videos (the test bed of geodesics).
import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { validateInputShape } from '../runtime/validate.js';
import { defaultRng, type Rng } from '../runtime/rng.js';

function checkAnchors(start: unknown, stop: unknown, nSteps: number): asserts start is tf.Tensor4D {
  validateInputShape(start, { noBatch: true, name: 'start' });
  validateInputShape(stop, { noBatch: true, name: 'stop' });
  if (start.shape.join(',') !== stop.shape.join(',')) {
    throw new ValueError(`start and stop must be same shape, but got [${start.shape.join(', ')}] and [${stop.shape.join(', ')}]!`);
  }
  checkSteps(nSteps);
}

function checkSteps(nSteps: number): void {
  if (!Number.isInteger(nSteps) || nSteps <= 0) throw new ValueError(`n_steps must be positive, but got ${nSteps}`);
}

/** t = linspace(0, 1, nSteps + 1) as a column [nSteps + 1, 1]. */
function timeColumn(nSteps: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from({ length: nSteps + 1 }, (_, i) => i / nSteps), [nSteps + 1, 1]);
}

/** (1 − t)·start + t·stop for t = 0, 1/nSteps, …, 1: [nSteps + 1, C, H, W]. */
export function makeStraightLine(start: tf.Tensor4D, stop: tf.Tensor4D, nSteps: number): tf.Tensor4D {
  checkAnchors(start, stop, nSteps);
  const [, c, h, w] = start.shape;
  return tf.tidy(() => {
    const t = timeColumn(nSteps);
    const a = tf.reshape(start, [1, -1]);
    const b = tf.reshape(stop, [1, -1]);
    return tf.reshape(tf.add(tf.mul(tf.sub(1, t), a), tf.mul(t, b)), [nSteps + 1, c, h, w]) as tf.Tensor4D;
  });
}

export interface BrownianBridgeOptions {
  /**
   * How far (L2) the bridge strays from the straight line at its midpoint: each of the D = C·H·W components then
   * has standard deviation maxNorm / √D. Default 1.
   */
  maxNorm?: number;
  /** Default: the global generator (see setSeed). */
  rng?: Rng;
}

/** A random path from start to stop: a Brownian motion pinned at both ends, [nSteps + 1, C, H, W]. */
export function sampleBrownianBridge(start: tf.Tensor4D, stop: tf.Tensor4D, nSteps: number, options: BrownianBridgeOptions = {}): tf.Tensor4D {
  checkAnchors(start, stop, nSteps);
  const maxNorm = options.maxNorm ?? 1;
  if (!(maxNorm >= 0)) throw new ValueError(`max_norm must be non-negative but got ${maxNorm}!`);
  const [, c, h, w] = start.shape;
  const d = c * h * w;
  const sigma = Math.sqrt(1 / nSteps / d) * 2 * maxNorm;
  const noise = (options.rng ?? defaultRng()).normalArray((nSteps + 1) * d);
  return tf.tidy(() => {
    // the first increment is the start itself, so the cumulative sum begins there
    const increments = tf.concat([tf.reshape(start, [1, d]), tf.mul(tf.tensor2d(noise.subarray(d), [nSteps, d]), sigma)], 0);
    const walk = tf.cumsum(increments, 0);
    const end = tf.slice(walk, [nSteps, 0], [1, d]);
    const bridge = tf.sub(walk, tf.mul(timeColumn(nSteps), tf.sub(end, tf.reshape(stop, [1, d]))));
    return tf.reshape(bridge, [nSteps + 1, c, h, w]) as tf.Tensor4D;
  });
}

export interface DeviationFromLine {
  /** Distance of each frame's projection on the line from the first frame. */
  distAlongLine: Float32Array;
  /** Distance of each frame from the line through the first and last frames. */
  distFromLine: Float32Array;
}

/**
 * Projects each frame of `sequence` [T, ...] onto the line through its first and last frames and measures the two
 * sides of the right triangle: along the line from the first frame, and from the line. With `normalize`, both are
 * in units of the distance between the endpoints.
 */
export async function deviationFromLine(sequence: tf.Tensor, normalize = true): Promise<DeviationFromLine> {
  if (!(sequence instanceof tf.Tensor) || sequence.rank < 2 || sequence.shape[0] < 2) {
    throw new ValueError(
      `sequence must be a tensor of at least 2 frames [T, ...], got ${sequence instanceof tf.Tensor ? `shape [${sequence.shape.join(', ')}]` : typeof sequence}.`,
    );
  }
  const t = sequence.shape[0];
  const d = sequence.size / t;
  const y = (await sequence.data()) as Float32Array;
  const line = new Float64Array(d);
  let length2 = 0;
  for (let i = 0; i < d; i++) {
    line[i] = y[(t - 1) * d + i] - y[i];
    length2 += line[i] * line[i];
  }
  const length = Math.sqrt(length2);
  if (length === 0) throw new ValueError('The first and last frames of sequence are identical, so there is no line to measure against.');
  for (let i = 0; i < d; i++) line[i] /= length;
  const distAlongLine = new Float32Array(t);
  const distFromLine = new Float32Array(t);
  const unit = normalize ? length : 1;
  for (let f = 0; f < t; f++) {
    let along = 0;
    for (let i = 0; i < d; i++) along += (y[f * d + i] - y[i]) * line[i];
    let off2 = 0;
    for (let i = 0; i < d; i++) {
      const r = y[f * d + i] - y[i] - along * line[i];
      off2 += r * r;
    }
    distAlongLine[f] = along / unit;
    distFromLine[f] = Math.sqrt(off2) / unit;
  }
  return { distAlongLine, distFromLine };
}

/** Frame s is image shifted circularly by s pixels to the right (torch.roll along the width): [nSteps + 1, C, H, W]. */
export function translationSequence(image: tf.Tensor4D, nSteps = 10): tf.Tensor4D {
  validateInputShape(image, { noBatch: true, name: 'image' });
  checkSteps(nSteps);
  const width = image.shape[3];
  return tf.tidy(() => {
    const frames = Array.from({ length: nSteps + 1 }, (_, s) => {
      const shift = s % width;
      if (shift === 0) return image;
      const tail = tf.slice(image, [0, 0, 0, width - shift], [-1, -1, -1, shift]);
      const head = tf.slice(image, [0, 0, 0, 0], [-1, -1, -1, width - shift]);
      return tf.concat([tail, head], 3);
    });
    return tf.concat(frames, 0) as tf.Tensor4D;
  });
}
