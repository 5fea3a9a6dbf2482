// The Fourier masks of PortillaSimoncelliFourierPlan (see fourier-plan.ts for what they compute), built once in
// float64 from the steerable pyramid's masks (models/pyramids/steerable-masks.ts): every chain of masks between
// the image spectrum and a band, an upsampled parent or a reconstructed lowpass image is multiplied out, moved to
// the transforms' unshifted transposed [w, h] layout, divided by h·w, and kept only where it is nonzero.
import { steerableMasks, type Field } from '../pyramids/steerable-masks.js';

export interface Window {
  /** Size [h, w] of the scale's images; its spectra are [w, h]. */
  shape: [number, number];
  /** For each window spectrum index (row-major [w, h]), the index into the image spectrum [W, H]. */
  source: Int32Array;
}

/**
 * A mask on a window, kept only where it is nonzero, row by row of the [w, h] layout: window positions, their
 * columns, image spectrum positions, values.
 */
export interface SparseMask {
  index: Int32Array;
  column: Int32Array;
  source: Int32Array;
  value: Float64Array;
  /** The entries of row r are [rowStart[r], rowStart[r + 1]). */
  rowStart: Int32Array;
  /** The rows that hold a nonzero entry, or null when all do. */
  rows: Uint8Array | null;
}

function sparse(mask: Float64Array, window: Window): SparseMask {
  const [h, w] = window.shape;
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) count++;
  const out = {
    index: new Int32Array(count),
    column: new Int32Array(count),
    source: new Int32Array(count),
    value: new Float64Array(count),
    rowStart: new Int32Array(w + 1),
  };
  const rows = new Uint8Array(w);
  let j = 0;
  for (let r = 0; r < w; r++) {
    for (let i = r * h; i < (r + 1) * h; i++) {
      if (mask[i] === 0) continue;
      rows[r] = 1;
      out.index[j] = i;
      out.column[j] = i - r * h;
      out.source[j] = window.source[i];
      out.value[j++] = mask[i];
    }
    out.rowStart[r + 1] = j;
  }
  return { ...out, rows: rows.every((r) => r === 1) ? null : rows };
}

export interface ScalePlan {
  window: Window;
  /** K masks each, on the window's unshifted transposed [w, h] layout, divided by h·w. */
  bandMasks: SparseMask[];
  parentMasks: SparseMask[] | null;
  reconMask: SparseMask;
}

function crop(f: Field, start: [number, number], shape: [number, number]): Float64Array {
  const out = new Float64Array(shape[0] * shape[1]);
  for (let r = 0; r < shape[0]; r++) {
    for (let c = 0; c < shape[1]; c++) out[r * shape[1] + c] = f.data[(r + start[0]) * f.w + c + start[1]];
  }
  return out;
}

function pad(data: Float64Array, shape: [number, number], into: [number, number], start: [number, number]): Float64Array {
  const out = new Float64Array(into[0] * into[1]);
  for (let r = 0; r < shape[0]; r++) {
    for (let c = 0; c < shape[1]; c++) out[(r + start[0]) * into[1] + c + start[1]] = data[r * shape[1] + c];
  }
  return out;
}

function product(...fields: Float64Array[]): Float64Array {
  const out = Float64Array.from(fields[0]);
  for (const f of fields.slice(1)) for (let i = 0; i < out.length; i++) out[i] *= f[i];
  return out;
}

/**
 * (Q(f) + Q(−f)) / 2 on a centred even-sized grid, where −f of row r is row (h − r) mod h. Row and column 0 hold
 * the Nyquist frequency, whose partner lies outside the cropped window; the lowpass masks vanish there, and
 * they are set to 0 so that the inverse transform is exactly real.
 */
function symmetrise(q: Float64Array, [h, w]: [number, number]): Float64Array {
  const out = new Float64Array(h * w);
  for (let r = 1; r < h; r++) {
    for (let c = 1; c < w; c++) out[r * w + c] = (q[r * w + c] + q[(h - r) * w + (w - c)]) / 2;
  }
  return out;
}

/** A centred [h, w] mask in the unshifted, transposed [w, h] layout, times scale. */
function toSpectrumLayout(centred: Float64Array, [h, w]: [number, number], scale: number): Float64Array {
  const out = new Float64Array(h * w);
  for (let kx = 0; kx < w; kx++) {
    const c = (kx + w / 2) % w;
    for (let ky = 0; ky < h; ky++) out[kx * h + ky] = scale * centred[((ky + h / 2) % h) * w + c];
  }
  return out;
}

