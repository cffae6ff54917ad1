// The coordinator of a search with real training. The strategy (an ArchSearch) proposes candidates;
// a runner trains them, `workers` at a time; every proposal, attempt and outcome is journaled (fsynced)
// before it takes effect, and a restarted coordinator replays the journal into a fresh strategy.
//
// Why the choices do not depend on timing or on restarts: results are told to the strategy in
// proposal order (a result that arrives early waits for the ones proposed before it), and every
// strategy proposes from complete information (REA's children and each predictor round wait until
// every pending result is told; random search ignores results), so the sequence of proposals is a
// function of the seed and the results alone: the same with 1 or 8 workers, fast or slow trainings,
// and across any number of crashes. Replay calls ask() with the journaled sizes and checks that
// the strategy proposes what the journal says (other code or options are refused, not mixed in).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ArchSearch, type ArchSearchOptions } from '../search/arch-search.js';
import { lockOutput } from '../util/output-lock.js';
import { Rng } from '../util/rng.js';
import { InterruptedError, type StopSignal } from '../util/stop.js';
import { Journal, type JournalRecord } from './journal.js';
import type { AttemptFailure, AttemptHandle, AttemptOutcome, AttemptSpec, TrainerRunner } from './runner.js';
import type { TrainerResult } from './trainer-output.js';
import { DataError } from '../util/errors.js';

export const JOURNAL_FORMAT = 'brp-nas-search-journal';
export const JOURNAL_VERSION = 1;
export const JOURNAL_FILE = 'journal.jsonl';

/**
 * The random streams of a real search: the strategy's and the table trainer's reveal stream are
 * those of the simulation's first run with the same seed, so a table-trained search equals it.
 */
export function realSearchStreams(seed: number): { strategy: Rng; reveal: Rng } {
  const master = new Rng(seed);
  const strategy = master.fork();
  const reveal = master.fork();
  return { strategy, reveal };
}

export interface RealSearchOptions {
  search: Omit<ArchSearchOptions, 'rng' | 'signal'>;
  runner: TrainerRunner;
  stateDir: string;
  workers: number;
  /** Further attempts after a failed one (a candidate fails for good after 1 + retries). */
  retries: number;
  timeoutMs: number | null;
  /** Everything that defines the search: a journal of other options is refused on resume. */
  identity: Record<string, unknown>;
  /** Latency constraint: a candidate's latency is what its trainer measured, else `predictMs`. */
  latLimitMs?: number | null;
  predictMs?: (arch: string) => number;
  signal?: StopSignal;
  onEvent?: (e: SearchEvent) => void;
  /** Stop with TrainerFailingError once this many candidates have failed for good (default: the budget). */
  maxFailedCandidates?: number;
  /**
   * After the search's budget (`search.budget`), train the K best by validation (within the latency
   * limit) once more with another seed ({seed} + 1): the pick is then the best mean of two trainings.
   */
  finalRetrain?: number;
}

/** The trainer fails on candidate after candidate: stopping beats proposing the whole space. */
export class TrainerFailingError extends Error {}

export type SearchEvent =
  | { kind: 'resume'; records: number; done: number; running: number; adopted: number; repairedTail: boolean }
  | { kind: 'start'; index: number; attempt: number; arch: string }
  | { kind: 'result'; index: number; attempt: number; arch: string; accuracy: number; trained: number; budget: number; retrainOf?: number }
  | { kind: 'error'; index: number; attempt: number; arch: string; reason: AttemptFailure; detail: string; willRetry: boolean };

export interface CandidateReport {
  index: number;
  arch: string;
  status: 'trained' | 'failed' | 'pending';
  accuracy: number | null;
  latency_ms: number | null;
  /** 'measured' (the trainer reported it), 'predicted' (the latency model) or null. */
  latency_source: 'measured' | 'predicted' | null;
  metrics: Record<string, number | string | boolean>;
  attempts: number;
  errors: { attempt: number; reason: string; detail: string }[];
  /** The candidate's directory: {out} and every attempt's stdout and stderr. */
  dir: string;
  /** When its result was recorded (ISO 8601; null when failed, pending, or from an older journal). */
  finished_at: string | null;
  /** A final retraining: the index of the candidate it trains again (else null). */
  retrain_of: number | null;
}

