export interface BenchResult {
  name: string;
  /** Our median wall-clock seconds. */
  ours_s: number;
  /** The reference's median seconds on this machine kind (plenoptic / PyTorch, one thread). */
  reference_s: number;
  /** What the reference is, e.g. 'plenoptic 1.1.0, torch 1.13, 1 thread (fixtures/timings)'. */
  reference: string;
  /** ours_s / reference_s: below 1 is faster than the reference. */
  ratio: number;
  backend?: string;
  notes?: string;
}

export interface Bench {
  description: string;
  run(): Promise<BenchResult>;
}
