#!/usr/bin/env node
// The `plenoptic` executable. `main(argv, io)` is the whole program, so tests run it in-process; the last lines
// start it when this file is executed.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { setWarningHandler } from '../runtime/warnings.js';
import { UsageError, closest, helpText, parseArgs } from './args.js';
import type { CliIo, Command } from './command.js';
import { demoCommand } from './commands/demo.js';
import { imagesCommand } from './commands/images.js';
import { metamerCommand } from './commands/metamer.js';
import { modelCommand } from './commands/model.js';
import { modelsCommand } from './commands/models.js';

const commands: Command[] = [metamerCommand, modelCommand, imagesCommand, modelsCommand, demoCommand];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.spec.name.length));
  return [
    'plenoptic: synthesize model metamers and probe image models (a TypeScript port of plenoptic).',
    '',
    'Usage: plenoptic <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    '',
    "Run 'plenoptic <command> --help' for a command's options.",
    '',
  ].join('\n');
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Runs the CLI and returns its exit code: 0 success, 1 failure, 2 bad usage. Errors are printed as one line on
 * stderr (set PLENOPTIC_DEBUG=1 for the stack).
 */
export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(overview());
    return 0;
  }
  const command = commands.find((c) => c.spec.name === name);
  if (!command) {
    const guess = closest(name, commands.map((c) => c.spec.name));
    io.stderr.write(`plenoptic: unknown command '${name}'${guess ? `; did you mean '${guess}'?` : ''} Commands: ${commands.map((c) => c.spec.name).join(', ')}.\n`);
    return 2;
  }
  setWarningHandler((w) => io.stderr.write(`plenoptic ${name}: warning: ${oneLine(w.message)}\n`));
  try {
    const args = parseArgs(command.spec, rest);
    if (args.help) {
      io.stdout.write(helpText(command.spec));
      return 0;
    }
    await command.run(args, io);
    return 0;
  } catch (e) {
    const error = e as Error;
    const usage = error instanceof UsageError;
    const kind = usage || error.name === 'Error' ? '' : `${error.name}: `;
    const message = oneLine(error.message);
    const hint = usage ? ` Run 'plenoptic ${name} --help' for usage.` : '';
    io.stderr.write(`plenoptic ${name}: error: ${kind}${usage ? message.replace(/([^.!?])$/, '$1.') : message}${hint}\n`);
    if (process.env.PLENOPTIC_DEBUG && error.stack) io.stderr.write(`${error.stack}\n`);
    return usage ? 2 : 1;
  } finally {
    setWarningHandler(null);
  }
}

function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await main(process.argv.slice(2));
}
