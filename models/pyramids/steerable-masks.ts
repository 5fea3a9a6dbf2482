// The Fourier-domain masks of the steerable pyramid, computed in float64 exactly as plenoptic / pyrtools do
// (linspace grid, the log-radius DC fix, the 259-point raised-cosine table, the 3075-point angular table and
// np.interp with clamped ends), then rounded to float32 once. They are constants: no gradient flows into them.

/** np.interp: piecewise-linear through (xp, fp), xp increasing, clamped to fp's ends outside [xp0, xpN]. */
export function interp(x: ArrayLike<number>, xp: ArrayLike<number>, fp: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  const last = xp.length - 1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v <= xp[0]) {
      out[i] = fp[0];
    } else if (v >= xp[last]) {
      out[i] = fp[last];
    } else {
      let lo = 0;
      let hi = last;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (xp[mid] <= v) lo = mid;
        else hi = mid;
      }
      const slope = (fp[lo + 1] - fp[lo]) / (xp[lo + 1] - xp[lo]);
      out[i] = slope * (v - xp[lo]) + fp[lo];
    }
  }
  return out;
}

/** plenoptic.tools.signal.raised_cosine: a 259-point table of the cos² transition, ends repeated. */
export function raisedCosine(width: number, position: number, values: [number, number]): { x: Float64Array; y: Float64Array } {
  const sz = 256;
  const n = sz + 3;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xi = (Math.PI * (i - sz - 1)) / (2 * sz);
    y[i] = values[0] + (values[1] - values[0]) * Math.cos(xi) ** 2;
    x[i] = position + ((2 * width) / Math.PI) * (xi + Math.PI / 4);
  }
  y[0] = y[1];
  y[sz + 2] = y[sz + 1];
  return { x, y };
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** A 2-D float64 field on a centred Fourier grid, row-major. */
export interface Field {
  h: number;
  w: number;
  data: Float64Array;
}

function cropField(f: Field, start: [number, number], end: [number, number]): Field {
  const h = end[0] - start[0];
  const w = end[1] - start[1];
  const data = new Float64Array(h * w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) data[r * w + c] = f.data[(r + start[0]) * f.w + c + start[1]];
  }
  return { h, w, data };
}

function mapField(f: Field, values: Float64Array): Field {
  return { h: f.h, w: f.w, data: values };
}

export interface ScaleMasks {
  /** Size of this scale's bands. */
  shape: [number, number];
  himask: Field;
  /** One per orientation: the analysis angular masks (complex pyramids zero the back half-plane, ×2). */
  anglemasks: Field[];
  anglemasksRecon: Field[];
  /** Applied to the lowpass after the crop (downsample) or in place (no downsample). */
  lomask: Field;
  /** The centred crop [start, end) that makes the next scale's spectrum (the whole grid without downsampling). */
  loStart: [number, number];
  loEnd: [number, number];
}

export interface SteerableMasks {
  lo0mask: Field;
  hi0mask: Field;
  scales: ScaleMasks[];
}

/** All masks of SteerablePyramidFreq(imageShape, height, order, twidth, isComplex, downsample). */
export function steerableMasks(
  imageShape: [number, number],
  numScales: number,
  order: number,
  twidth: number,
  isComplex: boolean,
  downsample: boolean,
): SteerableMasks {
  const [h, w] = imageShape;
  const numOrientations = order + 1;
  const ctr = [Math.ceil((h + 0.5) / 2), Math.ceil((w + 0.5) / 2)];

  const angleData = new Float64Array(h * w);
  const logRadData = new Float64Array(h * w);
  for (let r = 0; r < h; r++) {
    const y = -1 + (2 * r) / h;
    for (let c = 0; c < w; c++) {
      const x = -1 + (2 * c) / w;
      angleData[r * w + c] = Math.atan2(y, x);
      logRadData[r * w + c] = Math.sqrt(x * x + y * y);
    }
  }
  // The DC sample takes its left neighbour's radius so that log2 stays finite.
  logRadData[(ctr[0] - 1) * w + ctr[1] - 1] = logRadData[(ctr[0] - 1) * w + ctr[1] - 2];
  for (let i = 0; i < logRadData.length; i++) logRadData[i] = Math.log2(logRadData[i]);
  let angle: Field = { h, w, data: angleData };
  let logRad: Field = { h, w, data: logRadData };

  const rc = raisedCosine(twidth, -twidth / 2, [0, 1]);
  const xrcos = rc.x;
  const yrcos = rc.y.map(Math.sqrt);
  const yircos = yrcos.map((v) => Math.sqrt(1 - v * v));

  const lo0mask = mapField(logRad, interp(logRad.data, xrcos, yircos));
  const hi0mask = mapField(logRad, interp(logRad.data, xrcos, yrcos));

  const lutSize = 1024;
  const nLut = 3 * lutSize + 3;
  const xcosn = new Float64Array(nLut);
  for (let i = 0; i < nLut; i++) xcosn[i] = (Math.PI * (i - (2 * lutSize + 1))) / lutSize;
  const constant = (2 ** (2 * order) * factorial(order) ** 2) / (numOrientations * factorial(2 * order));
  const ycosnRecon = xcosn.map((v) => Math.sqrt(constant) * Math.cos(v) ** order);
  const ycosnForward = isComplex
    ? xcosn.map((v, i) => {
        const twoPi = 2 * Math.PI;
        const alpha = ((((v + Math.PI) % twoPi) + twoPi) % twoPi) - Math.PI;
        return Math.abs(alpha) < Math.PI / 2 ? 2 * ycosnRecon[i] : 0;
      })
    : ycosnRecon;

  const xr = Float64Array.from(xrcos);
  const scales: ScaleMasks[] = [];
  for (let i = 0; i < numScales; i++) {
    for (let k = 0; k < xr.length; k++) xr[k] -= 1;
    const himask = mapField(logRad, interp(logRad.data, xr, yrcos));
    const anglemasks: Field[] = [];
    const anglemasksRecon: Field[] = [];
    for (let b = 0; b < numOrientations; b++) {
      const xp = xcosn.map((v) => v + (Math.PI * b) / numOrientations);
      anglemasks.push(mapField(angle, interp(angle.data, xp, ycosnForward)));
      anglemasksRecon.push(isComplex ? mapField(angle, interp(angle.data, xp, ycosnRecon)) : anglemasks[b]);
    }
    const shape: [number, number] = [logRad.h, logRad.w];
    let loStart: [number, number] = [0, 0];
    let loEnd: [number, number] = [logRad.h, logRad.w];
    if (downsample) {
      const dims = [logRad.h, logRad.w];
      const c = dims.map((d) => Math.ceil((d + 0.5) / 2));
      const lodims = dims.map((d) => Math.ceil((d - 0.5) / 2));
      const loctr = lodims.map((d) => Math.ceil((d + 0.5) / 2));
      loStart = [c[0] - loctr[0], c[1] - loctr[1]];
      loEnd = [loStart[0] + lodims[0], loStart[1] + lodims[1]];
      logRad = cropField(logRad, loStart, loEnd);
      angle = cropField(angle, loStart, loEnd);
    }
    const lomask = mapField(logRad, interp(logRad.data, xr, yircos));
    scales.push({ shape, himask, anglemasks, anglemasksRecon, lomask, loStart, loEnd });
  }
  return { lo0mask, hi0mask, scales };
}
