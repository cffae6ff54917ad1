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
}

/** The trainer fails on candidate after candidate: stopping beats proposing the whole space. */
export class TrainerFailingError extends Error {}

export type SearchEvent =
  | { kind: 'resume'; records: number; done: number; running: number; adopted: number; repairedTail: boolean }
  | { kind: 'start'; index: number; attempt: number; arch: string }
  | { kind: 'result'; index: number; attempt: number; arch: string; accuracy: number; trained: number; budget: number }
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
}

export interface RealSearchOutcome {
  /** Trained candidates in the order their results were told to the strategy (= proposal order). */
  trained: CandidateReport[];
  failed: CandidateReport[];
  pending: CandidateReport[];
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
  const candDir = (i: number) => join(o.stateDir, 'candidates', pad(i));
  try {
    let runId: string;
    const head = journal.records[0];
    if (!head) {
      runId = randomUUID();
      journal.append({ t: 'start', format: JOURNAL_FORMAT, version: JOURNAL_VERSION, id: runId, identity: o.identity, at: new Date().toISOString() });
    } else {
      if (head.t !== 'start' || head.format !== JOURNAL_FORMAT) throw new DataError(`${journalPath} is not a brp-nas search journal`);
      if (head.version !== JOURNAL_VERSION) throw new DataError(`${journalPath} has journal version ${head.version}; this brp-nas reads version ${JOURNAL_VERSION}`);
      if (JSON.stringify(head.identity) !== JSON.stringify(o.identity)) throw new DataError(`${o.stateDir} holds a search of other options (${JSON.stringify(head.identity)}); resume it with those, or use another --state`);
      runId = String(head.id);
    }

    const cands: Cand[] = [];
    let committed = 0;
    const commit = () => {
      while (committed < cands.length && cands[committed].status !== 'pending') {
        const c = cands[committed++];
        if (c.status === 'done') search.tell(c.arch, c.accuracy!);
        else search.fail(c.arch);
      }
    };
    const cand = (rec: JournalRecord): Cand => {
      const c = cands[(rec.i as number) - 1];
      if (!c) throw new DataError(`${journalPath}: a ${rec.t} record for candidate ${rec.i}, which was never proposed`);
      return c;
    };
    const addProposals = (archs: string[]) => {
      for (const arch of archs) {
        const c: Cand = { index: cands.length + 1, arch, status: 'pending', started: 0, failures: 0, running: null, metrics: {}, errors: [] };
        cands.push(c);
        o.runner.proposed?.(c.index, arch);
      }
    };
    const applyResult = (c: Cand, rec: JournalRecord) => {
      c.status = 'done';
      c.running = null;
      c.accuracy = rec.accuracy as number;
      if (typeof rec.latency_ms === 'number') c.latency_ms = rec.latency_ms;
      c.metrics = (rec.metrics as Cand['metrics']) ?? {};
    };

    // replay
    for (const rec of journal.records.slice(1)) {
      switch (rec.t) {
        case 'ask': {
          const got = search.ask(rec.max as number);
          const want = rec.archs as string[];
          if (JSON.stringify(got) !== JSON.stringify(want)) throw new DataError(`${journalPath}: replaying proposal ${cands.length + 1}, the strategy now proposes ${JSON.stringify(got)} where the journal has ${JSON.stringify(want)}: brp-nas or the data changed since this search started; finish it with the version that started it, or use another --state`);
          addProposals(want);
          break;
        }
        case 'attempt': {
          const c = cand(rec);
          c.started = rec.attempt as number;
          c.running = { attempt: rec.attempt as number, tag: rec.tag as string };
          break;
        }
        case 'pid': {
          const c = cand(rec);
          if (c.running && c.running.attempt === rec.attempt) c.running.handle = { pid: rec.pid as number | undefined, starttime: rec.starttime as number | undefined, started: rec.started as number };
          break;
        }
        case 'result':
          applyResult(cand(rec), rec);
          commit();
          break;
        case 'error': {
          const c = cand(rec);
          c.running = null;
          c.failures++;
          c.errors.push({ attempt: rec.attempt as number, reason: rec.reason as string, detail: rec.detail as string });
          break;
        }
        case 'abandon':
          cand(rec).running = null;
          break;
        case 'failed':
          cand(rec).status = 'failed';
          commit();
          break;
        default:
          throw new DataError(`${journalPath}: unknown record type ${JSON.stringify(rec.t)}`);
      }
    }

    const running = new Map<number, Cand>();
    const outcomes: { c: Cand; attempt: number; o: AttemptOutcome }[] = [];
    let wake: (() => void) | null = null;
    const onOutcome = (c: Cand, attempt: number) => (out: AttemptOutcome) => {
      outcomes.push({ c, attempt, o: out });
      wake?.();
    };
    const spec = (c: Cand, attempt: number, tag: string): AttemptSpec => {
      const dir = candDir(c.index);
      return { index: c.index, attempt, arch: c.arch, outDir: join(dir, 'out'), stdoutPath: join(dir, `attempt-${attempt}.stdout`), stderrPath: join(dir, `attempt-${attempt}.stderr`), timeoutMs: o.timeoutMs, tag };
    };
    const startAttempt = (c: Cand) => {
      const attempt = ++c.started;
      const tag = `${runId}/${c.index}/${attempt}`;
      journal.append({ t: 'attempt', i: c.index, attempt, tag });
      c.running = { attempt, tag };
      running.set(c.index, c);
      o.onEvent?.({ kind: 'start', index: c.index, attempt, arch: c.arch });
      mkdirSync(candDir(c.index), { recursive: true });
      const handle = o.runner.start(spec(c, attempt, tag), onOutcome(c, attempt));
      c.running.handle = handle;
      journal.append({ t: 'pid', i: c.index, attempt, ...handle });
    };

    // attempts a previous coordinator left running: adopt them, or start them again
    const ready: Cand[] = [];
    let adopted = 0;
    for (const c of cands) {
      if (c.status !== 'pending') continue;
      if (c.running) {
        if (o.runner.adopt?.(spec(c, c.running.attempt, c.running.tag), c.running.handle ?? { started: Date.now() }, onOutcome(c, c.running.attempt))) {
          running.set(c.index, c);
          adopted++;
          continue;
        }
        journal.append({ t: 'abandon', i: c.index, attempt: c.running.attempt, why: 'the coordinator stopped while it ran, and it is no longer running' });
        c.running = null;
      }
      ready.push(c);
    }
    const resumedRecords = journal.records.length;
    if (resumedRecords > 1) o.onEvent?.({ kind: 'resume', records: resumedRecords, done: cands.filter((c) => c.status !== 'pending').length, running: running.size, adopted, repairedTail: journal.repairedTail });

    const recordResult = (c: Cand, attempt: number, result: TrainerResult) => {
      const rec: JournalRecord = { t: 'result', i: c.index, attempt, accuracy: result.accuracy, ...(result.latency_ms !== undefined ? { latency_ms: result.latency_ms } : {}), metrics: result.metrics };
      journal.append(rec);
      applyResult(c, rec);
      commit();
      o.onEvent?.({ kind: 'result', index: c.index, attempt, arch: c.arch, accuracy: result.accuracy, trained: cands.filter((x) => x.status === 'done').length, budget: o.search.budget });
    };

    let interrupted = false;
    let failing: string | null = null;
    try {
      for (;;) {
        if (o.signal?.stopped) throw new InterruptedError();
        while (running.size < o.workers && ready.length) startAttempt(ready.shift()!);
        while (running.size < o.workers && !search.done) {
          const max = o.workers - running.size;
          const got = search.ask(max);
          if (got.length === 0) break;
          journal.append({ t: 'ask', first: cands.length + 1, max, archs: got });
          const from = cands.length;
          addProposals(got);
          for (const c of cands.slice(from)) startAttempt(c);
        }
        if (running.size === 0 && outcomes.length === 0) break; // budget spent (ArchSearch throws if it can propose nothing more)
        if (outcomes.length === 0) {
          await new Promise<void>((resolve) => {
            const poll = setInterval(() => o.signal?.stopped && done(), 100);
            const done = () => {
              clearInterval(poll);
              wake = null;
              resolve();
            };
            wake = done;
          });
        }
        for (const { c, attempt, o: out } of outcomes.splice(0)) {
          running.delete(c.index);
          if (out.ok) recordResult(c, attempt, out.result);
          else {
            journal.append({ t: 'error', i: c.index, attempt, reason: out.reason, detail: out.detail });
            c.running = null;
            c.failures++;
            c.errors.push({ attempt, reason: out.reason, detail: out.detail });
            const willRetry = c.failures <= o.retries;
            o.onEvent?.({ kind: 'error', index: c.index, attempt, arch: c.arch, reason: out.reason, detail: out.detail, willRetry });
            if (willRetry) {
              ready.push(c);
              ready.sort((a, b) => a.index - b.index);
            } else {
              journal.append({ t: 'failed', i: c.index });
              c.status = 'failed';
              commit();
              const failedCount = cands.filter((x) => x.status === 'failed').length;
              if (failedCount >= (o.maxFailedCandidates ?? o.search.budget)) failing = `${failedCount} candidates failed after ${o.retries + 1} attempts each; stopping (the last: ${c.arch}: ${out.detail}; its logs are in ${candDir(c.index)})`;
            }
          }
        }
        if (o.signal?.stopped) throw new InterruptedError();
        if (failing) {
          await o.runner.stopAll();
          for (const r of running.values()) journal.append({ t: 'abandon', i: r.index, attempt: r.running!.attempt, why: 'stopped: too many failed candidates' });
          throw new TrainerFailingError(failing);
        }
      }
    } catch (e) {
      if (!(e instanceof InterruptedError)) throw e;
      interrupted = true;
      await o.runner.stopAll();
      // trainings that finished before the stop keep their results; the ones it killed start again on resume
      for (const { c, attempt, o: out } of outcomes.splice(0)) {
        running.delete(c.index);
        if (out.ok) recordResult(c, attempt, out.result);
        else running.set(c.index, c);
      }
      if (!o.runner.survivesCoordinator) for (const c of running.values()) journal.append({ t: 'abandon', i: c.index, attempt: c.running!.attempt, why: 'interrupted' });
    }

    const report = (c: Cand): CandidateReport => {
      const predicted = c.latency_ms === undefined && c.status === 'done' && o.predictMs ? o.predictMs(c.arch) : undefined;
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
        dir: candDir(c.index),
      };
    };
    return {
      trained: cands.filter((c) => c.status === 'done').map(report),
      failed: cands.filter((c) => c.status === 'failed').map(report),
      pending: cands.filter((c) => c.status === 'pending').map(report),
      interrupted,
      resumedRecords: resumedRecords > 1 ? resumedRecords : 0,
      candidates: search.candidateCount,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    search.dispose();
    journal.close();
    release();
    await o.runner.close?.();
  }
}
