// The web app's search pages (served by search-routes.ts). Everything a trainer or a file says is put
// on the page as text (textContent, or esc() before it joins markup), so an accuracy or an arch string
// holding <script> stays inert. The charts are small hand-drawn SVG: a page of its own code, no
// plotting library to ship to a phone.

import { PAGE_ESC_JS } from '../util/escape.js';

const STYLE = `<style>
body{font-family:system-ui,sans-serif;margin:1.2em;color:#222;max-width:80em}
h1{font-size:1.3em;margin:.2em 0}h2{font-size:1.05em;margin:1.2em 0 .4em}
a{color:#1f5f99}nav{font-size:.9em;margin-bottom:.6em}nav a{margin-right:1em}
table{border-collapse:collapse;font-size:.88em}td,th{border-bottom:1px solid #e3e3e3;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f4f4f4;cursor:pointer;user-select:none;white-space:nowrap}td.num,th.num{text-align:right}
.arch{font-family:ui-monospace,monospace;font-size:.85em;word-break:break-all;max-width:42em}
.badge{display:inline-block;padding:.05em .5em;border-radius:.7em;font-size:.8em;color:white}
.running{background:#2b7bb9}.finished{background:#4a9c5d}.stopped{background:#999}.trained{color:#2d7a3e}.failed{color:#b23b3b}.queued{color:#888}
#bar{height:.7em;background:#eee;border-radius:.35em;overflow:hidden;margin:.5em 0;max-width:40em;display:flex}#bar div{height:100%}
.charts{display:flex;flex-wrap:wrap;gap:1em}.chart{border:1px solid #e3e3e3;border-radius:4px;padding:.3em}
.muted{color:#777;font-size:.88em}.empty{background:#f6f8fa;border-left:3px solid #aac;padding:.6em .8em;max-width:50em}
tr.sel{background:#fff7d6}#cell img{max-width:100%;border:1px solid #e3e3e3}
</style>`;

