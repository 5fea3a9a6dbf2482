// plenoptic's PortillaSimoncelli texture statistics (Portilla & Simoncelli 2000), in plenoptic 1.1.0's vector
// order. The statistics and their gradient are computed by one custom tfjs op whose forward and backward passes
// run in plain JavaScript on float64 arrays (statistics-kernel.ts): the same code, and the same numbers, on every
// backend. At 256² a forward + backward pass costs about 0.1–0.16 s of CPU this way, against 1.3 s for the same
// statistics written as a graph of tfjs ops on wasm (measured while developing it).
import { tf } from '../../runtime/tf.js';
import { TfjsModel, type ForwardOptions, type Scale } from '../../runtime/model.js';
import { ValueError } from '../../runtime/errors.js';
import { validateInputShape } from '../../runtime/validate.js';
import { keptLagIndices, psLayout, psScales, windowLags, type PsLayout } from './layout.js';
import { convertToDict, convertToTensor, statisticIndicesForScales, type PsDict } from './dict.js';
import { PortillaSimoncelliFourierPlan } from './fourier-plan.js';
import { ArrayPool } from './array-pool.js';
import { StatisticsKernel, type ImageTape } from './statistics-kernel.js';
import { plotRepresentationData, type PsPlotData } from './plot-data.js';
import { checkPortillaSimoncelliArgs } from './validate-args.js';

export interface PortillaSimoncelliOptions {
  /** Number of pyramid scales (default 4). */
  nScales?: number;
  /** Number of orientations (default 4). */
  nOrientations?: number;
  /** Width M of the M×M auto-correlation windows (default 9). */
  spatialCorrWidth?: number;
}

export class PortillaSimoncelli extends TfjsModel {
  readonly name = 'PortillaSimoncelli';
  readonly imageShape: [number, number];
  readonly nScales: number;
  readonly nOrientations: number;
  readonly spatialCorrWidth: number;
  /** Coarse to fine: ['pixel_statistics', 'residual_lowpass', nScales − 1, …, 0, 'residual_highpass']. */
  override readonly scales: Scale[];
  /** The scale label of each statistic of the representation vector. */
  readonly representationScales: Scale[];
  readonly layout: PsLayout;

  private readonly kernel: StatisticsKernel;
  private readonly pool = new ArrayPool();
  private readonly statisticsOp: (x: tf.Tensor) => tf.Tensor;
  private readonly scaleSelections = new Map<string, tf.Tensor2D>();

