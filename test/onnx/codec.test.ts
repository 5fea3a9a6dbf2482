// Decoding and encoding ONNX: the fixtures decode to what onnx_models.json describes, models survive a round
// trip (onnxruntime gives identical outputs), every element type is read from aligned and unaligned raw data, and
// broken inputs fail with clear errors.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { decodeModel } from '../../onnx/decode.js';
import { encodeModel } from '../../onnx/encode.js';
import { opCounts, opsetVersion } from '../../onnx/ir.js';
import { onnxDescriptor, modelProtoType } from '../../onnx/schema.js';
import { makeTensor, tensorNumbers, type DType, type TensorData } from '../../onnx/tensor-data.js';
import { ValueError } from '../../runtime/errors.js';
import { createOrtSession } from '../../runtime/onnxruntime.js';
import { describeFixtures, fixturePath, readFixtureJson } from '../helpers/fixtures.js';
import { buildModel } from './graph-builder.js';
import { makeNode } from '../../onnx/attributes.js';

/** Element-wise equality of two typed arrays (toEqual walks large arrays slowly). */
function sameData(a: TensorData['data'], b: TensorData['data']): boolean {
  const bytes = (t: TensorData['data']) => new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
  return a.constructor === b.constructor && a.length === b.length && Buffer.compare(bytes(a), bytes(b)) === 0;
}

function sameTensor(a: TensorData | undefined, b: TensorData | undefined): boolean {
  return !!a && !!b && a.dtype === b.dtype && a.dims.join() === b.dims.join() && sameData(a.data, b.data);
}

const FIXTURES = ['tiny_mixed', 'tiny_mixed_opset11', 'tiny_mixed_opset17', 'vgg16_features10', 'resnet18_layer1'];

describeFixtures('decoding the fixture models', () => {
  const described = readFixtureJson('onnx', 'onnx_models.json');
  for (const name of FIXTURES) {
    it(`${name} matches onnx_models.json`, () => {
      const model = decodeModel(readFileSync(fixturePath('onnx', `${name}.onnx`)));
      const info = described[name];
      expect(opsetVersion(model)).toBe(info.opset[0].version);
      expect(model.irVersion).toBe(info.ir_version);
      expect(opCounts(model.graph)).toEqual(info.op_counts);
      expect(model.graph.nodes.length).toBe(info.n_nodes);
      expect(model.graph.inputs.map((v) => v.name)).toEqual([info.input.name]);
      expect(model.graph.inputs[0].shape).toEqual(['batch', ...info.input.shape.slice(1)]);
      expect(model.graph.outputs[0].shape?.slice(1)).toEqual(info.output.shape.slice(1));
      const params = [...model.graph.initializers.values()].reduce((n, t) => n + t.data.length, 0);
      const constants = model.graph.nodes.filter((n) => n.opType === 'Constant').length;
      // n_params counts the module's parameters; the export adds folded BN statistics or drops aliases.
      expect(params).toBeGreaterThan(0);
      expect(constants).toBe(info.op_counts.Constant ?? 0);
    });
  }

  it('round-trips every fixture through encode and decode, and onnxruntime agrees bit for bit', async () => {
    for (const name of FIXTURES) {
      const bytes = readFileSync(fixturePath('onnx', `${name}.onnx`));
      const model = decodeModel(bytes);
      const again = decodeModel(encodeModel(model));
      expect(again.graph.nodes).toEqual(model.graph.nodes);
      expect(again.graph.inputs).toEqual(model.graph.inputs);
      expect(again.graph.outputs).toEqual(model.graph.outputs);
      expect([...again.graph.initializers.keys()]).toEqual([...model.graph.initializers.keys()]);
      for (const [key, t] of model.graph.initializers) expect(sameTensor(again.graph.initializers.get(key), t), key).toBe(true);
      expect(again.opsetImports).toEqual(model.opsetImports);
      const input = new Float32Array(3 * 64 * 64).map((_, i) => Math.sin(i));
      const dims = name.startsWith('tiny') ? [1, 3, 32, 32] : [1, 3, 64, 64];
      const run = async (b: Uint8Array) => {
        const session = await createOrtSession(b, { executionProvider: 'cpu' });
        const out = await session.run({ input: { data: input.subarray(0, dims.reduce((a, c) => a * c, 1)), dims } });
        await session.release();
        return out.output.data;
      };
      expect(sameData(await run(encodeModel(again)), await run(bytes))).toBe(true);
    }
  });

  it('views aligned float32 initializers in place and copies unaligned ones', () => {
    const bytes = readFileSync(fixturePath('onnx', 'vgg16_features10.onnx'));
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const views = [decodeModel(bytes), decodeModel(shifted.subarray(1))].map((m) =>
      [...m.graph.initializers.values()].filter((t) => t.data.buffer === bytes.buffer || t.data.buffer === shifted.buffer).length,
    );
    // Shifting the file by one byte changes which initializers start on a 4-byte boundary.
    expect(views[0] + views[1]).toBeGreaterThan(0);
    const a = decodeModel(bytes);
    const b = decodeModel(shifted.subarray(1));
    for (const [key, t] of a.graph.initializers) expect(sameTensor(b.graph.initializers.get(key), t), key).toBe(true);
  });
});

