// The CLI as run by bin/brp-nas.js, in a worker thread (see util/interrupt.ts): runs the command
// and reports its exit status to the launcher. A worker's process.stdout/stderr are streams whose
// writes complete on the worker's event loop, which training keeps busy for minutes: progress
// would sit in a buffer. So the command writes straight to the file descriptors instead.

import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { CliIo } from './command.js';
import { runCli } from './main.js';

function writeAll(fd: number, s: string): void {
  const buf = Buffer.from(s.endsWith('\n') ? s : s + '\n', 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      // a non-blocking pipe that is full: wait a moment for the reader
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

const io: CliIo = { out: (s) => writeAll(1, s), err: (s) => writeAll(2, s) };
const code = await runCli((workerData as { argv: string[] }).argv, io);
parentPort?.postMessage({ exitCode: code });
