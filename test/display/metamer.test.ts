import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf.js';
import { modelFromFunction } from '../../runtime/model.js';
import { Rng } from '../../runtime/rng.js';
import { captureWarnings } from '../../runtime/warnings.js';
import { Metamer } from '../../synth/metamer.js';
import {
  animate,
  displayMetamer,
  imshow,
  plotLoss,
  plotRepresentationError,
  plotSynthesisStatus,
  pyramidPanels,
  pyrshow,
  representationError,
  type Figure,
} from '../../display/index.js';
import { decodeGif } from './gif-decoder.js';

// Two small models: a 3×3 box blur (image-like, 4-D output) and row means (vector-like, 3-D output).
const box = tf.keep(tf.fill([3, 3, 1, 1], 1 / 9) as tf.Tensor4D);
const blur = modelFromFunction((x) => tf.transpose(tf.conv2d(tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D, box, 1, 'same'), [0, 3, 1, 2]), { name: 'blur' });
const rowMeans = modelFromFunction((x) => tf.mean(x, 3), { name: 'row-means' });

function image(size = 16, seed = 5): tf.Tensor4D {
  return tf.tensor(new Rng(seed).uniformArray(size * size), [1, 1, size, size], 'float32') as tf.Tensor4D;
}

function sameRaster(a: Figure, b: Figure): boolean {
  return a.width === b.width && a.height === b.height && a.rgba.every((v, i) => v === b.rgba[i]);
}

describe('metamer displays', () => {
  let stored: Metamer;
  let plain: Metamer;
  let vectorRep: Metamer;

  beforeAll(async () => {
    stored = new Metamer(image(), blur, { rng: new Rng(1) });
    await stored.synthesize({ maxIter: 7, storeProgress: 3, stopCriterion: -1, progressBar: false });
    plain = new Metamer(image(), blur, { rng: new Rng(1) });
    await plain.synthesize({ maxIter: 4, stopCriterion: -1, progressBar: false });
    vectorRep = new Metamer(image(), rowMeans, { rng: new Rng(2) });
    await vectorRep.synthesize({ maxIter: 3, stopCriterion: -1, progressBar: false });
  });

  afterAll(() => {
    stored.dispose();
    plain.dispose();
    vectorRep.dispose();
  });

  it('displayMetamer shows the current or a stored metamer, titled Metamer', async () => {
    const current = await displayMetamer(stored, { zoom: 2 });
    expect(sameRaster(current, await imshow(stored.metamer, { zoom: 2, title: 'Metamer' }))).toBe(true);
    const saved = stored.savedMetamer;
    const first = saved.slice([0], [1]).reshape([1, 1, 16, 16]);
    expect(sameRaster(await displayMetamer(stored, { iteration: 0 }), await imshow(first, { title: 'Metamer' }))).toBe(true);
    const last = saved.slice([2], [1]).reshape([1, 1, 16, 16]);
    expect(sameRaster(await displayMetamer(stored, { iteration: -1 }), await imshow(last, { title: 'Metamer' }))).toBe(true);
    tf.dispose([saved, first, last]);
    await expect(displayMetamer(stored, { iteration: 3 })).rejects.toThrow(/out of range: 3 images were stored/);
  });

  it('plotLoss marks the requested loss with a red dot', () => {
    const svg = plotLoss(stored, { iteration: 2 }).toSvg();
    const circle = /<circle cx="([^"]*)" cy="([^"]*)"/.exec(svg)!;
    const curve = /<polyline points="([^"]*)"[^>]*stroke="#1f77b4"/.exec(svg)![1].split(' ');
    expect(curve.length).toBe(7);
    expect(`${circle[1]},${circle[2]}`).toBe(curve[2]);
  });

  it('computes the representation error of the current and of stored metamers', async () => {
    const err = await representationError(stored);
    const direct = tf.tidy(() => tf.sub(blur.tfjsForward!(stored.metamer as tf.Tensor as tf.Tensor4D), stored.targetRepresentation));
    expect(Array.from(await err.data())).toEqual(Array.from(await direct.data()));
    tf.dispose([err, direct]);
    // stem plots for a vector representation, an image for an image-like one
    const stems = await plotRepresentationError(vectorRep);
    expect(stems.svg).toContain('Representation error_00');
    const images = await plotRepresentationError(stored, { iteration: 1 });
    expect(images.svg).toBeNull();
  });

  it("draws a model's own representation layout (plotRepresentationData) as a stem grid", async () => {
    const grouped = Object.assign(modelFromFunction((x) => tf.mean(x, 3), { name: 'grouped' }), {
      plotRepresentationData: (data: tf.Tensor, batchIdx = 0) => {
        const values = data.slice([batchIdx], [1]).dataSync() as Float32Array;
        return { panels: [{ title: 'first half', values: values.slice(0, 8) }, { title: 'second half', values: values.slice(8) }], rows: 1, cols: 2 };
      },
    });
    const met = new Metamer(image(), grouped, { rng: new Rng(3) });
    await met.synthesize({ maxIter: 2, progressBar: false });
    const svg = (await plotRepresentationError(met)).toSvg();
    expect(svg).toContain('>first half<');
    expect(svg).toContain('>second half<');
    // side by side: the second panel is nested to the right of the first
    expect([...svg.matchAll(/<svg x="(\d+)" y="0"/g)].map((m) => Number(m[1]))).toEqual([0, expect.any(Number)]);
    met.dispose();
  });

  it('plotSynthesisStatus puts the panels side by side, wider with widthRatios', async () => {
    const before = tf.memory().numTensors;
    const three = await plotSynthesisStatus(stored, { iteration: 1 });
    const two = await plotSynthesisStatus(stored, { includedPlots: ['display_metamer', 'plot_loss'] });
    const wide = await plotSynthesisStatus(stored, { widthRatios: { plot_loss: 2 } });
    const four = await plotSynthesisStatus(stored, { includedPlots: ['display_metamer', 'plot_loss', 'plot_representation_error', 'plot_pixel_values'] });
    expect(tf.memory().numTensors).toBe(before);
    expect(two.width).toBeLessThan(three.width);
    expect(wide.width - three.width).toBe(400);
    expect(four.width).toBeGreaterThan(three.width + 300);
  });

  it("raises plenoptic's errors for bad status requests", async () => {
    await expect(plotSynthesisStatus(plain, { iteration: 0 })).rejects.toThrow(
      'synthesis() was run with store_progress=False, cannot specify which iteration to plot (only last one, with iteration=None)',
    );
    await expect(plotSynthesisStatus(stored, { includedPlots: ['display_metamer', 'plot_lose'] })).rejects.toThrow(
      "included_plots contained value(s) ['plot_lose']! Only ['display_metamer', 'plot_loss', 'plot_representation_error', 'plot_pixel_values', 'misc'] are permissible!",
    );
    await expect(plotSynthesisStatus(stored, { widthRatios: { loss: 2 } })).rejects.toThrow(/width_ratios contained value\(s\) \['loss'\]/);
  });

  it('animates the stored progress as a GIF with one frame per stored image', async () => {
    const before = tf.memory().numTensors;
    const { result: gif, warnings } = await captureWarnings(() => animate(stored, { framerate: 5 }));
    expect(tf.memory().numTensors).toBe(before);
    // image-like representation: plenoptic's warning, then per-frame colour ranges
    expect(warnings.map((w) => w.message)).toEqual(["Looks like representation is image-like, haven't fully thought out how to best handle rescaling color ranges yet!"]);
    const decoded = decodeGif(gif);
    expect(decoded.frames.length).toBe(Math.ceil(7 / 3));
    expect(decoded.frames.every((f) => f.delayCs === 20)).toBe(true);
    // frame 0 shows the first stored metamer: its image region differs from the last frame's
    const differs = decoded.frames[0].indices.some((v, i) => v !== decoded.frames[2].indices[i]);
    expect(differs).toBe(true);
    await expect(animate(plain)).rejects.toThrow('synthesize() was run with store_progress=False, cannot animate!');
    await expect(animate(stored, { ylim: 'wobble' })).rejects.toThrow(/ylim 'wobble'/);
  });
});

