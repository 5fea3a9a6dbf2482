// Node-side tools to drive the page: build it with Vite, serve the build on loopback, and open it in a headless
// Chromium (Debian's package) through playwright-core. Used by the end-to-end test and the browser bench.
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = (() => {
  // this file runs from web/ (vitest) or dist/web/ (compiled bench)
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'web', 'index.html')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'web');
})();

const chromiumCandidates = [process.env.PLENOPTIC_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium executable to use, or null when none is installed (apt-get install chromium). */
export function findChromium(): string | null {
  return chromiumCandidates.find((p): p is string => !!p && existsSync(p)) ?? null;
}

export async function buildWebApp(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: join(webDir, 'vite.config.ts'),
    root: webDir,
    logLevel: 'warn',
    build: { outDir: resolve(outDir), emptyOutDir: true },
  });
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Serves a folder on 127.0.0.1 at a free port. */
export async function serveStatic(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const root = resolve(dir);
  const server: Server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname));
    const file = join(root, path === '/' ? 'index.html' : path);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export async function launchChromium(executablePath: string) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** The page's exposed state (web/main.ts's AppState). */
export interface PageState {
  state: string;
  backend: string;
  backendReason: string;
  losses: number[];
  iterations: number;
  seconds: number;
  onnxExecution: string;
  error: string | null;
}

/** Opens the page with the given query, presses Run and waits for the run to end; returns the page's state. */
export async function runInPage(
  browser: Awaited<ReturnType<typeof launchChromium>>,
  url: string,
  query: Record<string, string>,
  timeoutMs = 300_000,
): Promise<{
  state: PageState;
  errors: string[];
  /** The synthesized-image canvas as a data URL, before Run and after the run. */
  canvasBefore: string;
  canvasAfter: string;
  page: Awaited<ReturnType<Awaited<ReturnType<typeof launchChromium>>['newPage']>>;
}> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !m.text().includes('404') && errors.push(m.text()));
  await page.goto(`${url}?${new URLSearchParams(query)}`);
  const appState = () => (window as unknown as { plenopticApp: PageState }).plenopticApp;
  await page.waitForFunction(() => (window as unknown as { plenopticApp: PageState }).plenopticApp.state !== 'loading', null, { timeout: 60_000 });
  const canvas = () => (document.getElementById('synthesized') as HTMLCanvasElement).toDataURL();
  const canvasBefore = await page.evaluate(canvas);
  await page.click('#run');
  await page.waitForFunction(
    () => ['done', 'error'].includes((window as unknown as { plenopticApp: PageState }).plenopticApp.state),
    null,
    { timeout: timeoutMs },
  );
  return { state: await page.evaluate(appState), errors, canvasBefore, canvasAfter: await page.evaluate(canvas), page };
}
