import { tf, setWasmPaths } from './tf.js';
import { ValueError } from './errors.js';

export type BackendName = 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface BackendChoice {
  name: BackendName;
  /** Why this backend was chosen, and what was tried before it. */
  reason: string;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

// Optional backends are loaded by name at run time so that they are never a hard dependency:
// tfjs-node(-gpu) needs libtensorflow, which cannot be installed everywhere.
const optionalModules: Record<string, string[]> = {
  tensorflow: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
  webgpu: ['@tensorflow/tfjs-backend-webgpu'],
  webgl: ['@tensorflow/tfjs-backend-webgl'],
};

let wasmLocated = false;

/**
 * In Node the wasm binaries are read from the tfjs-backend-wasm package itself: our bundled build lives elsewhere,
 * so the default (next to the JavaScript) would miss them. Pages set their own paths (web/browser-backend.ts).
 */
async function locateWasmBinariesInNode(): Promise<void> {
  if (wasmLocated || !isNode) return;
  wasmLocated = true;
  const moduleSpecifier = 'node:module';
  const { createRequire } = (await import(/* @vite-ignore */ moduleSpecifier)) as typeof import('node:module');
  const packageJson = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  setWasmPaths(packageJson.slice(0, packageJson.length - 'package.json'.length) + 'dist/');
}

async function tryRegister(name: BackendName): Promise<string | null> {
  if (name === 'wasm') await locateWasmBinariesInNode();
  if (tf.findBackendFactory(name)) return null;
  const modules = optionalModules[name];
  if (!modules) return `backend '${name}' is not registered`;
  const failures: string[] = [];
  for (const specifier of modules) {
    try {
      await import(/* @vite-ignore */ specifier);
      if (tf.findBackendFactory(name)) return null;
    } catch (e) {
      failures.push(`${specifier}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return failures.length ? failures.join('; ') : `backend '${name}' is not available`;
}

const preference: BackendName[] = isNode ? ['tensorflow', 'wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu'];
const known: BackendName[] = ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'];

let current: BackendChoice | null = null;

/**
 * Selects the tfjs compute backend. With no name, PLENOPTIC_BACKEND is used, else the best one present
 * (Node: tensorflow > wasm > cpu; browser: webgpu > webgl > wasm > cpu).
 */
export async function useBackend(name?: string): Promise<BackendChoice> {
  const requested = name ?? (isNode ? process.env.PLENOPTIC_BACKEND : undefined) ?? undefined;
  if (requested) {
    if (!known.includes(requested as BackendName)) {
      throw new ValueError(`Unknown backend '${requested}'. Choose one of: ${known.join(', ')}.`);
    }
    const problem = await tryRegister(requested as BackendName);
    if (problem) {
      throw new ValueError(`Backend '${requested}' cannot be used here (${problem}). Choose one of: ${preference.join(', ')}.`);
    }
    if (!(await tf.setBackend(requested))) {
      throw new ValueError(`Backend '${requested}' failed to initialise. Try PLENOPTIC_BACKEND=cpu.`);
    }
    current = { name: requested as BackendName, reason: name ? 'requested' : 'PLENOPTIC_BACKEND' };
    return current;
  }
  const skipped: string[] = [];
  for (const candidate of preference) {
    const problem = await tryRegister(candidate);
    if (problem) {
      skipped.push(`${candidate} (${problem})`);
      continue;
    }
    let ok = false;
    try {
      ok = await tf.setBackend(candidate);
    } catch (e) {
      skipped.push(`${candidate} (${(e as Error).message})`);
      continue;
    }
    if (ok) {
      current = { name: candidate, reason: skipped.length ? `fell back past: ${skipped.join('; ')}` : 'best available' };
      return current;
    }
    skipped.push(`${candidate} (failed to initialise)`);
  }
  throw new ValueError(`No tfjs backend could be initialised: ${skipped.join('; ')}`);
}

/** The backend in use, selecting the default one on first call. */
export async function ensureBackend(): Promise<BackendChoice> {
  if (current && tf.getBackend() === current.name) return current;
  if (current === null && !(isNode && process.env.PLENOPTIC_BACKEND)) return useBackend();
  if (current === null) return useBackend();
  current = { name: tf.getBackend() as BackendName, reason: 'set outside plenoptic-ts' };
  return current;
}

export function backendName(): string {
  return tf.getBackend();
}
