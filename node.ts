// The Node entry point: the browser-safe library plus file I/O (images through sharp, .npy files, figures).
export * from './index.js';
export { loadImages, saveImage, readNpy, loadNpy, saveNpy } from './images/files.js';
export { writePng, writeSvg, writeBytesFile } from './display/node.js';
export { saveTappedModel } from './adapters/onnx-model.js';
