// The in-place wasm Slice, Unpack and SplitV kernels (runtime/wasm-slice.ts) against the cpu backend's slice: contiguous and strided
// slices of every rank up to 5, int32 and bool too, unstack and split, and the gradient path that slices dy.
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../runtime/backend.js';
import { Rng } from '../../runtime/rng.js';
import { tf } from '../../runtime/tf.js';
import { inPlaceKernels } from '../../runtime/wasm-slice.js';

async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: number[][]; wasm: number[][] }> {
  const run = async (backend: 'cpu' | 'wasm') => {
    await useBackend(backend);
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const values = await Promise.all(list.map(async (t) => Array.from(await t.data()) as number[]));
    tf.dispose(list);
    return values;
  };
  return { cpu: await run('cpu'), wasm: await run('wasm') };
}

describe('wasm Slice read in place', () => {
  afterAll(async () => useBackend('wasm'));
  const values = new Rng(3).normalArray(2 * 3 * 4 * 5 * 6);

  it('replaces the package kernels for wasm', () => {
    // Otherwise this file would test the package's kernels instead.
    for (const name of ['Slice', 'Unpack', 'SplitV']) {
      expect(inPlaceKernels.get(name)).toBeDefined();
      expect(tf.getKernel(name, 'wasm')?.kernelFunc).toBe(inPlaceKernels.get(name));
    }
  });

  const cases: [string, number[], number[], number[]][] = [
    ['contiguous rows of a 2-D tensor', [12, 60], [3, 0], [4, 60]],
    ['a column block of a 2-D tensor', [12, 60], [1, 7], [5, 11]],
    ['a 3-D box', [6, 20, 6], [1, 2, 3], [4, 15, 2]],
    ['a 4-D box', [2, 3, 20, 6], [1, 1, 5, 0], [1, 2, 10, 6]],
    ['a 5-D box', [2, 3, 4, 5, 6], [0, 1, 1, 2, 1], [2, 2, 3, 3, 4]],
    ['a single element', [2, 3, 4, 5, 6], [1, 2, 3, 4, 5], [1, 1, 1, 1, 1]],
  ];
  for (const [what, shape, begin, size] of cases) {
    it(`equals the cpu backend on ${what}`, async () => {
      const { cpu, wasm } = await onBoth(() => tf.slice(tf.tensor(values, shape), begin, size));
      expect(wasm).toEqual(cpu);
    });
  }

  it('unstack, split and int32 / bool slices equal the cpu backend', async () => {
    const { cpu, wasm } = await onBoth(() => [
      ...tf.unstack(tf.tensor(values, [5, 4, 36])),
      ...tf.split(tf.tensor(values, [4, 180]), [30, 100, 50], 1),
      tf.slice(tf.tensor(Array.from(values, (v) => Math.round(10 * v)), [6, 120], 'int32'), [2, 5], [3, 7]),
      tf.cast(tf.slice(tf.tensor(Array.from(values, (v) => v > 0), [60, 12], 'bool'), [10, 1], [5, 9]), 'float32'),
    ]);
    expect(wasm).toEqual(cpu);
  });

  it('gradients through slices (concat backward) equal the cpu backend', async () => {
    const { cpu, wasm } = await onBoth(() => {
      const x = tf.tensor(values.slice(0, 64), [8, 8]);
      return tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.concat([tf.slice(v, [0, 1], [8, 3]), tf.slice(v, [2, 4], [4, 3])], 0))))(x);
    });
    expect(wasm).toEqual(cpu);
  });
});