export interface RealSearchOutcome {
  /** Trained candidates in the order their results were told to the strategy (= proposal order). */
  trained: CandidateReport[];
  failed: CandidateReport[];
  pending: CandidateReport[];
  /** Final retrainings (--final-retrain), each naming the candidate it trained again; failed or pending ones too. */
  retrained: CandidateReport[];
  interrupted: boolean;
  /** Records replayed from an earlier coordinator (0 on a fresh start). */
  resumedRecords: number;
  /** Candidates the strategy chose from. */
  candidates: number;
  seconds: number;
}

interface Cand {
  index: number;
  arch: string;
  status: 'pending' | 'done' | 'failed';
  started: number; // attempt numbers used (abandoned ones too)
  failures: number;
  running: { attempt: number; tag: string; handle?: AttemptHandle } | null;
  accuracy?: number;
  latency_ms?: number;
  metrics: Record<string, number | string | boolean>;
  errors: { attempt: number; reason: string; detail: string }[];
  finishedAt?: string;
  /** A final retraining of this candidate index (never told to the strategy). */
  retrainOf?: number;
}

const pad = (i: number) => String(i).padStart(6, '0');

export async function runRealSearch(o: RealSearchOptions): Promise<RealSearchOutcome> {
  const t0 = performance.now();
  if (!Number.isInteger(o.workers) || o.workers < 1) throw new Error(`workers must be a positive integer, got ${o.workers}`);
  if (!Number.isInteger(o.retries) || o.retries < 0) throw new Error(`retries must be a non-negative integer, got ${o.retries}`);
  mkdirSync(o.stateDir, { recursive: true });
  const journalPath = join(o.stateDir, JOURNAL_FILE);
  const release = lockOutput(journalPath);
  const journal = new Journal(journalPath);
  const search = new ArchSearch({ ...o.search, rng: realSearchStreams(o.search.seed ?? 0).strategy, signal: o.signal });
  try {
    const c = new Coordinator(o, journal, journalPath, openJournal(journal, journalPath, o), search);
    c.replay();
    const resumedRecords = c.adoptOrRequeue();
    const interrupted = await c.run();
    return c.outcome(interrupted, resumedRecords, t0);
  } finally {
    search.dispose();
    journal.close();
    release();
    await o.runner.close?.();
  }
}

/** The run id of the journal: a new search's (its first record written now), or the one it holds. */
function openJournal(journal: Journal, journalPath: string, o: RealSearchOptions): string {
  const head = journal.records[0];
  if (!head) {
    const id = randomUUID();
    journal.append({ t: 'start', format: JOURNAL_FORMAT, version: JOURNAL_VERSION, id, identity: o.identity, at: new Date().toISOString() });
    return id;
  }
  if (head.t !== 'start' || head.format !== JOURNAL_FORMAT) throw new DataError(`${journalPath} is not a brp-nas search journal`);
  if (head.version !== JOURNAL_VERSION) throw new DataError(`${journalPath} has journal version ${head.version}; this brp-nas reads version ${JOURNAL_VERSION}`);
  if (JSON.stringify(head.identity) !== JSON.stringify(o.identity)) throw new DataError(`${o.stateDir} holds a search of other options (${JSON.stringify(head.identity)}); resume it with those, or use another --state`);
  return String(head.id);
}

type Outcome = { c: Cand; attempt: number; o: AttemptOutcome };

/**
 * One search's coordination, by concern: the candidates and what the strategy has been told
 * (`commit`), the journal's replay, the attempts a previous coordinator left, the scheduling loop and
 * its outcomes, and the final report.
 */
class Coordinator {
  private readonly cands: Cand[] = [];
  /** Candidates told to the strategy, in proposal order. */
  private committed = 0;
  private readonly running = new Map<number, Cand>();
  private readonly ready: Cand[] = [];
  private readonly outcomes: Outcome[] = [];
  private wake: (() => void) | null = null;

  constructor(
    private readonly o: RealSearchOptions,
    private readonly journal: Journal,
    private readonly journalPath: string,
    private readonly runId: string,
    private readonly search: ArchSearch,
  ) {}

  private candDir(i: number): string {
    return join(this.o.stateDir, 'candidates', pad(i));
  }

  /** Tell the strategy every finished candidate whose predecessors are all finished. */
  private commit(): void {
    while (this.committed < this.cands.length && this.cands[this.committed].status !== 'pending') {
      const c = this.cands[this.committed++];
      if (c.retrainOf !== undefined) continue;
      if (c.status === 'done') this.search.tell(c.arch, c.accuracy!);
      else this.search.fail(c.arch);
    }
  }

