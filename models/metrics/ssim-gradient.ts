// The mean of SSIM's map (or of its contrast-structure map, for MS-SSIM) with a hand-written gradient: tfjs's tape
// spends most of SSIM's backward pass on the bookkeeping of its ~25 per-pixel operations; written out, the
// gradient is a few per-pixel products and the transposed window passes over five maps, like the forward.
//
// With μ = μc + centre, l = (2μ1μ2 + C1)/Ld, cs = (2σ12 + C2)/Sd, σ1² = A − μ1c², σ2² = B − μ2c², σ12 = C − μ1cμ2c
// (A, B, C the window averages of the centred products) and g the gradient reaching each pixel of the map:
//   ∂σ12 = 2 g_cs / Sd;  ∂σ1² = ∂σ2² = −g_cs cs / Sd (+ the weight's own term when weighted)
//   ∂μ1c = 2 g_l (μ2 − l μ1)/Ld − 2 μ1c ∂σ1² − μ2c ∂σ12   (and symmetrically for μ2c)
//   ∂x = Wᵀ∂μ1c + 2 xc Wᵀ∂A + yc Wᵀ∂C,   ∂y = Wᵀ∂μ2c + 2 yc Wᵀ∂B + xc Wᵀ∂C
import { tf } from '../../runtime/tf.js';
import { sumPerImage } from '../pyramids/planar.js';
import { C1, C2, windowedMoments, windowedMomentsTransposed, type SsimPad } from './ssim-parts.js';

export interface SsimMeanOptions {
  /** 'ssim': the map l·cs; 'cs': the contrast-structure map alone (MS-SSIM's finer scales). */
  map: 'ssim' | 'cs';
  /** Wang & Simoncelli (2008)'s weighted mean, with weight log((1 + σ1²/C2)(1 + σ2²/C2)). */
  weighted: boolean;
  pad: SsimPad;
}

/** The mean map of each image pair of planar x and y ([H, P, W], the same shape): [P]. */
export function ssimMean(x: tf.Tensor3D, y: tf.Tensor3D, { map, weighted, pad }: SsimMeanOptions): tf.Tensor1D {
  const [h, p, w] = x.shape;
  const mean = tf.customGrad<tf.Tensor1D>((...args) => {
    const [xi, yi] = args as tf.Tensor3D[];
    const save = args[2] as unknown as (tensors: tf.Tensor[]) => void;
    const { centre, mu1c, mu2c, xx, yy, xy } = windowedMoments(xi, yi, pad);
    const sigma1Sq = tf.sub(xx, tf.square(mu1c));
    const sigma2Sq = tf.sub(yy, tf.square(mu2c));
    const sigma12 = tf.sub(xy, tf.mul(mu1c, mu2c));
    const sd = tf.add(tf.add(sigma1Sq, sigma2Sq), C2);
    const cs = tf.div(tf.add(tf.mul(sigma12, 2), C2), sd);
    const mu1 = tf.add(mu1c, centre);
    const mu2 = tf.add(mu2c, centre);
    const ld = tf.add(tf.add(tf.square(mu1), tf.square(mu2)), C1);
    const l = tf.div(tf.add(tf.mul(tf.mul(mu1, mu2), 2), C1), ld);
    const values = map === 'ssim' ? tf.mul(l, cs) : cs;
    const pixels = values.size / p;
    if (!weighted) {
      save([xi, yi, mu1c, mu2c, sigma1Sq, sigma2Sq, sd, cs, mu1, mu2, ld, l]);
      return { value: tf.reshape(tf.div(sumPerImage(values), pixels), [p]) as tf.Tensor1D, gradFunc };
    }
    const weight = tf.log(tf.mul(tf.add(tf.div(sigma1Sq, C2), 1), tf.add(tf.div(sigma2Sq, C2), 1)));
    const weightSum = sumPerImage(weight);
    const result = tf.div(sumPerImage(tf.mul(values, weight)), weightSum);
    save([xi, yi, mu1c, mu2c, sigma1Sq, sigma2Sq, sd, cs, mu1, mu2, ld, l, values, weight, weightSum, result]);
    return { value: tf.reshape(result, [p]) as tf.Tensor1D, gradFunc };

    function gradFunc(dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] {
      const [x0, y0, m1c, m2c, s1, s2, sdS, csS, m1, m2, ldS, lS] = saved;
      const upstream = tf.reshape(dy, [1, p, 1]);
      let gMap: tf.Tensor;
      let gS1: tf.Tensor | null = null;
      let gS2: tf.Tensor | null = null;
      if (!weighted) {
        gMap = tf.div(upstream, pixels);
      } else {
        const [valuesS, weightS, weightSumS, resultS] = saved.slice(12);
        const perWeight = tf.div(upstream, weightSumS);
        gMap = tf.mul(weightS, perWeight);
        // ∂(Σ v w / Σ w)/∂w = (v − mean)/Σw, and ∂w/∂σ² = 1/(C2 + σ²)
        const gWeight = tf.mul(tf.sub(valuesS, resultS), perWeight);
        gS1 = tf.div(gWeight, tf.add(s1, C2));
        gS2 = tf.div(gWeight, tf.add(s2, C2));
      }
      const gCs = map === 'ssim' ? tf.mul(gMap, lS) : gMap;
      const gSigma12 = tf.div(tf.mul(gCs, 2), sdS);
      const gSigmaSq = tf.neg(tf.div(tf.mul(gCs, csS), sdS));
      const gSigma1Sq = gS1 ? tf.add(gSigmaSq, gS1) : gSigmaSq;
      const gSigma2Sq = gS2 ? tf.add(gSigmaSq, gS2) : gSigmaSq;
      let gMu1c = tf.sub(tf.neg(tf.mul(tf.mul(m1c, gSigma1Sq), 2)), tf.mul(m2c, gSigma12));
      let gMu2c = tf.sub(tf.neg(tf.mul(tf.mul(m2c, gSigma2Sq), 2)), tf.mul(m1c, gSigma12));
      if (map === 'ssim') {
        const gL = tf.div(tf.mul(tf.mul(gMap, csS), 2), ldS);
        gMu1c = tf.add(gMu1c, tf.mul(gL, tf.sub(m2, tf.mul(lS, m1))));
        gMu2c = tf.add(gMu2c, tf.mul(gL, tf.sub(m1, tf.mul(lS, m2))));
      }
      const [r1, r2, rA, rB, rC] = windowedMomentsTransposed([gMu1c, gMu2c, gSigma1Sq, gSigma2Sq, gSigma12] as tf.Tensor3D[], h, w, pad);
      const xc = tf.sub(x0, centre);
      const yc = tf.sub(y0, centre);
      const gx = tf.add(tf.add(r1, tf.mul(tf.mul(xc, rA), 2)), tf.mul(yc, rC));
      const gy = tf.add(tf.add(r2, tf.mul(tf.mul(yc, rB), 2)), tf.mul(xc, rC));
      return [gx, gy];
    }
  });
  return mean(x, y);
}
