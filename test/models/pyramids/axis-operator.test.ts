import { expect, it } from 'vitest';
import { tf } from '../../../runtime/tf.js';
import { Rng, randUniform } from '../../../runtime/rng.js';
import { correlationOperator, upsampleOperator, type AxisOperator } from '../../../models/pyramids/axis-operator.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { expectClose } from '../../helpers/compare.js';

const binom = [1, 4, 6, 4, 1].map((v) => v / 16);

// Long axes (≥ 64) take the blocked product on wasm; the dense matrix is the reference for both paths.
const cases: [string, () => AxisOperator][] = [
  ['valid 11-tap correlation, 256', () => correlationOperator(256, [1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1])],
  ['reflect-padded stride-2 blur, 250', () => correlationOperator(250, binom, { before: 2, after: 2, mode: 'reflect', stride: 2 })],
  ['zero-padded 5-tap pooling, 97', () => correlationOperator(97, [0, 0.3, 0, 0.2, 0.1], { before: 2, after: 2, mode: 'constant' })],
  ['reflect-padded 11-tap, 130', () => correlationOperator(130, binom.concat(binom, [0.5]), { before: 5, after: 5, mode: 'reflect' })],
  ['replicate halving, 129', () => correlationOperator(129, [0.5, 0.5], { after: 1, mode: 'replicate', stride: 2 })],
  ['upsampling to an odd length, 64 → 127', () => upsampleOperator(64, binom.map((v) => 2 * v), 1)],
  ['upsampling to an even length, 100 → 200', () => upsampleOperator(100, binom.map((v) => 2 * v), 0)],
];

describeEachBackend('AxisOperator', () => {
  for (const [name, make] of cases) {
    it(`${name}: apply equals the dense matrix, and applyTransposed is its adjoint`, async () => {
      const op = make();
      const rng = new Rng(op.n);
      const x = randUniform([3, op.n], rng) as tf.Tensor2D;
      const y = randUniform([3, op.outSize], rng) as tf.Tensor2D;
      const applied = op.apply(x);
      expect(applied.shape).toEqual([3, op.outSize]);
      expectClose(await applied.data(), await op.denseMatrix().times(x).data(), { atol: 1e-5, label: 'apply' });
      const transposed = op.applyTransposed(y);
      expect(transposed.shape).toEqual([3, op.n]);
      expectClose(await transposed.data(), await op.denseMatrix().timesTransposed(y).data(), { atol: 1e-5, label: 'applyTransposed' });
      const columns = op.applyToColumns(tf.transpose(x) as tf.Tensor2D);
      expectClose(await columns.data(), await tf.transpose(applied).data(), { atol: 1e-5, label: 'applyToColumns' });
      expectClose(await op.applyTransposedToColumns(tf.transpose(y) as tf.Tensor2D).data(), await tf.transpose(transposed).data(), {
        atol: 1e-5,
        label: 'applyTransposedToColumns',
      });
      // the gradient of apply is the transpose
      const grad = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(op.apply(xx as tf.Tensor2D), y)))(x);
      expectClose(await grad.data(), await transposed.data(), { atol: 1e-5, label: 'gradient' });
    });
  }

  it("folds torch's padding rules into the matrix and rejects what torch rejects", () => {
    // reflect excludes the edge: padded [x2 x1 | x0 x1 x2 x3 | x2 x1] for n = 4
    const op = correlationOperator(4, [1], { before: 2, after: 2, mode: 'reflect' });
    const w = op.denseMatrix().weights;
    const sources = Array.from({ length: op.outSize }, (_, o) => [0, 1, 2, 3].find((i) => w[i * op.outSize + o] === 1));
    expect(sources).toEqual([2, 1, 0, 1, 2, 3, 2, 1]);
    expect(() => correlationOperator(2, binom, { before: 2, after: 2, mode: 'reflect', stride: 2 })).toThrow(/reflect padding of 2 needs more than 2 samples/);
    expect(() => correlationOperator(5, [1, 2, 3, 4, 5, 6])).toThrow(/6-tap filter needs at least 6 samples/);
  });
});
