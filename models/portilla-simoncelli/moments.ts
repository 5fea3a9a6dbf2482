// Marginal statistics of the Portilla-Simoncelli model on plain arrays, with their gradients: the six pixel
// statistics of the image and the skew / kurtosis of the (zero-mean) reconstructed lowpass images.

export interface PixelStatistics {
  /** mean, variance (unbiased, N−1, as torch.var), skew, kurtosis, min, max. */
  values: Float64Array;
  centred: Float64Array;
  /** Second and third central moments (biased), needed by the gradient. */
  m2: number;
  m3: number;
  minIndices: number[];
  maxIndices: number[];
}

/** plenoptic's pixel statistics: skew and kurtosis are normalised by the unbiased variance, as plenoptic does. */
export function pixelStatistics(x: Float64Array, centredBuffer: Float64Array = new Float64Array(x.length)): PixelStatistics {
  const n = x.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    sum += x[i];
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
  }
  const mean = sum / n;
  const centred = centredBuffer;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  const minIndices: number[] = [];
  const maxIndices: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    centred[i] = d;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
    if (x[i] === min) minIndices.push(i);
    if (x[i] === max) maxIndices.push(i);
  }
  const variance = s2 / (n - 1);
  const values = Float64Array.of(mean, variance, s3 / n / variance ** 1.5, s4 / n / variance ** 2, min, max);
  return { values, centred, m2: s2 / n, m3: s3 / n, minIndices, maxIndices };
}

/**
 * Adds ∂L/∂x to gx, given g = ∂L/∂(the six statistics). The mean's own dependence on x is included (torch's
 * autograd sees it too); min and max share their gradient among ties, as torch.amin / amax do.
 */
export function pixelStatisticsGradient(stats: PixelStatistics, g: Float64Array, gx: Float64Array): void {
  const { centred, m2, m3, values } = stats;
  const n = centred.length;
  const variance = values[1];
  const m4 = values[3] * variance ** 2;
  const gM3 = g[2] / variance ** 1.5;
  const gM4 = g[3] / variance ** 2;
  const gVar = g[1] - (1.5 * g[2] * m3) / variance ** 2.5 - (2 * g[3] * m4) / variance ** 3;
  const cMean = g[0] / n;
  const cVar = (2 * gVar) / (n - 1);
  const c3 = (3 * gM3) / n;
  const c4 = (4 * gM4) / n;
  for (let i = 0; i < n; i++) {
    const d = centred[i];
    const d2 = d * d;
    gx[i] += cMean + cVar * d + c3 * (d2 - m2) + c4 * (d2 * d - m3);
  }
  for (const i of stats.minIndices) gx[i] += g[4] / stats.minIndices.length;
  for (const i of stats.maxIndices) gx[i] += g[5] / stats.maxIndices.length;
}

/** float32's resolution: below this variance ratio plenoptic reports the Gaussian skew 0 and kurtosis 3. */
const FLAT_VARIANCE_RATIO = 1e-6;

/**
 * Skew mean(r³)/var^1.5 and kurtosis mean(r⁴)/var² of a zero-mean image with a known variance, or (0, 3) with no
 * gradient when var / referenceVariance is below float32's resolution.
 */
export function zeroMeanSkewKurtosis(r: Float64Array, variance: number, referenceVariance: number): { skew: number; kurtosis: number; flat: boolean } {
  if (!(variance / referenceVariance >= FLAT_VARIANCE_RATIO)) return { skew: 0, kurtosis: 3, flat: true };
  let s3 = 0;
  let s4 = 0;
  for (let i = 0; i < r.length; i++) {
    const v2 = r[i] * r[i];
    s3 += v2 * r[i];
    s4 += v2 * v2;
  }
  return { skew: s3 / r.length / variance ** 1.5, kurtosis: s4 / r.length / variance ** 2, flat: false };
}

/** Adds the gradient of (skew, kurtosis) to gr and returns its part through the variance. */
export function zeroMeanSkewKurtosisGradient(
  r: Float64Array,
  variance: number,
  result: { skew: number; kurtosis: number; flat: boolean },
  gSkew: number,
  gKurtosis: number,
  gr: Float64Array,
): number {
  if (result.flat) return 0;
  const n = r.length;
  const c3 = (3 * gSkew) / n / variance ** 1.5;
  const c4 = (4 * gKurtosis) / n / variance ** 2;
  for (let i = 0; i < n; i++) gr[i] += r[i] * r[i] * (c3 + c4 * r[i]);
  return (-1.5 * gSkew * result.skew - 2 * gKurtosis * result.kurtosis) / variance;
}
