import { expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { builtinModels, createModel } from '../../models/registry.js';
import { Gaussian } from '../../models/naive.js';
import { OnOff } from '../../models/frontend.js';
import { describeEachBackend } from '../helpers/backends.js';

const expectedChannels: Record<string, number> = { linear: 2, 'on-off': 2 };

describeEachBackend('model registry', () => {
  it('builds every built-in model from camelCase JSON options', async () => {
    const x = tf.randomUniform([1, 1, 20, 20], 0, 1, 'float32', 1) as tf.Tensor4D;
    // models that take an image shape instead of a kernel, with the representation size they give
    const shaped: Record<string, { options: object; input: number; outputRank: number }> = {
      'steerable-pyramid': { options: { imageShape: [32, 32], height: 2 }, input: 32, outputRank: 3 },
      'laplacian-pyramid': { options: { nScales: 2 }, input: 32, outputRank: 3 },
      'portilla-simoncelli': { options: { imageShape: [64, 64], nScales: 2, spatialCorrWidth: 5 }, input: 64, outputRank: 3 },
    };
    for (const name of Object.keys(builtinModels)) {
      if (shaped[name]) {
        const { options, input, outputRank } = shaped[name];
        const y = await createModel(name, JSON.parse(JSON.stringify(options))).forward(tf.randomUniform([1, 1, input, input], 0, 1, 'float32', 2) as tf.Tensor4D);
        expect(y.rank, name).toBe(outputRank);
        continue;
      }
      const options = name === 'identity' || name === 'linear' ? {} : JSON.parse('{"kernelSize": [7, 7], "cacheFilt": true}');
      if (name === 'identity') options.name = 'id';
      const model = createModel(name, options);
      const y = await model.forward(x);
      expect(y.shape, name).toEqual([1, expectedChannels[name] ?? 1, 20, 20]);
    }
  });

  it('passes the options through', () => {
    const g = createModel('gaussian', JSON.parse('{"kernelSize":[31,31],"std":[2,4],"outChannels":2,"padMode":"circular"}')) as Gaussian;
    expect([g.kernelSize, g.std, g.padMode]).toEqual([[31, 31], [2, 4], 'circular']);
    const onOff = createModel('on-off', JSON.parse('{"kernelSize":31,"pretrained":true,"applyMask":true}')) as OnOff;
    expect([onOff.pretrained, onOff.applyMask, onOff.luminanceScalar]).toEqual([true, true, [3.2637, 14.3961]]);
  });

  it('names the known models, options and required kernelSize when something is wrong', () => {
    expect(() => createModel('vgg', {})).toThrow(
      /Unknown model 'vgg'. Known models: identity, linear, gaussian, center-surround, linear-nonlinear, luminance-gain-control, luminance-contrast-gain-control, on-off/,
    );
    expect(() => createModel('gaussian', { kernelSize: [3, 3], sigma: 2 })).toThrow(/Unknown option 'sigma' for model 'gaussian'. Known options: kernelSize, std/);
    expect(() => createModel('on-off', { pretrained: true })).toThrow(/needs the option kernelSize/);
    expect(() => createModel('gaussian', [] as unknown as object as Record<string, unknown>)).toThrow(/must be a JSON object/);
  });
});
