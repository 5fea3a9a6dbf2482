// Every test file starts with an initialised backend: wasm initialises asynchronously, and test modules create
// tensors at import time.
import { useBackend } from '../runtime/backend.js';

await useBackend();
