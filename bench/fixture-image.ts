// Benches use plenoptic's photos from ../shared/fixtures when present (the reference timings used them), else a
// built-in procedural image of the same size.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tf } from '../runtime/tf.js';
import { parseNpy, npyToTensor } from '../images/npy.js';
import { builtinImage } from '../images/procedural.js';
import { projectRoot } from './reference.js';

export function benchImage(fixtureName: string, fallback: string, size = 256): { image: tf.Tensor4D; source: string } {
  const path = resolve(projectRoot(), '..', 'shared', 'fixtures', 'images', `${fixtureName}.npy`);
  if (existsSync(path)) return { image: npyToTensor(parseNpy(readFileSync(path), path)) as tf.Tensor4D, source: `fixtures/images/${fixtureName}.npy` };
  return { image: builtinImage(fallback, { size, seed: 0 }), source: `builtin:${fallback}` };
}
