import { ProgressBar, type ProgressInfo } from '../runtime/progress.js';
import { ValueError } from '../runtime/errors.js';
import { UsageError, type CommandSpec, type ParsedArgs } from './args.js';

/** Where a command writes: the process's streams when run as `plenoptic`, buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  /** isTTY turns the progress bar on. */
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

export interface Command {
  spec: CommandSpec;
  /** Throws UsageError for bad usage (exit 2), anything else for a failure (exit 1). */
  run(args: ParsedArgs, io: CliIo): Promise<void>;
}

/** `plenoptic NAME SUB ...` runs subcommand SUB, a Command whose spec.name is 'NAME SUB'. */
export interface CommandGroup {
  spec: { name: string; summary: string };
  subcommands: Command[];
}

/**
 * Runs `setup` and turns its errors into UsageErrors: everything that goes wrong before the computation starts
 * (unknown names, unreadable files, options a model rejects) is a problem with the command line.
 */
export async function asUsage<T>(setup: () => Promise<T> | T): Promise<T> {
  try {
    return await setup();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message);
  }
}

/**
 * Progress on stderr when it is a terminal (silent in tests and pipes). A new bar starts whenever the label or the
 * total changes or the count starts over, so one reporter follows runs with several phases.
 */
export class TerminalProgress {
  private bar: ProgressBar | null = null;
  private current = { label: '', total: -1, iteration: 0 };

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
  ) {}

  update(info: ProgressInfo, label = this.label): void {
    const c = this.current;
    if (!this.bar || label !== c.label || info.total !== c.total || info.iteration < c.iteration) {
      this.bar?.close();
      this.bar = new ProgressBar(info.total, label, this.io.stderr.isTTY ? true : false, this.io.stderr);
    }
    this.current = { label, total: info.total, iteration: info.iteration };
    this.bar.update(info);
  }

  close(): void {
    this.bar?.close();
    this.bar = null;
  }
}

/**
 * Runs a computation whose argument checks come first: ValueErrors (bad k, a method the input is too large for)
 * become UsageErrors; anything else stays a failure.
 */
export async function argumentErrorsAsUsage<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ValueError) throw new UsageError(e.message);
    throw e;
  }
}