/** Shared page code: escaping, formatting, and the charts. */
const COMMON_JS = `
const $ = (id) => document.getElementById(id);
${PAGE_ESC_JS}
const num = (x, d) => (typeof x === 'number' && isFinite(x) ? x.toFixed(d) : '-');
const dur = (s) => s === null || s === undefined ? '-' : s < 90 ? Math.round(s) + ' s' : s < 5400 ? Math.round(s / 60) + ' min' : (s / 3600).toFixed(1) + ' h';
function ticks(lo, hi, n) {
  if (!(hi > lo)) { hi = lo + 1; }
  const step = Math.pow(10, Math.floor(Math.log10((hi - lo) / n)));
  const m = [1, 2, 5, 10].find((k) => (hi - lo) / (k * step) <= n) * step;
  const out = [];
  for (let t = Math.ceil(lo / m) * m; t <= hi + 1e-9; t += m) out.push(+t.toPrecision(10));
  return out;
}
// a chart as SVG markup: step lines (lines), points (dots, with the front marked), a vertical limit
function chart(o) {
  const W = 380, H = 250, L = 52, R = 12, T = 26, B = 38;
  const xs = [], ys = [];
  for (const s of o.lines || []) for (const p of s.points) { xs.push(p[0]); ys.push(p[1]); }
  for (const p of o.dots || []) { xs.push(p.x); ys.push(p.y); }
  if (o.limit !== null && o.limit !== undefined) xs.push(o.limit);
  let svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + W + '" height="' + H + '" font-family="sans-serif" font-size="11">';
  svg += '<text x="' + L + '" y="15" font-size="12" font-weight="bold">' + esc(o.title) + '</text>';
  if (!xs.length) return svg + '<text x="' + (W / 2) + '" y="' + (H / 2) + '" text-anchor="middle" fill="#888">nothing trained yet</text></svg>';
  let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (x1 === x0) { x0 -= 1; x1 += 1; }
  if (y1 === y0) { y0 -= 1; y1 += 1; }
  const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
  const X = (x) => L + (x - x0) / (x1 - x0) * (W - L - R), Y = (y) => H - B - (y - y0) / (y1 - y0) * (H - T - B);
  svg += '<rect x="' + L + '" y="' + T + '" width="' + (W - L - R) + '" height="' + (H - T - B) + '" fill="none" stroke="#ccc"/>';
  for (const t of ticks(x0, x1, 5)) svg += '<line x1="' + X(t) + '" x2="' + X(t) + '" y1="' + (H - B) + '" y2="' + (H - B + 4) + '" stroke="#888"/><text x="' + X(t) + '" y="' + (H - B + 15) + '" text-anchor="middle" fill="#555">' + t + '</text>';
  for (const t of ticks(y0, y1, 5)) svg += '<line x1="' + (L - 4) + '" x2="' + L + '" y1="' + Y(t) + '" y2="' + Y(t) + '" stroke="#888"/><text x="' + (L - 6) + '" y="' + (Y(t) + 4) + '" text-anchor="end" fill="#555">' + t + '</text>';
  svg += '<text x="' + ((L + W - R) / 2) + '" y="' + (H - 6) + '" text-anchor="middle" fill="#333">' + esc(o.xLabel) + '</text>';
  svg += '<text transform="translate(13,' + ((T + H - B) / 2) + ') rotate(-90)" text-anchor="middle" fill="#333">' + esc(o.yLabel) + '</text>';
  if (o.limit !== null && o.limit !== undefined) svg += '<line x1="' + X(o.limit) + '" x2="' + X(o.limit) + '" y1="' + T + '" y2="' + (H - B) + '" stroke="#d62728" stroke-dasharray="4 3"/><text x="' + (X(o.limit) + 3) + '" y="' + (T + 11) + '" fill="#d62728">limit</text>';
  for (const p of o.dots || []) svg += '<circle cx="' + X(p.x) + '" cy="' + Y(p.y) + '" r="' + (p.front ? 4 : 3) + '" fill="' + (p.front ? '#e15759' : 'rgba(78,121,167,0.55)') + '"><title>' + esc(p.label) + '</title></circle>';
  for (const s of o.lines || []) {
    let d = '';
    s.points.forEach((p, k) => { d += (k ? ' H' + X(p[0]) + ' V' + Y(p[1]) : 'M' + X(p[0]) + ',' + Y(p[1])); });
    svg += '<path d="' + d + '" fill="none" stroke="' + s.color + '" stroke-width="2"/>';
  }
  return svg + '</svg>';
}
`;

/** Data for a page's first render, inside the page (so the first paint, and a DOM dump, hold it). */
const initial = (data: unknown) => `<script type="application/json" id="initial">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`;

export const searchesPage = (data: unknown) => `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>brp-nas: searches</title>${STYLE}</head><body>
<nav><a href="/">searches</a><a href="/devices">devices</a><a href="/device">measure this device</a></nav>
<h1>Searches</h1>
<p class="muted" id="meta"></p>
<div id="empty" class="empty" hidden>No search under this directory yet. Start one with its state here, e.g.
<code>brp-nas search --trainer "..." --state DIR/my-search</code>, or a simulation with <code>--out DIR/result.json</code>;
it appears here within seconds.</div>
${initial(data)}
<table id="list" hidden><thead><tr><th>search</th><th>status</th><th>strategy</th><th>space</th><th class="num">trained</th><th class="num">failed</th><th class="num">running</th><th class="num">best validation accuracy %</th><th>time left</th></tr></thead><tbody id="rows"></tbody></table>
<script type="module">
${COMMON_JS}
function show(j) {
  $('meta').textContent = j.searches.length + ' search(es) under ' + j.dir;
  $('empty').hidden = j.searches.length > 0;
  $('list').hidden = j.searches.length === 0;
  $('rows').innerHTML = j.searches.map((s) => '<tr><td><a href="/search?id=' + encodeURIComponent(s.id) + '">' + esc(s.id) + '</a>' + (s.kind === 'simulated' ? ' <span class="muted">(simulated)</span>' : '') + '</td><td><span class="badge ' + esc(s.status) + '">' + esc(s.status) + '</span></td><td>' + esc(s.strategy || '-') + '</td><td>' + esc(s.space || '-') + '</td><td class="num">' + (s.runs ? s.runs + ' runs of ' + s.budget : s.trained + (s.budget ? ' / ' + s.budget : '')) + '</td><td class="num">' + s.failed + '</td><td class="num">' + s.running + '</td><td class="num">' + num(s.best_accuracy, 2) + (s.kind === 'simulated' ? ' <span class="muted">(test, mean)</span>' : '') + '</td><td>' + (s.status === 'running' ? dur(s.seconds_left) : '-') + '</td></tr>').join('');
  window.searchesReady = true;
}
show(JSON.parse($('initial').textContent));
setInterval(async () => { const r = await fetch('/api/searches'); if (r.ok) show(await r.json()); }, 3000);
</script></body></html>`;

