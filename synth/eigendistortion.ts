// plenoptic.synthesize.Eigendistortion: the extremal eigenvectors of the Fisher information matrix F = JᵀJ of a
// model at one image, i.e. the image changes the model finds most and least visible. Everything goes through the
// Model protocol (forward / vjp / jvp), so a tfjs model, an ONNX network or a user's own Model all work.
import { tf } from '../runtime/tf.js';
import { AbortError, ValueError, throwIfAborted } from '../runtime/errors.js';
import { warn } from '../runtime/warnings.js';
import type { Model } from '../runtime/model.js';
import { validateInputShape, validateModel } from '../runtime/validate.js';
import { defaultRng, type Rng } from '../runtime/rng.js';
import { ProgressBar, reportProgress, type RunOptions } from '../runtime/progress.js';
import { Synthesis, fromSaved, toSaved, type SaveState } from './synthesis.js';
import type { SavedSynthesis } from './serialization.js';
import { DEFAULT_PRODUCT_BATCH, fisherVectorProduct, jacobian as computeJacobianOf } from './autodiff.js';
import { eigh } from './linalg/eigh.js';
import { svd } from './linalg/svd.js';
import { type Matrix } from './linalg/matrix.js';
import {
  columnDots,
  columnsOf,
  dot,
  formatPythonExp,
  fromColumns,
  normalizeColumns,
  orthonormalize,
  randomColumns,
  type Columns,
} from './eigendistortion-vectors.js';

export type EigendistortionMethod = 'exact' | 'power' | 'randomizedSvd';
const METHODS: readonly string[] = ['power', 'exact', 'randomizedSvd'];

export interface EigendistortionOptions {
  /** Print plenoptic's progress messages (they are always collected in `messages`). Default true. */
  verbose?: boolean;
  /** Vectors per model call in the Fisher products (default 8). */
  productBatch?: number;
  /** Memory 'exact' may use for the Jacobian and the eigendecomposition before refusing (default 1 GiB). */
  maxExactBytes?: number;
}

export interface EigendistortionSynthesizeOptions extends RunOptions {
  /** 'power' (default): top and bottom k by power iteration; 'exact': all n; 'randomizedSvd': top k. */
  method?: EigendistortionMethod | 'randomized_svd';
  /** How many eigendistortions ('power' returns k top and k bottom). Default 1. */
  k?: number;
  /** 'power' only: iterations per end of the spectrum. Default 1000. */
  maxIter?: number;
  /** 'randomizedSvd' oversampling: k + p vectors are sampled. Default 5. */
  p?: number;
  /** 'randomizedSvd' power iterations. Default 2. */
  q?: number;
  /** 'power' only: stop when the eigenvalues change by at most this (L2 norm) between iterations. Default 1e-7. */
  stopCriterion?: number;
  /** Generator for the random starting vectors (default: the global one, see setSeed). */
  rng?: Rng;
}

const DEFAULT_MAX_EXACT_BYTES = 2 ** 30;

/**
 * Eigendistortions of `model` at `image` (batch 1). `await e.synthesize({ method, k })`, then read
 * `eigendistortions` ([nDistortions, C, H, W], ordered as `eigenindex`), `eigenvalues` and `eigenindex`.
 * Tensors returned by the getters belong to this object: don't dispose them; call `dispose()` when done.
 */
export class Eigendistortion extends Synthesis {
  protected readonly kind = 'Eigendistortion';
  readonly image: tf.Tensor4D;
  readonly model: Model;
  readonly batchSize: number;
  readonly nChannels: number;
  readonly imHeight: number;
  readonly imWidth: number;
  /** plenoptic's printed messages, in order. */
  readonly messages: string[] = [];
  private readonly verbose: boolean;
  private readonly productBatch: number;
  private readonly maxExactBytes: number;
  private representation: tf.Tensor | null = null;
  private _jacobian: tf.Tensor2D | null = null;
  private _eigendistortions: tf.Tensor4D | null = null;
  private _eigenvalues: tf.Tensor1D | null = null;
  private _eigenindex: number[] | null = null;
  private initialized = false;