  private cand(rec: JournalRecord): Cand {
    const c = this.cands[(rec.i as number) - 1];
    if (!c) throw new DataError(`${this.journalPath}: a ${rec.t} record for candidate ${rec.i}, which was never proposed`);
    return c;
  }

  private addProposals(archs: string[], retrainOf?: number[]): void {
    archs.forEach((arch, j) => {
      const c: Cand = { index: this.cands.length + 1, arch, status: 'pending', started: 0, failures: 0, running: null, metrics: {}, errors: [], ...(retrainOf ? { retrainOf: retrainOf[j] } : {}) };
      this.cands.push(c);
      this.o.runner.proposed?.(c.index, arch, c.retrainOf);
    });
  }

  /**
   * --final-retrain K, once the search's own budget has its results: the K best by validation
   * (within the latency limit; ties to the earlier) are trained again. One training per model makes
   * the best validation accuracy an optimistic pick (the winner's curse); a second seed's mean is not.
   */
  private retrainsDue(): { archs: string[]; of: number[] } | null {
    const k = this.o.finalRetrain ?? 0;
    if (k === 0 || !this.search.done || this.cands.some((c) => c.retrainOf !== undefined || c.status === 'pending')) return null;
    const limit = this.o.latLimitMs ?? null;
    const ok = (c: Cand) => {
      if (limit === null) return true;
      const ms = c.latency_ms ?? this.o.predictMs?.(c.arch);
      return ms !== undefined && ms <= limit;
    };
    const top = this.cands.filter((c) => c.status === 'done' && ok(c)).sort((a, b) => b.accuracy! - a.accuracy! || a.index - b.index).slice(0, k);
    return top.length ? { archs: top.map((c) => c.arch), of: top.map((c) => c.index) } : null;
  }

  private applyResult(c: Cand, rec: JournalRecord): void {
    c.status = 'done';
    c.running = null;
    c.accuracy = rec.accuracy as number;
    if (typeof rec.latency_ms === 'number') c.latency_ms = rec.latency_ms;
    c.metrics = (rec.metrics as Cand['metrics']) ?? {};
    if (typeof rec.at === 'string') c.finishedAt = rec.at;
  }

  private applyError(c: Cand, attempt: number, reason: string, detail: string): void {
    c.running = null;
    c.failures++;
    c.errors.push({ attempt, reason, detail });
  }

  /** Replay the journal into the fresh strategy, checking it proposes what the journal says. */
  replay(): void {
    for (const rec of this.journal.records.slice(1)) {
      switch (rec.t) {
        case 'ask': {
          const got = this.search.ask(rec.max as number);
          const want = rec.archs as string[];
          if (JSON.stringify(got) !== JSON.stringify(want)) throw new DataError(`${this.journalPath}: replaying proposal ${this.cands.length + 1}, the strategy now proposes ${JSON.stringify(got)} where the journal has ${JSON.stringify(want)}: brp-nas or the data changed since this search started; finish it with the version that started it, or use another --state`);
          this.addProposals(want);
          break;
        }
        case 'attempt': {
          const c = this.cand(rec);
          c.started = rec.attempt as number;
          c.running = { attempt: rec.attempt as number, tag: rec.tag as string };
          break;
        }
        case 'pid': {
          const c = this.cand(rec);
          if (c.running && c.running.attempt === rec.attempt) c.running.handle = { pid: rec.pid as number | undefined, starttime: rec.starttime as number | undefined, started: rec.started as number };
          break;
        }
        case 'retrain':
          this.addProposals(rec.archs as string[], rec.of as number[]);
          break;
        case 'result':
          this.applyResult(this.cand(rec), rec);
          this.commit();
          break;
        case 'error':
          this.applyError(this.cand(rec), rec.attempt as number, rec.reason as string, rec.detail as string);
          break;
        case 'abandon':
          this.cand(rec).running = null;
          break;
        case 'failed':
          this.cand(rec).status = 'failed';
          this.commit();
          break;
        default:
          throw new DataError(`${this.journalPath}: unknown record type ${JSON.stringify(rec.t)}`);
      }
    }
  }

  private onOutcome(c: Cand, attempt: number): (out: AttemptOutcome) => void {
    return (out) => {
      this.outcomes.push({ c, attempt, o: out });
      this.wake?.();
    };
  }

