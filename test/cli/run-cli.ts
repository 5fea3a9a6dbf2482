// Runs the CLI in-process, as the tests of each command do.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { main } from '../../cli/main.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

/** Success: exit 0 (stderr shown when it is not). */
export function expectSuccess(r: Run): void {
  expect(r.code, r.stderr).toBe(0);
}

/** A usage error: exit 2 and exactly one line on stderr, containing every fragment. */
export function expectUsageError(r: Run, ...fragments: string[]): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trimEnd().split('\n').length, r.stderr).toBe(1);
  for (const f of fragments) expect(r.stderr).toContain(f);
}

/** A temporary folder for one test file, removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `plenoptic-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