describe('pyrshow', () => {
  it('orders bands by scale then orientation, residuals last, one row per scale', async () => {
    const band = (h: number, v: number) => tf.fill([1, 1, h, h], v);
    const coeffs = new Map<string, tf.Tensor>([
      ['residual_highpass', band(8, 0)],
      ['s1_o1', band(4, 4)],
      ['s0_o0', band(8, 1)],
      ['s1_o0', band(4, 3)],
      ['s0_o1', band(8, 2)],
      ['residual_lowpass', band(2, 5)],
    ]);
    const { panels, colMax } = await pyramidPanels(coeffs);
    expect(colMax).toBe(2);
    expect(panels.map((p) => p.title)).toEqual([
      'height 00, band 00',
      'height 00, band 01',
      'height 01, band 00',
      'height 01, band 01',
      'residual highpass',
      'residual lowpass',
    ]);
    expect(panels.map((p) => p.data[0])).toEqual([1, 2, 3, 4, 0, 5]);
    const noResiduals = await pyramidPanels(coeffs, { showResiduals: false });
    expect(noResiduals.panels.length).toBe(4);
    const figure = await pyrshow(coeffs, { zoom: 2 });
    // two columns of 16-pixel panels (titles may widen the cells)
    expect(figure.width).toBeGreaterThanOrEqual(2 * 16 + 10);
    // complex bands split into real and imaginary panels, doubling the row length
    const complex = await pyramidPanels([{ key: 's0_o0', data: [1, 2, 3, 4], imag: [0, 1, 0, 1], shape: [2, 2] }]);
    expect(complex.panels.map((p) => p.title)).toEqual(['height 00, band 00 real', 'height 00, band 00 imaginary']);
    expect(complex.colMax).toBe(2);
    coeffs.forEach((t) => t.dispose());
  });
});
