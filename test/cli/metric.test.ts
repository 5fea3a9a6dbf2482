import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { Rng } from '../../runtime/rng.js';
import { saveNpy } from '../../images/files.js';
import { builtinMetrics } from '../../models/metrics/index.js';
import { expectSuccess, expectUsageError, run, tempDir } from './run-cli.js';

describe('plenoptic metric', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let a: tf.Tensor4D;
  let b: tf.Tensor4D;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('metric'));
    const rng = new Rng(3);
    a = tf.tensor4d(rng.uniformArray(40 * 40), [1, 1, 40, 40]);
    // b: a plus a little noise, so that every metric is far from its extreme
    b = tf.tidy(() => tf.clipByValue(tf.add(a, tf.mul(tf.tensor4d(rng.normalArray(40 * 40), [1, 1, 40, 40]), 0.1)), 0, 1)) as tf.Tensor4D;
    await saveNpy(join(dir, 'a.npy'), a);
    await saveNpy(join(dir, 'b.npy'), b);
  });
  afterAll(async () => {
    tf.dispose([a, b]);
    await cleanup();
  });

  it('prints the value plenoptic computes (mse, ssim with options, nlpd), as text and as JSON', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['mse', {}],
      ['ssim', { weighted: true }],
      ['nlpd', {}],
    ];
    for (const [name, options] of cases) {
      const expected = (await builtinMetrics[name as 'mse'].compute(a, b, options).array())[0][0];
      const text = await run('metric', name, join(dir, 'a.npy'), join(dir, 'b.npy'), '--options', JSON.stringify(options));
      expectSuccess(text);
      expect(Number(text.stdout.trim().split(': ')[1])).toBe(expected);
      const json = await run('metric', name, join(dir, 'a.npy'), join(dir, 'b.npy'), '--options', JSON.stringify(options), '--json');
      expectSuccess(json);
      const parsed = JSON.parse(json.stdout);
      expect(parsed.values).toEqual([[expected]]);
      expect(parsed.shape).toEqual([1, 1]);
      expect(parsed.metric).toBe(name);
    }
  });

  it('reports bad usage as one line with exit code 2', async () => {
    const [pa, pb] = [join(dir, 'a.npy'), join(dir, 'b.npy')];
    expectUsageError(await run('metric', 'ssm', pa, pb), "unknown metric 'ssm'", "did you mean 'ssim'?");
    expectUsageError(await run('metric', 'ssim', pa), 'missing IMG2');
    expectUsageError(await run('metric', 'mse', pa, pb, '--options', '{"weighted":true}'), "Unknown option weighted for metric 'mse'");
    expectUsageError(await run('metric', 'mse', pa, 'builtin:disk', '--size', '16'), 'must have the same height and width', '40×40 and 16×16');
    expectUsageError(await run('metric', 'nlpd', 'builtin:disk', 'builtin:disk', '--size', '16'), 'at least 33×33');
    expectUsageError(await run('metric', 'ssim', pa, pb, '--options', '[1]'), '--options must be a JSON object');
  });
});
