// Model bytes from a path (Node), a URL (fetch) or memory.
import { ValueError } from '../runtime/errors.js';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

export async function readSource(source: string | Uint8Array | ArrayBuffer): Promise<{ bytes: Uint8Array; label: string }> {
  if (source instanceof Uint8Array) return { bytes: source, label: 'ONNX buffer' };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), label: 'ONNX buffer' };
  if (typeof source !== 'string') throw new ValueError('An ONNX source must be a path, a URL or a Uint8Array.');
  if (/^(https?|blob|data):/.test(source) || !isNode) {
    const response = await fetch(source);
    if (!response.ok) throw new ValueError(`Could not fetch ${source}: HTTP ${response.status}.`);
    return { bytes: new Uint8Array(await response.arrayBuffer()), label: source };
  }
  const { readFile } = await import('node:fs/promises');
  try {
    return { bytes: await readFile(source), label: source };
  } catch (e) {
    throw new ValueError(`Could not read ONNX file '${source}': ${(e as Error).message}`);
  }
}

/** Writes bytes to a path (Node only). */
export async function writeBytes(path: string, bytes: Uint8Array): Promise<void> {
  if (!isNode) throw new ValueError('Writing files needs Node; in a browser, save the bytes from tappedModelBytes().');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, bytes);
}