  constructor(image: tf.Tensor4D, model: Model, options: EigendistortionOptions = {}) {
    super();
    validateInputShape(image, { noBatch: true, name: 'image' });
    this.image = tf.keep(image.clone());
    this.model = model;
    [this.batchSize, this.nChannels, this.imHeight, this.imWidth] = image.shape;
    this.verbose = options.verbose ?? true;
    this.productBatch = options.productBatch ?? DEFAULT_PRODUCT_BATCH;
    this.maxExactBytes = options.maxExactBytes ?? DEFAULT_MAX_EXACT_BYTES;
  }

  /** Builds and initializes (validates the model, computes the representation) in one call. */
  static async create(image: tf.Tensor4D, model: Model, options: EigendistortionOptions = {}): Promise<Eigendistortion> {
    const e = new Eigendistortion(image, model, options);
    await e.init();
    return e;
  }

  /** Validates the model and computes the image's representation; synthesize() calls it when needed. */
  async init(): Promise<void> {
    if (this.initialized) return;
    await validateModel(this.model, { imageShape: this.image.shape });
    this.representation = tf.keep(await this.model.forward(this.image));
    this.initialized = true;
    this.say(`\nInitializing Eigendistortion -- Input dim: ${this.inputDim} | Output dim: ${this.outputDim}`);
  }

  /** n: the number of pixels (C·H·W). */
  get inputDim(): number {
    return this.image.size;
  }

  /** m: the number of elements of the representation. */
  get outputDim(): number {
    return this.requireInit().size;
  }

  /** The full Jacobian [m, n]; only set by method 'exact' (or computeJacobian()). */
  get jacobian(): tf.Tensor2D | null {
    return this._jacobian;
  }

  /** [nDistortions, C, H, W], in the order of `eigenindex`; null before synthesize(). */
  get eigendistortions(): tf.Tensor4D | null {
    return this._eigendistortions;
  }

  /** |eigenvalue| of each eigendistortion (plenoptic returns absolute values); null before synthesize(). */
  get eigenvalues(): tf.Tensor1D | null {
    return this._eigenvalues;
  }

  /** Position of each eigendistortion in the descending spectrum (0 = top, n − 1 = bottom). */
  get eigenindex(): number[] | null {
    return this._eigenindex ? this._eigenindex.slice() : null;
  }

  private requireInit(): tf.Tensor {
    if (!this.representation) throw new ValueError('The representation is computed by init(); call `await eigendistortion.init()` or synthesize() first.');
    return this.representation;
  }

  private say(message: string): void {
    this.messages.push(message.replace(/^\n/, ''));
    if (this.verbose) console.log(message);
  }

  async synthesize(options: EigendistortionSynthesizeOptions = {}): Promise<void> {
    const method = options.method === 'randomized_svd' ? 'randomizedSvd' : (options.method ?? 'power');
    if (!METHODS.includes(method)) {
      throw new ValueError(`method must be in ['power', 'exact', 'randomizedSvd'], got '${String(options.method)}'.`);
    }
    const k = options.k ?? 1;
    const maxIter = options.maxIter ?? 1000;
    const p = options.p ?? 5;
    const q = options.q ?? 2;
    const stopCriterion = options.stopCriterion ?? 1e-7;
    if (!Number.isInteger(k) || k < 1) throw new ValueError(`k must be a positive integer, got ${k}.`);
    if (!Number.isInteger(p) || p < 0) throw new ValueError(`p must be a non-negative integer, got ${p}.`);
    if (!Number.isInteger(q) || q < 0) throw new ValueError(`q must be a non-negative integer, got ${q}.`);
    await this.init();
    const n = this.inputDim;
    const m = this.outputDim;
    if (k > n) {
      throw new ValueError(`k=${k} is larger than the input dimension n=${n}: an image of ${n} pixels has only ${n} eigendistortions. Use k <= ${n}.`);
    }
    if (method === 'exact' && m * n > 1e6) {
      warn("Jacobian > 1e6 elements and may cause out-of-memory. Use method =  {'power', 'randomized_svd'}.");
    }
    const rng = options.rng ?? defaultRng();
    let result: { values: Float64Array; vectors: Columns | Matrix; index: number[] };
    if (method === 'exact') {
      this.checkExactFits(n, m);
      this.say('Computing all eigendistortions');
      result = await this.synthesizeExact(options);
    } else if (method === 'randomizedSvd') {
      this.say(`Estimating top k=${k} eigendistortions using randomized SVD`);
      const { values, vectors, errorApprox } = await this.synthesizeRandomizedSvd(k, p, q, rng, options);
      this.say(`Randomized SVD complete! Estimated spectral approximation error = ${errorApprox.toFixed(2)}`);
      result = { values, vectors, index: Array.from({ length: k }, (_, i) => i) };
    } else {
      if (!Number.isInteger(maxIter) || maxIter <= 0) throw new ValueError(`max_iter must be greater than zero, got maxIter=${maxIter}.`);
      const top = await this.synthesizePower(k, 0, stopCriterion, maxIter, rng, options);
      // orthogonal iteration on F − λ_max·I finds the smallest eigenvalue first; plenoptic keeps that order but labels
      // it n − k, so the bottom block is put in decreasing order to match eigenindex [n − k, …, n − 1]
      const bottom = decreasing(await this.synthesizePower(k, top.values[0], stopCriterion, maxIter, rng, options));
      const values = new Float64Array(2 * k);
      values.set(top.values);
      values.set(bottom.values, k);
      result = {
        values,
        vectors: [...top.vectors, ...bottom.vectors],
        index: [...Array.from({ length: k }, (_, i) => i), ...Array.from({ length: k }, (_, i) => n - k + i)],
      };
    }
    this.store(result.values, result.vectors, result.index);
  }

