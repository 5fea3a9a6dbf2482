// The library, browser-safe: no Node-only import here or below.
export { tf } from './runtime/tf.js';
export { useBackend, ensureBackend, type BackendChoice, type BackendName } from './runtime/backend.js';
