/**
 * display/ — the figure layer every synthesis method shares. Browser-safe except `display/node.ts` (files, sharp).
 *
 * Model
 *   A `Figure` is an opaque RGBA raster (`figure.rgba`, `width`, `height`), with `toPngBytes()` / `toPng(path)`
 *   (Node) and, for pure vector plots, `figure.svg` / `toSvg()` holding the same drawing as SVG text. Figures
 *   compose with `hstack`, `vstack` and `gridFigures`. Text uses a built-in 5×7 bitmap font (`font.ts`), so output
 *   is identical everywhere and needs no font files.
 *
 * Images
 *   `imshow(tensors, {vrange, zoom, title, colMax, batchIdx, channelIdx, asRgb, cmap})` follows plenoptic/pyrtools:
 *   one panel per (batch, channel), nearest-neighbour zoom (integer, or 1/d), value ranges per `vrange`
 *   ('indep0..3', 'auto0..3', or [vmin, vmax]; '…0' modes default to the RdBu_r colormap), and titles with the
 *   "range: [..]" and "dims: [h, w] * zoom" subtitles (title: null removes them). The mapping is matplotlib's:
 *   gray level = clamp(floor(256·(v − vmin)/(vmax − vmin)), 0, 255). Method displays that already hold plain
 *   numbers use `imshowPanels(panels, options)` with `ImagePanel`s; `pyrshow` shows pyramid coefficients.
 *
 * Plots
 *   Plots draw through a `Painter` (`RasterPainter` for pixels, `SvgPainter` for SVG), so each vector plot comes
 *   in both forms. `linePlot(series, {logY, xlabel, ylabel, title, markers, xlim, ylim})` draws line series
 *   (optionally dashed and labelled, with a legend); `lossCurve` / `lossCurveSvg` are plenoptic's plot_loss;
 *   `stemPlot` and `stemGrid` are clean_stem_plot and grids of them; `plotRepresentation(model, data)` is
 *   plot_representation (a model may draw its own with `plotRepresentation(data, options) => Figure`, or say what
 *   to draw with `plotRepresentationData(data, batchIdx) => {panels, rows, cols}`, as Portilla-Simoncelli
 *   does). Figures made only of vector plots compose into vector figures (hstack/vstack/gridFigures keep SVG).
 *   To build a new kind of plot, lay out axes with `layoutAxes` / `drawAxes`, draw into any Painter, and wrap
 *   it as `linePlot` does.
 *
 * Methods
 *   Metamer: `displayMetamer`, `plotLoss`, `plotRepresentationError`, `plotPixelValues`, `plotSynthesisStatus`
 *   (panels side by side; `iteration` indexes stored progress) and `animate` (an animated GIF of
 *   plotSynthesisStatus over the stored progress, as bytes; needs storeProgress). Other methods build their
 *   figures from the same pieces; `encodeGif(frames, {delayMs, loop})` turns any equal-size figures into a GIF.
 *
 * All functions that read tensors are async (they download data with `await tensor.data()`, which every tfjs
 * backend supports); pure drawing of numbers is synchronous.
 */
export { Canvas, BLACK, WHITE, type Rgb, type TextStyle } from './canvas.js';
export { Figure, gridFigures, hstack, vstack, type StackOptions } from './figure.js';
export { textWidth, textHeight } from './font.js';
export { colormapLut, colormapIndex, type ColormapName } from './colormap.js';
export { colormapRanges, type VRange, type VRangeMode } from './vrange.js';
export { imshow, imshowPanels, tensorPanels, fittingZoom, formatExp1, type ImagePanel, type ImshowOptions, type PanelLayoutOptions } from './imshow.js';
export { RasterPainter, SvgPainter, type Painter } from './painter.js';
export { autoScale, drawAxes, layoutAxes, linearTicks, logTicks, pixelX, pixelY, type AxesSpec, type AxisScale, type PlotFrame, type Tick } from './axes.js';
export {
  colorCycle,
  parseColor,
  drawLinePlot,
  linePlot,
  linePlotSvg,
  lossCurve,
  lossCurveSvg,
  type LineSeries,
  type LinePlotOptions,
  type LossCurveOptions,
  type Marker,
} from './line-plot.js';
export { drawStemPlot, stemPlot, type StemPlotOptions } from './stem-plot.js';
export { pixelHistogram, freedmanDiaconisBins } from './histogram.js';
export { plotRepresentation, stemGrid, hasRepresentationPlot, type RepresentationPlotDataSource, type RepresentationPlotOptions, type RepresentationPlotter, type StemGridOptions, type StemPanel, type YLimit } from './representation.js';
export {
  animate,
  displayMetamer,
  plotLoss,
  plotPixelValues,
  plotRepresentationError,
  plotSynthesisStatus,
  representationError,
  statusPlots,
  type AnimateOptions,
  type MetamerImageOptions,
  type RepresentationErrorOptions,
  type SynthesisStatusOptions,
} from './metamer.js';
export { pyrshow, pyramidPanels, type BandData, type BandTensor, type PyrshowOptions } from './pyrshow.js';
export { encodeGif, type GifFrame, type GifOptions } from './gif.js';
export { lzwEncode } from './lzw.js';
