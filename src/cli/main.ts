// brp-nas command-line entry: dispatches to one module per command. Exit codes: 0 ok, 1 failure
// while working (bad data, I/O), 2 usage error (unknown command or flag, bad value).

import { PickleError } from '../data/pickle.js';
import { EXIT_INTERRUPTED, InterruptedError, listenForInterrupts } from '../util/interrupt.js';
import { UsageError } from './args.js';
import type { CliCommand, CliIo } from './command.js';
import { dataCommand } from './cmd-data.js';
import { demoCommand } from './cmd-demo.js';
import { latencyCommand } from './cmd-latency.js';
import { measureCommand } from './cmd-measure.js';
import { searchCommand } from './cmd-search.js';
import { spaceCommand } from './cmd-space.js';
import { workerCommand } from './cmd-worker.js';
import { labCommand } from './cmd-lab.js';
import { uiCommand } from './cmd-ui.js';
import { evaluateCommand } from './cmd-evaluate.js';
import { exportCommand } from './cmd-export.js';
import { trainCommand } from './cmd-train.js';

export type { CliCommand, CliIo } from './command.js';
import { DataError } from '../util/errors.js';
import { describeSystemError } from '../util/system-error.js';

const defaultIo: CliIo = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : s + '\n'),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : s + '\n'),
};

export const COMMANDS: CliCommand[] = [spaceCommand, dataCommand, latencyCommand, searchCommand, workerCommand, measureCommand, trainCommand, exportCommand, evaluateCommand, labCommand, uiCommand, demoCommand];

export function mainHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: brp-nas <command> [options]',
    '',
    'Hardware-aware neural architecture search with GCN predictors (BRP-NAS).',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Common options: --data DIR (default $BRPNAS_DATA or ../shared/data), --json, --help',
    "Run 'brp-nas <command> --help' for a command's options.",
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.out('0.1.0');
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.err(`brp-nas: unknown command ${JSON.stringify(name)}; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    return 2;
  }
  const label = cmd.subcommands?.includes(rest[0]) ? `${name} ${rest[0]}` : name;
  // in the main thread (tests, library use) Ctrl-C is heard between awaits; the launcher's worker hears it always
  const stopListening = listenForInterrupts(() => io.err(`brp-nas ${name}: interrupted; stopping (Ctrl-C again to exit at once)`));
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof InterruptedError) {
      io.err(`brp-nas ${label}: interrupted before anything could be saved`);
      return EXIT_INTERRUPTED;
    }
    if (e instanceof UsageError) {
      io.err(`brp-nas ${e.message.startsWith(name) ? '' : `${label}: `}${e.message}`);
      return 2;
    }
    if (e instanceof DataError || e instanceof PickleError) {
      io.err(`brp-nas ${label}: ${e.message}`);
      return 1;
    }
    io.err(`brp-nas ${label}: ${describeSystemError(e) ?? (e as Error)?.message ?? String(e)}`);
    if (process.env.BRPNAS_DEBUG) io.err(String((e as Error)?.stack));
    return 1;
  } finally {
    stopListening();
  }
}
