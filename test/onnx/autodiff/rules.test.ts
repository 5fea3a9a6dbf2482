// Every gradient rule against the tfjs interpreter (the reference): the generated vjp and jvp graphs, run on
// onnxruntime, must agree with tfjs autodiff of the interpreted graph, with each other (⟨J d, r⟩ = ⟨d, Jᵀ r⟩), and
// with their split form (forward graph with hoisted masks + product-only graphs).
import { beforeAll, describe, expect, it } from 'vitest';
import { attr, makeNode } from '../../../onnx/attributes.js';
import { buildJvpModel, buildVjpModel, nodesWithoutGradient, type ProductModel } from '../../../onnx/autodiff/driver.js';
import { gradientRules } from '../../../onnx/autodiff/registry.js';
import { OrtModel } from '../../../onnx/autodiff/ort-model.js';
import { GradientRuleError } from '../../../onnx/autodiff/rule.js';
import { encodeModel } from '../../../onnx/encode.js';
import { InterpretedModel } from '../../../onnx/interpreter/model.js';
import { kernels } from '../../../onnx/interpreter/registry.js';
import { useBackend } from '../../../runtime/backend.js';
import { createOrtSession } from '../../../runtime/onnxruntime.js';
import { Rng } from '../../../runtime/rng.js';
import { tf } from '../../../runtime/tf.js';
import { expectClose } from '../../helpers/compare.js';
import { buildModel, randomTensor } from '../graph-builder.js';
import { ruleCases } from './rule-cases.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));

async function runProduct(product: ProductModel, x: Float32Array, shape: number[], v: Float32Array, vShape: number[]): Promise<Float32Array> {
  const session = await createOrtSession(encodeModel(product.model), { executionProvider: 'cpu', intraOpNumThreads: 1 });
  try {
    const out = await session.run({ [product.input]: { data: x, dims: shape }, [product.vector]: { data: v, dims: vShape } });
    return out[product.output].data;
  } finally {
    await session.release();
  }
}

describe('gradient rules', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('cover every op the interpreter runs', () => {
    expect(Object.keys(kernels).filter((op) => !(op in gradientRules))).toEqual([]);
  });

  for (const [k, c] of ruleCases.entries()) {
    it(c.label, async () => {
      const rng = new Rng(500 + k);
      const size = c.inputShape.reduce((a, b) => a * b, 1);
      const x = rng.normalArray(size).map((v) => v + (c.shift ?? 0));
      const output = c.model.graph.outputs[0].name;
      const vjp = buildVjpModel(c.model, output, c.inputShape);
      const jvp = buildJvpModel(c.model, output, c.inputShape);
      const outShape = vjp.outputShape;
      const r = rng.normalArray(outShape.reduce((a, b) => a * b, 1));
      const d = rng.normalArray(size);

      const grad = await runProduct(vjp, x, c.inputShape, r, outShape);
      const tangent = await runProduct(jvp, x, c.inputShape, d, c.inputShape);

      const reference = new InterpretedModel(c.label, c.model, output);
      const xt = tf.tensor4d(x, c.inputShape as [number, number, number, number]);
      const rt = tf.tensor(r, outShape);
      const dt = tf.tensor4d(d, c.inputShape as [number, number, number, number]);
      if (c.byDifferences) {
        const along = async (sign: number) => {
          const moved = tf.tensor4d(x.map((v, i) => v + sign * d[i]), c.inputShape as [number, number, number, number]);
          const y = await reference.forward(moved);
          const values = (await y.data()) as Float32Array;
          tf.dispose([moved, y]);
          return values;
        };
        const [plus, minus] = [await along(1), await along(-1)];
        const difference = plus.map((p, i) => (p - minus[i]) / 2);
        expectClose(tangent, difference, { atol: 1e-4, rtolOfMax: 1e-4, label: `${c.label} jvp` });
        expect(Math.abs(dot(grad, d) - dot(difference, r)) / (norm(grad) * norm(d))).toBeLessThan(1e-5);
      } else {
        const refGrad = await reference.vjp(xt, rt);
        const refTangent = await reference.jvp(xt, dt);
        expectClose(grad, await refGrad.data(), { atol: 1e-5, rtolOfMax: 1e-4, label: `${c.label} vjp` });
        expect(refTangent.shape).toEqual(outShape);
        expectClose(tangent, await refTangent.data(), { atol: 1e-5, rtolOfMax: 1e-4, label: `${c.label} jvp` });
        tf.dispose([refGrad, refTangent]);
      }
      const gap = Math.abs(dot(tangent, r) - dot(d, grad)) / (norm(tangent) * norm(r) + norm(d) * norm(grad));
      expect(gap, `${c.label}: ⟨Jd, r⟩ ${dot(tangent, r)} vs ⟨d, Jᵀr⟩ ${dot(d, grad)}`).toBeLessThan(1e-6);

      // The split form: the executor's second product at an image keeps the linearization, the third reads it.
      const model = await OrtModel.create(c.label, c.model, { executionProvider: 'cpu' });
      (await model.vjp(xt, rt)).dispose();
      const split = [await model.jvp(xt, dt), await model.vjp(xt, rt)];
      expectClose(await split[0].data(), tangent, { atol: 1e-6, rtolOfMax: 1e-5, label: `${c.label} jvp from the linearization` });
      expectClose(await split[1].data(), grad, { atol: 1e-6, rtolOfMax: 1e-5, label: `${c.label} vjp from the linearization` });
      model.dispose();
      tf.dispose([xt, rt, dt, ...split]);
      reference.dispose();
    });
  }

  it('names the op and the node it cannot differentiate', () => {
    const model = buildModel({ inputShape: [1, 2, 3, 3], nodes: [makeNode('Relu', ['x'], ['r']), makeNode('Sin', ['r'], ['y'], {}, 'the_sine')] });
    expect(nodesWithoutGradient(model).map((n) => n.name)).toEqual(['the_sine']);
    expect(() => buildVjpModel(model, 'y', [1, 2, 3, 3])).toThrow(GradientRuleError);
    expect(() => buildJvpModel(model, 'y', [1, 2, 3, 3])).toThrow(/Sin node 'the_sine'.*no gradient rule/);
  });

  it('rejects a weight computed from the image, naming the node', () => {
    const model = buildModel({
      inputShape: [1, 1, 4, 4],
      nodes: [makeNode('Conv', ['x', 'x'], ['y'], { kernel_shape: attr.ints([4, 4]) }, 'self_conv')],
    });
    expect(() => buildVjpModel(model, 'y', [1, 1, 4, 4])).toThrow(/Conv node 'self_conv'.*weight/);
  });

  it('rejects a tap that does not depend on the image', () => {
    const model = buildModel({
      inputShape: [1, 1, 2, 2],
      nodes: [makeNode('Relu', ['x'], ['r']), makeNode('Neg', ['c'], ['y'])],
      initializers: { c: randomTensor([2], 1) },
      output: 'y',
    });
    expect(() => buildVjpModel(model, 'y', [1, 1, 2, 2])).toThrow(/does not depend on the input/);
  });
});
