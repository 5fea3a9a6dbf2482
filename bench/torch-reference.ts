// PyTorch timed beside us, in the same bench run: bench/torch-reference.py run by a python3 that has torch
// (Debian's python3-torch is 1.13, the version the issues' reference numbers came from).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './reference.js';

export interface TorchTimings {
  torch: string;
  vgg16Features16: { forward: number; forwardBackward: number };
  resnet18: { forward: number; forwardBackward: number };
  /** One power-method step (Fisher products for k = 2 vectors) on VGG16 to relu3_3 at 64×64. */
  eigendistortionStep: number;
}

/** The timings, or why they could not be taken (no python3, no torch, the script failed). */
export function torchTimings(runs = 7): TorchTimings | { unavailable: string } {
  const script = join(projectRoot(), 'bench', 'torch-reference.py');
  if (!existsSync(script)) return { unavailable: `${script} not found` };
  const python = process.env.PLENOPTIC_BENCH_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  const run = spawnSync(python, [script, String(runs)], { encoding: 'utf8', timeout: 600_000 });
  if (run.error) return { unavailable: `${python}: ${run.error.message}` };
  if (run.status !== 0) return { unavailable: `${python} ${script} failed: ${(run.stderr || '').trim().split('\n').pop()}` };
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as TorchTimings;
}
