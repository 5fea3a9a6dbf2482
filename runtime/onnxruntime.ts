// The one seam over onnxruntime: onnxruntime-node in Node (CPU binary bundled; CUDA when its binaries are
// installed), onnxruntime-web elsewhere (WebGPU, wasm). Everything else creates sessions through here and never
// imports onnxruntime itself, so the rest of the code does not care which package or provider runs.
import { ValueError } from './errors.js';
import { warn } from './warnings.js';

export type ExecutionProvider = 'cpu' | 'cuda' | 'webgpu' | 'wasm';

export interface OrtSessionOptions {
  /**
   * Where to run: a provider, a preference list, or 'auto' (onnxruntime-node: cuda when its CUDA provider is
   * installed, then cpu; onnxruntime-web: webgpu then wasm).
   * Defaults to PLENOPTIC_ORT_EP, else 'auto'.
   */
  executionProvider?: ExecutionProvider | ExecutionProvider[] | 'auto';
  /** Threads for one operator (onnxruntime's intra-op pool); its default uses every core. */
  intraOpNumThreads?: number;
}

export interface OrtTensorData {
  data: Float32Array;
  dims: readonly number[];
}

export interface OrtSession {
  /** The provider the session was created with. */
  readonly executionProvider: ExecutionProvider;
  /** Why that provider: requested, default, or what failed before it. */
  readonly reason: string;
  /** 'onnxruntime-node' or 'onnxruntime-web'. */
  readonly runtime: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model on float32 inputs. (onnxruntime-node computes synchronously inside this promise.) */
  run(feeds: Record<string, OrtTensorData>): Promise<Record<string, OrtTensorData>>;
  release(): Promise<void>;
}

/** The subset of the onnxruntime-common API used here (both packages export it). */
interface OrtModule {
  InferenceSession: {
    create(model: Uint8Array, options: object): Promise<OrtNativeSession>;
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
}

interface OrtNativeSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown; dims: readonly number[]; type: string }>>;
  release(): Promise<void>;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;
const knownProviders: ExecutionProvider[] = ['cpu', 'cuda', 'webgpu', 'wasm'];

let loaded: Promise<{ module: OrtModule; name: string } | { error: string }> | null = null;

/**
 * Node tries onnxruntime-node, then onnxruntime-web, by a specifier bundlers leave alone (both are external to the
 * Node build, and onnxruntime-node must not reach a browser bundle). In a browser the specifier is literal, so
 * the page's bundler includes onnxruntime-web and its WebAssembly files.
 */