  private spec(c: Cand, attempt: number, tag: string): AttemptSpec {
    const dir = this.candDir(c.index);
    return { index: c.index, attempt, arch: c.arch, outDir: join(dir, 'out'), stdoutPath: join(dir, `attempt-${attempt}.stdout`), stderrPath: join(dir, `attempt-${attempt}.stderr`), timeoutMs: this.o.timeoutMs, tag, seedOffset: c.retrainOf === undefined ? 0 : 1 };
  }

  private startAttempt(c: Cand): void {
    const attempt = ++c.started;
    const tag = `${this.runId}/${c.index}/${attempt}`;
    this.journal.append({ t: 'attempt', i: c.index, attempt, tag });
    c.running = { attempt, tag };
    this.running.set(c.index, c);
    this.o.onEvent?.({ kind: 'start', index: c.index, attempt, arch: c.arch });
    mkdirSync(this.candDir(c.index), { recursive: true });
    const handle = this.o.runner.start(this.spec(c, attempt, tag), this.onOutcome(c, attempt));
    c.running.handle = handle;
    this.journal.append({ t: 'pid', i: c.index, attempt, ...handle });
  }

  /**
   * Attempts a previous coordinator left running: adopted where the runner still sees them, else
   * abandoned and queued to start again. Returns the number of journal records this run resumed from.
   */
  adoptOrRequeue(): number {
    let adopted = 0;
    for (const c of this.cands) {
      if (c.status !== 'pending') continue;
      if (c.running) {
        if (this.o.runner.adopt?.(this.spec(c, c.running.attempt, c.running.tag), c.running.handle ?? { started: Date.now() }, this.onOutcome(c, c.running.attempt))) {
          this.running.set(c.index, c);
          adopted++;
          continue;
        }
        this.journal.append({ t: 'abandon', i: c.index, attempt: c.running.attempt, why: 'the coordinator stopped while it ran, and it is no longer running' });
        c.running = null;
      }
      this.ready.push(c);
    }
    const records = this.journal.records.length;
    if (records > 1) this.o.onEvent?.({ kind: 'resume', records, done: this.cands.filter((c) => c.status !== 'pending').length, running: this.running.size, adopted, repairedTail: this.journal.repairedTail });
    return records;
  }

  private recordResult(c: Cand, attempt: number, result: TrainerResult): void {
    // when it finished: curves against wall-clock time (older journals lack it)
    const rec: JournalRecord = { t: 'result', i: c.index, attempt, at: new Date().toISOString(), accuracy: result.accuracy, ...(result.latency_ms !== undefined ? { latency_ms: result.latency_ms } : {}), metrics: result.metrics };
    this.journal.append(rec);
    this.applyResult(c, rec);
    this.commit();
    this.o.onEvent?.({ kind: 'result', index: c.index, attempt, arch: c.arch, accuracy: result.accuracy, ...(c.retrainOf !== undefined ? { retrainOf: c.retrainOf } : {}), trained: this.cands.filter((x) => x.status === 'done').length, budget: this.o.search.budget + (this.o.finalRetrain ?? 0) });
  }

  /** A failed attempt: retried, or the candidate fails for good; returns why the search must stop, if it must. */
  private recordFailure(c: Cand, attempt: number, out: Extract<AttemptOutcome, { ok: false }>): string | null {
    this.journal.append({ t: 'error', i: c.index, attempt, reason: out.reason, detail: out.detail });
    this.applyError(c, attempt, out.reason, out.detail);
    const willRetry = c.failures <= this.o.retries;
    this.o.onEvent?.({ kind: 'error', index: c.index, attempt, arch: c.arch, reason: out.reason, detail: out.detail, willRetry });
    if (willRetry) {
      this.ready.push(c);
      this.ready.sort((a, b) => a.index - b.index);
      return null;
    }
    this.journal.append({ t: 'failed', i: c.index });
    c.status = 'failed';
    this.commit();
    const failedCount = this.cands.filter((x) => x.status === 'failed').length;
    return failedCount >= (this.o.maxFailedCandidates ?? this.o.search.budget) ? `${failedCount} candidates failed after ${this.o.retries + 1} attempts each; stopping (the last: ${c.arch}: ${out.detail}; its logs are in ${this.candDir(c.index)})` : null;
  }

