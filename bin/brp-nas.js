#!/usr/bin/env node
// The brp-nas command. The command itself runs in a worker thread, so that this thread stays free
// to hear Ctrl-C while training or search keeps the worker busy: the first SIGINT sets a flag the
// work polls (it stops within a step, saves what it can and exits 130), a second one exits at once.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const entry = new URL('../dist/src/cli/worker-entry.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('brp-nas: the compiled CLI is missing (dist/); run `npm run build` first');
  process.exit(2);
}
const flag = new Int32Array(new SharedArrayBuffer(4));
const worker = new Worker(entry, { workerData: { argv: process.argv.slice(2), interruptFlag: flag.buffer } });
process.on('SIGINT', () => {
  if (Atomics.add(flag, 0, 1) >= 1) {
    process.stderr.write('brp-nas: interrupted again; exiting now\n');
    process.exit(130);
  }
  process.stderr.write('brp-nas: interrupted; stopping (Ctrl-C again to exit at once)\n');
});
worker.on('message', (m) => {
  if (m && typeof m.exitCode === 'number') process.exitCode = m.exitCode;
});
worker.on('error', (e) => {
  process.stderr.write(`brp-nas: ${e?.message ?? e}\n`);
  if (process.env.BRPNAS_DEBUG) process.stderr.write(`${e?.stack}\n`);
  process.exitCode = 1;
});
worker.on('exit', (code) => {
  if (process.exitCode === undefined) process.exitCode = code;
});
