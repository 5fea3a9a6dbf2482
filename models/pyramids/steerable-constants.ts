// The steerable pyramid's Fourier-domain constants: every chain of masks between the image spectrum and a band
// (analysis), or between a band and the reconstructed spectrum (synthesis), multiplied out once in float64, so
// that each band costs one multiply and one FFT.
import { steerableMasks } from './steerable-masks.js';

/** A unit complex number i^k: sign and whether it is imaginary (1 → (1, false), i → (1, true), −1, −i). */
export interface Unit {
  sign: 1 | -1;
  imaginary: boolean;
}

export function powerOfI(k: number): Unit {
  const r = ((k % 4) + 4) % 4;
  return { sign: r < 2 ? 1 : -1, imaginary: r % 2 === 1 };
}

/** A centred crop of the image's centred spectrum: the grid of one scale, or of the residual lowpass. */
export interface SpectrumGrid {
  shape: [number, number];
  /** Where the crop starts in the image's centred spectrum. */
  start: [number, number];
}

/** One real mask per part of the pyramid, row-major on its grid's centred spectrum. */
export interface FrameMasks {
  /** On the image's grid. */
  highpass: Float64Array;
  /** [scale][orientation]. */
  bands: Float64Array[][];
  lowpass: Float64Array;
  /** The factor (1, i or −i) that multiplies every band mask; any sign is already inside the masks. */
  bandFactor: { re: number; im: number };
}

export interface SteerableConstants {
  imageShape: [number, number];
  scaleGrids: SpectrumGrid[];
  lowpassGrid: SpectrumGrid;
  /** Image spectrum → each part's spectrum (before its inverse FFT). */
  analysis: FrameMasks;
  /** Each part's spectrum → the reconstruction's spectrum (before its inverse FFT, whose real part is kept). */
  synthesis: FrameMasks;
}

function crop(data: Float64Array, width: number, start: [number, number], shape: [number, number]): Float64Array {
  const out = new Float64Array(shape[0] * shape[1]);
  for (let r = 0; r < shape[0]; r++) out.set(data.subarray((r + start[0]) * width + start[1], (r + start[0]) * width + start[1] + shape[1]), r * shape[1]);
  return out;
}

function times(a: Float64Array, b: Float64Array, scalar = 1): Float64Array {
  return a.map((v, i) => v * b[i] * scalar);
}

export function steerableConstants(
  imageShape: [number, number],
  numScales: number,
  order: number,
  twidth: number,
  isComplex: boolean,
  downsample: boolean,
  tightFrame: boolean,
): SteerableConstants {
  const masks = steerableMasks(imageShape, numScales, order, twidth, isComplex, downsample);
  const analysisUnit = powerOfI(-order);
  const synthesisUnit = powerOfI(order);
  // Without downsampling plenoptic doubles the lowpass at each scale (backward norm) and halves it on the way
  // back, to keep band energies equal to the downsampled pyramid's.
  const noDownsampleGain = !downsample && !tightFrame ? 2 : 1;
  // Bands are (−i)^order·ifft2(masked spectrum); a real pyramid keeps the real part.
  const analysisFactor = analysisUnit.imaginary ? { re: 0, im: 1 } : { re: 1, im: 0 };
  const complexGain = tightFrame && isComplex ? Math.SQRT1_2 : 1;

  const scaleGrids: SpectrumGrid[] = [];
  const analysisBands: Float64Array[][] = [];
  const synthesisBands: Float64Array[][] = [];
  // The product of every mask met between the image spectrum and the current scale's grid, each way.
  let analysisChain = masks.lo0mask.data;
  let synthesisChain = masks.lo0mask.data;
  let start: [number, number] = [0, 0];
  for (const s of masks.scales) {
    scaleGrids.push({ shape: s.shape, start });
    analysisBands.push(s.anglemasks.map((angle) => times(times(analysisChain, angle.data, analysisUnit.sign * complexGain), s.himask.data)));
    synthesisBands.push(s.anglemasksRecon.map((angle) => times(times(synthesisChain, angle.data, synthesisUnit.sign / complexGain), s.himask.data)));
    const next: [number, number] = [s.loEnd[0] - s.loStart[0], s.loEnd[1] - s.loStart[1]];
    const lomask = s.lomask.data;
    analysisChain = times(crop(analysisChain, s.shape[1], s.loStart, next), lomask, noDownsampleGain);
    synthesisChain = times(crop(synthesisChain, s.shape[1], s.loStart, next), lomask, 1 / noDownsampleGain);
    start = [start[0] + s.loStart[0], start[1] + s.loStart[1]];
  }
  const lowpassShape: [number, number] = masks.scales.length
    ? [masks.scales[numScales - 1].loEnd[0] - masks.scales[numScales - 1].loStart[0], masks.scales[numScales - 1].loEnd[1] - masks.scales[numScales - 1].loStart[1]]
    : imageShape;
  return {
    imageShape,
    scaleGrids,
    lowpassGrid: { shape: lowpassShape, start },
    analysis: { highpass: masks.hi0mask.data, bands: analysisBands, lowpass: analysisChain, bandFactor: analysisFactor },
    synthesis: {
      highpass: masks.hi0mask.data,
      bands: synthesisBands,
      lowpass: synthesisChain,
      bandFactor: synthesisUnit.imaginary ? { re: 0, im: 1 } : { re: 1, im: 0 },
    },
  };
}
