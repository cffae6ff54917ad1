// A real search's candidates as a web page shows them, read from its journal without ever writing it
// (the coordinator owns the file; opening it through train/journal.ts would repair a torn tail). The
// view reads only what was appended since its last look, so a page open for hours costs a few bytes
// a second, and it notices a journal replaced by another search (a new id) and starts over.

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

export type CandidateStatus = 'queued' | 'running' | 'trained' | 'failed';

export interface CandidateView {
  index: number;
  arch: string;
  status: CandidateStatus;
  /** Attempts started. */
  attempts: number;
  accuracy: number | null;
  latency_ms: number | null;
  params: number | null;
  /** The trainer's own seconds (its `seconds` metric). */
  seconds: number | null;
  finished_at: string | null;
  /** A final retraining: the candidate it trains again. */
  retrain_of: number | null;
  /** The last failed attempt's reason, or why an attempt was abandoned. */
  error: string | null;
}

export interface JournalHead {
  id: string;
  at: string | null;
  identity: Record<string, unknown>;
}

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

export class JournalView {
  head: JournalHead | null = null;
  candidates: CandidateView[] = [];
  /** Counts the times the journal was found to be another search's (the view started over). */
  generation = 0;
  /** Counts changes to candidates; `changedSince` answers by it, for every reader alike. */
  sequence = 0;
  private changedAt: number[] = [];
  private offset = 0;
  private pending = '';

  constructor(readonly path: string) {}

  /** Read what was appended; `reset` when the journal is another search's now (start over). */
  refresh(): { reset: boolean; changed: number[] } {
    if (!existsSync(this.path)) return this.head ? this.restart() : { reset: false, changed: [] };
    const size = statSync(this.path).size;
    if (size < this.offset) return this.restart();
    if (size === this.offset) return { reset: false, changed: [] };
    const fd = openSync(this.path, 'r');
    let text: string;
    try {
      const buf = Buffer.alloc(size - this.offset);
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, this.offset + got);
        if (n === 0) break;
        got += n;
      }
      this.offset += got;
      text = this.pending + buf.subarray(0, got).toString('utf8');
    } finally {
      closeSync(fd);
    }
    // only whole lines: the coordinator may be writing the next one now
    const cut = text.lastIndexOf('\n');
    this.pending = text.slice(cut + 1);
    const changed = new Set<number>();
    for (const line of text.slice(0, cut + 1).split('\n')) {
      if (!line) continue;
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line);
      } catch {
        continue; // not ours to judge: the search itself says what is wrong with its journal
      }
      if (rec.t === 'start') {
        if (this.head && this.head.id !== rec.id) return this.restart();
        this.head = { id: String(rec.id), at: typeof rec.at === 'string' ? rec.at : null, identity: (rec.identity as Record<string, unknown>) ?? {} };
        continue;
      }
      for (const i of this.apply(rec)) {
        changed.add(i);
        this.changedAt[i - 1] = ++this.sequence;
      }
    }
    return { reset: false, changed: [...changed].sort((a, b) => a - b) };
  }

  /**
   * Candidates changed after `sequence` had the value `since` (indices, ascending): what a reader
   * has not seen, whoever called refresh() in between.
   */
  changedSince(since: number): number[] {
    return this.changedAt.flatMap((at, k) => (at > since ? [k + 1] : []));
  }

  private restart(): { reset: boolean; changed: number[] } {
    this.generation++;
    this.head = null;
    this.candidates = [];
    this.changedAt = [];
    this.offset = 0;
    this.pending = '';
    this.refresh();
    return { reset: true, changed: [] };
  }

  /** One record's effect; the indices of the candidates it changed. */
  private apply(rec: Record<string, unknown>): number[] {
    if ((rec.t === 'ask' || rec.t === 'retrain') && Array.isArray(rec.archs)) {
      const first = this.candidates.length + 1;
      rec.archs.forEach((arch, j) => {
        const of = rec.t === 'retrain' && Array.isArray(rec.of) ? num(rec.of[j]) : null;
        this.candidates.push({ index: first + j, arch: String(arch), status: 'queued', attempts: 0, accuracy: null, latency_ms: null, params: null, seconds: null, finished_at: null, retrain_of: of, error: null });
      });
      return rec.archs.map((_, j) => first + j);
    }
    const c = typeof rec.i === 'number' ? this.candidates[rec.i - 1] : undefined;
    if (!c) return [];
    switch (rec.t) {
      case 'attempt':
        c.status = 'running';
        c.attempts = num(rec.attempt) ?? c.attempts + 1;
        break;
      case 'result': {
        const m = (rec.metrics ?? {}) as Record<string, unknown>;
        c.status = 'trained';
        c.accuracy = num(rec.accuracy);
        c.latency_ms = num(rec.latency_ms) ?? num(m.latency_ms);
        c.params = num(m.params);
        c.seconds = num(m.seconds);
        c.finished_at = typeof rec.at === 'string' ? rec.at : null;
        break;
      }
      case 'error':
        c.status = 'queued';
        c.error = `attempt ${rec.attempt}: ${rec.reason}${rec.detail ? `: ${rec.detail}` : ''}`;
        break;
      case 'abandon':
        c.status = 'queued';
        c.error = `attempt ${rec.attempt} abandoned: ${rec.why}`;
        break;
      case 'failed':
        c.status = 'failed';
        break;
      default:
        return [];
    }
    return [c.index];
  }
}