  /** plenoptic's compute_jacobian: the [m, n] Jacobian, computed once and cached. */
  async computeJacobian(options: RunOptions = {}): Promise<tf.Tensor2D> {
    await this.init();
    if (this._jacobian) {
      this.say('Jacobian already computed, returning self.jacobian');
      return this._jacobian;
    }
    const bar = new ProgressBar(this.outputDim, 'Jacobian rows ', options.progressBar ?? 'auto');
    try {
      this._jacobian = tf.keep(
        await computeJacobianOf(this.model, this.image, {
          signal: options.signal,
          onProgress: (info) => reportProgress(options, bar, info),
        }),
      );
    } finally {
      bar.close();
    }
    return this._jacobian;
  }

  /** Refuses, before any work, an 'exact' run whose Jacobian and n×n eigendecomposition would not fit. */
  private checkExactFits(n: number, m: number): void {
    // float32 Jacobian, float32 JᵀJ, three n×n float64 work arrays in eigh, float32 eigendistortions
    const bytes = 4 * m * n + 4 * n * n + 24 * n * n + 4 * n * n;
    if (bytes > this.maxExactBytes) {
      const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
      throw new ValueError(
        `method='exact' needs the full ${m}×${n} Jacobian and an ${n}×${n} eigendecomposition: about ${gib(bytes)} for this ` +
          `image (input dim ${n}, output dim ${m}), more than the ${gib(this.maxExactBytes)} allowed. ` +
          `Use method='power' (top and bottom k) or method='randomizedSvd' (top k) instead, or pass a larger maxExactBytes.`,
      );
    }
  }

  private async synthesizeExact(options: RunOptions): Promise<{ values: Float64Array; vectors: Matrix; index: number[] }> {
    const j = await this.computeJacobian(options);
    throwIfAborted(options.signal);
    // the transpose is explicit: wasm multiplies transposed operands far more slowly than plain ones
    const fisher = tf.tidy(() => tf.matMul(tf.transpose(j), j));
    const data = (await fisher.data()) as Float32Array;
    fisher.dispose();
    const n = this.inputDim;
    const { values, vectors } = eigh({ rows: n, cols: n, data: Float64Array.from(data) }, { order: 'descending' });
    return { values, vectors, index: Array.from({ length: n }, (_, i) => i) };
  }

  /** F applied to each column (columns of length n), through the model; returns new columns. */
  private async fisherColumns(columns: Columns): Promise<Columns> {
    const v = fromColumns(columns, [this.nChannels, this.imHeight, this.imWidth]);
    try {
      const fv = await fisherVectorProduct(this.model, this.image, v, { batch: this.productBatch });
      const out = columnsOf((await fv.data()) as Float32Array, columns.length);
      fv.dispose();
      return out;
    } finally {
      v.dispose();
    }
  }

