import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { TfjsModel } from '../../runtime/model.js';
import { blurDownsamplePlanar, downsampleTaps, upsampleBlurPlanar, upsampleTaps } from './blur.js';
import { fromPlanar, toPlanar } from './planar.js';

/** The smallest side a pyramid of nScales levels accepts: every downsampling reflect-pads by 2 samples. */
export function minimumLaplacianSize(nScales: number): number {
  return nScales < 2 ? 1 : 2 ** (nScales - 1) + 1;
}

/** Laplacian pyramid levels of planar images ([H, P, W]), fine to coarse. */
export function laplacianLevelsPlanar(y: tf.Tensor3D, nScales: number, scaleFilter: boolean): tf.Tensor3D[] {
  const down = downsampleTaps('binom5', scaleFilter);
  const up = upsampleTaps('binom5', scaleFilter);
  const levels: tf.Tensor3D[] = [];
  let current = y;
  for (let s = 0; s < nScales - 1; s++) {
    const [h, , w] = current.shape;
    const coarse = blurDownsamplePlanar(current, down);
    levels.push(tf.sub(current, upsampleBlurPlanar(coarse, [(h % 2) as 0 | 1, (w % 2) as 0 | 1], up)));
    current = coarse;
  }
  levels.push(current);
  return levels;
}

/**
 * plenoptic's LaplacianPyramid (Burt & Adelson 1983): each level is the image minus the upsampled blur of its
 * downsampled version; the last level is the final low-pass image. Overcomplete and exactly invertible.
 *
 * scaleFilter: with true the down filter sums to 1 and the up filter to 4 (the n-th level comes out divided by 2^n
 * relative to false, where both sum to 2).
 *
 * As a Model, forward / tfjsForward return the levels flattened and concatenated, fine to coarse, into
 * [batch, channel, Σ h_i·w_i], so any synthesis can use it; forwardLevels gives the list.
 */
export class LaplacianPyramid extends TfjsModel {
  readonly name = 'LaplacianPyramid';

  constructor(
    readonly nScales = 5,
    readonly scaleFilter = false,
  ) {
    super();
    if (!Number.isInteger(nScales) || nScales < 1) {
      throw new ValueError(`nScales must be a positive integer, but got ${nScales}.`);
    }
  }

  private checkInput(x: tf.Tensor): asserts x is tf.Tensor4D {
    if (x.rank !== 4) {
      throw new ValueError(`LaplacianPyramid needs a 4-D image batch (batch, channel, height, width), but got shape [${x.shape.join(', ')}]. Reshape it, e.g. x.reshape([1, 1, h, w]).`);
    }
    const [, , h, w] = x.shape;
    const min = minimumLaplacianSize(this.nScales);
    if (Math.min(h, w) < min) {
      throw new ValueError(
        `LaplacianPyramid with nScales=${this.nScales} needs images of at least ${min}×${min} pixels, but got ${h}×${w}. Use a larger image or fewer scales.`,
      );
    }
  }

  /** The pyramid as a list of [B, C, h_i, w_i] tensors, fine to coarse (plenoptic's forward). */
  forwardLevels(x: tf.Tensor4D): tf.Tensor4D[] {
    this.checkInput(x);
    const [b, c] = x.shape;
    return tf.tidy(() => laplacianLevelsPlanar(toPlanar(x), this.nScales, this.scaleFilter).map((l) => fromPlanar(l, b, c)));
  }

  /** The levels flattened and concatenated: [B, C, Σ h_i·w_i]. */
  tfjsForward(x: tf.Tensor4D): tf.Tensor3D {
    this.checkInput(x);
    const [b, c] = x.shape;
    const levels = laplacianLevelsPlanar(toPlanar(x), this.nScales, this.scaleFilter);
    return tf.concat(
      levels.map((l) => tf.reshape(fromPlanar(l, b, c), [b, c, l.shape[0] * l.shape[2]])),
      2,
    ) as tf.Tensor3D;
  }

  /** Reconstructs the image from its levels (fine to coarse), inverting forwardLevels exactly. */
  reconPyr(levels: readonly tf.Tensor4D[]): tf.Tensor4D {
    if (levels.length !== this.nScales) {
      throw new ValueError(`reconPyr needs the ${this.nScales} levels of this pyramid, but got ${levels.length}.`);
    }
    const [b, c] = levels[0].shape;
    const up = upsampleTaps('binom5', this.scaleFilter);
    return tf.tidy(() => {
      let x = toPlanar(levels[this.nScales - 1]);
      for (let s = this.nScales - 1; s > 0; s--) {
        const [, , h, w] = levels[s - 1].shape;
        x = tf.add(toPlanar(levels[s - 1]), upsampleBlurPlanar(x, [(h % 2) as 0 | 1, (w % 2) as 0 | 1], up));
      }
      return fromPlanar(x, b, c);
    });
  }
}
