// The Node entry point: the browser-safe library plus file I/O (images through sharp, .npy files, figures).
import { ensureBackend } from './runtime/backend.js';

export * from './index.js';
export { loadImages, saveImage, readNpy, loadNpy, saveNpy } from './images/files.js';
export { writePng, writeSvg, writeBytesFile } from './display/node.js';
export { saveTappedModel } from './adapters/onnx-model.js';

// tfjs would otherwise start its highest-priority backend (wasm) on first use without knowing where the wasm
// binaries are; choose the backend now (PLENOPTIC_BACKEND, else tensorflow > wasm > cpu). useBackend() switches.
await ensureBackend();