  /** Start what the workers have room for: queued retries first, then new proposals. */
  private fill(): void {
    while (this.running.size < this.o.workers && this.ready.length) this.startAttempt(this.ready.shift()!);
    while (this.running.size < this.o.workers && !this.search.done) {
      const max = this.o.workers - this.running.size;
      const got = this.search.ask(max);
      if (got.length === 0) break;
      this.journal.append({ t: 'ask', first: this.cands.length + 1, max, archs: got });
      const from = this.cands.length;
      this.addProposals(got);
      for (const c of this.cands.slice(from)) this.startAttempt(c);
    }
    const due = this.retrainsDue();
    if (due) {
      this.journal.append({ t: 'retrain', first: this.cands.length + 1, of: due.of, archs: due.archs });
      const from = this.cands.length;
      this.addProposals(due.archs, due.of);
      this.ready.push(...this.cands.slice(from));
      while (this.running.size < this.o.workers && this.ready.length) this.startAttempt(this.ready.shift()!);
    }
  }

  /** Until an outcome arrives (or a stop is asked for). */
  private waitForOutcome(): Promise<void> {
    return new Promise<void>((resolve) => {
      const poll = setInterval(() => this.o.signal?.stopped && done(), 100);
      const done = () => {
        clearInterval(poll);
        this.wake = null;
        resolve();
      };
      this.wake = done;
    });
  }

  /** The scheduling loop, until the budget is spent or a stop; true when interrupted. */
  async run(): Promise<boolean> {
    try {
      for (;;) {
        if (this.o.signal?.stopped) throw new InterruptedError();
        this.fill();
        if (this.running.size === 0 && this.outcomes.length === 0) return false; // budget spent (ArchSearch throws if it can propose nothing more)
        if (this.outcomes.length === 0) await this.waitForOutcome();
        let failing: string | null = null;
        for (const { c, attempt, o: out } of this.outcomes.splice(0)) {
          this.running.delete(c.index);
          if (out.ok) this.recordResult(c, attempt, out.result);
          else failing = this.recordFailure(c, attempt, out) ?? failing;
        }
        if (this.o.signal?.stopped) throw new InterruptedError();
        if (failing) {
          await this.o.runner.stopAll();
          for (const r of this.running.values()) this.journal.append({ t: 'abandon', i: r.index, attempt: r.running!.attempt, why: 'stopped: too many failed candidates' });
          throw new TrainerFailingError(failing);
        }
      }
    } catch (e) {
      if (!(e instanceof InterruptedError)) throw e;
      await this.stopOnInterrupt();
      return true;
    }
  }

  /** Ctrl-C: trainings that finished before the stop keep their results; the ones it killed start again on resume. */
  private async stopOnInterrupt(): Promise<void> {
    await this.o.runner.stopAll();
    for (const { c, attempt, o: out } of this.outcomes.splice(0)) {
      this.running.delete(c.index);
      if (out.ok) this.recordResult(c, attempt, out.result);
      else this.running.set(c.index, c);
    }
    if (!this.o.runner.survivesCoordinator) for (const c of this.running.values()) this.journal.append({ t: 'abandon', i: c.index, attempt: c.running!.attempt, why: 'interrupted' });
  }

  private report(c: Cand): CandidateReport {
    const predicted = c.latency_ms === undefined && c.status === 'done' && this.o.predictMs ? this.o.predictMs(c.arch) : undefined;
    return {
      index: c.index,
      arch: c.arch,
      status: c.status === 'done' ? 'trained' : c.status,
      accuracy: c.accuracy ?? null,
      latency_ms: c.latency_ms ?? predicted ?? null,
      latency_source: c.latency_ms !== undefined ? 'measured' : predicted !== undefined ? 'predicted' : null,
      metrics: c.metrics,
      attempts: c.started,
      errors: c.errors,
      dir: this.candDir(c.index),
      finished_at: c.finishedAt ?? null,
      retrain_of: c.retrainOf ?? null,
    };
  }

  outcome(interrupted: boolean, resumedRecords: number, t0: number): RealSearchOutcome {
    const searched = this.cands.filter((c) => c.retrainOf === undefined);
    const by = (status: Cand['status']) => searched.filter((c) => c.status === status).map((c) => this.report(c));
    return {
      trained: by('done'),
      failed: by('failed'),
      pending: by('pending'),
      retrained: this.cands.filter((c) => c.retrainOf !== undefined).map((c) => this.report(c)),
      interrupted,
      resumedRecords: resumedRecords > 1 ? resumedRecords : 0,
      candidates: this.search.candidateCount,
      seconds: (performance.now() - t0) / 1000,
    };
  }
}
