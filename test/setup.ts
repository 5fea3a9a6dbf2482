// Every test file starts with an initialised backend: wasm initialises asynchronously, and test modules create
// tensors at import time.
import { useBackend } from '../runtime/backend.js';

// vitest runs test files in parallel workers: one onnxruntime thread each keeps them from fighting over the cores.
process.env.PLENOPTIC_ORT_THREADS ??= '1';

await useBackend();
