// Stopping long synchronous work from outside: the work polls a StopSignal (no Node dependency, so
// the predictors keep running in a browser); util/interrupt.ts wires one to Ctrl-C.

/** Something long-running work polls to learn that it should stop. */
export interface StopSignal {
  readonly stopped: boolean;
}

/** Thrown by work that was stopped before it had anything to return. */
export class InterruptedError extends Error {
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'InterruptedError';
  }
}

/** Throw InterruptedError if `signal` says stop. */
export function throwIfStopped(signal: StopSignal | undefined): void {
  if (signal?.stopped) throw new InterruptedError();
}
