// plenoptic's convert_pyr_to_tensor / convert_tensor_to_pyr (channel layout per input channel: highpass, bands in
// key order with complex bands as adjacent real, imaginary channels when split, lowpass), and the flat vector
// that a downsampled pyramid gives to synthesis.
import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { warn } from '../../runtime/warnings.js';
import type { Complex } from '../fourier/complex.js';
import { isComplexBand, type PyramidBand, type PyramidCoeffs, type PyramidKey } from './pyramid-coeffs.js';

/** What convertTensorToPyr needs to undo convertPyrToTensor (plenoptic's pyr_info tuple). */
export interface PyrInfo {
  numChannels: number;
  splitComplex: boolean;
  pyrKeys: PyramidKey[];
}

const isResidual = (key: string) => key.startsWith('residual');

/**
 * All bands as channels of one (B, numChannels·bands, H, W) tensor. Only for equal-size bands (downsample=false).
 * A complex pyramid with splitComplex=false gives a complex pair whose residual channels have zero imaginary part.
 */
export function convertPyrToTensor(coeffs: PyramidCoeffs, splitComplex = false): { tensor: tf.Tensor | Complex; info: PyrInfo } {
  const keys = [...coeffs.keys()];
  if (keys.length === 0) throw new ValueError('convertPyrToTensor needs at least one band; got an empty pyramid.');
  const bands = keys.map((k) => coeffs.get(k)!);
  const first = bands[0];
  const numChannels = (isComplexBand(first) ? first.re : first).shape[1] as number;
  const shape0 = (isComplexBand(first) ? first.re : first).shape.slice(2).join('×');
  for (const b of bands) {
    if ((isComplexBand(b) ? b.re : b).shape.slice(2).join('×') !== shape0) {
      throw new ValueError(
        'feature maps could not be concatenated into tensor. Check that you are using coefficients that are not ' +
          "downsampled across scales. This is done with the 'downsample=False' argument for the pyramid",
      );
    }
  }
  const complexOut = !splitComplex && bands.some(isComplexBand);
  const tensor = tf.tidy(() => {
    const re: tf.Tensor[] = [];
    const im: tf.Tensor[] = [];
    const channel = (t: tf.Tensor, ch: number) => {
      const [b, , h, w] = t.shape as number[];
      return tf.slice(t, [0, ch, 0, 0], [b, 1, h, w]);
    };
    for (let ch = 0; ch < numChannels; ch++) {
      // plenoptic puts the highpass first and the lowpass last whatever the dict order.
      const ordered = [
        ...keys.filter((k) => k === 'residual_highpass'),
        ...keys.filter((k) => !isResidual(k)),
        ...keys.filter((k) => k === 'residual_lowpass'),
      ];
      for (const k of ordered) {
        const band = coeffs.get(k)!;
        if (!isComplexBand(band)) {
          re.push(channel(band, ch));
          if (complexOut) im.push(tf.zerosLike(channel(band, ch)));
        } else if (splitComplex) {
          re.push(channel(band.re, ch), channel(band.im, ch));
        } else {
          re.push(channel(band.re, ch));
          im.push(channel(band.im, ch));
        }
      }
    }
    return complexOut ? { re: tf.concat(re, 1), im: tf.concat(im, 1) } : tf.concat(re, 1);
  });
  return { tensor, info: { numChannels, splitComplex, pyrKeys: keys } };
}

/** The inverse of convertPyrToTensor; call it as convertTensorToPyr(t, info.numChannels, info.splitComplex, info.pyrKeys). */
export function convertTensorToPyr(
  tensor: tf.Tensor | Complex,
  numChannels: number,
  splitComplex: boolean,
  pyrKeys: readonly PyramidKey[],
): PyramidCoeffs {
  const complexIn = !(tensor instanceof tf.Tensor);
  const re = complexIn ? (tensor as Complex).re : (tensor as tf.Tensor);
  if (re.rank !== 4) throw new ValueError(`convertTensorToPyr needs a (B, channels, H, W) tensor, got shape [${re.shape}].`);
  const ordered = [
    ...pyrKeys.filter((k) => k === 'residual_highpass'),
    ...pyrKeys.filter((k) => !isResidual(k)),
    ...pyrKeys.filter((k) => k === 'residual_lowpass'),
  ];
  const perChannel = ordered.reduce((n, k) => n + (splitComplex && !isResidual(k) ? 2 : 1), 0);
  if (re.shape[1] !== perChannel * numChannels) {
    throw new ValueError(
      `The tensor has ${re.shape[1]} channels but pyr_info describes ${numChannels}×${perChannel}; ` +
        'pass the pyr_info that convertPyrToTensor returned with it.',
    );
  }
  if (complexIn && pyrKeys.some(isResidual)) warn('Casting complex values to real discards the imaginary part', 'UserWarning');
  const parts = new Map<PyramidKey, PyramidBand[]>();
  const take = (t: tf.Tensor, i: number) => {
    const [b, , h, w] = t.shape as number[];
    return tf.slice(t, [0, i, 0, 0], [b, 1, h, w]);
  };
  let i = 0;
  for (let ch = 0; ch < numChannels; ch++) {
    for (const k of ordered) {
      let band: PyramidBand;
      if (isResidual(k)) {
        band = take(re, i);
        i += 1;
      } else if (splitComplex) {
        band = { re: take(re, i), im: take(re, i + 1) };
        i += 2;
      } else {
        band = complexIn ? { re: take(re, i), im: take((tensor as Complex).im, i) } : take(re, i);
        i += 1;
      }
      parts.set(k, [...(parts.get(k) ?? []), band]);
    }
  }
  const out: PyramidCoeffs = new Map();
  for (const k of pyrKeys) {
    const list = parts.get(k)!;
    if (list.length === 1) {
      out.set(k, list[0]);
    } else if (isComplexBand(list[0])) {
      const pairs = list as Complex[];
      out.set(k, { re: tf.concat(pairs.map((p) => p.re), 1), im: tf.concat(pairs.map((p) => p.im), 1) });
      tf.dispose(pairs.flatMap((p) => [p.re, p.im]));
    } else {
      out.set(k, tf.concat(list as tf.Tensor[], 1));
      tf.dispose(list as tf.Tensor[]);
    }
  }
  return out;
}

/** tf.concat along the last axis with a gradient made of slices: wasm's SplitV (concat's own gradient) is slow. */
export function concatLastAxis(tensors: tf.Tensor[]): tf.Tensor {
  const concat = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const parts = inputs.slice(0, tensors.length) as tf.Tensor[];
    const axis = parts[0].rank - 1;
    return {
      value: tf.concat(parts, axis),
      gradFunc: (dy: tf.Tensor) => {
        let offset = 0;
        return parts.map((p) => {
          const begin = new Array<number>(p.rank).fill(0);
          begin[axis] = offset;
          offset += p.shape[axis] as number;
          return tf.slice(dy, begin, p.shape as number[]);
        });
      },
    };
  }) as (...ts: tf.Tensor[]) => tf.Tensor;
  return concat(...tensors);
}
