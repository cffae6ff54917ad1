// The searches under a directory, as the web app lists and shows them: real searches (a state
// directory with a journal) and simulated results (the JSON `brp-nas search` writes). Found by a walk
// that never follows a link and never leaves the directory, so a page can name a search only by an id
// the walk produced (its path relative to the directory), never by a path of its own.

import { closeSync, existsSync, lstatSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { SPACE_NAMES, getSpace } from '../spaces/registry.js';
import type { SearchSpace } from '../spaces/space.js';
import { processAlive } from '../util/output-lock.js';
import { JournalView, type CandidateView } from './journal-view.js';

const JOURNAL = 'journal.jsonl';
const MAX_DEPTH = 6;
/** Directories a walk does not enter: a search's own candidates, dependencies, hidden ones, the lab. */
const SKIP = new Set(['candidates', 'node_modules', 'tls', 'devices', 'models']);

export type SearchStatus = 'running' | 'finished' | 'stopped';

export interface SearchSummary {
  id: string;
  kind: 'real' | 'simulated';
  status: SearchStatus;
  strategy: string | null;
  space: string | null;
  dataset: string | null;
  budget: number | null;
  /** Runs of a simulated search (null for a real one). */
  runs: number | null;
  trained: number;
  failed: number;
  running: number;
  queued: number;
  best_accuracy: number | null;
  /** Estimated from the pace of the last results, while it runs. */
  seconds_left: number | null;
  updated: string;
}

/** The space an architecture string belongs to (journals name the trainer, not the space). */
export function spaceOfArch(arch: string): SearchSpace | null {
  for (const name of SPACE_NAMES) {
    try {
      const s = getSpace(name);
      s.parse(arch);
      return s;
    } catch {
      // not this space's notation
    }
  }
  return null;
}

/** A simulated search result begins with its strategy (compact or indented JSON). */
function looksSimulated(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return /^\{\s*"strategy"\s*:/.test(buf.subarray(0, n).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

/** Every search under `root`, by id (its path relative to root, '/'-separated; '.' for root itself). */
export function findSearches(root: string): Map<string, { kind: 'real' | 'simulated'; path: string }> {
  const found = new Map<string, { kind: 'real' | 'simulated'; path: string }>();
  const idOf = (p: string) => relative(root, p).split(sep).join('/') || '.';
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    if (names.includes(JOURNAL)) {
      found.set(idOf(dir), { kind: 'real', path: dir });
      return; // a search's directory holds no other search
    }
    for (const n of names) {
      if (n.startsWith('.')) continue;
      const p = join(dir, n);
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (!st || st.isSymbolicLink()) continue;
      if (st.isDirectory() && depth < MAX_DEPTH && !SKIP.has(n)) walk(p, depth + 1);
      else if (st.isFile() && n.endsWith('.json') && !n.endsWith('.runs.json') && looksSimulated(p)) found.set(idOf(p), { kind: 'simulated', path: p });
    }
  };
  walk(root, 0);
  return found;
}

/** One real search: its journal read as it grows, its status, its result once written. */
export class RealSearch {
  readonly view: JournalView;
  private result: { mtime: number; json: Record<string, unknown> | null } = { mtime: -1, json: null };
  private spaceOf: { id: string; space: SearchSpace | null } | null = null;

  constructor(
    readonly id: string,
    readonly dir: string,
  ) {
    this.view = new JournalView(join(dir, JOURNAL));
  }

  /** The coordinator holds the journal's lock while it runs. */
  status(): SearchStatus {
    const lock = join(this.dir, `${JOURNAL}.lock`);
    if (existsSync(lock)) {
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) return 'running';
    }
    const r = this.resultJson();
    const budget = this.budget();
    const done = this.view.candidates.filter((c) => c.status === 'trained' || c.status === 'failed').length;
    return r && !r.interrupted && budget !== null && done >= budget ? 'finished' : 'stopped';
  }

  /** result.json when it is this journal's (written after the journal's last result). */
  resultJson(): Record<string, unknown> | null {
    const p = join(this.dir, 'result.json');
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return null;
    if (st.mtimeMs !== this.result.mtime) {
      let json: Record<string, unknown> | null = null;
      try {
        json = JSON.parse(readFileSync(p, 'utf8'));
      } catch {
        json = null; // being replaced right now: the next look reads it
      }
      this.result = { mtime: st.mtimeMs, json };
    }
    return this.result.json;
  }

  /** The space of this search's architectures (one per search: the first candidate any space parses), kept per journal. */
  space(): SearchSpace | null {
    const id = this.view.head?.id;
    if (!id) return null;
    if (this.spaceOf?.id !== id || this.spaceOf.space === null) {
      let space: SearchSpace | null = null;
      for (const c of this.view.candidates) if ((space = spaceOfArch(c.arch))) break;
      this.spaceOf = { id, space };
    }
    return this.spaceOf.space;
  }

  /** An architecture of this search, parsed by its space (null when it parses in none). */
  parse(arch: string): { space: SearchSpace; a: unknown } | null {
    const space = this.space();
    if (!space) return null;
    try {
      return { space, a: space.parse(arch) };
    } catch {
      return null;
    }
  }

  budget(): number | null {
    const b = this.view.head?.identity.budget;
    return typeof b === 'number' ? b : null;
  }

  summary(): SearchSummary {
    const cands = this.view.candidates;
    const count = (s: CandidateView['status']) => cands.filter((c) => c.status === s).length;
    const trained = cands.filter((c) => c.status === 'trained');
    const status = this.status();
    const budget = this.budget();
    const id = this.view.head?.identity ?? {};
    // the pace of the last ten results (workers included), times what is left of the budget
    const times = trained.map((c) => (c.finished_at ? Date.parse(c.finished_at) : NaN)).filter(Number.isFinite).sort((a, b) => a - b).slice(-10);
    const left = budget === null ? null : Math.max(0, budget - trained.length - count('failed'));
    const pace = times.length >= 2 ? (times[times.length - 1] - times[0]) / 1000 / (times.length - 1) : null;
    return {
      id: this.id,
      kind: 'real',
      status,
      strategy: typeof id.strategy === 'string' ? id.strategy : null,
      space: this.space()?.name ?? null,
      dataset: typeof id.dataset === 'string' ? id.dataset : null,
      budget,
      runs: null,
      trained: trained.length,
      failed: count('failed'),
      running: count('running'),
      queued: count('queued'),
      best_accuracy: trained.length ? Math.max(...trained.map((c) => c.accuracy ?? -Infinity)) : null,
      seconds_left: status === 'running' && pace !== null && left !== null ? pace * left : null,
      updated: new Date().toISOString(),
    };
  }
}

/** A simulated search's result file, summarised. */
export function simulatedSummary(id: string, file: string): { summary: SearchSummary; result: Record<string, unknown> } {
  const r = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const n = (x: unknown) => (typeof x === 'number' ? x : null);
  return {
    result: r,
    summary: {
      id,
      kind: 'simulated',
      status: 'finished',
      strategy: typeof r.strategy === 'string' ? r.strategy : null,
      space: typeof (r.benchmark as { space?: unknown } | undefined)?.space === 'string' ? (r.benchmark as { space: string }).space : 'nb201',
      dataset: typeof r.dataset === 'string' ? r.dataset : null,
      budget: n(r.budget),
      runs: n(r.runs),
      trained: n(r.budget) ?? 0,
      failed: 0,
      running: 0,
      queued: 0,
      best_accuracy: n(r.final_selected_test_mean),
      seconds_left: null,
      updated: statSync(file).mtime.toISOString(),
    },
  };
}
