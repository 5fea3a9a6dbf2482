export interface ProgressInfo {
  /** Iterations done so far in this call (1-based after the first step). */
  iteration: number;
  /** Planned iterations for this call. */
  total: number;
  /** Named values shown beside the bar (loss, gradient_norm, ...), as plenoptic's tqdm postfix. */
  postfix: Record<string, number | string>;
}

export type ProgressCallback = (info: ProgressInfo) => void;

/** Options every long-running call accepts. */
export interface RunOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** Show a bar on stderr: true, false, or 'auto' (when stderr is a terminal). Default 'auto'. */
  progressBar?: boolean | 'auto';
}

interface BarStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

function formatValue(v: number | string): string {
  return typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toExponential(4)) : v;
}

/** A tqdm-like single-line bar. Draws only on a terminal; silent otherwise. */
export class ProgressBar {
  private readonly start = Date.now();
  private lastDraw = 0;
  private readonly stream: BarStream | null;

  constructor(
    private readonly total: number,
    private readonly label = '',
    enabled: boolean | 'auto' = 'auto',
    stream?: BarStream,
  ) {
    const target = stream ?? (typeof process !== 'undefined' ? (process.stderr as BarStream) : undefined);
    const on = enabled === 'auto' ? !!target?.isTTY : enabled;
    this.stream = on && target ? target : null;
  }

  update(info: ProgressInfo): void {
    if (!this.stream) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && info.iteration < this.total) return;
    this.lastDraw = now;
    const width = 24;
    const frac = this.total > 0 ? Math.min(1, info.iteration / this.total) : 1;
    const filled = Math.round(frac * width);
    const seconds = (now - this.start) / 1000;
    const rate = seconds > 0 ? info.iteration / seconds : 0;
    const post = Object.entries(info.postfix)
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(', ');
    let line = `${this.label}${Math.round(frac * 100)}%|${'█'.repeat(filled)}${' '.repeat(width - filled)}| ${info.iteration}/${this.total} [${seconds.toFixed(1)}s, ${rate.toFixed(2)}it/s${post ? ', ' + post : ''}]`;
    const cols = this.stream.columns ?? 160;
    if (line.length > cols - 1) line = line.slice(0, cols - 1);
    this.stream.write(`\r${line}\x1b[K`);
  }

  close(): void {
    if (this.stream) this.stream.write('\n');
  }
}

/** Reports one step to the callback and the bar. */
export function reportProgress(options: RunOptions | undefined, bar: ProgressBar | null, info: ProgressInfo): void {
  options?.onProgress?.(info);
  bar?.update(info);
}
