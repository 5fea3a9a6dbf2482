import { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';
import { warn } from '../runtime/warnings.js';
import type { Figure } from './figure.js';
import { imshowPanels, type ImagePanel } from './imshow.js';
import type { VRange } from './vrange.js';

/** A band as plain numbers: `shape` is [h, w] or [batch, channel, h, w]; `imag` makes it complex. */
export interface BandData {
  data: ArrayLike<number>;
  shape: readonly number[];
  imag?: ArrayLike<number>;
  /** Default: plenoptic's title from `key` ('height 00, band 01', 'residual highpass'). */
  title?: string;
  /** 's{scale}_o{orientation}', 'residual_highpass' or 'residual_lowpass'. */
  key?: string;
}

/** A pyramid band as the pyramids give it: a tensor, or a complex band as a {re, im} pair. */
export type BandTensor = tf.Tensor | { re: tf.Tensor; im: tf.Tensor };

export interface PyrshowOptions {
  vrange?: VRange | string;
  zoom?: number;
  showResiduals?: boolean;
  batchIdx?: number;
  channelIdx?: number;
  /** How complex bands are split in two panels (default 'rectangular'). */
  plotComplex?: 'rectangular' | 'polar' | 'logpolar';
  /** Panels per row; default the number of orientations (twice that for complex bands). */
  colMax?: number;
}

interface Band {
  key: string | undefined;
  title: string;
  height: number;
  width: number;
  re: Float32Array;
  im?: Float32Array;
  scaleOrientation: [number, number] | null;
}

function parseKey(key: string | undefined): [number, number] | null {
  const m = key ? /^s(\d+)_o(\d+)$/.exec(key) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}

function defaultTitle(key: string | undefined, index: number): string {
  const so = parseKey(key);
  if (so) return `height ${String(so[0]).padStart(2, '0')}, band ${String(so[1]).padStart(2, '0')}`;
  if (key === 'residual_highpass' || key === 'residual_lowpass') return key.replace('_', ' ');
  return key ?? `band ${index}`;
}

/** One (batch, channel) plane of a band given as numbers. */
function planeOf(values: ArrayLike<number>, shape: readonly number[], batchIdx: number, channelIdx: number, what: string): { plane: Float32Array; height: number; width: number } {
  if (shape.length === 2) return { plane: Float32Array.from(values), height: shape[0], width: shape[1] };
  if (shape.length !== 4) throw new ValueError(`${what} must have shape [h, w] or [batch, channel, h, w], got [${shape.join(', ')}].`);
  const [b, c, h, w] = shape;
  if (batchIdx >= b || channelIdx >= c) throw new ValueError(`batchIdx ${batchIdx} / channelIdx ${channelIdx} are out of range for ${what} of shape [${shape.join(', ')}].`);
  const start = (batchIdx * c + channelIdx) * h * w;
  return { plane: Float32Array.from({ length: h * w }, (_, i) => values[start + i]), height: h, width: w };
}

async function bandsFrom(coeffs: ReadonlyMap<string, BandTensor> | readonly BandData[], batchIdx: number, channelIdx: number): Promise<Band[]> {
  const bands: Band[] = [];
  if (Array.isArray(coeffs)) {
    (coeffs as readonly BandData[]).forEach((b, i) => {
      const re = planeOf(b.data, b.shape, batchIdx, channelIdx, `band ${b.key ?? i}`);
      const im = b.imag ? planeOf(b.imag, b.shape, batchIdx, channelIdx, `band ${b.key ?? i}`).plane : undefined;
      bands.push({ key: b.key, title: b.title ?? defaultTitle(b.key, i), height: re.height, width: re.width, re: re.plane, im, scaleOrientation: parseKey(b.key) });
    });
    return bands;
  }
  let i = 0;
  for (const [key, band] of coeffs as ReadonlyMap<string, BandTensor>) {
    const parts = band instanceof tf.Tensor ? [band] : [band.re, band.im];
    const [re, im] = await Promise.all(parts.map(async (t) => planeOf((await t.data()) as Float32Array, t.shape, batchIdx, channelIdx, `band ${key}`)));
    bands.push({ key, title: defaultTitle(key, i++), height: re.height, width: re.width, re: re.plane, im: im?.plane, scaleOrientation: parseKey(key) });
  }
  return bands;
}

function complexPanels(band: Band, mode: PyrshowOptions['plotComplex']): ImagePanel[] {
  const { re, im, height, width, title } = band;
  if (!im) return [{ data: re, height, width, title }];
  if (mode === 'polar' || mode === 'logpolar') {
    const amplitude = re.map((r, i) => Math.hypot(r, im[i]));
    const phase = re.map((r, i) => Math.atan2(im[i], r));
    return mode === 'polar'
      ? [
          { data: amplitude, height, width, title: `${title} amplitude` },
          { data: phase, height, width, title: `${title} phase` },
        ]
      : [
          { data: amplitude.map((a) => Math.log(1 + a)), height, width, title: `${title} log(1+amplitude)` },
          { data: phase, height, width, title: `${title} phase` },
        ];
  }
  return [
    { data: re, height, width, title: `${title} real` },
    { data: im, height, width, title: `${title} imaginary` },
  ];
}

/**
 * The panels pyrshow draws, in order (bands sorted by scale, then orientation; then the residuals), and the row
 * length: the number of orientations (twice that for complex bands).
 */
export async function pyramidPanels(
  coeffs: ReadonlyMap<string, BandTensor> | readonly BandData[],
  options: PyrshowOptions = {},
): Promise<{ panels: ImagePanel[]; colMax: number }> {
  let mode = options.plotComplex ?? 'rectangular';
  if (!['rectangular', 'polar', 'logpolar'].includes(mode)) {
    warn(`plot_complex '${mode}' is unknown, using 'rectangular'.`);
    mode = 'rectangular';
  }
  const bands = await bandsFrom(coeffs, options.batchIdx ?? 0, options.channelIdx ?? 0);
  if (bands.length === 0) throw new ValueError('pyrshow got no bands to show.');
  const so = (b: Band) => b.scaleOrientation!;
  const oriented = bands.filter((b) => b.scaleOrientation).sort((a, b) => so(a)[0] - so(b)[0] || so(a)[1] - so(b)[1]);
  const others = bands.filter((b) => !b.scaleOrientation);
  const residual = (key: string) => (options.showResiduals === false ? [] : others.filter((b) => b.key === key));
  const unkeyed = others.filter((b) => b.key !== 'residual_highpass' && b.key !== 'residual_lowpass');
  const ordered = [...oriented, ...unkeyed, ...residual('residual_highpass'), ...residual('residual_lowpass')];
  const orientations = oriented.length ? Math.max(...oriented.map((b) => so(b)[1])) + 1 : ordered.length;
  const isComplex = ordered.some((b) => b.im);
  return { panels: ordered.flatMap((b) => complexPanels(b, mode)), colMax: options.colMax ?? orientations * (isComplex ? 2 : 1) };
}

/**
 * plenoptic's pyrshow: pyramid coefficients as an image grid, one row per scale and one column per orientation,
 * followed by the residuals, each band enlarged to the largest band's size. Accepts a pyramid's coefficient Map
 * (keys 's{scale}_o{orientation}', 'residual_highpass', 'residual_lowpass') or a list of BandData.
 */
export async function pyrshow(coeffs: ReadonlyMap<string, BandTensor> | readonly BandData[], options: PyrshowOptions = {}): Promise<Figure> {
  const { panels, colMax } = await pyramidPanels(coeffs, options);
  return imshowPanels(panels, { vrange: options.vrange, zoom: options.zoom, colMax });
}
