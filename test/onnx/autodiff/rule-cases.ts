// Tiny graphs, one or a few ops each, that exercise every gradient rule: strides, pads, dilations and groups of
// the window ops, overlapping MaxPool windows, broadcasting in both directions, active operands on both sides of
// binary ops, opset-dependent forms. Not a test file.
import { attr, makeNode } from '../../../onnx/attributes.js';
import type { Node, OnnxModelIR } from '../../../onnx/ir.js';
import { makeTensor, type TensorData } from '../../../onnx/tensor-data.js';
import { buildModel, floats, ints, randomTensor, singleOp } from '../graph-builder.js';

export interface RuleCase {
  label: string;
  model: OnnxModelIR;
  inputShape: number[];
  /** Added to the random input (e.g. all-negative pooling windows). */
  shift?: number;
  /**
   * Check against central differences of the interpreter's forward pass instead of its tfjs gradients: for graphs
   * at most quadratic along a line (then the difference is exact) whose tfjs gradient is wrong (batched matMul
   * with broadcast batch axes does not sum the broadcast axes back).
   */
  byDifferences?: boolean;
}

export const X = [1, 4, 7, 8];
const w = (dims: number[], seed: number) => randomTensor(dims, seed);

function chain(nodes: Node[], initializers: Record<string, TensorData> = {}, opset = 14, inputShape = X): OnnxModelIR {
  return buildModel({ inputShape, nodes, initializers, opset });
}

function single(label: string, model: OnnxModelIR, options: { shift?: number; byDifferences?: boolean } = {}): RuleCase {
  return { label, model, inputShape: X, ...options };
}

const pool = (k: number, s: number, extra: Record<string, ReturnType<typeof attr.int>> = {}) => ({
  kernel_shape: attr.ints([k, k]),
  strides: attr.ints([s, s]),
  ...extra,
});

