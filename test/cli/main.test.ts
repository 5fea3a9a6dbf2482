import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectSuccess, expectUsageError, run, tempDir } from './run-cli.js';

describe('plenoptic (the program)', () => {
  it('lists every command, and each prints its help', async () => {
    const overview = await run();
    const names = ['metamer', 'mad', 'mad-all', 'eigendistortion', 'geodesic', 'compare-layers', 'metric', 'model', 'onnx', 'images', 'models', 'demo'];
    for (const name of names) expect(overview.stdout).toMatch(new RegExp(`^  ${name}\\s`, 'm'));
    for (const name of names.filter((n) => n !== 'onnx')) {
      const help = await run(name, '--help');
      expectSuccess(help);
      expect(help.stdout).toContain(`Usage: plenoptic ${name}`);
    }
    // a one-letter alias is shown beside its long name
    expect((await run('eigendistortion', '--help')).stdout).toContain('-k, --k K');
  });

  it('shows a warning raised every iteration once, then counts the repeats', async () => {
    // MAD images stray outside [0, 1], which SSIM reports at every evaluation
    const { dir, cleanup } = await tempDir('main');
    const r = await run('mad', '--image', 'builtin:dead-leaves', '--size', '16', '--optimized', 'mse', '--reference', 'ssim', '--minmax', 'max', '--lambda', '1', '--max-iter', '4', '--stop-criterion', '-1', '--out', join(dir, 'mad'));
    await cleanup();
    expectSuccess(r);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => l.includes('Image range falls outside [0, 1]')).length).toBe(1);
    expect(lines[lines.length - 1]).toMatch(/^plenoptic mad: warning: \d+ repeated warnings? not shown\.$/);
  });

  it('rejects unknown commands and short options it does not know', async () => {
    expectUsageError(await run('mad-al'), "did you mean 'mad-all'?");
    expectUsageError(await run('metamer', '-x', '1'), "unknown option '-x'");
  });
});
