// The steerable pyramid as one pair of plain-JavaScript kernels on float64 arrays: `analyze` maps images to the
// coefficients of some parts of the pyramid (spectrum, one mask per part, inverse FFT), `synthesize` maps such
// coefficients back to images (FFT per part, masks, one inverse FFT, real part). With conjugated masks each is the
// other's adjoint, so one kernel pair gives the pyramid, its reconstruction and both of their gradients.
//
// Spectra are kept in the FFTs' own layout (natural frequency order, transposed: array-fft.ts), so the fftshifts
// and the centred crops of plenoptic become index tables built once. A real part is Re(ifft2(Y)) = ifft2(Y_h),
// with Y_h(k) = (Y(k) + conj(Y(−k)))/2 Hermitian, so two real parts are computed by one complex inverse FFT, of
// Y1_h + i·Y2_h; likewise one FFT of c1 + i·c2 gives the spectra of two real inputs.
import { transposingFft2, type RowSink, type RowSource } from '../fourier/array-fft.js';
import type { FftNorm } from '../fourier/fft2.js';
import type { FrameMasks, SpectrumGrid, SteerableConstants } from './steerable-constants.js';

/** One part of the pyramid (the highpass, a band or the lowpass) and where its coefficients go. */
export interface PartLayout {
  /** 'highpass', 'lowpass', or the [scale, orientation] of a band. */
  part: 'highpass' | 'lowpass' | [number, number];
  /** Offsets of the real plane and, for complex bands, of the imaginary plane in one image's coefficients. */
  re: number;
  im?: number;
}

interface Grid {
  h: number;
  w: number;
  /** For entry i of this grid's spectrum [w, h], the entry of the same frequency in the image's spectrum [W, H]. */
  inImage: Int32Array;
  /** For entry i of [w, h], the entry of the negated frequency. */
  negated: Int32Array;
  /** Work space: a complex spectrum. */
  aRe: Float64Array;
  aIm: Float64Array;
}

interface Slot {
  grid: Grid;
  /** The real mask in spectrum layout [w, h], FFT normalisations included. */
  mask: Float64Array;
  /** 1, i or −i times the mask. */
  factorRe: number;
  factorIm: number;
  re: number;
  /** The imaginary plane's offset, or −1 for a real part (the real part of its inverse FFT). */
  im: number;
  /** Spectrum rows where the mask is not all zero (analytic bands vanish on half the plane), or null for all. */
  active: Uint8Array | null;
}

interface Group {
  grid: Grid;
  complex: Slot[];
  real: Slot[];
  /** For each pair of real slots, the rows either needs at k or at −k (the packing reads both), or null for all. */
  pairActive: (Uint8Array | null)[];
}

/** The parts of one layout, ready for the kernels. */
export interface Frame {
  height: number;
  width: number;
  /** Coefficients per image. */
  size: number;
  /** Grids in order, each with its complex slots and its real slots (paired for the packed transforms). */
  groups: Group[];
  spectrumRe: Float64Array;
  spectrumIm: Float64Array;
}

/** (index − ⌊n/2⌋) mod n: from centred to natural frequency order. */
function natural(index: number, n: number): number {
  return (((index - Math.floor(n / 2)) % n) + n) % n;
}

function makeGrid(grid: SpectrumGrid, imageShape: [number, number]): Grid {
  const [h, w] = grid.shape;
  const [H, W] = imageShape;
  const inImage = new Int32Array(h * w);
  const negated = new Int32Array(h * w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const at = natural(c, w) * h + natural(r, h);
      inImage[at] = natural(c + grid.start[1], W) * H + natural(r + grid.start[0], H);
    }
  }
  for (let v = 0; v < w; v++) {
    for (let u = 0; u < h; u++) negated[v * h + u] = ((w - v) % w) * h + ((h - u) % h);
  }
  const work = () => new Float64Array(h * w);
  return { h, w, inImage, negated, aRe: work(), aIm: work() };
}

/** A centred row-major [h, w] mask in spectrum layout, times `scale`. */
function spectrumLayout(mask: Float64Array, h: number, w: number, scale: number): Float64Array {
  const out = new Float64Array(h * w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) out[natural(c, w) * h + natural(r, h)] = mask[r * w + c] * scale;
  }
  return out;
}