export const ruleCases: RuleCase[] = [
  single('Conv 3x3 pad 1 + bias', singleOp('Conv', X, { pads: attr.ints([1, 1, 1, 1]) }, [w([5, 4, 3, 3], 1), w([5], 2)])),
  single('Conv stride 2, asymmetric pads', singleOp('Conv', X, { strides: attr.ints([2, 2]), pads: attr.ints([0, 1, 2, 1]) }, [w([3, 4, 3, 3], 3)])),
  single('Conv stride 3 (floor drops rows)', singleOp('Conv', X, { strides: attr.ints([3, 3]) }, [w([3, 4, 2, 2], 31)])),
  single('Conv dilation 2', singleOp('Conv', X, { dilations: attr.ints([2, 2]), pads: attr.ints([2, 1, 2, 1]) }, [w([3, 4, 3, 2], 4)])),
  single('Conv pad wider than the kernel', singleOp('Conv', X, { pads: attr.ints([3, 0, 1, 4]) }, [w([2, 4, 3, 3], 32)])),
  single('Conv groups 2', singleOp('Conv', X, { group: attr.int(2), pads: attr.ints([1, 1, 1, 1]) }, [w([6, 2, 3, 3], 5), w([6], 6)])),
  single('Conv depthwise stride 2', singleOp('Conv', X, { group: attr.int(4), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) }, [w([4, 1, 3, 3], 7)])),
  single('Conv depthwise multiplier 2', singleOp('Conv', X, { group: attr.int(4) }, [w([8, 1, 2, 3], 8), w([8], 9)])),
  single('Conv auto_pad SAME_UPPER stride 2', singleOp('Conv', X, { auto_pad: attr.string('SAME_UPPER'), strides: attr.ints([2, 2]) }, [w([2, 4, 3, 3], 10)])),
  single('Conv 1x1 stride 2', singleOp('Conv', X, { strides: attr.ints([2, 2]) }, [w([3, 4, 1, 1], 11)])),
  single(
    'ConvTranspose stride 2, pads, output_padding',
    singleOp('ConvTranspose', X, { strides: attr.ints([2, 2]), pads: attr.ints([1, 0, 1, 1]), output_padding: attr.ints([1, 0]) }, [w([4, 3, 3, 3], 12), w([3], 13)]),
  ),
  single('ConvTranspose groups 2', singleOp('ConvTranspose', X, { group: attr.int(2) }, [w([4, 2, 2, 2], 14)])),
  single('MaxPool 2x2 stride 2', singleOp('MaxPool', X, pool(2, 2))),
  single('MaxPool 3x3 stride 1 (overlapping windows)', singleOp('MaxPool', X, pool(3, 1))),
  single('MaxPool 3x3 stride 2 pad 1, all-negative', singleOp('MaxPool', X, pool(3, 2, { pads: attr.ints([1, 1, 1, 1]) })), { shift: -10 }),
  single('MaxPool ceil_mode', singleOp('MaxPool', X, pool(3, 2, { ceil_mode: attr.int(1) }))),
  single('MaxPool dilation 2', singleOp('MaxPool', X, { kernel_shape: attr.ints([2, 2]), dilations: attr.ints([2, 2]) })),
  single('AveragePool pad 1, count_include_pad 0', singleOp('AveragePool', X, pool(3, 2, { pads: attr.ints([1, 1, 1, 1]) }))),
  single('AveragePool count_include_pad 1, ceil_mode', singleOp('AveragePool', X, pool(3, 2, { pads: attr.ints([1, 1, 1, 1]), count_include_pad: attr.int(1), ceil_mode: attr.int(1) }))),
  single('AveragePool 2x2 stride 1', singleOp('AveragePool', X, pool(2, 1))),
  single('GlobalAveragePool', singleOp('GlobalAveragePool', X)),
  single('GlobalMaxPool', singleOp('GlobalMaxPool', X)),
  single('Gemm transB, alpha, beta, C broadcast', chain([
    makeNode('Flatten', ['x'], ['f']),
    makeNode('Gemm', ['f', 'W', 'b'], ['y'], { transB: attr.int(1), alpha: attr.float(0.5), beta: attr.float(2) }),
  ], { W: w([6, 224], 15), b: w([6], 16) })),
  single('Gemm transA with the image as B', chain([
    makeNode('Reshape', ['x', 's'], ['r']),
    makeNode('Gemm', ['A', 'r'], ['y'], { transA: attr.int(1) }),
  ], { s: ints([28, 8]), A: w([28, 3], 17) })),
  single('Gemm of two image-dependent operands', chain([
    makeNode('Reshape', ['x', 's'], ['r']),
    makeNode('Sigmoid', ['r'], ['q']),
    makeNode('Gemm', ['r', 'q'], ['y'], { transA: attr.int(1), transB: attr.int(0), beta: attr.float(0) }),
  ], { s: ints([28, 8]) })),
  single('MatMul + Add (dynamo Linear)', chain([makeNode('MatMul', ['x', 'W'], ['m']), makeNode('Add', ['m', 'b'], ['y'])], { W: w([8, 5], 18), b: w([5], 19) }, 18)),
  single('MatMul batched weight, broadcast image', chain([makeNode('ReduceMean', ['x', 'a'], ['r'], { keepdims: attr.int(1) }), makeNode('MatMul', ['r', 'W'], ['y'])], { a: ints([1]), W: w([3, 1, 8, 2], 20) }, 18), { byDifferences: true }),
  // (1-D operands on both sides; a Transpose feeding a MatMul with a 1-D right operand is avoided: onnxruntime
  // 1.30's fusion of the two at optimization level 'extended' computes a wrong product.)
  single('MatMul image by image with 1-D operands', chain([
    makeNode('ReduceSum', ['x', 'a'], ['v'], { keepdims: attr.int(0) }),
    makeNode('MatMul', ['v', 'x'], ['p']),
    makeNode('MatMul', ['p', 'c'], ['y']),
  ], { a: ints([0, 1, 3]), c: w([8], 33) }, 14), { byDifferences: true }),
  single('Add, Sub, Mul, Div with [C,1,1] constants', chain([
    makeNode('Add', ['x', 'c1'], ['a']),
    makeNode('Sub', ['c2', 'a'], ['s']),
    makeNode('Mul', ['s', 'c3'], ['m']),
    makeNode('Div', ['m', 'c4'], ['y']),
  ], { c1: w([4, 1, 1], 21), c2: w([1, 7, 8], 22), c3: w([4, 1, 1], 23), c4: floats([4, 1, 1], [0.5, 2, -4, 1.5]) })),
  single('Binary ops on two image-dependent operands, broadcast', chain([
    makeNode('ReduceMean', ['x'], ['m'], { axes: attr.ints([2, 3]) }),
    makeNode('Sub', ['x', 'm'], ['d']),
    makeNode('Abs', ['x'], ['ab']),
    makeNode('Add', ['ab', 'one'], ['p']),
    makeNode('Div', ['m', 'p'], ['q']),
    makeNode('Mul', ['d', 'q'], ['y']),
  ], { one: floats([], [1]) })),
  single('Pow 2, 3 and 0.5', chain([
    makeNode('Pow', ['x', 'two'], ['a']),
    makeNode('Pow', ['x', 'three'], ['b']),
    makeNode('Pow', ['a', 'half'], ['c']),
    makeNode('Add', ['a', 'b'], ['s']),
    makeNode('Add', ['s', 'c'], ['y']),
  ], { two: floats([], [2]), three: floats([], [3]), half: floats([], [0.5]) })),
  single('Pow with an image-dependent exponent', chain([makeNode('Sigmoid', ['x'], ['b']), makeNode('Add', ['b', 'one'], ['p']), makeNode('Pow', ['p', 'x'], ['y'])], { one: floats([], [1]) })),
  single('Softmax axis 1', singleOp('Softmax', X, { axis: attr.int(1) })),
  single('Softmax opset 11 (flattened at axis 2)', singleOp('Softmax', X, { axis: attr.int(2) }, [], 11)),
  single('LogSoftmax last axis', singleOp('LogSoftmax', X, {})),
  single('BatchNormalization', singleOp('BatchNormalization', X, { epsilon: attr.float(1e-3) }, [w([4], 24), w([4], 25), w([4], 26), floats([4], [0.5, 1, 2, 0.1])])),
  single('LayerNormalization (opset 17)', singleOp('LayerNormalization', X, { axis: attr.int(-2) }, [w([7, 8], 27), w([7, 8], 28)], 17)),
  single('Concat with a constant, then Split with an unused output', chain([
    makeNode('Concat', ['c', 'x'], ['k'], { axis: attr.int(1) }),
    makeNode('Split', ['k', 'sizes'], ['a', 'b', 'unused'], { axis: attr.int(1) }),
    makeNode('Concat', ['b', 'a'], ['y'], { axis: attr.int(1) }),
  ], { c: w([1, 2, 7, 8], 29), sizes: ints([3, 2, 1]) })),
  single('Split opset 11 attribute', chain([
    makeNode('Split', ['x'], ['a', 'b'], { axis: attr.int(3), split: attr.ints([3, 5]) }),
    makeNode('ReduceSum', ['b'], ['r'], { axes: attr.ints([3]), keepdims: attr.int(1) }),
    makeNode('Mul', ['a', 'r'], ['y']),
  ], {}, 11)),
  single('Slice steps -1 and 2', singleOp('Slice', X, {}, [ints([-1, 1]), ints([-1000, 8]), ints([2, 3]), ints([-1, 2])])),
  single('Slice step -2 and a channel range', singleOp('Slice', X, {}, [ints([1, 6]), ints([3, 0]), ints([1, 3]), ints([1, -2])])),
  single('Gather repeated and negative indices', singleOp('Gather', X, { axis: attr.int(3) }, [ints([1, -1, 1, 0])])),
  single('Gather scalar index', singleOp('Gather', X, { axis: attr.int(1) }, [makeTensor('int64', [], [2])])),
  single('Expand', chain([makeNode('ReduceMean', ['x'], ['r'], { axes: attr.ints([1]) }), makeNode('Expand', ['r', 's'], ['y'])], { s: ints([2, 3, 1, 1]) })),
  single('Transpose, Flatten, Reshape', chain([
    makeNode('Transpose', ['x'], ['t'], { perm: attr.ints([0, 2, 3, 1]) }),
    makeNode('Flatten', ['t'], ['f'], { axis: attr.int(2) }),
    makeNode('Reshape', ['f', 's'], ['y']),
  ], { s: ints([0, -1, 16]) })),
  single('Squeeze / Unsqueeze (opset 13 inputs)', chain([
    makeNode('ReduceSum', ['x', 'a1'], ['r'], { keepdims: attr.int(1) }),
    makeNode('Squeeze', ['r', 'a1'], ['q']),
    makeNode('Unsqueeze', ['q', 'a0'], ['y']),
  ], { a1: ints([1]), a0: ints([0]) }, 13)),
  single('ReduceMean keepdims 0 (opset 11 attribute)', singleOp('ReduceMean', X, { axes: attr.ints([1, 3]), keepdims: attr.int(0) }, [], 11)),
  single('ReduceMean opset 18 axes input', singleOp('ReduceMean', X, { keepdims: attr.int(1) }, [ints([2, 3])], 18)),
  single('Pad constant value, asymmetric', singleOp('Pad', X, { mode: attr.string('constant') }, [ints([0, 0, 1, 2, 0, 1, 2, 0]), floats([], [0.5])])),
  single('Pad reflect', singleOp('Pad', X, { mode: attr.string('reflect') }, [ints([0, 0, 2, 1, 0, 0, 1, 3])])),
  single('Pad edge', singleOp('Pad', X, { mode: attr.string('edge') }, [ints([0, 0, 1, 0, 0, 0, 2, 3])])),
  single('Pad negative (crop) then AveragePool', chain([
    makeNode('Pad', ['x', 'p'], ['q']),
    makeNode('AveragePool', ['q'], ['y'], pool(2, 2)),
  ], { p: ints([0, 0, -1, 1, 0, 0, 2, -2]) })),
  single('Resize nearest x2 (asymmetric, floor)', singleOp('Resize', X, { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') }, ['', floats([4], [1, 1, 2, 2])])),
  single('Resize nearest x1.5', singleOp('Resize', X, { mode: attr.string('nearest') }, ['', floats([4], [1, 1, 1.5, 1.5])])),
  single('Resize linear to 5x3', singleOp('Resize', X, { mode: attr.string('linear') }, ['', '', ints([1, 4, 5, 3])])),
  single('Resize linear x2 align_corners', singleOp('Resize', X, { mode: attr.string('linear'), coordinate_transformation_mode: attr.string('align_corners') }, ['', floats([4], [1, 1, 2, 2])])),
  single('Resize cubic x2', singleOp('Resize', X, { mode: attr.string('cubic') }, ['', floats([4], [1, 1, 2, 2])])),
  single('Relu', singleOp('Relu', X)),
  single('LeakyRelu', singleOp('LeakyRelu', X, { alpha: attr.float(0.2) })),
  single('Clip (opset 11 inputs)', singleOp('Clip', X, {}, [floats([], [-0.5]), floats([], [0.7])], 11)),
  single('Clip max only', singleOp('Clip', X, {}, ['', floats([], [0.6])], 13)),
  single('Sigmoid * Tanh', chain([makeNode('Sigmoid', ['x'], ['s']), makeNode('Tanh', ['x'], ['t']), makeNode('Mul', ['s', 't'], ['y'])])),
  single('Erf', singleOp('Erf', X)),
  single('Sqrt, Log, Reciprocal of |x| + 1', chain([
    makeNode('Abs', ['x'], ['a']),
    makeNode('Add', ['a', 'one'], ['p']),
    makeNode('Sqrt', ['p'], ['s']),
    makeNode('Log', ['p'], ['l']),
    makeNode('Reciprocal', ['p'], ['r']),
    makeNode('Sub', ['s', 'l'], ['d']),
    makeNode('Mul', ['d', 'r'], ['y']),
  ], { one: floats([], [1]) })),
  single('HardSigmoid', singleOp('HardSigmoid', X, { alpha: attr.float(0.3) })),
  single('HardSwish', singleOp('HardSwish', X)),
  single('Elu alpha 0.5', singleOp('Elu', X, { alpha: attr.float(0.5) })),
  single('Softplus, Neg, Exp', chain([makeNode('Softplus', ['x'], ['s']), makeNode('Neg', ['s'], ['n']), makeNode('Exp', ['n'], ['y'])])),
  single('Identity, Dropout, Cast to float', chain([makeNode('Identity', ['x'], ['i']), makeNode('Dropout', ['i'], ['d']), makeNode('Cast', ['d'], ['y'], { to: attr.int(1) })])),
];
