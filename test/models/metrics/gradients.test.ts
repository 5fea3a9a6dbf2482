// The hand-written gradients of ssim, msSsim and nlpd against tfjs autodiff through independent formulations, with
// respect to both images, for the options the fixtures do not cover (weighted, padded, broadcast, odd sizes).
import { expect, it } from 'vitest';
import { tf } from '../../../runtime/tf.js';
import { jvpByDoubleVjp } from '../../../runtime/model.js';
import { Rng, randUniform } from '../../../runtime/rng.js';
import { captureWarnings } from '../../../runtime/warnings.js';
import { msSsim, NLP, nlpd, normalizedLaplacianPyramid, ssim } from '../../../models/metrics/index.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { expectClose } from '../../helpers/compare.js';

type Pad = false | 'reflect' | 'constant' | 'circular';

/** Pads the last two axes of NCHW x by 5 in torch's modes, with slices and concatenations only. */
function pad5(x: tf.Tensor4D, mode: Exclude<Pad, false>): tf.Tensor4D {
  const padAxis = (t: tf.Tensor4D, axis: 2 | 3): tf.Tensor4D => {
    const n = t.shape[axis];
    const part = (start: number, size: number) => {
      const begin = [0, 0, 0, 0];
      const sizes = [...t.shape];
      begin[axis] = start;
      sizes[axis] = size;
      return tf.slice(t, begin, sizes);
    };
    let before: tf.Tensor;
    let after: tf.Tensor;
    if (mode === 'reflect') {
      before = tf.reverse(part(1, 5), axis);
      after = tf.reverse(part(n - 6, 5), axis);
    } else if (mode === 'circular') {
      before = part(n - 5, 5);
      after = part(0, 5);
    } else {
      before = tf.zerosLike(part(0, 5));
      after = tf.zerosLike(part(0, 5));
    }
    return tf.concat([before, t, after], axis) as tf.Tensor4D;
  };
  return padAxis(padAxis(x, 2), 3);
}

/** SSIM straight from its definition with a 2-D 11×11 window and conv2d, per (batch, channel): [B, C]. */
function ssimByConvolution(x: tf.Tensor4D, y: tf.Tensor4D, weighted: boolean, pad: Pad): tf.Tensor {
  const g = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / 4.5));
  const total = g.reduce((a, b) => a + b, 0) ** 2;
  const window = tf.tensor4d(g.flatMap((a) => g.map((b) => (a * b) / total)), [11, 11, 1, 1]);
  const [xp, yp] = pad === false ? [x, y] : [pad5(x, pad), pad5(y, pad)];
  const average = (t: tf.Tensor4D) => {
    const [b, c, h, w] = t.shape;
    const out = tf.conv2d(tf.reshape(t, [b * c, h, w, 1]) as tf.Tensor4D, window, 1, 'valid');
    return tf.reshape(out, [b, c, out.shape[1], out.shape[2]]);
  };
  const mu1 = average(xp);
  const mu2 = average(yp);
  const s1 = tf.sub(average(tf.mul(xp, xp) as tf.Tensor4D), tf.square(mu1));
  const s2 = tf.sub(average(tf.mul(yp, yp) as tf.Tensor4D), tf.square(mu2));
  const s12 = tf.sub(average(tf.mul(xp, yp) as tf.Tensor4D), tf.mul(mu1, mu2));
  const l = tf.div(tf.add(tf.mul(tf.mul(mu1, mu2), 2), 1e-4), tf.add(tf.add(tf.square(mu1), tf.square(mu2)), 1e-4));
  const cs = tf.div(tf.add(tf.mul(s12, 2), 9e-4), tf.add(tf.add(s1, s2), 9e-4));
  const map = tf.mul(l, cs);
  if (!weighted) return tf.mean(map, [2, 3]);
  const weight = tf.log(tf.mul(tf.add(tf.div(s1, 9e-4), 1), tf.add(tf.div(s2, 9e-4), 1)));
  return tf.div(tf.sum(tf.mul(map, weight), [2, 3]), tf.sum(weight, [2, 3]));
}

async function gradientsOf(fn: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor, a: tf.Tensor4D, b: tf.Tensor4D) {
  const weights = randUniform(fn(a, b).shape, new Rng(99));
  const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(fn(x as tf.Tensor4D, y as tf.Tensor4D), weights)))([a, b]);
  return { ga: await ga.data(), gb: await gb.data() };
}

