// The metrics against plenoptic 1.1.0's numbers (fixtures/metrics) and against a float64 oracle of SSIM's definition.
//
// Tolerances: the brief asks 1e-5 absolute, which is below the float32 error of the reference itself in two places.
// torch's float32 11×11 convolution puts ssim(einstein, curie) 1.14e-5 and its weighted version 1.93e-5 away from
// the float64 value (our values are within 3e-7 of float64, checked below), and its ssim map up to 1.8e-4 away
// (ours: 4e-5). Its normalized Laplacian levels are up to 1.07e-5 from float64 (ours: 7e-6). The tolerances below
// are those measured gaps plus margin; everything else is held to 1e-5.
import { beforeAll, expect, it } from 'vitest';
import { tf } from '../../../runtime/tf.js';
import { mse, msSsim, nlpd, normalizedLaplacianPyramid, ssim, ssimMap } from '../../../models/metrics/index.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { describeFixtures, fixtureTensor, readFixtureJson } from '../../helpers/fixtures.js';
import { expectClose } from '../../helpers/compare.js';

interface PairValues {
  mse: number;
  ssim: number;
  ssim_weighted: number;
  ssim_pad_reflect: number;
  ms_ssim: number;
  nlpd: number;
}

const tolerance: Record<keyof PairValues, number> = {
  mse: 1e-5,
  ssim: 2e-5,
  ssim_weighted: 3e-5,
  ssim_pad_reflect: 2e-5,
  ms_ssim: 1e-5,
  nlpd: 1e-5,
};

/** SSIM's definition (plenoptic's _ssim_parts, 'valid' 11×11 Gaussian window, σ = 1.5) in float64. */
function ssimFloat64(x: Float32Array, y: Float32Array, n: number): { map: Float64Array; mean: number; weighted: number } {
  const k = 11;
  const g = Array.from({ length: k }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5)));
  const total = g.reduce((a, b) => a + b, 0) ** 2;
  const m = n - k + 1;
  const map = new Float64Array(m * m);
  let sum = 0;
  let weightedSum = 0;
  let weightSum = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let mx = 0;
      let my = 0;
      let xx = 0;
      let yy = 0;
      let xy = 0;
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          const w = (g[a] * g[b]) / total;
          const p = x[(i + a) * n + j + b];
          const q = y[(i + a) * n + j + b];
          mx += w * p;
          my += w * q;
          xx += w * p * p;
          yy += w * q * q;
          xy += w * p * q;
        }
      }
      const s1 = xx - mx * mx;
      const s2 = yy - my * my;
      const s12 = xy - mx * my;
      const v = (((2 * mx * my + 1e-4) / (mx * mx + my * my + 1e-4)) * (2 * s12 + 9e-4)) / (s1 + s2 + 9e-4);
      const weight = Math.log((1 + s1 / 9e-4) * (1 + s2 / 9e-4));
      map[i * m + j] = v;
      sum += v;
      weightedSum += v * weight;
      weightSum += weight;
    }
  }
  return { map, mean: sum / (m * m), weighted: weightedSum / weightSum };
}

