// Every operator the interpreter supports, one small graph each, checked against onnxruntime (an independent
// implementation) on both tfjs backends: the forward pass, the gradient (against a central difference of
// onnxruntime's function) and the jvp (⟨J v, u⟩ = ⟨v, Jᵀ u⟩, which needs second-order gradients).
import { beforeAll, describe, expect, it } from 'vitest';
import { attr, makeNode } from '../../onnx/attributes.js';
import { encodeModel } from '../../onnx/encode.js';
import { InterpretedModel } from '../../onnx/interpreter/model.js';
import type { OnnxModelIR } from '../../onnx/ir.js';
import { makeTensor } from '../../onnx/tensor-data.js';
import { createOrtSession, type OrtSession } from '../../runtime/onnxruntime.js';
import { Rng } from '../../runtime/rng.js';
import { tf } from '../../runtime/tf.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/compare.js';
import { buildModel, floats, ints, randomTensor, singleOp } from './graph-builder.js';

interface Case {
  label: string;
  model: OnnxModelIR;
  /** Smooth ops allow a larger step; piecewise-linear ones need a small one. Linear ops are exact at any step. */
  step?: number;
  /** Added to the random input (e.g. all-negative windows). */
  shift?: number;
}

const X = [1, 4, 7, 8];
const w = (dims: number[], seed: number) => randomTensor(dims, seed);

function chain(inputShape: number[], nodes: ReturnType<typeof makeNode>[], initializers = {}, opset = 14): OnnxModelIR {
  return buildModel({ inputShape, nodes, initializers, opset });
}

