// The steerable pyramid's Fourier-domain constants as tensors: every chain of masks between the image spectrum
// and a band is multiplied out once (in float64) so that each band costs one multiply and one inverse FFT.
import { tf } from '../../runtime/tf.js';
import { steerableMasks, type Field } from './steerable-masks.js';

/** A unit complex number i^k: sign and whether it is imaginary (1 → (1, false), i → (1, true), −1, −i). */
export interface Unit {
  sign: 1 | -1;
  imaginary: boolean;
}

export function powerOfI(k: number): Unit {
  const r = ((k % 4) + 4) % 4;
  return { sign: r < 2 ? 1 : -1, imaginary: r % 2 === 1 };
}

export interface ScaleConstants {
  /** Band size at this scale. */
  shape: [number, number];
  /** Offset of this scale's (centred) spectrum inside the image spectrum. */
  cropFromImage: [number, number];
  /**
   * [K, h, w]: lo0mask, the lomasks of the finer scales, the angular mask, the himask, the sign of (−i)^order
   * (and of the Re/Im choice of real pyramids) and the tight-frame 1/√2 of complex pyramids, multiplied out.
   */
  analysisMasks: tf.Tensor;
  /** [K, 1, 1, h, w]: recon angular mask × himask × sign of i^order (× √2 for tight complex pyramids). */
  synthesisMasks: tf.Tensor;
  /** [h', w'] of the next scale: the lomask that multiplies the next scale's reconstruction on the way up. */
  synthesisLomask: tf.Tensor;
  /** The next scale's crop [start, end) inside this scale's grid. */
  loStart: [number, number];
  loEnd: [number, number];
}

export interface SteerableConstants {
  lo0mask: tf.Tensor;
  hi0mask: tf.Tensor;
  scales: ScaleConstants[];
  /** [hS, wS]: every mask from the image spectrum to the residual lowpass. */
  lowpassMask: tf.Tensor;
  lowpassShape: [number, number];
  lowpassCrop: [number, number];
  /** (−i)^order, applied to the analysis bands; its sign is already inside analysisMasks. */
  analysisUnit: Unit;
  /** i^order, applied to the synthesis; its sign is already inside synthesisMasks. */
  synthesisUnit: Unit;
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
  const K = order + 1;
  const analysisUnit = powerOfI(-order);
  const synthesisUnit = powerOfI(order);
  const keep = (data: Float32Array | Float64Array, shape: number[]) =>
    tf.keep(tf.tensor(data instanceof Float32Array ? data : Float32Array.from(data), shape, 'float32'));
  const f32 = (f: Field) => Float32Array.from(f.data);

  // Without downsampling plenoptic doubles the lowpass at each scale (backward norm) and halves it on the way
  // back, to keep band energies equal to the downsampled pyramid's.
  const noDownsampleGain = !downsample && !tightFrame ? 2 : 1;
  // A real pyramid keeps Re((−i)^order·z): for an imaginary unit ±i that is ∓Im(z), so the sign flips.
  const bandSign = isComplex || !analysisUnit.imaginary ? analysisUnit.sign : -analysisUnit.sign;
  const complexGain = tightFrame && isComplex ? Math.SQRT1_2 : 1;
  // The product of every mask met between the image spectrum and the current scale, on its grid.
  let pending = Float64Array.from(masks.lo0mask.data);
  let pendingWidth = imageShape[1];
  let cropFromImage: [number, number] = [0, 0];
  const scales = masks.scales.map((s): ScaleConstants => {
    const [h, w] = s.shape;
    const n = h * w;
    const analysis = new Float32Array(K * n);
    const synthesis = new Float32Array(K * n);
    for (let b = 0; b < K; b++) {
      const angle = s.anglemasks[b].data;
      const angleRecon = s.anglemasksRecon[b].data;
      for (let j = 0; j < n; j++) {
        analysis[b * n + j] = bandSign * complexGain * pending[j] * angle[j] * s.himask.data[j];
        synthesis[b * n + j] = (synthesisUnit.sign * angleRecon[j] * s.himask.data[j]) / complexGain;
      }
    }
    const [nh, nw] = [s.loEnd[0] - s.loStart[0], s.loEnd[1] - s.loStart[1]];
    const next = new Float64Array(nh * nw);
    const synthesisLo = new Float32Array(nh * nw);
    for (let r = 0; r < nh; r++) {
      for (let c = 0; c < nw; c++) {
        const lo = s.lomask.data[r * nw + c];
        next[r * nw + c] = pending[(r + s.loStart[0]) * pendingWidth + c + s.loStart[1]] * lo * noDownsampleGain;
        synthesisLo[r * nw + c] = lo / noDownsampleGain;
      }
    }
    const constants: ScaleConstants = {
      shape: [h, w],
      cropFromImage,
      analysisMasks: keep(analysis, [K, h, w]),
      synthesisMasks: keep(synthesis, [K, 1, 1, h, w]),
      synthesisLomask: keep(synthesisLo, [nh, nw]),
      loStart: s.loStart,
      loEnd: s.loEnd,
    };
    pending = next;
    pendingWidth = nw;
    cropFromImage = [cropFromImage[0] + s.loStart[0], cropFromImage[1] + s.loStart[1]];
    return constants;
  });
  const lowpassShape: [number, number] = scales.length
    ? [scales[scales.length - 1].loEnd[0] - scales[scales.length - 1].loStart[0], scales[scales.length - 1].loEnd[1] - scales[scales.length - 1].loStart[1]]
    : imageShape;
  return {
    lo0mask: keep(f32(masks.lo0mask), imageShape),
    hi0mask: keep(f32(masks.hi0mask), imageShape),
    scales,
    lowpassMask: keep(pending, lowpassShape),
    lowpassShape,
    lowpassCrop: cropFromImage,
    analysisUnit,
    synthesisUnit,
  };
}

export function disposeSteerableConstants(c: SteerableConstants): void {
  const tensors = [c.lo0mask, c.hi0mask, c.lowpassMask];
  for (const s of c.scales) tensors.push(s.analysisMasks, s.synthesisMasks, s.synthesisLomask);
  tf.dispose(tensors);
}
