// The onnxruntime seam: sessions from bytes, provider choice (option, PLENOPTIC_ORT_EP, fallback) and reporting.
import { afterEach, describe, expect, it } from 'vitest';
import { attr } from '../../onnx/attributes.js';
import { encodeModel } from '../../onnx/encode.js';
import { createOrtSession, onnxruntimeStatus } from '../../runtime/onnxruntime.js';
import { captureWarnings } from '../../runtime/warnings.js';
import { floats, singleOp } from '../onnx/graph-builder.js';

// y = 2x + 1 through Mul and Add would need two nodes; Gemm does it in one: x [1, 3] · W [3, 2] + b.
const gemm = encodeModel(
  singleOp('Gemm', [1, 3], { alpha: attr.float(2) }, [floats([3, 2], [1, 0, 0, 1, 1, 1]), floats([2], [1, -1])]),
);

describe('onnxruntime sessions', () => {
  const savedEnv = process.env.PLENOPTIC_ORT_EP;
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.PLENOPTIC_ORT_EP;
    else process.env.PLENOPTIC_ORT_EP = savedEnv;
  });

  it('loads onnxruntime-node in Node and runs a model on the CPU provider', async () => {
    expect(await onnxruntimeStatus()).toMatchObject({ available: true, runtime: 'onnxruntime-node' });
    const session = await createOrtSession(gemm, { executionProvider: 'cpu' });
    expect(session.executionProvider).toBe('cpu');
    expect(session.reason).toBe('requested');
    const out = await session.run({ x: { data: Float32Array.from([1, 2, 3]), dims: [1, 3] } });
    // 2 * [1 + 3, 2 + 3] + [1, -1]
    expect(Array.from(out.y.data)).toEqual([9, 9]);
    expect(out.y.dims).toEqual([1, 2]);
    await session.release();
  });

  it('takes the provider from PLENOPTIC_ORT_EP and rejects unknown names', async () => {
    process.env.PLENOPTIC_ORT_EP = 'cpu';
    const session = await createOrtSession(gemm);
    expect([session.executionProvider, session.reason]).toEqual(['cpu', 'PLENOPTIC_ORT_EP']);
    await session.release();
    process.env.PLENOPTIC_ORT_EP = 'tpu';
    await expect(createOrtSession(gemm)).rejects.toThrow(/Unknown onnxruntime execution provider 'tpu'.*cpu, cuda, webgpu, wasm/);
  });

  it('falls back to the CPU provider, with a warning, when a requested one is missing', async () => {
    const { result: session, warnings } = await captureWarnings(() => createOrtSession(gemm, { executionProvider: 'webgpu' }));
    expect(session.executionProvider).toBe('cpu');
    expect(session.reason).toMatch(/fell back past: webgpu/);
    expect(warnings.map((w) => w.message).join()).toMatch(/could not use webgpu.*running on cpu/);
    await session.release();
  });

  it('reports a model onnxruntime rejects', async () => {
    await expect(createOrtSession(new Uint8Array([1, 2, 3]), { executionProvider: 'cpu' })).rejects.toThrow(/onnxruntime could not load the model/);
  });
});
