// The searches' pages and API on the web app's router: the list, one search's snapshot, its live
// updates as server-sent events (the journal's new records become changed candidates; nothing is
// polled by the page), a candidate's logs as plain text and its cell as SVG. Read-only: no route
// writes anything, and a search is named only by an id that findSearches produced.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { cellSvg } from '../report/cell-svg.js';
import { HttpError, SECURITY_HEADERS, sendJson, sendText } from '../web/http-kit.js';
import type { Router } from '../web/router.js';
import type { CandidateView } from './journal-view.js';
import { RealSearch, findSearches, simulatedSummary, type SearchSummary } from './searches.js';
import { searchPage, searchesPage } from './ui-pages.js';

/** How often a search with open pages is looked at (its journal's new bytes, its lock). */
const TICK_MS = 1000;
/** The end of a log a page gets (a trainer may print megabytes). */
const LOG_TAIL = 256 * 1024;

type Listener = (event: string, data: unknown) => void;

export function addSearchRoutes(router: Router, root: string): { close(): void } {
  let found = findSearches(root);
  const real = new Map<string, RealSearch>();
  const simulated = new Map<string, { mtime: number; summary: SearchSummary; result: Record<string, unknown> }>();
  const listeners = new Map<string, Set<Listener>>();
  const timers = new Map<string, NodeJS.Timeout>();

  const lookup = (id: string | null) => {
    if (id === null) throw new HttpError(400, 'name a search: ?id=');
    if (!found.has(id)) found = findSearches(root);
    const f = found.get(id);
    if (!f) throw new HttpError(404, 'no such search under this directory');
    return f;
  };
  const realSearch = (id: string): RealSearch => {
    const f = lookup(id);
    if (f.kind !== 'real') throw new HttpError(404, 'not a real search (a simulated result has no journal)');
    let s = real.get(id);
    if (!s) real.set(id, (s = new RealSearch(id, f.path)));
    s.view.refresh();
    return s;
  };
  const simulatedEntry = (id: string, file: string) => {
    const mtime = statSync(file).mtimeMs;
    let e = simulated.get(id);
    if (!e || e.mtime !== mtime) simulated.set(id, (e = { mtime, ...simulatedSummary(id, file) }));
    return e;
  };

  const withCost = (s: RealSearch, c: CandidateView) => {
    const p = s.parse(c.arch);
    return { ...c, mflops: p ? p.space.cost(p.a).flops / 1e6 : null };
  };
  const snapshot = (s: RealSearch) => {
    const r = s.resultJson();
    const id = s.view.head?.identity ?? {};
    return {
      summary: s.summary(),
      started_at: s.view.head?.at ?? null,
      trainer: typeof id.trainer === 'string' ? id.trainer : null,
      lat_limit_ms: typeof id.latLimitMs === 'number' ? id.latLimitMs : null,
      candidates: s.view.candidates.map((c) => withCost(s, c)),
      selected: r && s.view.head && r.selected ? r.selected : null,
    };
  };

  // one look a second at each search that has pages open, sent to all of them: the changes since the
  // last look, by the view's own change count (other requests refresh the same view in between)
  const watch = (s: RealSearch) => {
    if (timers.has(s.id)) return;
    let last = JSON.stringify({ ...s.summary(), updated: '' });
    let resultSeen = s.resultJson();
    let generation = s.view.generation;
    let sent = s.view.sequence;
    timers.set(
      s.id,
      setInterval(() => {
        const subs = listeners.get(s.id);
        if (!subs || subs.size === 0) {
          clearInterval(timers.get(s.id));
          timers.delete(s.id);
          return;
        }
        let events: [string, unknown][];
        try {
          s.view.refresh();
          const changed = s.view.changedSince(sent);
          const summary = s.summary();
          const now = JSON.stringify({ ...summary, updated: '' });
          const result = s.resultJson();
          if (s.view.generation !== generation) events = [['snapshot', snapshot(s)]];
          else if (changed.length || now !== last || result !== resultSeen) events = [['update', { summary, candidates: changed.map((i) => withCost(s, s.view.candidates[i - 1])), selected: result?.selected ?? null }]];
          else events = [];
          generation = s.view.generation;
          sent = s.view.sequence;
          last = now;
          resultSeen = result;
        } catch (e) {
          events = [['problem', { error: (e as Error).message }]];
        }
        for (const [ev, data] of events) for (const l of subs) l(ev, data);
      }, TICK_MS),
    );
  };

  const list = () => {
    found = findSearches(root);
    const out: SearchSummary[] = [];
    for (const [id, f] of found) {
      try {
        if (f.kind === 'real') out.push(realSearch(id).summary());
        else out.push(simulatedEntry(id, f.path).summary);
      } catch {
        // a file being written right now, or not a search after all: the next look decides
      }
    }
    const order = { running: 0, stopped: 1, finished: 2 };
    out.sort((a, b) => order[a.status] - order[b.status] || b.updated.localeCompare(a.updated));
    return { dir: root, searches: out };
  };
  const searchData = (id: string | null) => {
    const f = lookup(id);
    if (f.kind === 'real') return snapshot(realSearch(id!));
    const { summary, result } = simulatedEntry(id!, f.path);
    // the runs' selected and best models and the curves; not every trained cell of every run
    const perRun = Array.isArray(result.per_run) ? (result.per_run as Record<string, unknown>[]).map((r) => ({ selected: r.selected, best_found: r.best_found })) : [];
    return { summary, simulated: { curve_mean: result.curve_mean, selected_curve_mean: result.selected_curve_mean, per_run: perRun, options: result.options, provenance: result.provenance, benchmark: result.benchmark } };
  };

  // pages carry their first data, so the first paint (and a DOM dump) shows it
  router.get('/', (c) => c.page(searchesPage(list())));
  router.get('/search', ({ url, page }) => {
    let data: unknown;
    try {
      data = searchData(url.searchParams.get('id'));
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      data = { error: e.message };
    }
    page(searchPage(data));
  });
  router.get('/api/searches', ({ res }) => sendJson(res, 200, list()));
  router.get('/api/search', ({ res, url }) => sendJson(res, 200, searchData(url.searchParams.get('id'))));

  router.get('/api/search/events', ({ req, res, url }) => {
    const s = realSearch(url.searchParams.get('id')!);
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    const send: Listener = (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('snapshot', snapshot(s));
    const heartbeat = setInterval(() => res.write(': still here\n\n'), 15000);
    let subs = listeners.get(s.id);
    if (!subs) listeners.set(s.id, (subs = new Set()));
    subs.add(send);
    watch(s);
    req.on('close', () => {
      clearInterval(heartbeat);
      subs!.delete(send);
    });
  });

  router.get('/api/search/log', ({ res, url }) => {
    const s = realSearch(url.searchParams.get('id')!);
    const i = Number(url.searchParams.get('i'));
    const attempt = Number(url.searchParams.get('attempt'));
    const stream = url.searchParams.get('stream');
    const c = Number.isInteger(i) ? s.view.candidates[i - 1] : undefined;
    if (!c || !Number.isInteger(attempt) || attempt < 1 || attempt > c.attempts || (stream !== 'stdout' && stream !== 'stderr')) throw new HttpError(404, 'no such attempt or stream (stream: stdout or stderr)');
    // the coordinator's layout (train/real-search.ts): candidates/<index, 6 digits>/attempt-<n>.<stream>
    const file = join(s.dir, 'candidates', String(i).padStart(6, '0'), `attempt-${attempt}.${stream}`);
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st) throw new HttpError(404, 'no log on this machine (a queue worker keeps its logs where it runs)');
    sendText(res, tail(file, st.size));
  });

  router.get('/api/search/cell.svg', ({ res, url }) => {
    const s = realSearch(url.searchParams.get('id')!);
    const c = s.view.candidates[Number(url.searchParams.get('i')) - 1];
    if (!c) throw new HttpError(404, 'no such candidate');
    const p = s.parse(c.arch);
    if (!p) throw new HttpError(404, 'an architecture of no known space');
    svg(res, cellSvg(p.space.draw(p.a), { title: `#${c.index} (${p.space.title})` }));
  });

  return {
    close() {
      for (const t of timers.values()) clearInterval(t);
      timers.clear();
    },
  };
}

function tail(file: string, size: number): Buffer {
  const n = Math.min(size, LOG_TAIL);
  const buf = Buffer.alloc(n);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, n, size - n);
  } finally {
    closeSync(fd);
  }
  return size > n ? Buffer.concat([Buffer.from(`[the last ${n} of ${size} bytes]\n`), buf]) : buf;
}

function svg(res: ServerResponse, text: string): void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'image/svg+xml', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" });
  res.end(text);
}
