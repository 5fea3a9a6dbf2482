import { describe, expect, it } from 'vitest';
import {
  colorCycle,
  freedmanDiaconisBins,
  hstack,
  linePlot,
  linearTicks,
  logTicks,
  lossCurve,
  lossCurveSvg,
  parseColor,
  stemGrid,
  stemPlot,
  textWidth,
  vstack,
  Figure,
} from '../../display/index.js';
import { dashPieces } from '../../display/painter.js';

function polylines(svg: string): number[][][] {
  return [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));
}

function circles(svg: string): number[][] {
  return [...svg.matchAll(/<circle cx="([^"]*)" cy="([^"]*)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** Least-squares check that ys = a + b·xs exactly (up to SVG's 0.01 px rounding). */
function expectAffine(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b) / n;
  const my = ys.reduce((a, b) => a + b) / n;
  const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  for (let i = 0; i < n; i++) expect(Math.abs(ys[i] - (my + slope * (xs[i] - mx)))).toBeLessThan(0.011);
  return slope;
}

describe('loss curve', () => {
  // a known curve: loss_i = 10^(−i/10), a straight line on a log axis
  const losses = Array.from({ length: 50 }, (_, i) => 10 ** (-i / 10));

  it('puts one point per loss, x linear in the iteration and y linear in log10(loss)', () => {
    const svg = lossCurveSvg(losses, { width: 480, height: 360 });
    expect(svg.startsWith('<svg')).toBe(true);
    const curve = polylines(svg).find((p) => p.length === 50)!;
    expect(curve).toBeDefined();
    const iterations = losses.map((_, i) => i);
    const xSlope = expectAffine(iterations, curve.map(([x]) => x));
    const ySlope = expectAffine(losses.map(Math.log10), curve.map(([, y]) => y));
    expect(xSlope).toBeGreaterThan(0);
    // pixels grow downwards: larger losses are higher up
    expect(ySlope).toBeLessThan(0);
    // the red dot sits on the last point by default, on point 10 when asked
    expect(circles(svg)).toEqual([curve[49]]);
    const marked = lossCurveSvg(losses, { iteration: 10 });
    expect(circles(marked)).toEqual([polylines(marked).find((p) => p.length === 50)![10]]);
    expect(circles(lossCurveSvg(losses, { iteration: -5 }))[0]).toEqual(polylines(lossCurveSvg(losses)).find((p) => p.length === 50)![45]);
    expect(svg).toContain('Synthesis iteration');
    expect(svg).toContain('>Loss<');
  });

  it('leaves gaps where a log axis cannot show a value', () => {
    const withGap = [1, 0.5, 0, 0.2, NaN, 0.1, 0.05];
    const svg = lossCurveSvg(withGap);
    const runs = [...svg.matchAll(/<polyline points="([^"]*)"[^>]*stroke="#1f77b4"/g)].map((m) => m[1].split(' ').length);
    expect(runs).toEqual([2, 1, 2]);
  });

  it('draws the same curve in the raster: blue pixels on the line, white off it', () => {
    const figure = lossCurve(losses, { width: 480, height: 360 });
    const curve = polylines(figure.toSvg()).find((p) => p.length === 50)!;
    const [x, y] = curve[20];
    const at = (px: number, py: number) => Array.from(figure.rgba.subarray(4 * (py * figure.width + px), 4 * (py * figure.width + px) + 3));
    const [r, g, b] = at(Math.floor(x), Math.floor(y));
    expect(b).toBeGreaterThan(r + 40);
    expect(g).toBeLessThan(200);
    expect(at(Math.floor(x), Math.floor(y) - 40)).toEqual([255, 255, 255]);
  });
});

describe('axes ticks', () => {
  it('gives round linear ticks inside the range', () => {
    const ticks = linearTicks(-0.3, 49.7);
    expect(ticks.map((t) => t.value)).toEqual([0, 10, 20, 30, 40]);
    expect(ticks.map((t) => t.label)).toEqual(['0', '10', '20', '30', '40']);
    expect(linearTicks(0, 1).map((t) => t.label)).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
  });

  it('gives decades on a log axis, and 1-2-5 steps within one decade', () => {
    expect(logTicks(5e-4, 2).map((t) => t.value)).toEqual([1e-3, 1e-2, 1e-1, 1]);
    expect(logTicks(5e-4, 2).map((t) => t.label)).toEqual(['0.001', '0.01', '0.1', '1']);
    expect(logTicks(1e-7, 1e-5).map((t) => t.label)).toEqual(['1e-7', '1e-6', '1e-5']);
    expect(logTicks(0.15, 0.9).map((t) => t.value)).toEqual([0.2, 0.5]);
  });
});

describe('line plots', () => {
  it('draws several series in the colour cycle with a legend, and dashed lines in pieces', () => {
    const f = linePlot(
      [
        { y: [1, 2, 3], label: 'first' },
        { y: [3, 2, 1], label: 'second', dash: [6, 4] },
      ],
      { title: 'two lines' },
    );
    const svg = f.toSvg();
    expect(svg).toContain('#1f77b4');
    expect(svg).toContain('#ff7f0e');
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain('>first<');
    expect(svg).toContain('>two lines<');
    expect(parseColor('C3')).toEqual(colorCycle[3]);
    expect(parseColor('#ff0080')).toEqual([255, 0, 128]);
    expect(() => parseColor('mauve')).toThrow(/Unknown colour/);
    // a 25 px line in 6-on / 4-off dashes: on at [0,6], [10,16], [20,25]
    const pieces = dashPieces([0, 0, 25, 0], [6, 4]);
    expect(pieces.map((p) => [p[0], p[p.length - 2]])).toEqual([
      [0, 6],
      [10, 16],
      [20, 25],
    ]);
  });
});

describe('stem plots', () => {
  it('draws one stem per finite value, with NaN gaps and a baseline', () => {
    const values = Array.from({ length: 20 }, (_, i) => (i >= 5 && i < 8 ? NaN : Math.sin(i)));
    const svg = stemPlot(values, { title: 'err' }).toSvg();
    const stems = polylines(svg).filter((p) => p.length === 2 && p[0][0] === p[1][0]);
    // 17 stems plus the left spine and the y tick marks are vertical or horizontal; stems carry the C0 colour
    const blue = [...svg.matchAll(/<polyline [^>]*stroke="#1f77b4"/g)];
    expect(blue.length).toBe(17);
    expect(circles(svg).length).toBe(17);
    expect(stems.length).toBeGreaterThanOrEqual(17);
    expect(svg).toContain('#d62728');
  });

  it('lays out stem grids row- or column-major with shared symmetric limits', () => {
    const panels = [1, 2, 3].map((k) => ({ title: `p${k}`, values: [k, -k] }));
    const rowMajor = stemGrid(panels, { rows: 2, cols: 2, width: 400, height: 300 });
    expect([rowMajor.width, rowMajor.height]).toEqual([400, 300]);
    const columnMajor = stemGrid(panels, { rows: 2, cols: 2, order: 'column', width: 400, height: 300 });
    expect([columnMajor.width, columnMajor.height]).toEqual([400, 300]);
    expect(() => stemGrid(panels, { rows: 1, cols: 2 })).toThrow(/cannot hold 3/);
  });
});

describe('figure composition and text', () => {
  it('stacks figures with gaps and measures text', () => {
    const a = new Figure(10, 20);
    const b = new Figure(30, 5);
    const h = hstack([a, b], { gap: 4 });
    expect([h.width, h.height]).toEqual([44, 20]);
    const v = vstack([a, b], { gap: 4, padding: 2 });
    expect([v.width, v.height]).toEqual([34, 33]);
    expect(textWidth('abc')).toBe(17);
    expect(textWidth('abc', 2)).toBe(34);
    expect(() => new Figure(10, 10).toSvg()).toThrow(/toPng/);
  });

  it("counts histogram bins as plenoptic does (its 0.25/0.75 percentiles, capped by the caller)", () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => i / 999);
    const sorted = Array.from(values);
    const pct = (p: number) => {
      const pos = (p / 100) * 999;
      return sorted[Math.floor(pos)] + (sorted[Math.floor(pos) + 1] - sorted[Math.floor(pos)]) * (pos - Math.floor(pos));
    };
    const h = (2 * (pct(0.75) - pct(0.25))) / Math.cbrt(1000);
    expect(freedmanDiaconisBins(values)).toBe(Math.ceil(1 / h));
    expect(freedmanDiaconisBins(new Float32Array(16).fill(0.5))).toBe(4);
  });
});