describe('element types', () => {
  const cases: [DType, number[]][] = [
    ['float32', [0, 1.5, -2.25, 3.4e38]],
    ['float64', [0.1, -1e-300, 2]],
    ['float16', [0, 1, -2.5, 65504, 6.103515625e-5, 5.960464477539063e-8]],
    ['bfloat16', [1, -3.5, 256]],
    ['int8', [-128, 0, 127]],
    ['uint8', [0, 255]],
    ['int16', [-32768, 32767]],
    ['uint16', [0, 65535]],
    ['int32', [-2147483648, 2147483647]],
    ['bool', [0, 1, 1]],
  ];

  function roundTrip(initializers: Record<string, TensorData>, offset: number): Map<string, TensorData> {
    const model = buildModel({ inputShape: [1], nodes: [makeNode('Identity', ['x'], ['y'])], initializers });
    const bytes = encodeModel(model);
    const placed = new Uint8Array(bytes.length + offset);
    placed.set(bytes, offset);
    return decodeModel(placed.subarray(offset)).graph.initializers;
  }

  for (const offset of [0, 1, 2, 3]) {
    it(`reads every element type from raw data at byte offset ${offset}`, () => {
      const initializers = Object.fromEntries(cases.map(([dtype, values]) => [dtype, makeTensor(dtype, [values.length], values)]));
      const decoded = roundTrip(initializers, offset);
      for (const [dtype, values] of cases) {
        const t = decoded.get(dtype)!;
        expect(t.dtype).toBe(dtype);
        const expected = ['float32', 'float64', 'float16', 'bfloat16'].includes(dtype) ? Array.from(Float32Array.from(values)) : values;
        expect(tensorNumbers(t)).toEqual(expected);
      }
    });
  }

  it('keeps int64 values exact, including INT64_MAX and INT64_MIN', () => {
    const big = (1n << 63n) - 1n;
    const t: TensorData = { dtype: 'int64', dims: [3], data: BigInt64Array.from([big, -big - 1n, 42n]) };
    for (const offset of [0, 3]) {
      expect(Array.from(roundTrip({ t }, offset).get('t')!.data as BigInt64Array)).toEqual([big, -big - 1n, 42n]);
    }
    // Plain numbers saturate instead of wrapping around.
    expect(Array.from(makeTensor('int64', [2], [9.3e18, -9.3e18]).data as BigInt64Array)).toEqual([big, -big - 1n]);
  });

  it('decodes tensors stored in typed fields (float_data, int64_data, int32_data)', () => {
    const message = {
      irVersion: 7,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'g',
        node: [{ input: ['x'], output: ['y'], opType: 'Identity', name: 'n' }],
        input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }] } } } }],
        output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
        initializer: [
          { name: 'f', dims: [2], dataType: 1, floatData: [1.5, -2] },
          { name: 'i', dims: [2], dataType: 7, int64Data: [5, -7] },
          { name: 'h', dims: [1], dataType: 10, int32Data: [0x3c00] },
        ],
      },
    };
    const model = decodeModel(modelProtoType().encode(message).finish());
    expect(tensorNumbers(model.graph.initializers.get('f')!)).toEqual([1.5, -2]);
    expect(tensorNumbers(model.graph.initializers.get('i')!)).toEqual([5, -7]);
    expect(tensorNumbers(model.graph.initializers.get('h')!)).toEqual([1]);
  });
});

