// Command-line parsing for the `plenoptic` commands: GNU-style long options (--name value, --name=value), flags,
// positionals, and help text generated from the same declarations.

/** Bad usage: reported as one line with exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type OptionType = 'string' | 'number' | 'integer' | 'flag' | 'json';

export interface OptionSpec {
  /** Long name without dashes, kebab-case ('max-iter'); parsed values are keyed by its camelCase ('maxIter'). */
  name: string;
  /** One-letter alias, used as -x VALUE (e.g. 'k' for -k 2). */
  short?: string;
  type: OptionType;
  /** Placeholder in help ('N', 'PATH'). */
  value?: string;
  description: string;
  required?: boolean;
  default?: string | number | boolean;
}

export interface PositionalSpec {
  name: string;
  description: string;
  required?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  positionals?: PositionalSpec[];
  options: OptionSpec[];
  examples?: string[];
  /** Extra paragraphs after the options. */
  notes?: string[];
}

export type ParsedValue = string | number | boolean | unknown;

export interface ParsedArgs {
  options: Record<string, ParsedValue>;
  positionals: string[];
  help: boolean;
}

export function camelCase(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Edit distance, to suggest the option the user probably meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

export function closest(word: string, candidates: readonly string[]): string | null {
  // a truncated name ('mad-al') first, then a name with extra letters ('max-iterations'), then the nearest
  const completions = candidates.filter((c) => c.startsWith(word)).sort((a, b) => a.length - b.length);
  if (completions.length) return completions[0];
  const stems = candidates.filter((c) => word.startsWith(c)).sort((a, b) => b.length - a.length);
  if (stems.length) return stems[0];
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

function convert(option: OptionSpec, raw: string): ParsedValue {
  const flag = `--${option.name}`;
  switch (option.type) {
    case 'string':
      return raw;
    case 'number': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(`${flag} expects a number, got '${raw}'.`);
      return v;
    }
    case 'integer': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(v)) throw new UsageError(`${flag} expects an integer, got '${raw}'.`);
      return v;
    }
    case 'json':
      try {
        return JSON.parse(raw);
      } catch (e) {
        throw new UsageError(`${flag} is not valid JSON (${(e as Error).message}); write e.g. ${flag} '{"kernelSize":[31,31],"std":3}'.`);
      }
    case 'flag':
      return true;
  }
}

/** Parses argv (without the command name) against a command's declaration. */
export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const byName = new Map(spec.options.map((o) => [o.name, o]));
  const byShort = new Map(spec.options.filter((o) => o.short).map((o) => [`-${o.short}`, o]));
  const options: Record<string, ParsedValue> = {};
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const short = byShort.get(arg);
    if (short) {
      if (i + 1 >= argv.length && short.type !== 'flag') throw new UsageError(`${arg} needs a value${short.value ? ` (${short.value})` : ''}.`);
      options[camelCase(short.name)] = convert(short, short.type === 'flag' ? '' : argv[++i]);
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
        throw new UsageError(`unknown option '${arg}' (options are spelled --name).`);
      }
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const option = byName.get(name);
    if (!option) {
      const guess = closest(name, [...byName.keys()]);
      throw new UsageError(`unknown option --${name}${guess ? `; did you mean --${guess}?` : '.'}`);
    }
    let raw: string;
    if (option.type === 'flag') {
      if (eq >= 0) throw new UsageError(`--${name} is a flag and takes no value.`);
      raw = '';
    } else if (eq >= 0) {
      raw = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value${option.value ? ` (${option.value})` : ''}.`);
      raw = argv[++i];
    }
    options[camelCase(name)] = convert(option, raw);
  }
  if (help) return { options, positionals, help };
  for (const o of spec.options) {
    const key = camelCase(o.name);
    if (options[key] === undefined && o.default !== undefined) options[key] = o.default;
    if (options[key] === undefined && o.required) throw new UsageError(`--${o.name} is required.`);
  }
  const declared = spec.positionals ?? [];
  const missing = declared.slice(positionals.length).find((p) => p.required);
  if (missing) throw new UsageError(`missing ${missing.name}.`);
  if (positionals.length > declared.length) throw new UsageError(`unexpected argument '${positionals[declared.length]}'.`);
  return { options, positionals, help };
}

function wrap(text: string, width: number, indent: number): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width - indent) {
      lines.push(line);
      line = w;
    } else {
      line = line ? `${line} ${w}` : w;
    }
  }
  if (line) lines.push(line);
  return lines.join('\n' + ' '.repeat(indent));
}

/** The text `plenoptic <command> --help` prints. */
export function helpText(spec: CommandSpec, program = 'plenoptic'): string {
  const usage = [
    `${program} ${spec.name}`,
    ...(spec.positionals ?? []).map((p) => (p.required ? p.name : `[${p.name}]`)),
    ...spec.options.map((o) => {
      const flag = o.short ? `-${o.short}` : `--${o.name}`;
      const part = o.type === 'flag' ? flag : `${flag} ${o.value ?? 'VALUE'}`;
      return o.required ? part : `[${part}]`;
    }),
  ].join(' ');
  const rows: [string, string][] = [
    ...(spec.positionals ?? []).map((p): [string, string] => [p.name, p.description]),
    ...spec.options.map((o): [string, string] => [
      `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.type === 'flag' ? '' : ` ${o.value ?? 'VALUE'}`}`,
      o.description + (o.default !== undefined ? ` (default: ${o.default})` : '') + (o.required ? ' (required)' : ''),
    ]),
    ['-h, --help', 'show this help'],
  ];
  const left = Math.min(30, Math.max(...rows.map(([l]) => l.length)) + 2);
  const body = rows
    .map(([l, r]) => `  ${l.length < left ? l.padEnd(left) : `${l}\n${' '.repeat(left + 2)}`}${wrap(r, 100, left + 2)}`)
    .join('\n');
  const parts = [spec.summary, '', `Usage: ${wrap(usage, 100, 7)}`, '', 'Options:', body];
  for (const note of spec.notes ?? []) parts.push('', wrap(note, 100, 0));
  if (spec.examples?.length) parts.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return parts.join('\n') + '\n';
}
