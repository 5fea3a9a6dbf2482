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
