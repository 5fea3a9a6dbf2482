import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../../runtime/backend.js';
import { builtinImage, builtinImages, checkerboard, disk, makeDisk, sineGrating } from '../../images/procedural.js';

beforeAll(async () => {
  await ensureBackend();
});

const seeded = ['dead-leaves', 'pink-noise', 'texture'];

describe('built-in procedural images', () => {
  for (const name of Object.keys(builtinImages)) {
    it(`${name}: 1×1×H×W float32 in [0, 1] at the requested size, reproducible from its seed`, async () => {
      const image = builtinImage(name, { size: [40, 56], seed: 3 });
      expect(image.shape).toEqual([1, 1, 40, 56]);
      expect(image.dtype).toBe('float32');
      const data = await image.data();
      const min = Math.min(...data);
      const max = Math.max(...data);
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThanOrEqual(1);
      expect(max - min, 'uses the range').toBeGreaterThan(0.5);
      expect(Array.from(await builtinImage(name, { size: [40, 56], seed: 3 }).data())).toEqual(Array.from(data));
      const other = await builtinImage(name, { size: [40, 56], seed: 4 }).data();
      expect(Array.from(other).some((v, i) => v !== data[i])).toBe(seeded.includes(name));
      expect(builtinImage(name, { size: 17 }).shape).toEqual([1, 1, 17, 17]);
    });
  }

  it('are 256×256 by default', () => {
    expect(builtinImage('checkerboard').shape).toEqual([1, 1, 256, 256]);
  });

  it('have analytic values where they are deterministic', async () => {
    const board = await checkerboard({ size: 4, period: 2 }).data();
    expect(Array.from(board)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
    const grating = await sineGrating({ size: [2, 8], period: 8 }).data();
    expect(grating[0]).toBeCloseTo(0.5, 6); // sin(0)
    expect(grating[2]).toBeCloseTo(1, 6); // sin(π/2)
    expect(grating[6]).toBeCloseTo(0, 6); // sin(3π/2)
    expect(grating[8 + 2]).toBeCloseTo(1, 6); // constant down a column
  });

  it("disk is plenoptic's make_disk: 1 inside half the radius, 0 outside it, a raised cosine between", async () => {
    const d = makeDisk(9); // centre (4, 4), outer radius 4, inner 2
    expect(d[4 * 9 + 4]).toBe(1);
    expect(d[0]).toBe(0);
    expect(d[4 * 9 + 1]).toBeCloseTo((1 + Math.cos(Math.PI * 0.5)) / 2, 6); // r = 3
    expect(Array.from(await disk({ size: 9 }).data())).toEqual(Array.from(d));
  });

  it('reject an unknown name, listing the known ones, and a bad size', () => {
    expect(() => builtinImage('einstein')).toThrow(/Unknown built-in image 'einstein'. Known images: dead-leaves, pink-noise, sine-grating, zone-plate, disk, checkerboard, texture/);
    expect(() => builtinImage('disk', { size: 0 })).toThrow(/size must be a positive integer/);
    expect(() => builtinImage('disk', { size: [3.5, 4] })).toThrow(/size must be/);
  });
});
