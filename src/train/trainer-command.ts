// The user's training command: a template such as `python train.py --arch {arch} --out {out}`.
// It is split into words once, by shell-quote (quotes, escapes and $VARS as a POSIX shell reads them),
// and run without a shell; each placeholder is then replaced inside the words, so whatever an
// architecture string contains (NB201's `|`, DARTS's parentheses and quotes, NB101's JSON) reaches
// the program as part of exactly one argument and is never interpreted. Pipes, redirections and
// globs in the template are refused: they need a shell, and a script (or `sh -c '...' sh {arch}`,
// where the architecture arrives as "$1") says what the user means without one.

import { parse } from 'shell-quote';

/** The placeholders a template may use, and what they become. */
export const TRAINER_PLACEHOLDERS = {
  arch: "the candidate's architecture string (the space's notation)",
  out: 'a directory of its own for this candidate (kept across retries: checkpoints may resume)',
  index: "the candidate's 1-based position in the search's proposal order",
  seed: 'the search seed',
  attempt: 'the attempt number (1, then 2, ... on retries)',
} as const;
export type TrainerVars = Record<keyof typeof TRAINER_PLACEHOLDERS, string>;

export class TrainerCommandError extends Error {}

export interface TrainerCommand {
  readonly template: string;
  /** The template's words, placeholders still in them. */
  readonly words: readonly string[];
}

export function parseTrainerCommand(template: string, env: Record<string, string | undefined> = process.env): TrainerCommand {
  if (typeof template !== 'string' || template.trim() === '') throw new TrainerCommandError('the trainer command is empty');
  const tokens = parse(template, (name: string) => env[name] ?? '');
  const words: string[] = [];
  for (const t of tokens) {
    if (typeof t === 'string') {
      words.push(t);
      continue;
    }
    const what = 'op' in t ? (t.op === 'glob' ? `the glob ${(t as { pattern: string }).pattern}` : `the shell operator ${JSON.stringify(t.op)}`) : 'comment' in t ? 'a comment' : 'a shell construct';
    throw new TrainerCommandError(`the trainer command runs without a shell, so ${what} in it would not work; put the pipeline in a script, or use sh -c '...' sh {arch} (the architecture is then "$1")`);
  }
  if (words.length === 0) throw new TrainerCommandError('the trainer command has no program');
  if (!words.some((w) => w.includes('{arch}'))) throw new TrainerCommandError('the trainer command must contain {arch}, where the architecture goes (placeholders: ' + Object.keys(TRAINER_PLACEHOLDERS).map((k) => `{${k}}`).join(', ') + ')');
  if (words[0].includes('{')) throw new TrainerCommandError(`the trainer command's program ${JSON.stringify(words[0])} cannot be a placeholder`);
  return { template, words };
}

/** The argument vector for one attempt: each word with its placeholders replaced literally. */
export function trainerArgv(cmd: TrainerCommand, vars: TrainerVars): string[] {
  return cmd.words.map((w) => w.replace(/\{(arch|out|index|seed|attempt)\}/g, (_, k: keyof TrainerVars) => vars[k]));
}
