import { tf } from '../../runtime/tf.js';
import { ValueError } from '../../runtime/errors.js';
import { TfjsModel } from '../../runtime/model.js';
import { normalizedLaplacianVector } from './nlpd.js';

/**
 * plenoptic's NLP model: the normalized Laplacian pyramid flattened into [1, 1, N] (N = 87360 for 256²).
 * Synthesis with it differs from nlpd, which averages the per-scale root-mean-square differences.
 */
export class NLP extends TfjsModel {
  readonly name = 'NLP';

  tfjsForward(image: tf.Tensor4D): tf.Tensor3D {
    if (image.rank === 4 && (image.shape[0] > 1 || image.shape[1] > 1)) {
      throw new ValueError(`For now, this only supports batch and channel size 1 (got shape [${image.shape.join(', ')}]); pass one gray image at a time.`);
    }
    if (image.rank !== 4) {
      throw new ValueError(`NLP needs a 4-D image (1, 1, height, width), but got shape [${image.shape.join(', ')}].`);
    }
    return normalizedLaplacianVector(image);
  }
}
