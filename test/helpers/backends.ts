import { beforeAll, describe } from 'vitest';
import { useBackend } from '../../runtime/backend.js';

/** The backends every model path is checked on. */
export const testBackends = ['cpu', 'wasm'] as const;

/** Runs a describe block once per backend, switching to that backend before its tests. */
export function describeEachBackend(title: string, body: (backend: string) => void): void {
  for (const backend of testBackends) {
    describe(`${title} [${backend}]`, () => {
      beforeAll(async () => {
        await useBackend(backend);
      });
      body(backend);
    });
  }
}