const cases: Case[] = [
  { label: 'Conv 3x3 pad 1 + bias', model: singleOp('Conv', X, { pads: attr.ints([1, 1, 1, 1]) }, [w([5, 4, 3, 3], 1), w([5], 2)]) },
  {
    label: 'Conv stride 2, asymmetric pads',
    model: singleOp('Conv', X, { strides: attr.ints([2, 2]), pads: attr.ints([0, 1, 2, 1]) }, [w([3, 4, 3, 3], 3)]),
  },
  { label: 'Conv dilation 2', model: singleOp('Conv', X, { dilations: attr.ints([2, 2]), pads: attr.ints([2, 1, 2, 1]) }, [w([3, 4, 3, 2], 4)]) },
  { label: 'Conv groups 2', model: singleOp('Conv', X, { group: attr.int(2), pads: attr.ints([1, 1, 1, 1]) }, [w([6, 2, 3, 3], 5), w([6], 6)]) },
  {
    label: 'Conv depthwise stride 2',
    model: singleOp('Conv', X, { group: attr.int(4), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) }, [w([4, 1, 3, 3], 7)]),
  },
  { label: 'Conv depthwise multiplier 2', model: singleOp('Conv', X, { group: attr.int(4) }, [w([8, 1, 2, 3], 8), w([8], 9)]) },
  { label: 'Conv auto_pad SAME_UPPER stride 2', model: singleOp('Conv', X, { auto_pad: attr.string('SAME_UPPER'), strides: attr.ints([2, 2]) }, [w([2, 4, 3, 3], 10)]) },
  { label: 'Conv 1x1 stride 2 (kernel < stride)', model: singleOp('Conv', X, { strides: attr.ints([2, 2]) }, [w([3, 4, 1, 1], 11)]) },
  {
    label: 'ConvTranspose stride 2, pads, output_padding',
    model: singleOp('ConvTranspose', X, { strides: attr.ints([2, 2]), pads: attr.ints([1, 0, 1, 1]), output_padding: attr.ints([1, 0]) }, [w([4, 3, 3, 3], 12), w([3], 13)]),
  },
  { label: 'ConvTranspose groups 2', model: singleOp('ConvTranspose', X, { group: attr.int(2) }, [w([4, 2, 2, 2], 14)]) },
  { label: 'MaxPool 2x2 stride 2', model: singleOp('MaxPool', X, { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }), step: 1e-4 },
  {
    label: 'MaxPool 3x3 stride 2 pad 1, all-negative windows',
    model: singleOp('MaxPool', X, { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) }),
    step: 1e-4,
    shift: -10,
  },
  {
    label: 'MaxPool ceil_mode',
    model: singleOp('MaxPool', X, { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), ceil_mode: attr.int(1) }),
    step: 1e-4,
  },
  { label: 'MaxPool dilation 2', model: singleOp('MaxPool', X, { kernel_shape: attr.ints([2, 2]), dilations: attr.ints([2, 2]) }), step: 1e-4 },
  {
    label: 'AveragePool pad 1, count_include_pad 0',
    model: singleOp('AveragePool', X, { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) }),
  },
  {
    label: 'AveragePool count_include_pad 1, ceil_mode',
    model: singleOp('AveragePool', X, {
      kernel_shape: attr.ints([3, 3]),
      strides: attr.ints([2, 2]),
      pads: attr.ints([1, 1, 1, 1]),
      count_include_pad: attr.int(1),
      ceil_mode: attr.int(1),
    }),
  },
  { label: 'GlobalAveragePool', model: singleOp('GlobalAveragePool', X) },
  { label: 'GlobalMaxPool', model: singleOp('GlobalMaxPool', X), step: 1e-4 },
  {
    label: 'Resize nearest x2 (asymmetric, floor)',
    model: singleOp('Resize', X, { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') }, ['', floats([4], [1, 1, 2, 2])]),
  },
  {
    label: 'Resize nearest x1.5 (half_pixel, round_prefer_floor)',
    model: singleOp('Resize', X, { mode: attr.string('nearest') }, ['', floats([4], [1, 1, 1.5, 1.5])]),
  },
  {
    label: 'Resize linear to 5x3 (half_pixel)',
    model: singleOp('Resize', X, { mode: attr.string('linear') }, ['', '', ints([1, 4, 5, 3])]),
  },
  {
    label: 'Resize linear x2 (align_corners)',
    model: singleOp('Resize', X, { mode: attr.string('linear'), coordinate_transformation_mode: attr.string('align_corners') }, ['', floats([4], [1, 1, 2, 2])]),
  },
  {
    label: 'Resize linear (pytorch_half_pixel)',
    model: singleOp('Resize', X, { mode: attr.string('linear'), coordinate_transformation_mode: attr.string('pytorch_half_pixel') }, ['', '', ints([1, 4, 9, 1])]),
  },
  {
    label: 'Resize cubic x2',
    model: singleOp('Resize', X, { mode: attr.string('cubic') }, ['', floats([4], [1, 1, 2, 2])]),
  },
  {
    label: 'Resize linear, opset 18 axes',
    model: singleOp('Resize', X, { mode: attr.string('linear'), axes: attr.ints([2, 3]) }, ['', floats([2], [0.5, 1.5])], 18),
  },
  { label: 'Pad constant, asymmetric', model: singleOp('Pad', X, { mode: attr.string('constant') }, [ints([0, 0, 1, 2, 0, 1, 2, 0]), floats([], [0.5])]) },
  { label: 'Pad reflect', model: singleOp('Pad', X, { mode: attr.string('reflect') }, [ints([0, 0, 2, 1, 0, 0, 1, 2])]) },
  { label: 'Pad edge', model: singleOp('Pad', X, { mode: attr.string('edge') }, [ints([0, 0, 1, 0, 0, 0, 2, 3])]) },
  { label: 'Pad negative (crop)', model: singleOp('Pad', X, {}, [ints([0, 0, -1, 1, 0, 0, 2, -2])]) },
  { label: 'Pad opset 18 axes', model: singleOp('Pad', X, {}, [ints([1, 2, 0, 1]), '', ints([2, 3])], 18) },
  { label: 'Slice step -1 and 2', model: singleOp('Slice', X, {}, [ints([-1, 1]), ints([-1000, 8]), ints([2, 3]), ints([-1, 2])]) },
  { label: 'Slice channels', model: singleOp('Slice', X, {}, [ints([1]), ints([3]), ints([1])]) },
  { label: 'Gather scalar index', model: singleOp('Gather', X, { axis: attr.int(1) }, [makeTensor('int64', [], [2])]) },
  { label: 'Gather indices (repeated, negative)', model: singleOp('Gather', X, { axis: attr.int(3) }, [ints([1, -1, 1, 0])]) },
  {
    label: 'Split (opset 13 input) + Concat reordered',
    model: chain(X, [
      makeNode('Split', ['x', 's'], ['a', 'b'], { axis: attr.int(1) }),
      makeNode('Concat', ['b', 'a'], ['y'], { axis: attr.int(1) }),
    ], { s: ints([1, 3]) }),
  },
  {
    label: 'Split opset 18 num_outputs',
    model: chain(X, [
      makeNode('Split', ['x'], ['a', 'b'], { axis: attr.int(3), num_outputs: attr.int(2) }),
      makeNode('Sub', ['a', 'b'], ['y']),
    ], {}, 18),
  },
  {
    label: 'Transpose, Flatten, Reshape 0/-1',
    model: chain(X, [
      makeNode('Transpose', ['x'], ['t'], { perm: attr.ints([0, 2, 3, 1]) }),
      makeNode('Flatten', ['t'], ['f'], { axis: attr.int(2) }),
      makeNode('Reshape', ['f', 's'], ['y']),
    ], { s: ints([0, -1, 16]) }),
  },
  {
    label: 'Squeeze / Unsqueeze with axes inputs',
    model: chain(X, [
      makeNode('ReduceSum', ['x', 'a1'], ['r'], { keepdims: attr.int(1) }),
      makeNode('Squeeze', ['r', 'a1'], ['q']),
      makeNode('Unsqueeze', ['q', 'a0'], ['y']),
    ], { a1: ints([1]), a0: ints([0]) }, 13),
  },
  {
    label: 'Squeeze / Unsqueeze with axes attributes (opset 11)',
    model: chain(X, [
      makeNode('ReduceMean', ['x'], ['r'], { axes: attr.ints([2]) }),
      makeNode('Squeeze', ['r'], ['q'], { axes: attr.ints([2]) }),
      makeNode('Unsqueeze', ['q'], ['y'], { axes: attr.ints([-1]) }),
    ], {}, 11),
  },
  { label: 'ReduceMean keepdims 0', model: singleOp('ReduceMean', X, { axes: attr.ints([1, 3]), keepdims: attr.int(0) }) },
  { label: 'ReduceMean opset 18 axes input', model: singleOp('ReduceMean', X, { keepdims: attr.int(1) }, [ints([2, 3])], 18) },
  { label: 'ReduceSum all axes', model: singleOp('ReduceSum', X, { keepdims: attr.int(0) }, [], 13) },
  { label: 'Softmax axis 1', model: singleOp('Softmax', X, { axis: attr.int(1) }), step: 1e-2 },
  { label: 'Softmax opset 11 (flattened at axis 1)', model: singleOp('Softmax', X, { axis: attr.int(1) }, [], 11), step: 1e-2 },
  { label: 'LogSoftmax last axis', model: singleOp('LogSoftmax', X, {}), step: 1e-2 },
  {
    label: 'BatchNormalization',
    model: singleOp('BatchNormalization', X, { epsilon: attr.float(1e-3) }, [w([4], 20), w([4], 21), w([4], 22), floats([4], [0.5, 1, 2, 0.1])]),
  },
  {
    label: 'LayerNormalization (opset 17)',
    model: singleOp('LayerNormalization', X, { axis: attr.int(-1) }, [w([8], 23), w([8], 24)], 17),
    step: 1e-2,
  },
  {
    label: 'Gemm transB, alpha, beta',
    model: chain(X, [
      makeNode('Flatten', ['x'], ['f']),
      makeNode('Gemm', ['f', 'W', 'b'], ['y'], { transB: attr.int(1), alpha: attr.float(0.5), beta: attr.float(2) }),
    ], { W: w([6, 224], 25), b: w([6], 26) }),
  },
  {
    label: 'MatMul + Add (dynamo Linear)',
    model: chain(X, [makeNode('MatMul', ['x', 'W'], ['m']), makeNode('Add', ['m', 'b'], ['y'])], { W: w([8, 5], 27), b: w([5], 28) }, 18),
  },
  {
    label: 'MatMul by a transposed weight (folded at load)',
    model: chain(X, [makeNode('Transpose', ['W'], ['Wt'], { perm: attr.ints([1, 0]) }), makeNode('MatMul', ['x', 'Wt'], ['y'])], { W: w([5, 8], 31) }, 18),
  },
  { label: 'Expand', model: chain(X, [makeNode('ReduceMean', ['x'], ['r'], { axes: attr.ints([1]) }), makeNode('Expand', ['r', 's'], ['y'])], { s: ints([2, 3, 1, 1]) }) },
  { label: 'Relu', model: singleOp('Relu', X), step: 1e-4 },
  { label: 'LeakyRelu', model: singleOp('LeakyRelu', X, { alpha: attr.float(0.2) }), step: 1e-4 },
  { label: 'Sigmoid * Tanh', model: chain(X, [makeNode('Sigmoid', ['x'], ['s']), makeNode('Tanh', ['x'], ['t']), makeNode('Mul', ['s', 't'], ['y'])]), step: 1e-2 },
  { label: 'Erf', model: singleOp('Erf', X), step: 1e-2 },
  {
    label: 'Sqrt, Log, Reciprocal of |x| + 1',
    model: chain(X, [
      makeNode('Abs', ['x'], ['a']),
      makeNode('Add', ['a', 'one'], ['p']),
      makeNode('Sqrt', ['p'], ['s']),
      makeNode('Log', ['p'], ['l']),
      makeNode('Reciprocal', ['p'], ['r']),
      makeNode('Sub', ['s', 'l'], ['d']),
      makeNode('Mul', ['d', 'r'], ['y']),
    ], { one: floats([], [1]) }),
    step: 1e-4,
  },
  { label: 'Clip (opset 11 inputs)', model: singleOp('Clip', X, {}, [floats([], [-0.5]), floats([], [0.7])], 11), step: 1e-4 },
  { label: 'Clip max only (ReLU6-like)', model: singleOp('Clip', X, {}, ['', floats([], [0.6])], 13), step: 1e-4 },
  { label: 'HardSigmoid', model: singleOp('HardSigmoid', X, { alpha: attr.float(0.3) }), step: 1e-4 },
  { label: 'HardSwish', model: singleOp('HardSwish', X), step: 1e-4 },
  { label: 'Elu alpha 0.5', model: singleOp('Elu', X, { alpha: attr.float(0.5) }), step: 1e-4 },
  { label: 'Softplus, Exp, Neg', model: chain(X, [makeNode('Softplus', ['x'], ['s']), makeNode('Neg', ['s'], ['n']), makeNode('Exp', ['n'], ['y'])]), step: 1e-2 },
  { label: 'Pow 2 and Pow 3', model: chain(X, [makeNode('Pow', ['x', 'two'], ['a']), makeNode('Pow', ['x', 'three'], ['b']), makeNode('Add', ['a', 'b'], ['y'])], { two: floats([], [2]), three: floats([], [3]) }), step: 1e-2 },
  {
    label: 'Div and Sub with [C,1,1] broadcast after Conv',
    model: chain(X, [
      makeNode('Conv', ['x', 'W'], ['c'], { pads: attr.ints([1, 1, 1, 1]) }),
      makeNode('Sub', ['c', 'm'], ['s']),
      makeNode('Div', ['s', 'd'], ['y']),
    ], { W: w([3, 4, 3, 3], 29), m: w([3, 1, 1], 30), d: floats([3, 1, 1], [0.5, 2, 4]) }),
  },
  { label: 'Identity, Dropout, Cast to float', model: chain(X, [makeNode('Identity', ['x'], ['i']), makeNode('Dropout', ['i'], ['d']), makeNode('Cast', ['d'], ['y'], { to: attr.int(1) })]) },
];

const reference = new Map<string, { session: OrtSession; x: Float32Array; r: Float32Array; d: Float32Array }>();

async function ortRun(session: OrtSession, x: Float32Array): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const out = await session.run({ x: { data: x, dims: X } });
  return out[session.outputNames[0]];
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

describe('operator cases', () => {
  beforeAll(async () => {
    for (const [i, c] of cases.entries()) {
      const rng = new Rng(100 + i);
      const x = rng.normalArray(X.reduce((a, b) => a * b, 1)).map((v) => v + (c.shift ?? 0));
      const session = await createOrtSession(encodeModel(c.model), { executionProvider: 'cpu' });
      const outLength = (await ortRun(session, x)).data.length;
      reference.set(c.label, { session, x, r: rng.normalArray(outLength), d: rng.normalArray(x.length) });
    }
  });

  it('cover every op the interpreter registers', async () => {
    const { kernels } = await import('../../onnx/interpreter/registry.js');
    const covered = new Set(cases.flatMap((c) => c.model.graph.nodes.map((n) => n.opType)));
    expect(Object.keys(kernels).filter((op) => !covered.has(op))).toEqual([]);
  });

  describeEachBackend('ONNX operators against onnxruntime', (backend) => {
    for (const c of cases) {
      it(c.label, async () => {
        const { session, x, r, d } = reference.get(c.label)!;
        const model = new InterpretedModel(c.label, c.model, c.model.graph.outputs[0].name);
        const xt = tf.tensor(x, X) as tf.Tensor4D;
        const expected = await ortRun(session, x);
        const y = await model.forward(xt);
        expect(y.shape).toEqual(expected.dims);
        expectClose(await y.data(), expected.data, { atol: 1e-6, rtolOfMax: 1e-5, label: `${c.label} forward` });

        // ⟨∇_x ⟨f(x), r⟩, d⟩ against a central difference of onnxruntime's f.
        const rt = tf.tensor(r, y.shape);
        const dt = tf.tensor(d, X) as tf.Tensor4D;
        const grad = await (await model.vjp(xt, rt)).data();
        const analytic = dot(grad, d);
        const step = c.step ?? 1;
        const plus = await ortRun(session, x.map((v, i) => v + step * d[i]));
        const minus = await ortRun(session, x.map((v, i) => v - step * d[i]));
        const numeric = (dot(plus.data, r) - dot(minus.data, r)) / (2 * step);
        const scale = Math.sqrt(dot(grad, grad) * dot(d, d)) + 1e-6;
        expect(Math.abs(analytic - numeric) / scale, `${c.label}: gradient ${analytic} vs difference ${numeric}`).toBeLessThan(
          step < 1 ? 2e-3 : 1e-4,
        );

        // jvp through the double-vjp: ⟨J d, r⟩ = ⟨d, Jᵀ r⟩. Second-order gradients are formulas of the same
        // ops on every backend; wasm is the one missing kernels, so it is checked there.
        if (backend === 'wasm') {
          const jv = await (await model.jvp(xt, dt)).data();
          expect(Math.abs(dot(jv, r) - analytic) / scale, `${c.label}: ⟨Jd, r⟩ ${dot(jv, r)} vs ⟨d, Jᵀr⟩ ${analytic}`).toBeLessThan(1e-4);
        }
        tf.dispose([xt, y, rt, dt]);
        model.dispose();
      });
    }
  });
});
