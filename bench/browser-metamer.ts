// Issue 9's bench: the same metamer synthesis in headless Chromium (the page, wasm backend) and in Node (wasm),
// side by side. The page runs in chunks of 5 iterations and repaints between them, as a user sees it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinImage } from '../images/procedural.js';
import { Gaussian } from '../models/naive.js';
import { Metamer } from '../synth/metamer.js';
import { Adam } from '../synth/optimizers/adam.js';
import { buildWebApp, findChromium, launchChromium, runInPage, serveStatic } from '../web/harness.js';
import { measure } from './reference.js';
import type { Bench } from './types.js';

const iterations = 100;
const size = 128;

export const bench: Bench = {
  description: `Metamer, Gaussian((31,31), std=3), dead-leaves ${size}², ${iterations} iterations: browser (wasm) vs Node (wasm)`,
  async run() {
    const chromium = findChromium();
    if (!chromium) throw new Error('No Chromium found: apt-get install chromium (or set PLENOPTIC_CHROMIUM).');
    const node = await measure(async () => {
      const image = builtinImage('dead-leaves', { size, seed: 0 });
      const metamer = new Metamer(image, new Gaussian([31, 31], { std: 3 }));
      await metamer.synthesize({ maxIter: iterations, stopCriterion: -1, optimizer: new Adam({ lr: 0.01 }), progressBar: false });
      metamer.dispose();
      image.dispose();
    }, 3);
    const outDir = mkdtempSync(join(tmpdir(), 'plenoptic-bench-web-'));
    await buildWebApp(outDir);
    const server = await serveStatic(outDir);
    const browser = await launchChromium(chromium);
    const browserSeconds: number[] = [];
    try {
      for (let run = 0; run < 3; run++) {
        const { state, page } = await runInPage(browser, server.url, {
          backend: 'wasm',
          method: 'metamer',
          model: 'gaussian',
          options: '{"kernelSize":[31,31],"std":3}',
          image: 'dead-leaves',
          size: String(size),
          iterations: String(iterations),
        });
        await page.close();
        if (state.state !== 'done') throw new Error(`page run failed: ${state.error}`);
        browserSeconds.push(state.seconds);
      }
    } finally {
      await browser.close();
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    }
    const browserMedian = browserSeconds.sort((a, b) => a - b)[1];
    return {
      name: 'browser-metamer',
      ours_s: browserMedian,
      reference_s: node.wall,
      reference: 'the same synthesis in Node on wasm, this run',
      ratio: browserMedian / node.wall,
      notes: `browser ${(iterations / browserMedian).toFixed(1)} it/s, Node ${(iterations / node.wall).toFixed(1)} it/s (Node CPU ${node.cpu.toFixed(2)} s)`,
    };
  },
};
