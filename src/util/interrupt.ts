// Ctrl-C for long synchronous work. Training and search run for minutes without returning to the
// event loop, so a SIGINT handler on the thread doing the work never runs. The brp-nas launcher
// (bin/brp-nas.js) therefore runs each command in a worker thread and keeps the main thread free:
// it counts SIGINTs into a shared Int32 that the work polls through `interruptSignal` (a load, cheap
// enough to check every training step). Library code takes any StopSignal; the CLI passes this one.

import { isMainThread, workerData } from 'node:worker_threads';
import type { StopSignal } from './stop.js';

export { InterruptedError, throwIfStopped, type StopSignal } from './stop.js';

/** Conventional exit status of a process stopped by SIGINT (128 + 2). */
export const EXIT_INTERRUPTED = 130;

let shared: Int32Array | null = null;
let localCount = 0;
let listening = false;

const wd = workerData as { interruptFlag?: SharedArrayBuffer } | null;
if (!isMainThread && wd?.interruptFlag instanceof SharedArrayBuffer) shared = new Int32Array(wd.interruptFlag);

/** The process's interrupt state: true once Ctrl-C (SIGINT) has been pressed. */
export const interruptSignal: StopSignal = {
  get stopped() {
    return (shared ? Atomics.load(shared, 0) : localCount) > 0;
  },
};

/**
 * Start listening for SIGINT where the launcher does not (the CLI run in the main thread, as the
 * tests and library users do): the first one sets the flag, a second one exits at once.
 * `onFirst` runs once, on the first interrupt, where it can be heard (main thread only).
 */
export function listenForInterrupts(onFirst?: () => void): () => void {
  if (shared || listening) return () => {};
  listening = true;
  const handler = () => {
    localCount++;
    if (localCount > 1) process.exit(EXIT_INTERRUPTED);
    onFirst?.();
  };
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGINT', handler);
    listening = false;
  };
}
