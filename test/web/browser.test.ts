// End to end in headless Chromium: build the page, run 20 metamer iterations on a built-in image with the wasm
// backend, and check that the loss fell and the synthesized canvas changed; then the same with a small ONNX
// network run by onnxruntime-web. Skipped, with a message, when no Chromium is installed (.ci/run installs
// Debian's).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr, makeNode } from '../../onnx/attributes.js';
import { encodeModel } from '../../onnx/encode.js';
import { buildWebApp, findChromium, launchChromium, runInPage, serveStatic } from '../../web/harness.js';
import { buildModel, randomTensor } from '../onnx/graph-builder.js';

/** An RGB network (conv, relu, max-pool, conv), as a user's export would be. */
const network = buildModel({
  inputShape: ['batch', 3, 'h', 'w'],
  nodes: [
    makeNode('Conv', ['x', 'W1', 'b1'], ['c1'], { pads: attr.ints([1, 1, 1, 1]) }),
    makeNode('Relu', ['c1'], ['r1']),
    makeNode('MaxPool', ['r1'], ['p1'], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }),
    makeNode('Conv', ['p1', 'W2', 'b2'], ['y'], { pads: attr.ints([1, 1, 1, 1]) }),
  ],
  initializers: { W1: randomTensor([6, 3, 3, 3], 1), b1: randomTensor([6], 2), W2: randomTensor([4, 6, 3, 3], 3), b2: randomTensor([4], 4) },
});

const chromium = findChromium();
if (!chromium) console.warn('[web] no Chromium found (apt-get install chromium): the browser end-to-end test is skipped.');

(chromium ? describe : describe.skip)('web page in headless Chromium', () => {
  let outDir = '';
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'plenoptic-web-'));
    await buildWebApp(outDir);
    writeFileSync(join(outDir, 'network.onnx'), encodeModel(network));
    server = await serveStatic(outDir);
    browser = await launchChromium(chromium!);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('runs a metamer on wasm: the loss falls and the canvas changes', async () => {
    const query = { backend: 'wasm', method: 'metamer', model: 'gaussian', options: '{"kernelSize":[7,7],"std":1.5}', image: 'dead-leaves', size: '32', iterations: '20' };
    const { state: done, errors, canvasBefore, canvasAfter, page } = await runInPage(browser, server.url, query, 120_000);
    expect(done.error).toBeNull();
    expect(done.backend).toBe('wasm');
    expect(done.state).toBe('done');
    expect(done.iterations).toBe(20);
    expect(done.losses.length).toBe(20);
    expect(done.losses[19]).toBeLessThan(done.losses[0] * 0.5);
    expect(canvasAfter).not.toBe(canvasBefore);
    mkdirSync('out/e2e', { recursive: true });
    await page.screenshot({ path: 'out/e2e/metamer-wasm.png', fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs a metamer of an ONNX network on onnxruntime-web: the loss falls', async () => {
    const query = { backend: 'wasm', method: 'metamer', onnx: 'network.onnx', layer: '', image: 'dead-leaves', size: '32', iterations: '20' };
    const { state: done, errors, page } = await runInPage(browser, server.url, query, 120_000);
    expect(done.error).toBeNull();
    expect(done.state).toBe('done');
    // Headless Chromium here has no WebGPU adapter, so onnxruntime-web falls back to its wasm provider.
    expect(done.onnxExecution).toMatch(/^onnxruntime (wasm|webgpu) .*vjp\/jvp from generated gradient graphs/);
    expect(done.losses.length).toBe(20);
    expect(done.losses[19]).toBeLessThan(done.losses[0] * 0.5);
    expect(errors).toEqual([]);
    await page.close();
  });
});
