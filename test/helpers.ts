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

/**
 * A serving command (lab, ui) started as a user starts it, its URL read from what it prints: the
 * URL, its base and token, its output so far, and stop() (SIGINT; resolves to the exit code).
 */
export async function startServing(args: string[]) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/brp-nas.js'), ...args], { cwd: ROOT });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  for (let i = 0; i < 400 && !/https?:\/\/\S+token=[0-9a-f]{32}/.test(out) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
  const url = /(https?:\/\/\S+\?token=[0-9a-f]{32})/.exec(out)?.[1];
  if (!url) throw new Error(`no URL printed: ${out} ${err}`);
  const base = url.slice(0, url.indexOf('/?'));
  const token = url.slice(url.indexOf('token=') + 6);
  return { child, url, base, token, out: () => out, err: () => err, stop: () => new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : (child.on('exit', (c) => r(c)), child.kill('SIGINT')))) };
}

/** True when the browser tests are skipped on request (BRPNAS_SKIP_BROWSER=1); otherwise Chromium must be there. */
export async function skipBrowser(what: string): Promise<boolean> {
  if (process.env.BRPNAS_SKIP_BROWSER === '1') {
    console.log(`${what} skipped on request (BRPNAS_SKIP_BROWSER=1)`);
    return true;
  }
  const { findChromium } = await import('../src/measure/browser.js');
  if (!findChromium()) throw new Error('Chromium is not installed: apt-get install chromium (.ci/run does), or set BRPNAS_SKIP_BROWSER=1 to skip this test explicitly');
  return false;
}
