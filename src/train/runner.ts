// How a candidate gets trained, behind one interface the coordinator drives: a local process per
// attempt (process-runner.ts), a benchmark table in-process (table-trainer.ts), or, later, a queue.

import type { TrainerResult } from './trainer-output.js';

export interface AttemptSpec {
  /** 1-based proposal index of the candidate. */
  index: number;
  /** 1-based attempt number. */
  attempt: number;
  arch: string;
  /** The candidate's own directory ({out}) and this attempt's log files. */
  outDir: string;
  stdoutPath: string;
  stderrPath: string;
  /** Wall-clock limit (ms), or null for none. */
  timeoutMs: number | null;
  /** Unique id of the attempt (BRPNAS_ATTEMPT_ID in a trainer's environment), to find it again. */
  tag: string;
  /** Added to the search seed ({seed}): 1 for a final retraining (--final-retrain), so it trains with another seed. */
  seedOffset: number;
}

export type AttemptFailure = 'exit' | 'timeout' | 'malformed' | 'lost' | 'spawn';

export type AttemptOutcome = { ok: true; result: TrainerResult } | { ok: false; reason: AttemptFailure; detail: string };

/** What the journal keeps to find a running attempt again after the coordinator restarts. */
export interface AttemptHandle {
  pid?: number;
  /** Process start time (Linux clock ticks since boot), to tell the attempt's pid from a reused one. */
  starttime?: number;
  /** Epoch ms the attempt started. */
  started: number;
}

export interface TrainerRunner {
  /** Shown in results: what trains the candidates. */
  readonly describe: string;
  /** Every proposal, in order, on fresh runs and on replay (a table trainer draws its noise here). */
  proposed?(index: number, arch: string, retrainOf?: number): void;
  /** Start an attempt; `done` is called once with its outcome. */
  start(spec: AttemptSpec, done: (o: AttemptOutcome) => void): AttemptHandle;
  /**
   * Take over an attempt a previous coordinator started (from its journaled handle): `done` gets
   * its outcome (also when it finished meanwhile: its output decides), or false is returned when it
   * never started (the caller starts it again).
   */
  adopt?(spec: AttemptSpec, handle: AttemptHandle, done: (o: AttemptOutcome) => void): boolean;
  /** Stop every running attempt (an interrupt); their `done` callbacks are not called. */
  stopAll(): Promise<void>;
  /** True when attempts go on without the coordinator (a queue): an interrupt leaves them to be adopted. */
  readonly survivesCoordinator?: boolean;
  /** Release connections at the end. */
  close?(): Promise<void>;
}