async function expectSameGradients(
  ours: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor,
  reference: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor,
  a: tf.Tensor4D,
  b: tf.Tensor4D,
  label: string,
  valueTolerance = 2e-6,
): Promise<void> {
  expectClose(await ours(a, b).data(), await reference(a, b).data(), { atol: valueTolerance, label: `${label} value` });
  const mine = await gradientsOf(ours, a, b);
  const theirs = await gradientsOf(reference, a, b);
  expectClose(mine.ga, theirs.ga, { rtolOfMax: 2e-4, label: `${label} ∂img1` });
  expectClose(mine.gb, theirs.gb, { rtolOfMax: 2e-4, label: `${label} ∂img2` });
}

describeEachBackend('hand-written metric gradients', (backend) => {
  it('ssim, for every weighting and padding, with respect to both images', async () => {
    const rng = new Rng(21);
    const a = randUniform([2, 1, 24, 21], rng) as tf.Tensor4D;
    const b = tf.clipByValue(tf.add(a, tf.mul(randUniform([2, 1, 24, 21], rng), 0.3)), 0, 1) as tf.Tensor4D;
    for (const weighted of [false, true]) {
      for (const pad of [false, 'reflect', 'constant', 'circular'] as Pad[]) {
        await expectSameGradients(
          (x, y) => ssim(x, y, { weighted, pad }),
          (x, y) => ssimByConvolution(x, y, weighted, pad),
          a,
          b,
          `weighted=${weighted} pad=${pad}`,
        );
      }
    }
  });

  // the cpu backend keeps to dense products; wasm switches to blocked convolutions from 64 samples
  it.skipIf(backend === 'cpu')('ssim on images long enough for the blocked products, and broadcast over batch', async () => {
    const rng = new Rng(22);
    const a = randUniform([1, 1, 80, 96], rng) as tf.Tensor4D;
    const b = randUniform([3, 1, 80, 96], rng) as tf.Tensor4D;
    await expectSameGradients((x, y) => ssim(x, y), (x, y) => ssimByConvolution(x, y, false, false), a, b, 'broadcast');
  });

  it('msSsim: the product of clamped powers of the contrast-structure means', async () => {
    const rng = new Rng(23);
    const a = randUniform([1, 2, 47, 50], rng) as tf.Tensor4D;
    const b = tf.clipByValue(tf.add(a, tf.mul(randUniform([1, 2, 47, 50], rng), 0.2)), 0, 1) as tf.Tensor4D;
    const powerFactors = [0.3, 0.3, 0.4];
    // two scales by hand: avg-pool with replicate padding of the odd side, then SSIM of the last scale
    const halve = (t: tf.Tensor4D) => {
      const lastAlong = (u: tf.Tensor4D, axis: 2 | 3) => {
        const begin = [0, 0, 0, 0];
        const size = [...u.shape];
        begin[axis] = u.shape[axis] - 1;
        size[axis] = 1;
        return u.shape[axis] % 2 ? (tf.concat([u, tf.slice(u, begin, size)], axis) as tf.Tensor4D) : u;
      };
      const padded = lastAlong(lastAlong(t, 2), 3);
      const nhwc = tf.transpose(padded, [0, 2, 3, 1]) as tf.Tensor4D;
      return tf.transpose(tf.avgPool(nhwc, 2, 2, 'valid'), [0, 3, 1, 2]) as tf.Tensor4D;
    };
    const csMean = (x: tf.Tensor4D, y: tf.Tensor4D) => {
      const g = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / 4.5));
      const total = g.reduce((p, q) => p + q, 0) ** 2;
      const window = tf.tensor4d(g.flatMap((p) => g.map((q) => (p * q) / total)), [11, 11, 1, 1]);
      const [bb, c, h, w] = x.shape;
      const avg = (t: tf.Tensor) => tf.conv2d(tf.reshape(t, [bb * c, h, w, 1]) as tf.Tensor4D, window, 1, 'valid');
      const m1 = avg(x);
      const m2 = avg(y);
      const s1 = tf.sub(avg(tf.mul(x, x)), tf.square(m1));
      const s2 = tf.sub(avg(tf.mul(y, y)), tf.square(m2));
      const s12 = tf.sub(avg(tf.mul(x, y)), tf.mul(m1, m2));
      const cs = tf.div(tf.add(tf.mul(s12, 2), 9e-4), tf.add(tf.add(s1, s2), 9e-4));
      return tf.reshape(tf.mean(cs, [1, 2, 3]), [bb, c]);
    };
    const reference = (x: tf.Tensor4D, y: tf.Tensor4D) => {
      const x1 = halve(x);
      const y1 = halve(y);
      const x2 = halve(x1);
      const y2 = halve(y1);
      const terms = [csMean(x, y), csMean(x1, y1), ssimByConvolution(x2, y2, false, false)];
      return terms.map((t, i) => tf.pow(tf.relu(t), powerFactors[i])).reduce((p, q) => tf.mul(p, q));
    };
    // float32 differences of the three means (~2e-6 each) grow through the powers
    // (the coarsest scale, 12×13, warns that the window is 11 wide)
    await captureWarnings(() => expectSameGradients((x, y) => msSsim(x, y, { powerFactors }), reference, a, b, 'ms-ssim', 2e-5));
  });

  /** NLPD from its definition, on the tfjs-op pyramid that tfjs differentiates: [B, C]. */
  const nlpdByPyramid = (x: tf.Tensor4D, y: tf.Tensor4D) => {
    const lx = normalizedLaplacianPyramid(x);
    const ly = normalizedLaplacianPyramid(y);
    const distances = lx.map((l, k) => tf.sqrt(tf.add(tf.mean(tf.squaredDifference(l, ly[k]), [2, 3]), 1e-10)));
    return tf.div(tf.addN(distances), 6);
  };

  it('nlpd, against autodiff through the normalized Laplacian pyramid', async () => {
    const rng = new Rng(24);
    const a = randUniform([2, 1, 70, 37], rng) as tf.Tensor4D;
    const b = tf.clipByValue(tf.add(a, tf.mul(randUniform([2, 1, 70, 37], rng), 0.2)), 0, 1) as tf.Tensor4D;
    await expectSameGradients(nlpd, nlpdByPyramid, a, b, 'nlpd');
    expect(nlpd(a, b).shape).toEqual([2, 1]);
  });

  it('nlpd as a function of one image: jvp by double vjp against autodiff through the pyramid', async () => {
    const rng = new Rng(26);
    const a = randUniform([2, 1, 40, 45], rng) as tf.Tensor4D;
    const b = tf.clipByValue(tf.add(a, tf.mul(randUniform([2, 1, 40, 45], rng), 0.2)), 0, 1) as tf.Tensor4D;
    const v = randUniform(b.shape, rng) as tf.Tensor4D;
    const ours = jvpByDoubleVjp((t) => nlpd(a, t), b, v);
    const reference = jvpByDoubleVjp((t) => nlpdByPyramid(a, t), b, v);
    expectClose(await ours.data(), await reference.data(), { rtolOfMax: 1e-4, label: 'jvp' });
  });

  it('the NLP model: vjp and jvp (double vjp) against autodiff through the normalized Laplacian pyramid', async () => {
    const rng = new Rng(25);
    const x = randUniform([1, 1, 66, 80], rng) as tf.Tensor4D;
    const model = new NLP();
    const flat = (t: tf.Tensor4D) => tf.concat(normalizedLaplacianPyramid(t).map((l) => tf.reshape(l, [-1])));
    const out = await model.forward(x);
    expectClose(await out.data(), await flat(x).data(), { rtolOfMax: 2e-6, label: 'forward' });
    const u = randUniform(out.shape, rng);
    const reference = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(flat(t as tf.Tensor4D), tf.reshape(u, [-1]))))(x);
    expectClose(await (await model.vjp(x, u)).data(), await reference.data(), { rtolOfMax: 1e-4, label: 'vjp' });
    const v = randUniform(x.shape, rng) as tf.Tensor4D;
    const jvpReference = jvpByDoubleVjp(flat, x, v);
    expectClose(await (await model.jvp(x, v)).data(), await jvpReference.data(), { rtolOfMax: 1e-4, label: 'jvp' });
  });
});
