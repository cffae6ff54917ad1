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

export function parse(command: string, argv: string[], options: OptionSpec, maxPositionals = 0): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    // parseArgs messages are multi-line and mention internals; keep the first sentence.
    const msg = (e as Error).message.split('\n')[0].replace(/\. To specify a positional.*$/, '');
    throw new UsageError(`${command}: ${msg}`);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`${command}: unexpected argument ${JSON.stringify(parsed.positionals[maxPositionals])}`);
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

export function intFlag(v: string | boolean | undefined, name: string, dflt: number, min = -Infinity, max = Infinity): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got ${JSON.stringify(v)}`);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function numFlag(v: string | boolean | undefined, name: string, dflt: number, min = -Infinity, max = Infinity): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got ${JSON.stringify(v)}`);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function choiceFlag<T extends string>(v: string | boolean | undefined, name: string, choices: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !choices.includes(v as T)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

export const COMMON_OPTIONS: OptionSpec = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  data: { type: 'string' },
};