describeFixtures('metrics against plenoptic', () => {
  const json = readFixtureJson<Record<string, PairValues & { img1: string; img2: string }>>('metrics', 'metrics.json');
  let oracle: ReturnType<typeof ssimFloat64>;
  let einstein: Float32Array;
  let curie: Float32Array;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    einstein = (await fixtureTensor('images', 'einstein.npy').data()) as Float32Array;
    curie = (await fixtureTensor('images', 'curie.npy').data()) as Float32Array;
    oracle = ssimFloat64(einstein, curie, 256);
  });

  it("the float64 oracle sits where the reference's float32 error says it should", () => {
    const ref = json.einstein__curie;
    expect(Math.abs(oracle.mean - ref.ssim)).toBeLessThan(tolerance.ssim);
    expect(Math.abs(oracle.weighted - ref.ssim_weighted)).toBeLessThan(tolerance.ssim_weighted);
  });

  describeEachBackend('values', (backend) => {
    // The cpu backend is ~10× slower at 256²: it checks one pair, wasm all four.
    const pairs = Object.keys(json).filter((p) => backend === 'wasm' || p === 'einstein__einstein_noisy');
    for (const pair of pairs) {
      it(`${pair}: every value of metrics.json`, async () => {
        const ref = json[pair];
        const img1 = fixtureTensor(...(ref.img1.split('/') as [string, string])) as tf.Tensor4D;
        const img2 = fixtureTensor(...(ref.img2.split('/') as [string, string])) as tf.Tensor4D;
        const ours: PairValues = {
          mse: (await mse(img1, img2).data())[0],
          ssim: (await ssim(img1, img2).data())[0],
          ssim_weighted: (await ssim(img1, img2, { weighted: true }).data())[0],
          ssim_pad_reflect: (await ssim(img1, img2, { pad: 'reflect' }).data())[0],
          ms_ssim: (await msSsim(img1, img2).data())[0],
          nlpd: (await nlpd(img1, img2).data())[0],
        };
        for (const key of Object.keys(tolerance) as (keyof PairValues)[]) {
          expect(Math.abs(ours[key] - ref[key]), `${pair} ${key}: ours ${ours[key]}, plenoptic ${ref[key]}`).toBeLessThanOrEqual(tolerance[key]);
        }
      });
    }

    it.skipIf(backend === 'cpu')('SSIM of einstein/curie matches the float64 definition to 1e-6, map included', async () => {
      const img1 = tf.tensor4d(einstein, [1, 1, 256, 256]);
      const img2 = tf.tensor4d(curie, [1, 1, 256, 256]);
      expect(Math.abs((await ssim(img1, img2).data())[0] - oracle.mean)).toBeLessThan(1e-6);
      expect(Math.abs((await ssim(img1, img2, { weighted: true }).data())[0] - oracle.weighted)).toBeLessThan(1e-6);
      expectClose(await ssimMap(img1, img2).data(), oracle.map, { atol: 1e-4, label: 'map vs float64' });
    });

    it('the SSIM map of einstein / einstein_noisy', async () => {
      const ein = fixtureTensor('images', 'einstein.npy') as tf.Tensor4D;
      const noisy = fixtureTensor('images', 'einstein_noisy.npy') as tf.Tensor4D;
      const map = ssimMap(ein, noisy);
      expect(map.shape).toEqual([1, 1, 246, 246]);
      const ref = fixtureTensor('metrics', 'ssim_map__einstein__einstein_noisy.npy');
      expectClose(await map.data(), await ref.data(), { atol: 2.5e-4, label: 'ssim map' });
      expect(Math.abs((await tf.mean(map).data())[0] - json.einstein__einstein_noisy.ssim)).toBeLessThan(tolerance.ssim);
    });

    it('the six normalized Laplacian levels of einstein', async () => {
      const levels = normalizedLaplacianPyramid(fixtureTensor('images', 'einstein.npy') as tf.Tensor4D);
      expect(levels.map((l) => l.shape[2])).toEqual([256, 128, 64, 32, 16, 8]);
      for (let i = 0; i < 6; i++) {
        const ref = fixtureTensor('metrics', `nlp_einstein_level${i}.npy`);
        expectClose(await levels[i].data(), await ref.data(), { atol: 2e-5, label: `level ${i}` });
      }
    });

    it('the four gradients with respect to img2, within 1e-3 of their max', async () => {
      const ein = fixtureTensor('images', 'einstein.npy') as tf.Tensor4D;
      const noisy = fixtureTensor('images', 'einstein_noisy.npy') as tf.Tensor4D;
      const fns = { mse, ssim: (a, b) => ssim(a, b), ms_ssim: (a, b) => msSsim(a, b), nlpd } satisfies Record<
        string,
        (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor
      >;
      for (const [name, fn] of Object.entries(fns)) {
        const grad = tf.grad((b: tf.Tensor) => tf.sum(fn(ein, b as tf.Tensor4D)))(noisy);
        const ref = fixtureTensor('metrics', `grad_${name}__einstein__einstein_noisy.npy`);
        expectClose(await grad.data(), await ref.data(), { rtolOfMax: 1e-3, label: `grad ${name}` });
      }
    });
  });
});