async function loadModule(): Promise<{ module: OrtModule; name: string } | { error: string }> {
  const failures: string[] = [];
  const attempts: [string, () => Promise<unknown>][] = isNode
    ? ['onnxruntime-node', 'onnxruntime-web'].map((name) => [name, () => import(/* @vite-ignore */ name)])
    : [['onnxruntime-web', () => import('onnxruntime-web')]];
  for (const [name, load] of attempts) {
    try {
      const imported = (await load()) as OrtModule & { default?: OrtModule };
      const module = imported.InferenceSession ? imported : imported.default;
      if (module?.InferenceSession) return { module, name };
      failures.push(`${name}: no InferenceSession export`);
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { error: failures.join('; ') };
}

function ortModule(): Promise<{ module: OrtModule; name: string } | { error: string }> {
  loaded ??= loadModule();
  return loaded;
}

/** Whether onnxruntime can be loaded here; `reason` says why not. */
export async function onnxruntimeStatus(): Promise<{ available: boolean; runtime?: string; reason?: string }> {
  const m = await ortModule();
  return 'error' in m ? { available: false, reason: m.error } : { available: true, runtime: m.name };
}

/**
 * Whether onnxruntime-node's CUDA provider library is installed (its install script downloads it; without it,
 * asking for CUDA only logs a load failure).
 */
async function cudaProviderInstalled(): Promise<boolean> {
  try {
    const { createRequire } = await import('node:module');
    const { existsSync } = await import('node:fs');
    const { dirname, join } = await import('node:path');
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    const dir = join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
    return ['libonnxruntime_providers_cuda.so', 'onnxruntime_providers_cuda.dll'].some((f) => existsSync(join(dir, f)));
  } catch {
    return false;
  }
}

async function requestedProviders(
  option: OrtSessionOptions['executionProvider'],
  runtime: string,
): Promise<{ list: ExecutionProvider[]; source: string }> {
  const fromEnv = isNode ? process.env.PLENOPTIC_ORT_EP : undefined;
  const requested = option ?? (fromEnv as OrtSessionOptions['executionProvider']) ?? 'auto';
  const source = option !== undefined ? 'requested' : fromEnv ? 'PLENOPTIC_ORT_EP' : 'default';
  if (requested === 'auto') {
    if (runtime !== 'onnxruntime-node') return { list: ['webgpu', 'wasm'], source };
    return { list: (await cudaProviderInstalled()) ? ['cuda', 'cpu'] : ['cpu'], source };
  }
  const list = (Array.isArray(requested) ? requested : String(requested).split(',')).map((p) => p.trim());
  for (const p of list) {
    if (!knownProviders.includes(p as ExecutionProvider)) {
      throw new ValueError(`Unknown onnxruntime execution provider '${p}'. Choose from: auto, ${knownProviders.join(', ')}.`);
    }
  }
  return { list: list as ExecutionProvider[], source };
}

/**
 * Creates an inference session for ONNX bytes, trying the requested providers in order and falling back to the
 * CPU one (wasm in the browser) with a warning when none of them works here.
 */
export async function createOrtSession(model: Uint8Array, options: OrtSessionOptions = {}): Promise<OrtSession> {
  const loadedModule = await ortModule();
  if ('error' in loadedModule) {
    throw new ValueError(`onnxruntime is not available (${loadedModule.error}). Install onnxruntime-node or use executor 'tfjs'.`);
  }
  const { module, name: runtime } = loadedModule;
  const { list, source } = await requestedProviders(options.executionProvider, runtime);
  const fallback: ExecutionProvider = runtime === 'onnxruntime-node' ? 'cpu' : 'wasm';
  const attempts = list.includes(fallback) ? list : [...list, fallback];
  const failures: string[] = [];
  for (const provider of attempts) {
    try {
      const session = await module.InferenceSession.create(model, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
        // Products alternate between sessions (linearize, then vjp or jvp): threads left spinning by one session
        // take the cores the next one needs (measured: an eigendistortion step 1.7× slower on two threads).
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      const wanted = list.includes(provider);
      if (!wanted && source !== 'default') {
        warn(`onnxruntime could not use ${list.join(', ')} (${failures.join('; ')}); running on ${provider}.`);
      }
      const reason = failures.length ? `${source}; fell back past: ${failures.join('; ')}` : source;
      return wrapSession(session, module, provider, reason, runtime);
    } catch (e) {
      const message = (e as Error).message.split('\n')[0];
      // A model onnxruntime rejects fails the same way on every provider: report it rather than retrying.
      if (provider === fallback) throw new ValueError(`onnxruntime could not load the model: ${message}`);
      failures.push(`${provider}: ${message}`);
    }
  }
  throw new ValueError(`onnxruntime could not create a session: ${failures.join('; ')}`);
}

function wrapSession(
  session: OrtNativeSession,
  module: OrtModule,
  executionProvider: ExecutionProvider,
  reason: string,
  runtime: string,
): OrtSession {
  return {
    executionProvider,
    reason,
    runtime,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds) {
      const native: Record<string, unknown> = {};
      for (const [name, t] of Object.entries(feeds)) native[name] = new module.Tensor('float32', t.data, t.dims);
      const results = await session.run(native);
      const out: Record<string, OrtTensorData> = {};
      for (const [name, t] of Object.entries(results)) {
        if (t.type !== 'float32') throw new ValueError(`onnxruntime output '${name}' is ${t.type}; only float32 outputs are supported.`);
        out[name] = { data: t.data as Float32Array, dims: [...t.dims] };
      }
      return out;
    },
    release: () => session.release(),
  };
}
