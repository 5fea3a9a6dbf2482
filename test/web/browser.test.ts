// End to end in headless Chromium: build the page, run 20 metamer iterations on a built-in image with the wasm
// backend, and check that the loss fell and the synthesized canvas changed. Skipped, with a message, when no
// Chromium is installed (.ci/run installs Debian's).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, findChromium, launchChromium, runInPage, serveStatic } from '../../web/harness.js';

const chromium = findChromium();
if (!chromium) console.warn('[web] no Chromium found (apt-get install chromium): the browser end-to-end test is skipped.');

(chromium ? describe : describe.skip)('web page in headless Chromium', () => {
  let outDir = '';
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'plenoptic-web-'));
    await buildWebApp(outDir);
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
});