  /**
   * Power (orthogonal, for k > 1) iteration on F − shift·I (Golub & Van Loan alg. 8.2.8). shift = 0 gives the top
   * k; shift = λ_max gives the bottom k. Same iterates as plenoptic's, but F·v of the new vectors is kept for the
   * next step instead of being recomputed, so each iteration costs one Fisher product instead of two.
   */
  private async synthesizePower(
    k: number,
    shift: number,
    tol: number,
    maxIter: number,
    rng: Rng,
    options: RunOptions,
  ): Promise<{ values: Float64Array; vectors: Columns }> {
    const n = this.inputDim;
    let v = normalizeColumns(randomColumns(n, k, (count) => rng.normalArray(count)));
    v = normalizeColumns(await this.fisherColumns(v));
    let fv = await this.fisherColumns(v);
    let lambda = columnDots(v, fv);
    let dLambda = Infinity;
    const desc = `${shift === 0 ? 'Top' : 'Bottom'} k=${k} eigendists`;
    const bar = new ProgressBar(maxIter, `${desc} `, options.progressBar ?? 'auto');
    try {
      for (let i = 0; i < maxIter; i++) {
        reportProgress(options, bar, { iteration: i, total: maxIter, postfix: { delta_eigenval: formatPythonExp(dLambda, 2) } });
        if (dLambda <= tol) {
          this.say(`${desc} computed | Stop criterion ${formatPythonExp(tol, 2)} reached.`);
          break;
        }
        if (options.signal?.aborted) throw new AbortError('Eigendistortion synthesis was aborted; call synthesize() again to restart it.');
        const shifted = shift === 0 ? fv : fv.map((col, j) => col.map((x, r) => x - shift * v[j][r]));
        const vNew = orthonormalize(shifted);
        const fvNew = await this.fisherColumns(vNew);
        const lambdaNew = columnDots(vNew, fvNew);
        let sq = 0;
        for (let j = 0; j < k; j++) sq += (lambda[j] - lambdaNew[j]) ** 2;
        dLambda = Math.sqrt(sq);
        v = vNew;
        fv = fvNew;
        lambda = lambdaNew;
      }
    } finally {
      bar.close();
    }
    return { values: lambda, vectors: v };
  }