/** Unshifted index of frequency f on a grid of n. */
function unshifted(f: number, n: number): number {
  return ((f % n) + n) % n;
}

export function window([H, W]: [number, number], [h, w]: [number, number]): Window {
  const source = new Int32Array(h * w);
  for (let kx = 0; kx < w; kx++) {
    const fx = kx < w / 2 ? kx : kx - w;
    for (let ky = 0; ky < h; ky++) {
      const fy = ky < h / 2 ? ky : ky - h;
      source[kx * h + ky] = unshifted(fx, W) * H + unshifted(fy, H);
    }
  }
  return { shape: [h, w], source };
}


export interface PsFourierMasks {
  scales: ScalePlan[];
  lowpass: { window: Window; mask: SparseMask };
  /** hi0mask² in the image spectrum's layout, for the highpass variance by Parseval. */
  highpassPower: Float64Array;
}

export function psFourierMasks(imageShape: [number, number], nScales: number, nOrientations: number): PsFourierMasks {
  const K = nOrientations;
  const pyramid = steerableMasks(imageShape, nScales, K - 1, 1, true, true);

  // L_s and the shape of each scale, fine to coarse, then the lowpass residual's.
  const lowpassProducts: Float64Array[] = [Float64Array.from(pyramid.lo0mask.data)];
  const shapes: [number, number][] = [imageShape];
  pyramid.scales.forEach((s, i) => {
    const next: [number, number] = [s.loEnd[0] - s.loStart[0], s.loEnd[1] - s.loStart[1]];
    const above = { h: shapes[i][0], w: shapes[i][1], data: lowpassProducts[i] };
    lowpassProducts.push(product(crop(above, s.loStart, next), s.lomask.data));
    shapes.push(next);
  });
  const layout = (centred: Float64Array, i: number) => toSpectrumLayout(centred, shapes[i], 1 / (shapes[i][0] * shapes[i][1]));

  const bandMasks = pyramid.scales.map((s, i) => s.anglemasks.map((angle) => product(lowpassProducts[i], angle.data, s.himask.data)));

  const [hS, wS] = shapes[nScales];
  let t = Float64Array.from(lowpassProducts[nScales]);
  t[(hS / 2) * wS + wS / 2] = 0;
  const lowpassWindow = window(imageShape, shapes[nScales]);
  const lowpass = {
    window: lowpassWindow,
    mask: sparse(layout(symmetrise(product(lowpassProducts[nScales], t), [hS, wS]), nScales), lowpassWindow),
  };
  const reconMasks: Float64Array[] = new Array(nScales);
  for (let i = nScales - 1; i >= 0; i--) {
    const s = pyramid.scales[i];
    const n = shapes[i][0] * shapes[i][1];
    const g = new Float64Array(n);
    for (let b = 0; b < K; b++) {
      const fwd = s.anglemasks[b].data;
      const rec = s.anglemasksRecon[b].data;
      for (let j = 0; j < n; j++) g[j] += fwd[j] * rec[j];
    }
    const fromBelow = pad(product(s.lomask.data, t), shapes[i + 1], shapes[i], s.loStart);
    const next = new Float64Array(n);
    for (let j = 0; j < n; j++) next[j] = lowpassProducts[i][j] * s.himask.data[j] ** 2 * g[j] + fromBelow[j];
    t = next;
    reconMasks[i] = symmetrise(product(lowpassProducts[i], t), shapes[i]);
  }

  const scales = pyramid.scales.map((s, i): ScalePlan => {
    const win = window(imageShape, shapes[i]);
    const compact = (m: Float64Array) => sparse(layout(m, i), win);
    return {
      window: win,
      bandMasks: bandMasks[i].map(compact),
      parentMasks: i < nScales - 1 ? bandMasks[i + 1].map((m) => compact(pad(m, shapes[i + 1], shapes[i], s.loStart))) : null,
      reconMask: compact(reconMasks[i]),
    };
  });
  const highpassPower = toSpectrumLayout(
    pyramid.hi0mask.data.map((v) => v * v),
    imageShape,
    1,
  );
  return { scales, lowpass, highpassPower };
}
