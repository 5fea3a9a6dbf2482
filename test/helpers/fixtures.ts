// The one door to ../shared/fixtures: tests that need reference data call these and are skipped, with a message,
// when the folder is absent (a clone without the steering repo beside it).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { parseNpy, npyToTensor, type NpyArray } from '../../images/npy.js';
import type { tf } from '../../runtime/tf.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedDir = process.env.PLENOPTIC_SHARED ?? resolve(repoRoot, '..', 'shared');
export const fixturesDir = join(sharedDir, 'fixtures');
export const haveFixtures = existsSync(join(fixturesDir, 'README.md'));

if (!haveFixtures) {
  console.warn(`[fixtures] ${fixturesDir} not found: reference-data tests are skipped.`);
}

/** describe() that is skipped when the fixtures are absent. */
export const describeFixtures: typeof describe = (haveFixtures ? describe : describe.skip) as typeof describe;

export function fixturePath(...parts: string[]): string {
  return join(fixturesDir, ...parts);
}

export function readFixtureNpy(...parts: string[]): NpyArray {
  const path = fixturePath(...parts);
  return parseNpy(readFileSync(path), path);
}

export function fixtureTensor(...parts: string[]): tf.Tensor {
  return npyToTensor(readFixtureNpy(...parts));
}

export function readFixtureJson<T = any>(...parts: string[]): T {
  return JSON.parse(readFileSync(fixturePath(...parts), 'utf8')) as T;
}
