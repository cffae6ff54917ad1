// Command-line parsing on top of node:util parseArgs: typed flags per command, strict about unknown
// flags and stray positionals, with one-line reasons for every mistake.

import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * parseArgs reads `--runs -1` as the flag --runs followed by an unknown option -1; a value that
 * looks like a negative number is attached to its flag (`--runs=-1`) so the range check can
 * report it properly.
 */
function attachNegativeValues(argv: string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : null;
    if (name !== null && !name.includes('=') && options[name]?.type === 'string' && next !== undefined && /^-\d|^-\.\d|^-Infinity$|^-NaN$/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Edit distance of two short strings (insertions, deletions, substitutions, swaps of neighbours). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known flag a misspelt one most likely meant (at most two edits away, and closer than any other), or null. */
export function closestFlag(flag: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  let tie = false;
  for (const k of known) {
    const dist = editDistance(flag, k);
    if (dist < bestD) [best, bestD, tie] = [k, dist, false];
    else if (dist === bestD) tie = true;
  }
  return best !== null && !tie && bestD <= Math.min(2, Math.floor(flag.length / 3)) ? best : null;
}

export function parse(command: string, argv: string[], options: OptionSpec, maxPositionals = 0): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: attachNegativeValues(argv, options), options, strict: true, allowPositionals: true });
  } catch (e) {
    // parseArgs messages are multi-line and mention internals; keep the first sentence.
    let msg = (e as Error).message.split('\n')[0].replace(/\. To specify a positional.*$/, '');
    const unknown = /^Unknown option '--([^'=]+)'/.exec(msg);
    const guess = unknown ? closestFlag(unknown[1], Object.keys(options)) : null;
    if (guess) msg += `; did you mean --${guess}?`;
    throw new UsageError(`${command}: ${msg}`);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`${command}: unexpected argument ${JSON.stringify(parsed.positionals[maxPositionals])}`);
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/** "between 2 and 9", "at least 2", "at most 9" or "any": the range in words, never "Infinity". */
export function rangeText(min: number, max: number): string {
  if (Number.isFinite(min) && Number.isFinite(max)) return `between ${min} and ${max}`;
  if (Number.isFinite(min)) return `at least ${min}`;
  if (Number.isFinite(max)) return `at most ${max}`;
  return 'any';
}

const who = (command?: string) => (command ? `${command}: ` : '');

export function intFlag(v: string | boolean | undefined, name: string, dflt: number, min = -Infinity, max = Infinity, command?: string): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n)) throw new UsageError(`${who(command)}--${name} must be an integer ${rangeText(min, max)}, got ${JSON.stringify(v)}`);
  if (n < min || n > max) throw new UsageError(`${who(command)}--${name} must be an integer ${rangeText(min, max)}, got ${n}`);
  return n;
}

export function numFlag(v: string | boolean | undefined, name: string, dflt: number, min = -Infinity, max = Infinity, command?: string): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${who(command)}--${name} must be a number ${rangeText(min, max)}, got ${JSON.stringify(v)}`);
  if (n < min || n > max) throw new UsageError(`${who(command)}--${name} must be a number ${rangeText(min, max)}, got ${n}`);
  return n;
}

export function choiceFlag<T extends string>(v: string | boolean | undefined, name: string, choices: readonly T[], dflt: T, command?: string): T {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !choices.includes(v as T)) throw new UsageError(`${who(command)}--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/**
 * Whether argv asks for help: null when not, false for `--help` (the short help), true for
 * `--help all` (every option).
 */
export function helpAll(argv: readonly string[]): boolean | null {
  const i = argv.findIndex((a) => a === '--help' || a === '-h');
  if (i < 0) return null;
  return argv[i + 1] === 'all';
}

/** "1 run", "3 runs". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export const COMMON_OPTIONS: OptionSpec = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  data: { type: 'string' },
};
