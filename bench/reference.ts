import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// bench/ runs from dist/bench after the build, so look for the project root by its package.json.
export function projectRoot(): string {
  let dir = here;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const timingsDir = resolve(projectRoot(), '..', 'shared', 'fixtures', 'timings');

/**
 * The reference seconds for a timing item of ../shared/fixtures/timings (median of the 1-thread runs), or the
 * fallback quoted in the issue when the fixtures are absent.
 */
export function referenceSeconds(itemKey: string, fallback: number): { seconds: number; source: string } {
  const medians: number[] = [];
  for (const file of ['timings_1thread.json', 'timings_1thread_run2.json']) {
    const path = join(timingsDir, file);
    if (!existsSync(path)) continue;
    const data = JSON.parse(readFileSync(path, 'utf8'));
    const items = (data.items ?? data) as Record<string, { median_s?: number }>;
    const entry = items[itemKey];
    if (entry?.median_s) medians.push(entry.median_s);
  }
  if (medians.length === 0) return { seconds: fallback, source: 'issue text (fixtures absent)' };
  const seconds = medians.reduce((a, b) => a + b, 0) / medians.length;
  return { seconds, source: `plenoptic 1.1.0 / torch 1.13, 1 thread, mean of ${medians.length} run medians (fixtures/timings)` };
}

export async function timeMedian(fn: () => Promise<void>, runs = 3, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Median wall-clock seconds and the CPU seconds (user + system) per run. On a shared machine the wall time also
 * counts other processes' turns; the CPU time is what the run itself cost.
 */
export async function measure(fn: () => Promise<void>, runs = 3, warmup = 1): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < warmup; i++) await fn();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    walls.push((performance.now() - t0) / 1000);
    const cpu = process.cpuUsage(cpu0);
    cpus.push((cpu.user + cpu.system) / 1e6);
  }
  const median = (a: number[]) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return { wall: median(walls), cpu: median(cpus) };
}

/**
 * Best wall-clock and best process-CPU milliseconds of `runs` synchronous calls after one warm-up: on a shared
 * machine CPU time is the steadier of the two (wasm runs on one thread).
 */
export function bestOf(fn: () => void, runs: number): { wall: number; cpu: number } {
  fn();
  let wall = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    wall = Math.min(wall, performance.now() - t0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  return { wall, cpu };
}
