// SteerablePyramidFreq(256², height 4, order 3) forward and forward + backward on wasm, real and complex (the
// complex one is what Portilla-Simoncelli runs). plenoptic has no timing item for the pyramid alone, so the
// reference is the budget the issue sets: PS forward + backward ≤ ~130 ms leaves the pyramid ≤ 40 ms.
import { tf } from '../runtime/tf.js';
import { useBackend } from '../runtime/backend.js';
import { Rng, randUniform } from '../runtime/rng.js';
import { SteerablePyramidFreq } from '../models/pyramids/steerable.js';
import type { Bench, BenchResult } from './types.js';
import { bestOf } from './reference.js';

export const bench: Bench = {
  description: 'SteerablePyramidFreq 256², height 4, order 3 on wasm: forward and forward+backward (best of 7 runs)',
  async run(): Promise<BenchResult> {
    await useBackend('wasm');
    const x = randUniform([1, 1, 256, 256], new Rng(0)) as tf.Tensor4D;
    const lines: string[] = [];
    let complexFwdBwd = 0;
    for (const isComplex of [false, true]) {
      const pyr = new SteerablePyramidFreq([256, 256], { height: 4, order: 3, isComplex });
      const fwd = bestOf(() => tf.tidy(() => void pyr.tfjsForward(x).dataSync()), 7);
      const fwdBwd = bestOf(
        () => tf.tidy(() => void tf.grad((v: tf.Tensor) => tf.sum(tf.square(pyr.tfjsForward(v as tf.Tensor4D))))(x).dataSync()),
        7,
      );
      const coeffs = pyr.forwardPyramid(x);
      const recon = bestOf(() => tf.tidy(() => void pyr.reconPyr(coeffs).dataSync()), 7);
      const t = (x: { wall: number; cpu: number }) => `${x.wall.toFixed(1)} ms (cpu ${x.cpu.toFixed(1)} ms)`;
      lines.push(`    ${isComplex ? 'complex' : 'real'}: forward ${t(fwd)}, forward+backward ${t(fwdBwd)}, reconPyr ${t(recon)}`);
      if (isComplex) complexFwdBwd = fwdBwd.wall;
      tf.dispose([...coeffs.values()].flatMap((b) => (b instanceof tf.Tensor ? [b] : [b.re, b.im])));
      pyr.dispose();
    }
    x.dispose();
    console.log(lines.join('\n'));
    const budget = 0.04;
    return {
      name: 'steerable_pyramid_complex_forward_backward_256',
      ours_s: complexFwdBwd / 1000,
      reference_s: budget,
      reference: "the issue's budget for the pyramid inside PS (no plenoptic timing item exists for the pyramid alone)",
      ratio: complexFwdBwd / 1000 / budget,
      backend: 'wasm',
      notes: 'best of 7 runs after one warm-up (the machine is shared)',
    };
  },
};
