// `npm run bench -- NAME [NAME ...]` (or `all`): each NAME is a module bench/NAME.ts exporting `bench: Bench`.
// Prints one line per bench and writes bench-results.json: our time, the reference time, and their ratio.
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBackend } from '../runtime/backend.js';
import type { Bench, BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const infrastructure = new Set(['run', 'types', 'reference', 'fixture-image', 'onnx-architectures', 'torch-reference']);

function available(): string[] {
  return readdirSync(here)
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.slice(0, -3))
    .filter((n) => !infrastructure.has(n))
    .sort();
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const all = available();
  if (names.length === 0) {
    console.log(`usage: npm run bench -- NAME [NAME ...] | all\nbenches: ${all.join(', ')}`);
    return;
  }
  const selected = names.includes('all') ? all : names;
  const unknown = selected.filter((n) => !all.includes(n));
  if (unknown.length) throw new Error(`Unknown bench ${unknown.join(', ')}. Available: ${all.join(', ')}`);
  const backend = await ensureBackend();
  console.log(`tfjs backend: ${backend.name} (${backend.reason})`);
  const results: BenchResult[] = [];
  for (const name of selected) {
    // an opaque specifier: the bundler must not try to resolve benches at build time
    const url = new URL(`./${name}.js`, import.meta.url).href;
    const mod = (await import(/* @vite-ignore */ url)) as { bench: Bench };
    console.log(`\n${name}: ${mod.bench.description}`);
    const r = await mod.bench.run();
    results.push({ ...r, backend: r.backend ?? backend.name });
    const verdict = r.ratio <= 1 ? 'faster than' : 'slower than';
    console.log(`  ours ${r.ours_s.toFixed(3)} s, reference ${r.reference_s.toFixed(3)} s (${r.reference}) -> ratio ${r.ratio.toFixed(2)} (${verdict} the reference)${r.notes ? `\n  ${r.notes}` : ''}`);
  }
  writeFileSync('bench-results.json', JSON.stringify(results, null, 2));
  console.log('\nwrote bench-results.json');
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