export const searchPage = (data: unknown) => `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>brp-nas: search</title>${STYLE}</head><body>
<nav><a href="/">searches</a><a href="/devices">devices</a></nav>
${initial(data)}
<h1 id="title"></h1>
<div id="head" class="muted"></div>
<div id="bar"></div>
<div id="progress"></div>
<div class="charts"><div class="chart" id="c1"></div><div class="chart" id="c2"></div><div class="chart" id="c3"></div></div>
<h2>Selected model</h2><div id="selected" class="muted">-</div>
<div id="cell"></div>
<h2 id="candidatesTitle">Candidates</h2>
<p class="muted" id="hint">Click a column to sort, an architecture to draw its cell.</p>
<table><thead><tr id="cols"></tr></thead><tbody id="rows"></tbody></table>
<script type="module">
${COMMON_JS}
const id = new URLSearchParams(location.search).get('id');
$('title').textContent = id;
document.title = 'brp-nas: ' + id;
let state = null, sortKey = 'index', sortDir = 1, shownCell = null;
const COLS = [['index', '#', 1], ['arch', 'architecture', 0], ['status', 'status', 0], ['accuracy', 'accuracy %', 1], ['latency_ms', 'latency ms', 1], ['mflops', 'MFLOPs', 1], ['params', 'params', 1], ['seconds', 'seconds', 1], ['attempts', 'attempts', 1], ['finished_at', 'finished', 0]];
$('cols').innerHTML = COLS.map(([k, t, n]) => '<th data-k="' + k + '"' + (n ? ' class="num"' : '') + '>' + t + '</th>').join('') + '<th>logs</th>';
$('cols').onclick = (e) => { const k = e.target.dataset.k; if (!k) return; sortDir = sortKey === k ? -sortDir : 1; sortKey = k; render(); };
$('rows').onclick = (e) => { const i = e.target.dataset.cell; if (i) { shownCell = Number(i); showCell(); } };
function showCell() {
  if (!shownCell) return;
  $('cell').innerHTML = '<img alt="cell of #' + shownCell + '" src="/api/search/cell.svg?id=' + encodeURIComponent(id) + '&i=' + shownCell + '">';
}
function best(cands) {
  const lim = state.lat_limit_ms;
  const ok = cands.filter((c) => c.status === 'trained' && typeof c.accuracy === 'number' && (lim === null || (c.latency_ms !== null && c.latency_ms <= lim)));
  return ok.reduce((b, c) => (!b || c.accuracy > b.accuracy ? c : b), null);
}
function render() {
  const s = state.summary, cands = state.candidates;
  $('head').innerHTML = '<span class="badge ' + esc(s.status) + '">' + esc(s.status) + '</span> ' + esc(s.strategy || '') + ' on ' + esc(s.space || '?') + (state.trainer ? ' &middot; trainer <code>' + esc(state.trainer) + '</code>' : '') + (state.started_at ? ' &middot; started ' + esc(new Date(state.started_at).toLocaleString()) : '');
  const b = s.budget || Math.max(1, cands.length);
  $('bar').innerHTML = '<div style="width:' + (100 * s.trained / b) + '%;background:#4a9c5d"></div><div style="width:' + (100 * s.failed / b) + '%;background:#b23b3b"></div><div style="width:' + (100 * s.running / b) + '%;background:#2b7bb9"></div>';
  $('progress').textContent = s.trained + ' trained, ' + s.failed + ' failed, ' + s.running + ' running, ' + s.queued + ' queued' + (s.budget ? ' of a budget of ' + s.budget : '') + (s.status === 'running' ? '; time left ' + dur(s.seconds_left) : '');
  // best so far, in the order results came in
  const done = cands.filter((c) => c.status === 'trained' && typeof c.accuracy === 'number').slice().sort((a, c) => String(a.finished_at).localeCompare(String(c.finished_at)) || a.index - c.index);
  let top = -Infinity;
  const byModels = [], byHours = [];
  const t0 = state.started_at ? Date.parse(state.started_at) : null;
  // under a latency limit, the best so far among the models within it (what the search can pick)
  const lim = state.lat_limit_ms;
  const feasible = (c) => lim === null || (c.latency_ms !== null && c.latency_ms <= lim);
  done.forEach((c, k) => { if (feasible(c)) top = Math.max(top, c.accuracy); if (top > -Infinity) { byModels.push([k + 1, top]); if (t0 && c.finished_at) byHours.push([(Date.parse(c.finished_at) - t0) / 3600000, top]); } });
  $('c1').innerHTML = chart({ title: 'best accuracy so far' + (lim === null ? '' : ' (within the limit)'), xLabel: 'models trained', yLabel: 'validation accuracy %', lines: [{ points: byModels, color: '#2b7bb9' }] });
  $('c2').innerHTML = chart({ title: 'best accuracy against time' + (lim === null ? '' : ' (within the limit)'), xLabel: 'hours since the start', yLabel: 'validation accuracy %', lines: [{ points: byHours, color: '#2b7bb9' }] });
  const byLat = done.some((c) => c.latency_ms !== null);
  const pts = done.filter((c) => (byLat ? c.latency_ms !== null : c.mflops !== null)).map((c) => ({ x: byLat ? c.latency_ms : c.mflops, y: c.accuracy, label: '#' + c.index + ' ' + c.arch }));
  const sorted = pts.slice().sort((a, c) => a.x - c.x || c.y - a.y);
  let bestY = -Infinity;
  for (const p of sorted) if (p.y > bestY) { p.front = true; bestY = p.y; }
  $('c3').innerHTML = chart({ title: 'Pareto front (red)', xLabel: byLat ? 'latency (ms)' : 'MFLOPs (no latency measured)', yLabel: 'validation accuracy %', dots: pts, limit: byLat ? state.lat_limit_ms : null });
  const sel = state.selected;
  const pick = sel ? cands.find((c) => c.arch === sel.arch && c.retrain_of === null) : best(cands);
  $('selected').innerHTML = sel
    ? 'selected: <span class="arch">' + esc(sel.arch) + '</span>, accuracy ' + num(sel.accuracy, 2) + '%' + (sel.validation_runs ? ' (mean of ' + sel.validation_runs.map((x) => num(x, 2)).join(' and ') + ')' : '') + (typeof sel.latency_ms === 'number' ? ', ' + num(sel.latency_ms, 3) + ' ms' : '') + (sel.onnx ? '<br>model file: <code>' + esc(sel.onnx) + '</code>' : '')
    : pick ? 'best so far (the search has not chosen yet): #' + pick.index + ' <span class="arch">' + esc(pick.arch) + '</span>, ' + num(pick.accuracy, 2) + '%' : 'nothing trained yet';
  if (pick && shownCell === null) { shownCell = pick.index; showCell(); }
  const key = (c) => c[sortKey];
  const rows = cands.slice().sort((a, c) => { const x = key(a), y = key(c); return (x === y ? a.index - c.index : x === null || x === undefined ? 1 : y === null || y === undefined ? -1 : x < y ? -sortDir : sortDir); });
  $('rows').innerHTML = rows.map((c) => {
    const logs = [];
    for (let a = 1; a <= c.attempts; a++) for (const st of ['stdout', 'stderr']) logs.push('<a href="/api/search/log?id=' + encodeURIComponent(id) + '&i=' + c.index + '&attempt=' + a + '&stream=' + st + '">' + (c.attempts > 1 ? a + ':' : '') + st + '</a>');
    return '<tr' + (pick && c.index === pick.index ? ' class="sel"' : '') + '><td class="num">' + c.index + (c.retrain_of ? '<br><span class="muted">again #' + c.retrain_of + '</span>' : '') + '</td><td class="arch"><a href="#cell" data-cell="' + c.index + '">' + esc(c.arch) + '</a>' + (c.error ? '<br><span class="failed">' + esc(c.error) + '</span>' : '') + '</td><td class="' + esc(c.status) + '">' + esc(c.status) + '</td><td class="num">' + num(c.accuracy, 2) + '</td><td class="num">' + num(c.latency_ms, 3) + '</td><td class="num">' + num(c.mflops, 1) + '</td><td class="num">' + (c.params === null ? '-' : c.params.toLocaleString('en')) + '</td><td class="num">' + num(c.seconds, 1) + '</td><td class="num">' + c.attempts + '</td><td>' + (c.finished_at ? esc(new Date(c.finished_at).toLocaleTimeString()) : '-') + '</td><td>' + logs.join(' ') + '</td></tr>';
  }).join('');
  window.searchState = { candidates: cands.length, trained: s.trained, status: s.status };
}
function simulated(j) {
  const s = j.summary, r = j.simulated;
  // a finished table simulation: its curves and each run's pick, nothing live
  for (const el of ['bar', 'c2', 'c3', 'hint']) $(el).style.display = 'none';
  $('candidatesTitle').textContent = 'Runs';
  $('head').innerHTML = '<span class="badge finished">simulated</span> ' + esc(s.strategy || '') + ' on ' + esc(s.dataset || '') + ', ' + (r.per_run || []).length + ' run(s) of budget ' + esc(s.budget);
  const line = (ys) => (ys || []).map((y, k) => [k + 1, y]);
  $('c1').innerHTML = chart({ title: 'mean best test accuracy so far', xLabel: 'models trained', yLabel: 'test accuracy %', lines: [{ points: line(r.curve_mean), color: '#2b7bb9' }, { points: line(r.selected_curve_mean), color: '#f28e2b' }] });
  $('selected').textContent = 'mean test accuracy of the validation pick: ' + num(s.best_accuracy, 2) + '% (orange line; blue: the best trained)';
  $('cols').innerHTML = '<th>run</th><th>selected</th><th class="num">validation %</th><th>best found</th>';
  $('cols').onclick = null;
  $('rows').innerHTML = (r.per_run || []).map((p, k) => '<tr><td class="num">' + (k + 1) + '</td><td class="arch">' + esc(p.selected && p.selected.arch) + '</td><td class="num">' + num(p.selected && p.selected.validation, 2) + '</td><td class="arch">' + esc(p.best_found && p.best_found.arch) + '</td></tr>').join('');
  window.searchState = { candidates: 0, trained: s.trained, status: s.status };
}
const j = JSON.parse($('initial').textContent);
if (j.error) $('head').textContent = j.error;
else if (j.simulated) simulated(j);
else {
  state = j;
  render();
  // live: the server sends what changed; EventSource reconnects by itself and gets a fresh snapshot
  const ev = new EventSource('/api/search/events?id=' + encodeURIComponent(id));
  ev.addEventListener('snapshot', (e) => { state = JSON.parse(e.data); render(); });
  ev.addEventListener('update', (e) => {
    const u = JSON.parse(e.data);
    state.summary = u.summary;
    for (const c of u.candidates) state.candidates[c.index - 1] = c;
    if (u.selected) state.selected = u.selected;
    render();
  });
}
</script></body></html>`;