/** The rows of a [w, h] spectrum mask that hold a nonzero entry, or null when all of them do. */
function activeRows(mask: Float64Array, w: number, h: number): Uint8Array | null {
  const active = new Uint8Array(w);
  for (let v = 0; v < w; v++) {
    for (let i = v * h; i < (v + 1) * h; i++) {
      if (mask[i] !== 0) {
        active[v] = 1;
        break;
      }
    }
  }
  return active.every((a) => a === 1) ? null : active;
}

/** Rows active in either slot, at v or at −v. */
function pairRows(first: Slot, second: Slot, w: number): Uint8Array | null {
  if (!first.active || !second.active) return null;
  const active = new Uint8Array(w);
  for (let v = 0; v < w; v++) {
    const n = (w - v) % w;
    active[v] = first.active[v] | second.active[v] | first.active[n] | second.active[n];
  }
  return active.every((a) => a === 1) ? null : active;
}

/**
 * The frame of `layout` over `masks`. `analysis`: masks take the image spectrum to the parts (forward FFT of the
 * image, inverse FFT of each part); otherwise they take the parts to the reconstruction's spectrum.
 */
export function makeFrame(constants: SteerableConstants, masks: FrameMasks, norm: FftNorm, analysis: boolean, layout: readonly PartLayout[], size: number): Frame {
  const [H, W] = constants.imageShape;
  const forwardScale = (n: number) => (norm === 'ortho' ? 1 / Math.sqrt(n) : 1);
  const inverseScale = (n: number) => (norm === 'ortho' ? 1 / Math.sqrt(n) : 1 / n);
  const grids = new Map<string, Grid>();
  const gridOf = (g: SpectrumGrid) => {
    const key = `${g.shape}|${g.start}`;
    let grid = grids.get(key);
    if (!grid) {
      grid = makeGrid(g, constants.imageShape);
      grids.set(key, grid);
    }
    return grid;
  };
  const imageGrid: SpectrumGrid = { shape: constants.imageShape, start: [0, 0] };
  const groups = new Map<Grid, Group>();
  for (const { part, re, im } of layout) {
    const [spectrumGrid, mask, factor] =
      part === 'highpass'
        ? [imageGrid, masks.highpass, { re: 1, im: 0 }]
        : part === 'lowpass'
          ? [constants.lowpassGrid, masks.lowpass, { re: 1, im: 0 }]
          : [constants.scaleGrids[part[0]], masks.bands[part[0]][part[1]], masks.bandFactor];
    const grid = gridOf(spectrumGrid);
    const n = grid.h * grid.w;
    const scale = analysis ? forwardScale(H * W) * inverseScale(n) : forwardScale(n) * inverseScale(H * W);
    const spectrumMask = spectrumLayout(mask, grid.h, grid.w, scale);
    const slot: Slot = {
      grid,
      mask: spectrumMask,
      factorRe: factor.re,
      factorIm: factor.im,
      re,
      im: im ?? -1,
      active: activeRows(spectrumMask, grid.w, grid.h),
    };
    let group = groups.get(grid);
    if (!group) {
      group = { grid, complex: [], real: [], pairActive: [] };
      groups.set(grid, group);
    }
    (im === undefined ? group.real : group.complex).push(slot);
  }
  for (const group of groups.values()) {
    for (let s = 0; s + 1 < group.real.length; s += 2) group.pairActive.push(pairRows(group.real[s], group.real[s + 1], group.grid.w));
  }
  return { height: H, width: W, size, groups: [...groups.values()], spectrumRe: new Float64Array(H * W), spectrumIm: new Float64Array(H * W) };
}

/** The row source of a part's masked spectrum: row v of S(inImage)·mask·factor on the part's grid [w, h]. */
function maskedRows(slot: Slot, sRe: Float64Array, sIm: Float64Array, conj: boolean): RowSource {
  const { inImage, h } = slot.grid;
  const { mask, factorRe: fr } = slot;
  const fi = conj ? -slot.factorIm : slot.factorIm;
  return (v, re, im, at) => {
    for (let u = 0, i = v * h; u < h; u++, i++) {
      const k = inImage[i];
      const a = sRe[k] * mask[i];
      const b = sIm[k] * mask[i];
      re[at + u] = fr * a - fi * b;
      im[at + u] = fr * b + fi * a;
    }
  };
}

/**
 * The row source of Y1_h + i·Y2_h, the Hermitian parts of two parts' masked spectra: its inverse FFT is the
 * first part's real plane plus i times the second's.
 */
