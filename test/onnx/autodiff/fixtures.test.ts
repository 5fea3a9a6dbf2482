// The PyTorch-exported fixture networks through the generated vjp / jvp graphs on onnxruntime (OrtModel): input
// gradients against PyTorch's grad_input, ⟨J v, u⟩ = ⟨v, Jᵀ u⟩, agreement with the tfjs interpreter (on wasm, where
// it is fast enough), batch 2, and flat tensor counts over a long vjp loop.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrtModel } from '../../../onnx/autodiff/ort-model.js';
import { decodeModel } from '../../../onnx/decode.js';
import { InterpretedModel } from '../../../onnx/interpreter/model.js';
import { pruneToOutputs, withGraph, type OnnxModelIR } from '../../../onnx/ir.js';
import { useBackend } from '../../../runtime/backend.js';
import { Rng } from '../../../runtime/rng.js';
import { tf } from '../../../runtime/tf.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { expectClose, maxAbs } from '../../helpers/compare.js';
import { describeFixtures, fixturePath, fixtureTensor } from '../../helpers/fixtures.js';

const TINY = ['tiny_mixed_opset11', 'tiny_mixed', 'tiny_mixed_opset17'];
const NETS = ['vgg16_features10', 'resnet18_layer1'];
/** TinyMixed's last value that depends on the image (its classifier reads spatial means of it, which are 0). */
const TINY_INNER = '/Div_output_0';

const fixtureModel = (name: string): OnnxModelIR => decodeModel(readFileSync(fixturePath('onnx', `${name}.onnx`)), name);
const tapped = (model: OnnxModelIR, value: string): OnnxModelIR => withGraph(model, pruneToOutputs(model.graph, [value]));
const input = (name: string, suffix = 'input') => fixtureTensor('onnx', `${name}.${suffix}.npy`) as tf.Tensor4D;

async function dot(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [da, db] = [await a.data(), await b.data()];
  let s = 0;
  for (let i = 0; i < da.length; i++) s += da[i] * db[i];
  return s;
}

async function norm(a: tf.Tensor): Promise<number> {
  return Math.sqrt(await dot(a, a));
}

/** |⟨J v, u⟩ - ⟨v, Jᵀ u⟩| relative to the Cauchy-Schwarz bound of both sides. */
async function adjointGap(model: OrtModel, x: tf.Tensor4D, seed: number): Promise<number> {
  const rng = new Rng(seed);
  const y = await model.forward(x);
  const v = tf.tensor4d(rng.normalArray(x.size), x.shape);
  const u = tf.tensor(rng.normalArray(y.size), y.shape);
  const jv = await model.jvp(x, v);
  const jtu = await model.vjp(x, u);
  const gap = Math.abs((await dot(jv, u)) - (await dot(v, jtu))) / ((await norm(jv)) * (await norm(u)) + (await norm(v)) * (await norm(jtu)));
  tf.dispose([y, v, u, jv, jtu]);
  return gap;
}

/**
 * Pixels whose gradient legitimately differs between the two executors: those reaching a Relu whose input lies so
 * close to 0 that the two float32 implementations put it on different sides of the kink. Found as the support of
 * the input gradient of each such unit (one unit deep in a network reaches thousands of pixels).
 */
async function kinkFlippedPixels(graph: OnnxModelIR, x: tf.Tensor4D): Promise<{ mask: Uint8Array; flipped: number }> {
  const mask = new Uint8Array(x.size);
  let flipped = 0;
  for (const node of graph.graph.nodes.filter((n) => n.opType === 'Relu')) {
    const preGraph = tapped(graph, node.inputs[0]);
    const tap = await OrtModel.create('relu input', preGraph, { executionProvider: 'cpu' });
    const reference = new InterpretedModel('relu input', preGraph, node.inputs[0]);
    const [ours, theirs] = [await tap.forward(x), await reference.forward(x)];
    const [a, b] = [await ours.data(), await theirs.data()];
    for (let i = 0; i < a.length; i++) {
      if (a[i] > 0 === b[i] > 0) continue;
      // A genuine rounding-level disagreement: both values within float32 noise of 0.
      expect(Math.max(Math.abs(a[i]), Math.abs(b[i])), `${node.name} unit ${i}: ${a[i]} vs ${b[i]}`).toBeLessThan(1e-6 * maxAbs(a));
      flipped++;
      const oneHot = new Float32Array(a.length);
      oneHot[i] = 1;
      const unit = tf.tensor(oneHot, ours.shape);
      const support = await tap.vjp(x, unit);
      (await support.data()).forEach((g, k) => {
        if (g !== 0) mask[k] = 1;
      });
      tf.dispose([unit, support]);
    }
    tf.dispose([ours, theirs]);
    tap.dispose();
    reference.dispose();
  }
  return { mask, flipped };
}

