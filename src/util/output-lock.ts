// One writer per output: a lock file created exclusively beside the output, holding the owner's pid.
// A lock whose owner is gone (a killed run) is taken over; a live owner makes the second run fail at
// once, before it computes anything.

import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { DataError } from './errors.js';

/** True when a process with this pid exists (EPERM: it exists but is not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lock `path` (the lock is `path.lock`); returns the release function. */
export function lockOutput(path: string): () => void {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new DataError(`cannot create the lock ${lock}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) throw new DataError(`another brp-nas process (pid ${pid}) is writing ${path}; wait for it, or use another --out`);
      rmSync(lock, { force: true }); // stale: its owner died
    }
  }
  throw new DataError(`cannot lock ${path}: the lock ${lock} keeps reappearing`);
}