function packedMaskedRows(first: Slot, second: Slot, sRe: Float64Array, sIm: Float64Array, conj: boolean): RowSource {
  const { inImage, negated, h } = first.grid;
  const m1 = first.mask;
  const m2 = second.mask;
  const f1r = first.factorRe, f1i = conj ? -first.factorIm : first.factorIm;
  const f2r = second.factorRe, f2i = conj ? -second.factorIm : second.factorIm;
  return (v, re, im, at) => {
    for (let u = 0, i = v * h; u < h; u++, i++) {
      const j = negated[i];
      const sr = sRe[inImage[i]], si = sIm[inImage[i]];
      const nr = sRe[inImage[j]], ni = sIm[inImage[j]];
      // Y(k) = factor·S(k)·m(k); Y_h(k) = (Y(k) + conj Y(−k))/2
      let a = sr * m1[i], b = si * m1[i], c = nr * m1[j], d = ni * m1[j];
      const h1r = (f1r * (a + c) - f1i * (b + d)) / 2;
      const h1i = (f1r * (b - d) + f1i * (a - c)) / 2;
      a = sr * m2[i];
      b = si * m2[i];
      c = nr * m2[j];
      d = ni * m2[j];
      const h2r = (f2r * (a + c) - f2i * (b + d)) / 2;
      const h2i = (f2r * (b - d) + f2i * (a - c)) / 2;
      re[at + u] = h1r - h2i;
      im[at + u] = h1i + h2r;
    }
  };
}

/** The row sink adding row v of (re, im)·mask·factor to S(inImage). */
function accumulatingRows(slot: Slot, sRe: Float64Array, sIm: Float64Array, conj: boolean): RowSink {
  const { inImage, h } = slot.grid;
  const { mask, factorRe: fr } = slot;
  const fi = conj ? -slot.factorIm : slot.factorIm;
  return (v, re, im, at) => {
    for (let u = 0, i = v * h; u < h; u++, i++) {
      const k = inImage[i];
      const a = re[at + u] * mask[i];
      const b = im[at + u] * mask[i];
      sRe[k] += fr * a - fi * b;
      sIm[k] += fr * b + fi * a;
    }
  };
}

/** The row source (or sink) of row y of a [h, w] plane of `values` at `offset`. */
function planeRows(values: ArrayLike<number>, offset: number, w: number): RowSource {
  return (y, re, _im, at) => {
    for (let x = 0, i = offset + y * w; x < w; x++, i++) re[at + x] = values[i];
  };
}

function planeSink(values: Float32Array, offset: number, w: number): RowSink {
  return (y, re, _im, at) => {
    for (let x = 0, i = offset + y * w; x < w; x++, i++) values[i] = re[at + x];
  };
}

/**
 * The coefficients [P, frame.size] of images [P, H, W] (row-major). With `conj` the masks' factors are
 * conjugated: that is the adjoint of `synthesize`.
 */
export function analyze(frame: Frame, images: ArrayLike<number>, count: number, conj: boolean): Float32Array {
  const { height: H, width: W, size, spectrumRe: sRe, spectrumIm: sIm } = frame;
  const out = new Float32Array(count * size);
  const storeSpectrum: RowSink = (v, re, im, at) => {
    for (let u = 0, i = v * H; u < H; u++, i++) {
      sRe[i] = re[at + u];
      sIm[i] = im[at + u];
    }
  };
  for (let p = 0; p < count; p++) {
    const base = p * size;
    transposingFft2(H, W).transform(-1, planeRows(images, p * H * W, W), storeSpectrum, { realInput: true });
    for (const { grid, complex, real, pairActive } of frame.groups) {
      const { h, w } = grid;
      // a part's spectrum is [w, h]; its inverse FFT comes out [h, w]
      const partFft = transposingFft2(w, h);
      for (const slot of complex) {
        const reOut = planeSink(out, base + slot.re, w);
        const imOut = planeSink(out, base + slot.im, w);
        const sink: RowSink = (y, re, im, at) => {
          reOut(y, re, im, at);
          imOut(y, im, re, at);
        };
        partFft.transform(1, maskedRows(slot, sRe, sIm, conj), sink, { inputRows: slot.active });
      }
      for (let s = 0; s + 1 < real.length; s += 2) {
        const firstOut = planeSink(out, base + real[s].re, w);
        const secondOut = planeSink(out, base + real[s + 1].re, w);
        const sink: RowSink = (y, re, im, at) => {
          firstOut(y, re, im, at);
          secondOut(y, im, re, at);
        };
        partFft.transform(1, packedMaskedRows(real[s], real[s + 1], sRe, sIm, conj), sink, { inputRows: pairActive[s / 2] });
      }
      if (real.length % 2 === 1) {
        const last = real[real.length - 1];
        partFft.transform(1, maskedRows(last, sRe, sIm, conj), planeSink(out, base + last.re, w), { realOutput: true, inputRows: last.active });
      }
    }
  }
  return out;
}