  /** Halko, Martinsson & Tropp (2011): the top k from a (k + p)-dimensional sketch of F's range. */
  private async synthesizeRandomizedSvd(
    k: number,
    p: number,
    q: number,
    rng: Rng,
    options: RunOptions,
  ): Promise<{ values: Float64Array; vectors: Columns; errorApprox: number }> {
    const n = this.inputDim;
    const l = Math.min(k + p, n);
    let sketch = orthonormalize(randomColumns(n, l, (count) => rng.normalArray(count)));
    let z = await this.fisherColumns(sketch);
    for (let i = 0; i < q; i++) {
      throwIfAborted(options.signal);
      z = await this.fisherColumns(z);
    }
    sketch = orthonormalize(z);
    const fq = await this.fisherColumns(sketch);
    // B = Qᵀ F Q, (l × l)
    const b: Matrix = { rows: l, cols: l, data: new Float64Array(l * l) };
    for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) b.data[i * l + j] = dot(sketch[i], fq[j]);
    const { s, v } = svd(b);
    const vectors: Columns = [];
    for (let c = 0; c < k; c++) {
      const out = new Float64Array(n);
      for (let i = 0; i < l; i++) {
        const w = v.data[i * l + c];
        const qi = sketch[i];
        for (let r = 0; r < n; r++) out[r] += w * qi[r];
      }
      vectors.push(out);
    }
    // error of Q as a basis of F's range, on 20 random probes
    throwIfAborted(options.signal);
    const omega = await this.fisherColumns(randomColumns(n, 20, (count) => rng.normalArray(count)));
    let errorSum = 0;
    for (const w of omega) {
      const residual = Float64Array.from(w);
      for (const qi of sketch) {
        const c = dot(qi, w);
        for (let r = 0; r < n; r++) residual[r] -= c * qi[r];
      }
      errorSum += Math.sqrt(dot(residual, residual));
    }
    return { values: s.slice(0, k), vectors, errorApprox: errorSum / omega.length };
  }

  private store(values: Float64Array, vectors: Columns | Matrix, index: number[]): void {
    const shape = [this.nChannels, this.imHeight, this.imWidth];
    const count = index.length;
    const n = this.inputDim;
    const flat = new Float32Array(count * n);
    if (Array.isArray(vectors)) {
      vectors.forEach((col, j) => flat.set(col, j * n));
    } else {
      const matrix = vectors as Matrix;
      for (let r = 0; r < n; r++) {
        const row = r * matrix.cols;
        for (let j = 0; j < count; j++) flat[j * n + r] = matrix.data[row + j];
      }
    }
    this._eigendistortions?.dispose();
    this._eigenvalues?.dispose();
    this._eigendistortions = tf.keep(tf.tensor4d(flat, [count, ...shape] as [number, number, number, number]));
    this._eigenvalues = tf.keep(tf.tensor1d(Float32Array.from(values, Math.abs)));
    this._eigenindex = index;
  }

  /**
   * plenoptic's _indexer: the position in `eigendistortions` of eigenindex idx (negative counts from the bottom of
   * the spectrum, so −1 is n − 1).
   */
  indexer(idx: number): number {
    const n = this.inputDim;
    const all = this._eigenindex;
    if (!all || all.length === 0) throw new ValueError('No eigendistortions synthesized; call synthesize() first.');
    if (!Number.isInteger(idx) || idx < -n || idx >= n) {
      throw new ValueError(`eigenindex ${idx} is out of range for an image of ${n} pixels (use -${n} .. ${n - 1}).`);
    }
    const i = idx < 0 ? n + idx : idx;
    const position = all.indexOf(i);
    if (position < 0) {
      throw new ValueError(`eigenindex must be the index of one of the vectors: ${idx} was not computed (computed: ${summarizeIndex(all)}).`);
    }
    return position;
  }

  protected async saveState(): Promise<SaveState> {
    await this.init();
    const tensors: SaveState['tensors'] = {
      image: await toSaved(this.image),
      representation: await toSaved(this.requireInit()),
    };
    if (this._eigendistortions) tensors.eigendistortions = await toSaved(this._eigendistortions);
    if (this._eigenvalues) tensors.eigenvalues = await toSaved(this._eigenvalues);
    if (this._jacobian) tensors.jacobian = await toSaved(this._jacobian);
    return { meta: { model: this.model.name, eigenindex: this._eigenindex }, tensors };
  }

  protected async checkSaved(saved: SavedSynthesis): Promise<void> {
    await this.init();
    await this.checkTensorAttribute('image', saved, this.image);
    await this.checkTensorAttribute('representation', saved, this.requireInit());
  }

  protected async restoreState(saved: SavedSynthesis): Promise<void> {
    const t = saved.tensors;
    this._eigendistortions?.dispose();
    this._eigenvalues?.dispose();
    this._jacobian?.dispose();
    this._eigendistortions = t.eigendistortions ? tf.keep(fromSaved(t.eigendistortions) as tf.Tensor4D) : null;
    this._eigenvalues = t.eigenvalues ? tf.keep(fromSaved(t.eigenvalues) as tf.Tensor1D) : null;
    this._jacobian = t.jacobian ? tf.keep(fromSaved(t.jacobian) as tf.Tensor2D) : null;
    this._eigenindex = (saved.meta.eigenindex as number[] | null) ?? null;
  }

  /** Releases the tensors this object holds (not the model). */
  dispose(): void {
    this.image.dispose();
    this.representation?.dispose();
    this._jacobian?.dispose();
    this._eigendistortions?.dispose();
    this._eigenvalues?.dispose();
  }
}

/** Eigenpairs reordered by decreasing |eigenvalue|. */
function decreasing(pairs: { values: Float64Array; vectors: Columns }): { values: Float64Array; vectors: Columns } {
  const order = Array.from(pairs.values, (_, i) => i).sort((i, j) => Math.abs(pairs.values[j]) - Math.abs(pairs.values[i]));
  return { values: Float64Array.from(order, (i) => pairs.values[i]), vectors: order.map((i) => pairs.vectors[i]) };
}

function summarizeIndex(index: readonly number[]): string {
  return index.length <= 8 ? `[${index.join(', ')}]` : `[${index.slice(0, 4).join(', ')}, …, ${index.slice(-2).join(', ')}] (${index.length} in all)`;
}