describeFixtures('generated gradient graphs on the ONNX fixtures', () => {
  describeEachBackend('against PyTorch', () => {
    for (const name of NETS) {
      it(`${name}: vjp of 0.5·sum(out²) matches grad_input, ⟨Jv, u⟩ = ⟨v, Jᵀu⟩`, async () => {
        const model = await OrtModel.create(name, fixtureModel(name), { executionProvider: 'cpu' });
        const x = input(name);
        const y = await model.forward(x);
        const grad = await model.vjp(x, y);
        const expected = fixtureTensor('onnx', `${name}.grad_input.npy`);
        expect(grad.shape).toEqual(expected.shape);
        expectClose(await grad.data(), await expected.data(), { rtolOfMax: 1e-3, label: `${name} grad_input` });
        expect(await adjointGap(model, x, 3)).toBeLessThan(1e-5);
        tf.dispose([x, y, grad, expected]);
        model.dispose();
      });
    }

    for (const name of TINY) {
      it(`${name}: the output does not depend on the image, so the vjp is rounding noise as PyTorch's is`, async () => {
        const model = await OrtModel.create(name, fixtureModel(name), { executionProvider: 'cpu' });
        const x = input(name);
        const y = await model.forward(x);
        const grad = await model.vjp(x, y);
        expect(maxAbs(await fixtureTensor('onnx', `${name}.grad_input.npy`).data())).toBeLessThan(1e-12);
        expect(maxAbs(await grad.data())).toBeLessThan(1e-9);
        tf.dispose([x, y, grad]);
        model.dispose();
      });
    }
  });

  describe('against the tfjs interpreter [wasm]', () => {
    beforeAll(async () => {
      await useBackend('wasm');
    });

    const cases = [...TINY.map((name) => ({ name, value: TINY_INNER })), ...NETS.map((name) => ({ name, value: '' }))];
    for (const { name, value } of cases) {
      it(`${name}${value ? ` at ${value}` : ''}: vjp and jvp, batch 1 and 2`, async () => {
        const full = fixtureModel(name);
        const graph = value ? tapped(full, value) : full;
        const model = await OrtModel.create(name, graph, { executionProvider: 'cpu' });
        const reference = new InterpretedModel(name, graph, graph.graph.outputs[0].name);
        for (const suffix of ['input', 'input_b2']) {
          const x = input(name, suffix);
          const rng = new Rng(7);
          const y = await model.forward(x);
          const u = tf.tensor(rng.normalArray(y.size), y.shape);
          const [ours, theirs] = [await model.vjp(x, u), await reference.vjp(x, u)];
          const kinks = await kinkFlippedPixels(graph, x);
          expect(kinks.flipped).toBeLessThanOrEqual(3);
          const kept = (a: ArrayLike<number>) => Array.from(a).filter((_, i) => !kinks.mask[i]);
          expectClose(kept(await ours.data()), kept(await theirs.data()), { rtolOfMax: 1e-4, label: `${name} ${suffix} vjp` });
          // A tangent that vanishes where a flipped unit reads the image passes no flipped unit: J v must agree.
          const v = tf.tensor4d(rng.normalArray(x.size).map((t, i) => (kinks.mask[i] ? 0 : t)), x.shape);
          const [oursJ, theirsJ] = [await model.jvp(x, v), await reference.jvp(x, v)];
          expect(oursJ.shape).toEqual(theirsJ.shape);
          expectClose(await oursJ.data(), await theirsJ.data(), { rtolOfMax: 1e-4, label: `${name} ${suffix} jvp` });
          if (value) expect(await adjointGap(model, x, 5)).toBeLessThan(1e-5);
          tf.dispose([x, y, u, v, ours, theirs, oursJ, theirsJ]);
        }
        model.dispose();
        reference.dispose();
      });
    }
  });

  describe('memory', () => {
    let model: OrtModel;
    beforeAll(async () => {
      await useBackend('wasm');
      model = await OrtModel.create('tiny', tapped(fixtureModel('tiny_mixed'), TINY_INNER), { executionProvider: 'cpu' });
    });
    afterAll(() => model.dispose());

    it('a 1,000-call vjp loop keeps the tensor count flat', async () => {
      const x = input('tiny_mixed');
      const y = await model.forward(x);
      (await model.vjp(x, y)).dispose();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 1000; i++) (await model.vjp(x, y)).dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, y]);
    });
  });
});
