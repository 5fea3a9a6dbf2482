import { ValueError } from '../runtime/errors.js';
import type { SavedTensor } from './optimizers/optimizer.js';

// A saved synthesis is one file: an 8-byte magic, a uint32 JSON length, the JSON metadata, padding to 8 bytes, then
// the float32 tensors back to back. Python reads it with a dozen lines (json + numpy.frombuffer), and the version
// field lets later releases load older files.
const MAGIC = 'PLNTSYN1';
export const SAVE_FORMAT_VERSION = 1;

export interface SavedSynthesis {
  /** The class that wrote it ('Metamer', 'MADCompetition', ...). */
  kind: string;
  version: number;
  meta: Record<string, unknown>;
  tensors: Record<string, SavedTensor>;
}

export function encodeSynthesis(kind: string, meta: Record<string, unknown>, tensors: Record<string, SavedTensor>): Uint8Array {
  let offset = 0;
  const index: Record<string, { shape: number[]; offset: number; length: number }> = {};
  for (const [name, t] of Object.entries(tensors)) {
    index[name] = { shape: t.shape, offset, length: t.data.length };
    offset += t.data.length * 4;
  }
  const header = new TextEncoder().encode(
    JSON.stringify({ format: 'plenoptic-ts synthesis', version: SAVE_FORMAT_VERSION, kind, meta, tensors: index }),
  );
  const headerEnd = 12 + header.length;
  const dataStart = Math.ceil(headerEnd / 8) * 8;
  const out = new Uint8Array(dataStart + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(bytes, dataStart + index[name].offset);
  }
  return out;
}

export function decodeSynthesis(bytes: Uint8Array, source = 'data'): SavedSynthesis {
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (bytes.length < 12 || magic !== MAGIC) {
    throw new ValueError(`${source} is not a saved plenoptic-ts synthesis (bad magic). Save one with synthesis.save(path).`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new ValueError(`${source} is truncated (header runs past the end of the file).`);
  let header: {
    version: number;
    kind: string;
    meta: Record<string, unknown>;
    tensors: Record<string, { shape: number[]; offset: number; length: number }>;
  };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch (e) {
    throw new ValueError(`${source} has a corrupt header: ${(e as Error).message}`);
  }
  if (header.version > SAVE_FORMAT_VERSION) {
    throw new ValueError(`${source} was written by a newer plenoptic-ts (format ${header.version}; this one reads up to ${SAVE_FORMAT_VERSION}). Upgrade plenoptic-ts.`);
  }
  const dataStart = Math.ceil((12 + headerLength) / 8) * 8;
  const tensors: Record<string, SavedTensor> = {};
  for (const [name, entry] of Object.entries(header.tensors)) {
    const start = dataStart + entry.offset;
    if (start + entry.length * 4 > bytes.length) throw new ValueError(`${source} is truncated (tensor '${name}' runs past the end).`);
    // copy: the offset need not be 4-aligned within the caller's buffer
    const data = new Float32Array(entry.length);
    new Uint8Array(data.buffer).set(bytes.subarray(start, start + entry.length * 4));
    tensors[name] = { shape: entry.shape, data };
  }
  return { kind: header.kind, version: header.version, meta: header.meta, tensors };
}

// File access is looked up at run time so that synth/ stays importable in a browser.
const fsModule = 'node:fs/promises';

export async function writeBytes(path: string, bytes: Uint8Array): Promise<void> {
  const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
  await fs.writeFile(path, bytes);
}

export async function readBytes(path: string): Promise<Uint8Array> {
  const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
  try {
    return new Uint8Array(await fs.readFile(path));
  } catch (e) {
    throw new ValueError(`Cannot read saved synthesis '${path}': ${(e as Error).message}`);
  }
}