  constructor(imageShape: readonly number[], options: PortillaSimoncelliOptions = {}) {
    super();
    const { nScales = 4, nOrientations = 4, spatialCorrWidth = 9 } = options;
    checkPortillaSimoncelliArgs(imageShape, nScales, nOrientations, spatialCorrWidth);
    this.imageShape = [imageShape[0], imageShape[1]];
    this.nScales = nScales;
    this.nOrientations = nOrientations;
    this.spatialCorrWidth = spatialCorrWidth;
    this.scales = psScales(nScales);
    this.layout = psLayout({ nScales, nOrientations, spatialCorrWidth });
    this.representationScales = this.layout.representationScales;
    const lags = windowLags(spatialCorrWidth);
    const keptLags = keptLagIndices(spatialCorrWidth).map((i) => lags[i]);
    const plan = new PortillaSimoncelliFourierPlan(this.imageShape, nScales, nOrientations, this.pool);
    this.kernel = new StatisticsKernel(plan, this.layout, keptLags);
    this.statisticsOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const x = args[0] as tf.Tensor4D;
      const { stats, tapes } = this.run(x.dataSync(), x.shape[0] * x.shape[1]);
      // Outside tf.grad no gradient will be asked for: the tapes' arrays can serve the next call at once.
      if (tf.engine().state.gradientDepth === 0) for (const tape of tapes) this.kernel.release(tape);
      return {
        value: tf.tensor3d(Float32Array.from(stats), [x.shape[0], x.shape[1], this.layout.nStats]),
        gradFunc: (dy: tf.Tensor) => tf.tensor4d(Float32Array.from(this.gradient(tapes, dy.dataSync())), x.shape),
      };
    });
  }

  /** The statistics [B, C, nStats] of x [B, C, H, W], or only those of `options.scales`. */
  tfjsForward(x: tf.Tensor4D, options: ForwardOptions = {}): tf.Tensor3D {
    this.checkInput(x);
    const selection = options.scales ? this.selectionFor(options.scales) : null;
    return tf.tidy(() => {
      const stats = this.statisticsOp(x) as tf.Tensor3D;
      return selection ? this.select(stats, selection) : stats;
    });
  }

  /**
   * J·tangent by a central difference of the float64 statistics, (f(x + εt) − f(x − εt)) / 2ε: the backward pass
   * is hand-written, so tfjs cannot differentiate it a second time for the double-vjp trick. In float64 the
   * difference is accurate to about 1e-8 of the result wherever the statistics are smooth.
   */
  override async jvp(x: tf.Tensor4D, tangent: tf.Tensor4D, options: ForwardOptions = {}): Promise<tf.Tensor> {
    this.checkInput(x);
    if (!tf.util.arraysEqual(x.shape, tangent.shape)) {
      throw new ValueError(`tangent shape [${tangent.shape}] must equal the input shape [${x.shape}].`);
    }
    const xs = await x.data();
    const ts = await tangent.data();
    let xNorm = 0;
    let tNorm = 0;
    for (let i = 0; i < xs.length; i++) {
      xNorm = Math.max(xNorm, Math.abs(xs[i]));
      tNorm = Math.max(tNorm, Math.abs(ts[i]));
    }
    const n = x.shape[0] * x.shape[1];
    if (tNorm === 0) return tf.zeros([x.shape[0], x.shape[1], options.scales ? this.selectionFor(options.scales).shape[1] : this.layout.nStats]);
    const eps = (1e-5 * Math.max(xNorm, 1)) / tNorm;
    const shifted = (sign: number) => Float64Array.from(xs, (v, i) => v + sign * eps * ts[i]);
    const plus = this.run(shifted(1), n);
    const minus = this.run(shifted(-1), n);
    for (const tape of [...plus.tapes, ...minus.tapes]) this.kernel.release(tape);
    const derivative = Float32Array.from(plus.stats, (v, i) => (v - minus.stats[i]) / (2 * eps));
    const full = tf.tensor3d(derivative, [x.shape[0], x.shape[1], this.layout.nStats]);
    if (!options.scales) return full;
    const selected = tf.tidy(() => this.select(full, this.selectionFor(options.scales!)));
    full.dispose();
    return selected;
  }

  private run(data: ArrayLike<number>, nImages: number): { stats: Float64Array; tapes: ImageTape[] } {
    const [h, w] = this.imageShape;
    const nStats = this.layout.nStats;
    const stats = new Float64Array(nImages * nStats);
    const images = Float64Array.from(data);
    const tapes: ImageTape[] = [];
    for (let i = 0; i < nImages; i++) {
      tapes.push(this.kernel.forward(images.subarray(i * h * w, (i + 1) * h * w), stats.subarray(i * nStats, (i + 1) * nStats)));
    }
    return { stats, tapes };
  }

  private gradient(tapes: ImageTape[], dy: ArrayLike<number>): Float64Array {
    const [h, w] = this.imageShape;
    const nStats = this.layout.nStats;
    const gx = new Float64Array(tapes.length * h * w);
    const g = Float64Array.from(dy);
    tapes.forEach((tape, i) => this.kernel.backward(tape, g.subarray(i * nStats, (i + 1) * nStats), gx.subarray(i * h * w, (i + 1) * h * w)));
    return gx;
  }

  private checkInput(x: tf.Tensor): asserts x is tf.Tensor4D {
    validateInputShape(x, { name: 'image' });
    const [, , h, w] = x.shape;
    if (h !== this.imageShape[0] || w !== this.imageShape[1]) {
      throw new ValueError(
        `Input tensor height/width (${h}, ${w}) does not match image_shape set at initialization ` +
          `(${this.imageShape[0]}, ${this.imageShape[1]}). Either resize the input or create a new PortillaSimoncelli([${h}, ${w}]).`,
      );
    }
  }

  private select(stats: tf.Tensor3D, selection: tf.Tensor2D): tf.Tensor3D {
    const [b, c, n] = stats.shape;
    return tf.reshape(tf.matMul(tf.reshape(stats, [b * c, n]), selection), [b, c, selection.shape[1]]);
  }

  /** [nStats, nSelected] 0/1 matrix that keeps the statistics of `scales` (a matmul, so the gradient flows on wasm). */
  private selectionFor(scales: readonly Scale[]): tf.Tensor2D {
    const key = JSON.stringify([...scales]);
    let selection = this.scaleSelections.get(key);
    if (!selection) {
      const indices = statisticIndicesForScales(this.layout, scales, this.scales);
      const pick = new Float32Array(this.layout.nStats * indices.length);
      indices.forEach((row, col) => (pick[row * indices.length + col] = 1));
      selection = tf.keep(tf.tensor2d(pick, [this.layout.nStats, indices.length]));
      this.scaleSelections.set(key, selection);
    }
    return selection;
  }

  /** plenoptic's remove_scales: keeps the statistics of `scalesToKeep` from a full representation [B, C, nStats]. */
  removeScales(representation: tf.Tensor, scalesToKeep: readonly Scale[]): tf.Tensor3D {
    if (representation.rank !== 3 || representation.shape[2] !== this.layout.nStats) {
      throw new ValueError(
        `removeScales needs the full representation [batch, channel, ${this.layout.nStats}] but got shape [${representation.shape.join(', ')}].`,
      );
    }
    const selection = this.selectionFor(scalesToKeep);
    return tf.tidy(() => this.select(representation as tf.Tensor3D, selection));
  }

  /** plenoptic's convert_to_dict: the named statistic groups, NaN where a statistic is redundant. */
  convertToDict(representation: tf.Tensor): Partial<PsDict> {
    return convertToDict(this.layout, representation);
  }

  /** plenoptic's convert_to_tensor: the inverse of convertToDict. */
  convertToTensor(dict: Partial<PsDict>): tf.Tensor3D {
    return convertToTensor(this.layout, dict);
  }

  /** The panels of plot_representation (batch element batchIdx, averaged over channels), for a renderer. */
  plotRepresentationData(representation: tf.Tensor, batchIdx = 0): PsPlotData {
    return plotRepresentationData(this.layout, this.nScales, representation, batchIdx);
  }

  override dispose(): void {
    for (const s of this.scaleSelections.values()) s.dispose();
    this.scaleSelections.clear();
    this.pool.clear();
  }
}
