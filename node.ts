// The Node entry point: the browser-safe library plus file I/O (images through sharp, .npy files).
export * from './index.js';
export { loadImages, saveImage, readNpy, loadNpy, saveNpy } from './images/files.js';
