// The command-line reference (docs/reference/cli.md), generated from the commands' own help texts,
// which come from the option tables: the docs cannot drift from the CLI (a test compares the file
// with this output; `npm run docs` rewrites it).

import type { CliIo } from './command.js';
import { runCli } from './main.js';

/** The help pages in the reference, in order: the arguments that print each. */
export const REFERENCE_PAGES: readonly (readonly string[])[] = [
  ['space', '--help'],
  ['data', '--help'],
  ['latency', '--help', 'all'],
  ['measure', '--help'],
  ['train', '--help'],
  ['export', '--help'],
  ['evaluate', '--help'],
  ['search', '--help', 'all'],
  ['worker', '--help'],
  ['lab', '--help'],
  ['demo', '--help'],
];

async function helpText(args: readonly string[]): Promise<string> {
  let text = '';
  const io: CliIo = { out: (s) => void (text += s.endsWith('\n') ? s : `${s}\n`), err: (s) => void (text += s) };
  const code = await runCli([...args], io);
  if (code !== 0) throw new Error(`brp-nas ${args.join(' ')} exited ${code}: ${text}`);
  return text.trimEnd();
}

/** The whole reference as markdown. */
export async function cliReference(): Promise<string> {
  const parts = ['# brp-nas command-line reference', '', 'Generated from the commands\' help (`npm run docs`); a test fails when this file is stale. Every command takes `--help` and `--data DIR`.', '', '```', await helpText(['--help']), '```'];
  for (const page of REFERENCE_PAGES) {
    const title = page.filter((a) => !a.startsWith('-') && a !== 'all').join(' ');
    parts.push('', `## brp-nas ${title}`, '', '```', await helpText(page), '```');
  }
  return parts.join('\n') + '\n';
}
