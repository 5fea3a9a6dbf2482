// The analysis half of the steerable pyramid as linear operators (models/fourier/linear-operator.ts): the image
// spectrum, then per scale one operator from the spectrum to the scale's K bands, plus the two residuals. Each
// runs untaped with its adjoint as gradient, so backpropagation costs about one more set of FFTs and saves nothing.
// Tensors are viewed at rank ≤ 4 around every kernel: wasm's slice, pad, transpose and broadcasting kernels are
// an order of magnitude slower at rank 5 and 6, and its Reverse is slower still.
import { tf } from '../../runtime/tf.js';
import { dft2, adjointSpec, type Dft2Spec } from '../fourier/dft2-kernel.js';
import { dft2Operator, dft2Spec, type FftNorm } from '../fourier/fft2.js';
import { linearOperator, type LinearOperator } from '../fourier/linear-operator.js';
import type { SteerableConstants } from './steerable-constants.js';

/** i·z (or −i·z when `conjugate`) of a stacked complex [2, ...]: (re, im) → (−im, re), or (im, −re). */
function timesI(z: tf.Tensor, conjugate: boolean): tf.Tensor {
  const size = z.size / 2;
  const rows = tf.reshape(z, [2, size]);
  const re = tf.slice(rows, [0, 0], [1, size]);
  const im = tf.slice(rows, [1, 0], [1, size]);
  const parts = conjugate ? [im, tf.neg(re)] : [tf.neg(im), re];
  return tf.reshape(tf.concat(parts, 0), z.shape);
}

function withRealInput(spec: Dft2Spec): Dft2Spec {
  return { ...spec, realInput: true };
}

export interface SteerableAnalysis {
  /** x [B, C, H, W] → centred spectrum, stacked [2, B, C, H, W]. */
  spectrum: LinearOperator;
  /** spectrum → residual highpass [B, C, H, W]. */
  highpass: LinearOperator;
  /** spectrum → the K bands of scale i: [B, C, K, h, w] (real pyramid) or stacked [2, B, C, K, h, w] (complex). */
  scale: LinearOperator[];
  /** spectrum → residual lowpass [B, C, hS, wS]. */
  lowpass: LinearOperator;
}

export function steerableAnalysis(
  c: SteerableConstants,
  imageShape: [number, number],
  norm: FftNorm,
  isComplex: boolean,
): SteerableAnalysis {
  const [H, W] = imageShape;
  const centred = { norm, centered: true };
  const K = c.scales.length ? (c.scales[0].analysisMasks.shape[0] as number) : 0;
  /** [2, B, C, H, W] → [2·B·C, h, w] at `start`. */
  const crop = (X: tf.Tensor, start: [number, number], size: [number, number]): tf.Tensor => {
    const planes = X.size / (H * W);
    const flat = tf.reshape(X, [planes, H, W]);
    if (size[0] === H && size[1] === W) return flat;
    return tf.slice(flat, [0, start[0], start[1]], [planes, size[0], size[1]]);
  };
  /** [planes, h, w] → [planes, H, W] with zeros around `start`. */
  const padToImage = (G: tf.Tensor, start: [number, number]): tf.Tensor => {
    const [, h, w] = G.shape as number[];
    if (h === H && w === W) return G;
    return tf.pad(G, [
      [0, 0],
      [start[0], H - h - start[0]],
      [start[1], W - w - start[1]],
    ]);
  };
  const stackedShape = (X: tf.Tensor) => X.shape as number[];

  const inverseReal = dft2Spec(H, W, true, centred, false, true);
  // Reshapes of the kept constants share their data, so they are made per call.
  const hi0 = () => tf.reshape(c.hi0mask, [1, H * W]);
  const highpass = linearOperator(
    1,
    ([X]) => {
      const [, b, ch] = stackedShape(X);
      return dft2(tf.reshape(tf.mul(tf.reshape(X, [2 * b * ch, H * W]), hi0()), [2, b, ch, H, W]), inverseReal);
    },
    (g) => {
      const [b, ch] = g.shape as number[];
      const back = dft2(g, adjointSpec(inverseReal));
      return [tf.reshape(tf.mul(tf.reshape(back, [2 * b * ch, H * W]), hi0()), [2, b, ch, H, W])];
    },
  );

  const scale = c.scales.map((sc): LinearOperator => {
    const [h, w] = sc.shape;
    const inverse = dft2Spec(h, w, true, centred, false, false);
    const adjoint = adjointSpec(inverse);
    const imaginary = c.analysisUnit.imaginary;
    const masks = () => tf.reshape(sc.analysisMasks, [1, K, h * w]);
    return linearOperator(
      1,
      ([X]) => {
        const [, b, ch] = stackedShape(X);
        const S = tf.reshape(crop(X, sc.cropFromImage, sc.shape), [2 * b * ch, 1, h * w]);
        const z = dft2(tf.reshape(tf.mul(S, masks()), [2, b, ch, K, h, w]), inverse);
        if (isComplex) return imaginary ? timesI(z, false) : z;
        const size = b * ch * K * h * w;
        return tf.reshape(tf.slice(tf.reshape(z, [2, size]), [imaginary ? 1 : 0, 0], [1, size]), [b, ch, K, h, w]);
      },
      (g) => {
        let back: tf.Tensor;
        if (isComplex) {
          back = dft2(imaginary ? timesI(g, true) : g, adjoint);
        } else {
          // The band is Re(z) or Im(z): its cotangent is g or i·g.
          const fromReal = dft2(g, withRealInput(adjoint));
          back = imaginary ? timesI(fromReal, false) : fromReal;
        }
        const planes = back.size / (K * h * w);
        const summed = tf.sum(tf.mul(tf.reshape(back, [planes, K, h * w]), masks()), 1);
        const [, b, ch] = back.shape as number[];
        return [tf.reshape(padToImage(tf.reshape(summed, [planes, h, w]), sc.cropFromImage), [2, b, ch, H, W])];
      },
    );
  });

  const [hS, wS] = c.lowpassShape;
  const lowpassInverse = dft2Spec(hS, wS, true, centred, false, true);
  const lowpassMask = () => tf.reshape(c.lowpassMask, [1, hS * wS]);
  const lowpass = linearOperator(
    1,
    ([X]) => {
      const [, b, ch] = stackedShape(X);
      const S = tf.reshape(crop(X, c.lowpassCrop, c.lowpassShape), [2 * b * ch, hS * wS]);
      return dft2(tf.reshape(tf.mul(S, lowpassMask()), [2, b, ch, hS, wS]), lowpassInverse);
    },
    (g) => {
      const [b, ch] = g.shape as number[];
      const back = tf.reshape(dft2(g, adjointSpec(lowpassInverse)), [2 * b * ch, hS * wS]);
      const placed = padToImage(tf.reshape(tf.mul(back, lowpassMask()), [2 * b * ch, hS, wS]), c.lowpassCrop);
      return [tf.reshape(placed, [2, b, ch, H, W])];
    },
  );

  return { spectrum: dft2Operator(dft2Spec(H, W, false, centred, true, false)), highpass, scale, lowpass };
}
