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

/**
 * `work`'s result, or InterruptedError as soon as `signal` says stop (polled every `pollMs`), for
 * work that cannot poll the signal itself (a page measuring in a browser). A later failure of the
 * abandoned work is ignored.
 */
export function untilStopped<T>(work: Promise<T>, signal: StopSignal, pollMs = 100): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setInterval(() => {
      if (!signal.stopped) return;
      clearInterval(timer);
      reject(new InterruptedError());
    }, pollMs);
    work.then(
      (x) => {
        clearInterval(timer);
        resolve(x);
      },
      (e) => {
        clearInterval(timer);
        reject(e);
      },
    );
  });
}
