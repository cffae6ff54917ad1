// Shared test helpers. Tests that need the benchmark data fail with a clear message when it is
// missing (never skip silently).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export function dataDir(): string {
  const dir = process.env.BRPNAS_DATA ?? resolve(ROOT, '../shared/data');
  if (!existsSync(dir)) {
    throw new Error(`benchmark data not found at ${dir}: this test needs ../shared/data beside the repository (or $BRPNAS_DATA)`);
  }
  return dir;
}

/** Run the brp-nas CLI (bin/brp-nas.js) and capture its exit code and output. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/brp-nas.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, cwd });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export interface CliRun {
  code: number | null;
  signal: string | null;
  out: string;
  err: string;
}

/** Start the brp-nas CLI without waiting: the child process, and `done` with its exit and output. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess & { done: Promise<CliRun> } {
  const child = spawn(process.execPath, [join(ROOT, 'bin/brp-nas.js'), ...args], { env: { ...process.env, ...env }, cwd: ROOT });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
  return Object.assign(child, { done });
}
