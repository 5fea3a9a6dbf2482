import { expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Rng, randUniform } from '../../runtime/rng.js';
import { LinearNonlinear, LuminanceContrastGainControl, LuminanceGainControl, OnOff } from '../../models/frontend.js';
import { CenterSurround } from '../../models/naive.js';
import { makeDisk } from '../../images/procedural.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/compare.js';

describeEachBackend('front-end models', () => {
  it('LinearNonlinear is softplus of its center-surround filter', async () => {
    const x = randUniform([2, 1, 16, 16], new Rng(1)) as tf.Tensor4D;
    const model = new LinearNonlinear([7, 7], { onCenter: false });
    const linear = await new CenterSurround([7, 7], { onCenter: false }).forward(x);
    expectClose(await (await model.forward(x)).data(), await tf.softplus(linear).data(), { atol: 1e-6 });
  });

  it('a uniform image gives softplus(0) = ln 2 everywhere (the filters sum to ~0)', async () => {
    const flat = tf.fill([1, 1, 24, 24], 0.6) as tf.Tensor4D;
    for (const model of [new LuminanceGainControl([7, 7]), new LuminanceContrastGainControl([7, 7]), new OnOff([7, 7])]) {
      const y = await model.forward(flat);
      expectClose(await y.data(), new Float32Array(y.size).fill(Math.LN2), { atol: 1e-6, label: model.name });
    }
  });

  it('without pretrained, the gain-control scalars are uniform in [0, 10) from the seeded generator', () => {
    const a = new OnOff([7, 7], { rng: new Rng(5) });
    const b = new OnOff([7, 7], { rng: new Rng(5) });
    expect(a.luminanceScalar).toEqual(b.luminanceScalar);
    expect(a.contrastScalar).toEqual(b.contrastScalar);
    for (const s of [...a.luminanceScalar!, ...a.contrastScalar!]) expect(s >= 0 && s < 10).toBe(true);
    expect(new LuminanceGainControl([7, 7], { rng: new Rng(6) }).luminanceScalar).not.toEqual(a.luminanceScalar!.slice(0, 1));
  });

  it('OnOff applyMask multiplies by make_disk: the corners go to 0, the centre is unchanged', async () => {
    const x = randUniform([1, 1, 48, 48], new Rng(2)) as tf.Tensor4D;
    const plain = await new OnOff([31, 31], { pretrained: true }).forward(x);
    const masked = await new OnOff([31, 31], { pretrained: true, applyMask: true }).forward(x);
    const disk = tf.tensor4d(makeDisk(48), [1, 1, 48, 48]);
    expectClose(await masked.data(), await tf.mul(plain, disk).data(), { atol: 1e-7 });
    const m = await masked.data();
    expect(m[0]).toBe(0);
    expect(m[24 * 48 + 24]).toBe((await plain.data())[24 * 48 + 24]);
  });

  it("lists its filters with plenoptic's display titles", async () => {
    const filters = new OnOff([9, 9], { pretrained: false }).filters();
    expect(filters.map((f) => f.title)).toEqual([
      'linear filt on',
      'linear filt off',
      'luminance filt on',
      'luminance filt off',
      'contrast filt on',
      'contrast filt off',
    ]);
    expect(filters[0].filt.shape).toEqual([1, 1, 9, 9]);
    // the off-center filter is the negated on-center one (same default stds)
    expectClose(await filters[1].filt.data(), await tf.neg(filters[0].filt).data(), { atol: 1e-7 });
    expect(new LuminanceGainControl([9, 9]).filters().map((f) => f.title)).toEqual(['linear filt', 'luminance filt']);
  });

  it('rejects bad inputs and options, naming the fix', async () => {
    for (const model of [new LinearNonlinear([7, 7]), new LuminanceGainControl([7, 7]), new LuminanceContrastGainControl([7, 7]), new OnOff([7, 7])]) {
      await expect(model.forward(tf.zeros([1, 16, 16]) as tf.Tensor4D), model.name).rejects.toThrow(/4-D image batch/);
      await expect(model.forward(tf.zeros([1, 3, 16, 16]) as tf.Tensor4D), model.name).rejects.toThrow(/needs 1 input channel, but got 3/);
    }
    expect(() => new OnOff([7, 7], { pretrained: true })).toThrow(/pretrained model has kernel_size \(31, 31\)/);
    expect(() => new LinearNonlinear(31, { pretrained: true })).not.toThrow();
  });
});

describeEachBackend('front-end Jacobian products', () => {
  it('OnOff jvp matches a central finite difference, and <jvp(t), c> = <t, vjp(c)>', async () => {
    const model = new OnOff([7, 7], { rng: new Rng(8) });
    const x = randUniform([1, 1, 16, 16], new Rng(9)) as tf.Tensor4D;
    const t = randUniform([1, 1, 16, 16], new Rng(10)) as tf.Tensor4D;
    const c = randUniform([1, 2, 16, 16], new Rng(11));
    const jvp = await model.jvp(x, t);
    const eps = 1e-2;
    const plus = await model.forward(tf.add(x, tf.mul(t, eps)) as tf.Tensor4D);
    const minus = await model.forward(tf.sub(x, tf.mul(t, eps)) as tf.Tensor4D);
    const finiteDifference = tf.div(tf.sub(plus, minus), 2 * eps);
    expectClose(await jvp.data(), await finiteDifference.data(), { rtolOfMax: 1e-2, label: 'jvp vs finite difference' });
    const vjp = await model.vjp(x, c);
    const lhs = await tf.sum(tf.mul(jvp, c)).data();
    const rhs = await tf.sum(tf.mul(vjp, t)).data();
    expectClose(lhs, rhs, { rtolOfMax: 1e-4, label: 'adjoint identity' });
  });
});
