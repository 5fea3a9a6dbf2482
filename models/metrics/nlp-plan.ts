// The linear steps of the normalized Laplacian pyramid of an H×W image as plain loops over Float64Array planes
// (row-major h×w): the blur-downsampling D, the upsampling U and the pooling of each level, and their transposes.
// They are the operators laplacianLevelsPlanar and normalizer use, run as AxisBands.
import { AxisBand } from '../pyramids/axis-band.js';
import { correlationOperator, upsampleOperator } from '../pyramids/axis-operator.js';
import { downsampleTaps, upsampleTaps } from '../pyramids/blur.js';
import { NLP_SCALES, poolOperators } from './nlp-normalization.js';

/** The sizes (h, w) of the six levels of an H×W image. */
export function levelShapes(h: number, w: number): [number, number][] {
  const shapes: [number, number][] = [];
  for (let k = 0; k < NLP_SCALES; k++) {
    shapes.push([h, w]);
    [h, w] = [Math.ceil(h / 2), Math.ceil(w / 2)];
  }
  return shapes;
}

interface Step {
  downW: AxisBand;
  downH: AxisBand;
  upW: AxisBand;
  upH: AxisBand;
}

export class Level {
  readonly size: number;
  private readonly poolW: AxisBand;
  private readonly poolH: AxisBand | null;
  /** The step to the next level (absent on the last). */
  private readonly step?: Step;

  constructor(
    readonly h: number,
    readonly w: number,
    /** Where the level starts in the flattened pyramid. */
    readonly offset: number,
    k: number,
  ) {
    this.size = h * w;
    const pool = poolOperators(h, w, k);
    this.poolW = AxisBand.of(pool.alongW);
    this.poolH = pool.alongH && AxisBand.of(pool.alongH);
    if (k < NLP_SCALES - 1) {
      const pad = { before: 2, after: 2, mode: 'reflect' as const, stride: 2 };
      const down = downsampleTaps('binom5', true);
      const up = upsampleTaps('binom5', true);
      const downW = correlationOperator(w, down, pad);
      const downH = correlationOperator(h, down, pad);
      this.step = {
        downW: AxisBand.of(downW),
        downH: AxisBand.of(downH),
        upW: AxisBand.of(upsampleOperator(downW.outSize, up, (w % 2) as 0 | 1)),
        upH: AxisBand.of(upsampleOperator(downH.outSize, up, (h % 2) as 0 | 1)),
      };
    }
  }

  private get down(): Step {
    if (!this.step) throw new Error('internal: the coarsest level has no downsampling step');
    return this.step;
  }

  /** D: x [h, w] → coarse [⌈h/2⌉, ⌈w/2⌉]; temp holds h·⌈w/2⌉. */
  downsample(x: Float64Array, coarse: Float64Array, temp: Float64Array): void {
    const { downW, downH } = this.down;
    downW.alongRows(x, this.h, temp);
    downH.alongColumns(temp, downW.outSize, coarse);
  }

  /** fine += Dᵀ coarse; temp holds ⌈h/2⌉·w. */
  addDownsampleTransposed(coarse: Float64Array, fine: Float64Array, temp: Float64Array): void {
    const { downW, downH } = this.down;
    downW.transposed.alongRows(coarse, downH.outSize, temp);
    downH.transposed.alongColumns(temp, this.w, fine, 'add');
  }

  /** fine −= U coarse; temp holds ⌈h/2⌉·w. */
  subtractUpsampled(coarse: Float64Array, fine: Float64Array, temp: Float64Array): void {
    const { downH, upW, upH } = this.down;
    upW.alongRows(coarse, downH.outSize, temp);
    upH.alongColumns(temp, this.w, fine, 'subtract');
  }

  /** coarse = Uᵀ fine; temp holds ⌈h/2⌉·w. */
  upsampleTransposed(fine: Float64Array, coarse: Float64Array, temp: Float64Array): void {
    const { downH, upW, upH } = this.down;
    upH.transposed.alongColumns(fine, this.w, temp);
    upW.transposed.alongRows(temp, downH.outSize, coarse);
  }

  /** out = pool(a). */
  pool(a: Float64Array, out: Float64Array): void {
    this.poolW.alongRows(a, this.h, out);
    this.poolH?.alongColumns(a, this.w, out, 'add');
  }

  /** out = poolᵀ(a). */
  poolTransposed(a: Float64Array, out: Float64Array): void {
    this.poolW.transposed.alongRows(a, this.h, out);
    this.poolH?.transposed.alongColumns(a, this.w, out, 'add');
  }
}

/** The six levels of an H×W image with their operators. */
export class Plan {
  readonly levels: Level[];
  /** Samples in the flattened pyramid. */
  readonly size: number;

  private constructor(height: number, width: number) {
    let offset = 0;
    this.levels = levelShapes(height, width).map(([h, w], k) => {
      const level = new Level(h, w, offset, k);
      offset += level.size;
      return level;
    });
    this.size = offset;
  }

  private static readonly cache = new Map<string, Plan>();

  static of(h: number, w: number): Plan {
    const key = `${h}x${w}`;
    let plan = Plan.cache.get(key);
    if (!plan) {
      plan = new Plan(h, w);
      Plan.cache.set(key, plan);
    }
    return plan;
  }

  /**
   * The Laplacian levels of one image (its h·w samples read from x at xOffset), flattened into laplacian [N]: each
   * level's place first holds x_k, then x_k − U_k x_{k+1}. temp holds h·w.
   */
  laplacianLevels(x: ArrayLike<number>, xOffset: number, laplacian: Float64Array, temp: Float64Array): void {
    const { levels } = this;
    for (let i = 0; i < levels[0].size; i++) laplacian[i] = x[xOffset + i];
    for (let k = 0; k < NLP_SCALES - 1; k++) {
      const level = levels[k];
      const next = levels[k + 1];
      const current = laplacian.subarray(level.offset, level.offset + level.size);
      const coarse = laplacian.subarray(next.offset, next.offset + next.size);
      level.downsample(current, coarse, temp);
      level.subtractUpsampled(coarse, current, temp);
    }
  }
}
