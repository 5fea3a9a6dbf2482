// The boundary check every built-in model runs on its input, so a wrong shape fails with a message that names the
// model and the fix rather than deep inside a matrix product.
import type { tf } from '../runtime/tf.js';
import { ValueError } from '../runtime/errors.js';

/** Asserts x is a 4-D (batch, channel, height, width) batch, with `channels` channels when given. */
export function checkImageBatch(x: tf.Tensor, model: string, channels?: number): asserts x is tf.Tensor4D {
  if (x.rank !== 4) {
    throw new ValueError(
      `${model} needs a 4-D image batch (batch, channel, height, width), but got shape [${x.shape.join(', ')}]. ` +
        `Add the missing axes, e.g. x.reshape([1, 1, h, w]) for one gray image.`,
    );
  }
  if (channels !== undefined && x.shape[1] !== channels) {
    const fix = channels === 1 ? ' Load the image with asGray: true, or pass one channel at a time.' : '';
    throw new ValueError(`${model} needs ${channels} input channel${channels === 1 ? '' : 's'}, but got ${x.shape[1]} (shape [${x.shape.join(', ')}]).${fix}`);
  }
}
