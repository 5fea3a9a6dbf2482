// The figure of a layer comparison: the image, then one row per layer — its top and bottom eigendistortion, or its
// metamer and loss curve — so that the layers read from top to bottom in network order.
import { imshow } from '../display/imshow.js';
import { hstack, vstack, type Figure } from '../display/figure.js';
import { lossCurve } from '../display/line-plot.js';
import type { EigendistortionLayerSummary, LayerComparison, LayerComparisonRow, MetamerLayerSummary } from './compare-layers.js';

export interface LayerComparisonFigureOptions {
  /** Display pixels per image pixel (default: enough to show images at about 128 pixels). */
  zoom?: number;
}

function show(image: LayerComparisonRow['images'][string], title: string, vrange: string | [number, number], zoom: number): Promise<Figure> {
  return imshow(image, { title, vrange, zoom, asRgb: image.shape[1] === 3 });
}

async function eigendistortionCells(row: LayerComparisonRow, zoom: number): Promise<Figure[]> {
  const { eigenindex, eigenvalues } = row.summary as EigendistortionLayerSummary;
  const lambda = (index: number) => eigenvalues[eigenindex.indexOf(index)].toExponential(2);
  const cells = [await show(row.images.top, `${row.layer}: top (lambda=${lambda(0)})`, 'indep0', zoom)];
  if (row.images.bottom) cells.push(await show(row.images.bottom, `${row.layer}: bottom (lambda=${lambda(Math.max(...eigenindex))})`, 'indep0', zoom));
  return cells;
}

async function metamerCells(row: LayerComparisonRow, zoom: number, height: number): Promise<Figure[]> {
  const { losses } = row.summary as MetamerLayerSummary;
  return [
    await show(row.images.metamer, `${row.layer}: metamer`, [0, 1], zoom),
    lossCurve(losses, { title: `${row.layer}: loss`, width: Math.max(360, height), height }),
  ];
}

/** One row per layer under the image: eigendistortions (symmetric colour range around 0) or metamer and loss. */
export async function plotLayerComparison(comparison: LayerComparison, options: LayerComparisonFigureOptions = {}): Promise<Figure> {
  const [, , h, w] = comparison.image.shape;
  const zoom = options.zoom ?? Math.max(1, Math.floor(128 / Math.max(h, w)));
  const rows: Figure[] = [await show(comparison.image, 'image', [0, 1], zoom)];
  for (const row of comparison.rows) {
    const cells = comparison.method === 'eigendistortion' ? await eigendistortionCells(row, zoom) : await metamerCells(row, zoom, rows[0].height);
    rows.push(hstack(cells, { gap: 20, align: 'middle' }));
  }
  return vstack(rows, { gap: 20, padding: 10 });
}
