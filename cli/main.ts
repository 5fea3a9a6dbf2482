#!/usr/bin/env node
// The `plenoptic` executable. `main(argv, io)` is the whole program, so tests run it in-process; the last lines
// start it when this file is executed.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { setWarningHandler } from '../runtime/warnings.js';
import { UsageError, closest, helpText, parseArgs } from './args.js';
import type { CliIo, Command, CommandGroup } from './command.js';
import { compareLayersCommand } from './commands/compare-layers.js';
import { demoCommand } from './commands/demo.js';
import { eigendistortionCommand } from './commands/eigendistortion.js';
import { geodesicCommand } from './commands/geodesic.js';
import { imagesCommand } from './commands/images.js';
import { madAllCommand } from './commands/mad-all.js';
import { madCommand } from './commands/mad.js';
import { metamerCommand } from './commands/metamer.js';
import { metricCommand } from './commands/metric.js';
import { modelCommand } from './commands/model.js';
import { modelsCommand } from './commands/models.js';
import { onnxCommand } from './commands/onnx.js';

const commands: (Command | CommandGroup)[] = [
  metamerCommand,
  madCommand,
  madAllCommand,
  eigendistortionCommand,
  geodesicCommand,
  compareLayersCommand,
  metricCommand,
  modelCommand,
  onnxCommand,
  imagesCommand,
  modelsCommand,
  demoCommand,
];

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

function subcommandOverview(command: CommandGroup): string {
  const subs = command.subcommands;
  const width = Math.max(...subs.map((c) => c.spec.name.length));
  return [
    command.spec.summary,
    '',
    `Usage: plenoptic ${command.spec.name} <subcommand> [options]`,
    '',
    'Subcommands:',
    ...subs.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    '',
    `Run 'plenoptic ${command.spec.name} <subcommand> --help' for its options.`,
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
  const entry = commands.find((c) => c.spec.name === name);
  if (!entry) {
    const guess = closest(name, commands.map((c) => c.spec.name));
    io.stderr.write(`plenoptic: unknown command '${name}'${guess ? `; did you mean '${guess}'?` : ''} Commands: ${commands.map((c) => c.spec.name).join(', ')}.\n`);
    return 2;
  }
  let command: Command;
  if ('subcommands' in entry) {
    const subs = entry.subcommands;
    const names = subs.map((c) => c.spec.name.slice(name.length + 1));
    const sub = rest.shift();
    if (sub === '--help' || sub === '-h') {
      io.stdout.write(subcommandOverview(entry));
      return 0;
    }
    if (sub === undefined) {
      io.stderr.write(`plenoptic ${name}: missing subcommand (${names.join(', ')}). Run 'plenoptic ${name} --help' for usage.\n`);
      return 2;
    }
    const found = subs.find((c) => c.spec.name === `${name} ${sub}`);
    if (!found) {
      const guess = closest(sub, names);
      io.stderr.write(`plenoptic ${name}: unknown subcommand '${sub}'${guess ? `; did you mean '${guess}'?` : ''} Subcommands: ${names.join(', ')}.\n`);
      return 2;
    }
    command = found;
  } else {
    command = entry;
  }
  const label = command.spec.name;
  // a warning raised every iteration (e.g. an image straying outside [0, 1]) is shown once, then counted
  const seen = new Set<string>();
  let repeats = 0;
  setWarningHandler((w) => {
    const kind = w.message.replace(/[-+]?\d[\d.]*(e[-+]?\d+)?/gi, '#').replace(/\s+/g, ' ');
    if (seen.has(kind)) {
      repeats++;
      return;
    }
    seen.add(kind);
    io.stderr.write(`plenoptic ${label}: warning: ${oneLine(w.message)}\n`);
  });
  try {
    const args = parseArgs(command.spec, rest);
    if (args.help) {
      io.stdout.write(helpText(command.spec));
      return 0;
    }
    await command.run(args, io);
    if (repeats > 0) io.stderr.write(`plenoptic ${label}: warning: ${repeats} repeated warning${repeats > 1 ? 's' : ''} not shown.\n`);
    return 0;
  } catch (e) {
    const error = e as Error;
    const usage = error instanceof UsageError;
    const kind = usage || error.name === 'Error' ? '' : `${error.name}: `;
    const message = oneLine(error.message);
    const hint = usage ? ` Run 'plenoptic ${label} --help' for usage.` : '';
    io.stderr.write(`plenoptic ${label}: error: ${kind}${usage ? message.replace(/([^.!?])$/, '$1.') : message}${hint}\n`);
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
