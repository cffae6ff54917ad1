// Command-line flags of a bench: node's parseArgs, plus what a user expects of a command. --help
// prints the bench's usage, which is the comment block at the top of its own file (one text for the
// source and the help), and a wrong flag prints that usage after a one-line error and exits 2 instead
// of a stack trace.
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The leading `//` comment block of a bench file, without the slashes. */
export function benchUsage(file: string): string {
  const lines: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('//')) break;
    lines.push(line.replace(/^\/\/ ?/, ''));
  }
  return lines.join('\n');
}

const benchName = (file: string) => `${basename(dirname(file))}/${basename(file)}`;

/** Refuse a bench's command line: the message, then the bench's usage, exit 2 (pass import.meta.url). */
export function benchUsageError(moduleUrl: string, message: string): never {
  const file = fileURLToPath(moduleUrl);
  process.stderr.write(`${benchName(file)}: ${message}\n\n${benchUsage(file)}\n`);
  process.exit(2);
}

/** parseArgs for the bench whose module URL is `moduleUrl` (pass import.meta.url). */
export function benchArgs<T extends ParseArgsConfig>(moduleUrl: string, config: T): ReturnType<typeof parseArgs<T>> {
  if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
    const file = fileURLToPath(moduleUrl);
    process.stdout.write(`${benchName(file)}\n${benchUsage(file)}\n`);
    process.exit(0);
  }
  try {
    return parseArgs(config);
  } catch (e) {
    return benchUsageError(moduleUrl, (e as Error).message);
  }
}