describe('broken ONNX input', () => {
  it('rejects a truncated file', () => {
    const bytes = readFileSync(fixturePath('onnx', 'tiny_mixed.onnx'));
    expect(() => decodeModel(bytes.subarray(0, bytes.length / 2), 'tiny.onnx')).toThrow(ValueError);
    expect(() => decodeModel(bytes.subarray(0, bytes.length / 2), 'tiny.onnx')).toThrow(/tiny\.onnx is not a valid ONNX file.*truncated/);
  });

  it('rejects files that are not ONNX', () => {
    const npy = readFileSync(fixturePath('onnx', 'tiny_mixed.input.npy'));
    expect(() => decodeModel(npy, 'input.npy')).toThrow(/input\.npy is not (a valid ONNX file|an ONNX model)/);
    expect(() => decodeModel(new TextEncoder().encode('hello, world'), 'text')).toThrow(ValueError);
    expect(() => decodeModel(new Uint8Array(0), 'empty')).toThrow(/not an ONNX model/);
  });

  it('names external tensor data and says how to avoid it', () => {
    const message = {
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'g',
        node: [{ input: ['x', 'w'], output: ['y'], opType: 'Add', name: 'n' }],
        input: [{ name: 'x', type: { tensorType: { elemType: 1 } } }],
        output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
        initializer: [{ name: 'w', dims: [4], dataType: 1, dataLocation: 1, externalData: [{ key: 'location', value: 'weights.bin' }] }],
      },
    };
    const bytes = modelProtoType().encode(message).finish();
    expect(() => decodeModel(bytes, 'big.onnx')).toThrow(/initializer 'w' keeps its data in an external file \('weights\.bin'\).*save_as_external_data=False/);
  });

  it('rejects model-local functions with advice', () => {
    const message = {
      irVersion: 8,
      opsetImport: [{ domain: '', version: 18 }],
      graph: { name: 'g', output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }] },
      functions: [{ name: 'Block', domain: 'pkg.torch' }],
    };
    expect(() => decodeModel(modelProtoType().encode(message).finish())).toThrow(/model-local functions \(pkg\.torch\.Block\).*inline/);
  });
});

// Optional: compare the schema with the official onnx.proto (e.g. from Debian's libonnx-dev) when
// ONNX_PROTO_PATH points to one. Fields added after that release are allowed to be missing from it.
const officialProto = process.env.ONNX_PROTO_PATH;
describe.skipIf(!officialProto || !existsSync(officialProto))('schema against the official onnx.proto', () => {
  it('uses the official field numbers, types and labels', () => {
    const official = protobuf.loadSync(officialProto!);
    const ours = protobuf.Root.fromJSON(onnxDescriptor);
    const newerFields = new Set(['onnx.NodeProto.metadataProps']);
    const enums: Record<string, string> = { dataLocation: 'DataLocation', type: 'AttributeType' };
    const check = (type: protobuf.Type, path: string) => {
      const reference = official.lookupType(path);
      for (const field of type.fieldsArray) {
        const theirs = reference.fields[field.name];
        if (!theirs && newerFields.has(`${path}.${field.name}`)) continue;
        expect(theirs, `${path}.${field.name}`).toBeDefined();
        expect([field.id, field.repeated, field.type === 'int32' && enums[field.name] ? enums[field.name] : field.type]).toEqual([
          theirs.id,
          theirs.repeated,
          theirs.type,
        ]);
        expect(field.packed, `${path}.${field.name} packed`).toBe(theirs.packed);
      }
      for (const nested of type.nestedArray) if (nested instanceof protobuf.Type) check(nested, `${path}.${nested.name}`);
    };
    for (const nested of (ours.lookup('onnx') as protobuf.Namespace).nestedArray) {
      if (nested instanceof protobuf.Type) check(nested, `onnx.${nested.name}`);
    }
  });
});
