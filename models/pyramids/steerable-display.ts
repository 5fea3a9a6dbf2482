// The data behind plenoptic's pyrshow for one image of a pyramid: one panel per band, laid out like pyrtools
// (one row per scale, one column per orientation, the highpass above and the lowpass below). Rendering is the
// display layer's job; this only reads the numbers out.
import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { isComplexBand, parseBandKey, type PyramidCoeffs, type PyramidKey } from './pyramid-coeffs.js';

/** How a complex band becomes real panels (plenoptic's plot_complex). */
export type PlotComplex = 'rectangular' | 'polar' | 'logpolar';

export interface PyramidPanel {
  key: PyramidKey;
  /** e.g. 'residual_highpass', 'scale 1, band 2', 'scale 1, band 2 (imag)'. */
  title: string;
  /** Grid position: rows are highpass, scales fine to coarse, lowpass; columns orientations (× parts if complex). */
  row: number;
  col: number;
  /** [h, w] of data, row-major. */
  shape: [number, number];
  data: Float32Array;
  /** Which view of a complex band this is ('real' for real bands and residuals). */
  part: 'real' | 'imag' | 'amplitude' | 'phase' | 'log-amplitude';
}

export interface PyramidDisplayOptions {
  batchIdx?: number;
  channelIdx?: number;
  showResiduals?: boolean;
  plotComplex?: PlotComplex;
}

function plane(t: tf.Tensor, b: number, c: number): { data: Float32Array; shape: [number, number] } {
  const [nb, nc, h, w] = t.shape as number[];
  if (b < 0 || b >= nb) throw new ValueError(`batchIdx ${b} is out of range: the bands have batch size ${nb}.`);
  if (c < 0 || c >= nc) throw new ValueError(`channelIdx ${c} is out of range: the bands have ${nc} channels.`);
  const all = t.dataSync() as Float32Array;
  const start = (b * nc + c) * h * w;
  return { data: all.slice(start, start + h * w), shape: [h, w] };
}

/** Per-band arrays, titles and grid positions of one (batch, channel) image of the coefficients. */
export function pyramidBandsForDisplay(coeffs: PyramidCoeffs, options: PyramidDisplayOptions = {}): PyramidPanel[] {
  const { batchIdx = 0, channelIdx = 0, showResiduals = true, plotComplex = 'rectangular' } = options;
  if (!['rectangular', 'polar', 'logpolar'].includes(plotComplex)) {
    throw new ValueError(`plotComplex must be 'rectangular', 'polar' or 'logpolar', but got '${String(plotComplex)}'.`);
  }
  const scales = [...coeffs.keys()].map(parseBandKey).filter((k): k is [number, number] => k !== null);
  const firstScale = scales.length ? Math.min(...scales.map(([s]) => s)) : 0;
  const hasHighpass = showResiduals && coeffs.has('residual_highpass');
  const panels: PyramidPanel[] = [];
  let lastRow = hasHighpass ? 0 : -1;
  for (const [key, band] of coeffs) {
    const parsed = parseBandKey(key);
    if (parsed === null) {
      if (!showResiduals) continue;
      const { data, shape } = plane(band as tf.Tensor, batchIdx, channelIdx);
      const row = key === 'residual_highpass' ? 0 : lastRow + 1;
      panels.push({ key, title: key, row, col: 0, shape, data, part: 'real' });
      continue;
    }
    const [scale, orientation] = parsed;
    const row = scale - firstScale + (hasHighpass ? 1 : 0);
    lastRow = Math.max(lastRow, row);
    const title = `scale ${scale}, band ${orientation}`;
    if (!isComplexBand(band)) {
      const { data, shape } = plane(band, batchIdx, channelIdx);
      panels.push({ key, title, row, col: orientation, shape, data, part: 'real' });
      continue;
    }
    const re = plane(band.re, batchIdx, channelIdx);
    const im = plane(band.im, batchIdx, channelIdx);
    let views: [PyramidPanel['part'], Float32Array][];
    if (plotComplex === 'rectangular') {
      views = [
        ['real', re.data],
        ['imag', im.data],
      ];
    } else {
      const amplitude = re.data.map((v, i) => Math.hypot(v, im.data[i]));
      const phase = re.data.map((v, i) => Math.atan2(im.data[i], v));
      views =
        plotComplex === 'polar'
          ? [
              ['amplitude', amplitude],
              ['phase', phase],
            ]
          : [
              ['log-amplitude', amplitude.map((a) => Math.log(1 + a))],
              ['phase', phase],
            ];
    }
    views.forEach(([part, data], p) =>
      panels.push({ key, title: `${title} (${part})`, row, col: orientation * 2 + p, shape: re.shape, data, part }),
    );
  }
  return panels;
}