/**
 * The images [P, H, W] synthesised from coefficients [P, frame.size]: Re(ifft2(Σ parts' masked spectra)). With
 * `conj` the masks' factors are conjugated: that is the adjoint of `analyze`.
 */
export function synthesize(frame: Frame, coeffs: ArrayLike<number>, count: number, conj: boolean): Float32Array {
  const { height: H, width: W, size, spectrumRe: sRe, spectrumIm: sIm } = frame;
  const out = new Float32Array(count * H * W);
  const loadSpectrum: RowSource = (v, re, im, at) => {
    for (let u = 0, i = v * H; u < H; u++, i++) {
      re[at + u] = sRe[i];
      im[at + u] = sIm[i];
    }
  };
  for (let p = 0; p < count; p++) {
    const base = p * size;
    sRe.fill(0);
    sIm.fill(0);
    for (const { grid, complex, real, pairActive } of frame.groups) {
      const { h, w, negated, aRe, aIm } = grid;
      // a part is [h, w]; its FFT comes out [w, h]
      const partFft = transposingFft2(h, w);
      for (const slot of complex) {
        const reIn = planeRows(coeffs, base + slot.re, w);
        const imIn = planeRows(coeffs, base + slot.im, w);
        const source: RowSource = (y, re, im, at) => {
          reIn(y, re, im, at);
          imIn(y, im, re, at);
        };
        partFft.transform(-1, source, accumulatingRows(slot, sRe, sIm, conj), { outputRows: slot.active });
      }
      for (let s = 0; s + 1 < real.length; s += 2) {
        const first = real[s];
        const second = real[s + 1];
        const firstIn = planeRows(coeffs, base + first.re, w);
        const secondIn = planeRows(coeffs, base + second.re, w);
        const source: RowSource = (y, re, im, at) => {
          firstIn(y, re, im, at);
          secondIn(y, im, re, at);
        };
        const store: RowSink = (v, re, im, at) => {
          aRe.set(re.subarray(at, at + h), v * h);
          aIm.set(im.subarray(at, at + h), v * h);
        };
        const active = pairActive[s / 2];
        partFft.transform(-1, source, store, { outputRows: active });
        // fft(c1 + i·c2) = F1 + i·F2 with F1, F2 Hermitian: F1(k) = (F(k) + conj F(−k))/2, F2(k) = (F(k) − conj F(−k))/2i
        const { inImage } = grid;
        const m1 = first.mask, m2 = second.mask;
        const f1r = first.factorRe, f1i = conj ? -first.factorIm : first.factorIm;
        const f2r = second.factorRe, f2i = conj ? -second.factorIm : second.factorIm;
        for (let v = 0; v < w; v++) {
          if (active && !active[v]) continue;
          for (let i = v * h; i < (v + 1) * h; i++) {
            const j = negated[i];
            const fr = aRe[i], fi = aIm[i], gr = aRe[j], gi = aIm[j];
            const a = ((fr + gr) / 2) * m1[i], b = ((fi - gi) / 2) * m1[i];
            const c = ((fi + gi) / 2) * m2[i], d = ((gr - fr) / 2) * m2[i];
            const k = inImage[i];
            sRe[k] += f1r * a - f1i * b + f2r * c - f2i * d;
            sIm[k] += f1r * b + f1i * a + f2r * d + f2i * c;
          }
        }
      }
      if (real.length % 2 === 1) {
        const last = real[real.length - 1];
        partFft.transform(-1, planeRows(coeffs, base + last.re, w), accumulatingRows(last, sRe, sIm, conj), { realInput: true, outputRows: last.active });
      }
    }
    transposingFft2(W, H).transform(1, loadSpectrum, planeSink(out, p * H * W, W), { realOutput: true });
  }
  return out;
}
