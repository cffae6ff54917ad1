// The lab's two pages, served by lab-server.ts. The device page: a name, a start button, progress, a
// live plot of this device's latency against FLOPs, and the predictor to download once the server has
// trained one. It times networks with onnxruntime-web exactly as `measure --runtime browser` does
// (warm-up, rounds of back-to-back runs on fresh seeded inputs, models of a group interleaved round
// by round; src/measure/page-timing.ts, shared with that runner) and posts each group's raw timings;
// the server computes the statistics. Its identity (device id and key) lives in localStorage, so a
// reload resumes where it stopped.

import { PAGE_TIMING_JS } from '../measure/page-timing.js';
import { PAGE_ESC_JS, escapeMarkup } from '../util/escape.js';

/** The device page, naming the space its networks come from (`title`) before anything loads. */
export const devicePage = (title: string) => `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>brp-nas lab</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.2em;max-width:46em;color:#222}
h1{font-size:1.3em}input,button{font-size:1em;padding:.3em .6em}
#bar{height:.8em;background:#eee;border-radius:.4em;overflow:hidden;margin:.6em 0}#fill{height:100%;width:0;background:#2b7bb9}
#status{color:#555;min-height:1.3em}.warn{background:#fff4e0;border-left:3px solid #e8a33d;padding:.4em .6em;font-size:.9em}canvas{border:1px solid #ddd;width:100%;max-width:640px}
.info{font-size:.85em;color:#666}a.dl{display:inline-block;margin-top:.6em}
</style></head><body>
<h1>brp-nas latency lab</h1>
<p>This device measures neural networks of <b id="space">${escapeMarkup(title)}</b> and sends the timings to the lab. Keep the page open and in front.</p>
<p class="warn" id="insecure" hidden>This page is not a secure context (plain HTTP at a network address), so the browser offers no WebGPU and one thread. Start the lab with <code>--https</code> and open its https:// URL.</p>
<p><label>Device name <input id="name" maxlength="60" placeholder="e.g. pixel-7 chrome"></label> <button id="start" disabled>Start</button></p>
<div id="bar"><div id="fill"></div></div>
<div id="status">not started</div>
<canvas id="plot" width="640" height="360"></canvas>
<div id="model"></div>
<p class="info" id="info"></p>
<script type="module">
const $ = (id) => document.getElementById(id);
const STORE = 'brpnas-lab';
let ort, ep = 'wasm';
if (navigator.gpu && (await navigator.gpu.requestAdapter().catch(() => null))) {
  try { ort = await import('/ort/ort.webgpu.min.mjs'); ep = 'webgpu'; } catch { ort = null; }
}
if (!ort) ort = await import('/ort/ort.wasm.min.mjs');
ort.env.wasm.wasmPaths = '/ort/';
const threads = self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
ort.env.wasm.numThreads = threads;
const info = { userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency || 0, crossOriginIsolated: !!self.crossOriginIsolated, ep, threads };
$('info').textContent = ep + ', ' + threads + ' thread(s), ' + (self.isSecureContext ? 'secure context' : 'not a secure context') + ', ' + navigator.userAgent;
if (!self.isSecureContext) $('insecure').hidden = false;

async function api(path, body) {
  const r = await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const j = await r.json().catch(() => ({ error: r.statusText }));
  if (!r.ok) throw Object.assign(new Error(j.error || r.statusText), { status: r.status });
  return j;
}
${PAGE_TIMING_JS}
function draw(points) {
  const c = $('plot'), g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  const L = 60, B = 40, W = c.width - L - 15, H = c.height - B - 15;
  g.strokeStyle = '#888'; g.beginPath(); g.moveTo(L, 10); g.lineTo(L, 10 + H); g.lineTo(L + W, 10 + H); g.stroke();
  g.fillStyle = '#444'; g.font = '12px sans-serif';
  g.fillText('MFLOPs', L + W / 2 - 20, c.height - 8);
  g.save(); g.translate(14, 10 + H / 2 + 30); g.rotate(-Math.PI / 2); g.fillText('latency (ms)', 0, 0); g.restore();
  if (!points.length) return;
  const xs = points.map((p) => p.mflops), ys = points.map((p) => p.ms);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = 0, y1 = Math.max(...ys) * 1.05;
  g.fillText(x0.toFixed(0), L, 10 + H + 14); g.fillText(x1.toFixed(0), L + W - 20, 10 + H + 14);
  g.fillText(y1.toFixed(2), 4, 16); g.fillText('0', L - 12, 10 + H);
  g.fillStyle = 'rgba(43,123,185,0.7)';
  for (const p of points) {
    const x = L + (x1 > x0 ? (p.mflops - x0) / (x1 - x0) : 0.5) * W, y = 10 + H - ((p.ms - y0) / (y1 - y0)) * H;
    g.beginPath(); g.arc(x, y, 3, 0, 2 * Math.PI); g.fill();
  }
}
function show(s) {
  $('fill').style.width = (100 * s.measured / s.count).toFixed(1) + '%';
  $('status').textContent = s.measured + ' of ' + s.count + ' networks measured' + (s.done ? ': finished, thank you' : '');
  draw(s.points);
  $('model').innerHTML = s.predictor ? '<a class="dl" href="/api/predictor?device=' + encodeURIComponent(me.device) + '&key=' + encodeURIComponent(me.key) + '" download="' + me.device + '.model">Download this device\\'s latency predictor</a> (' + s.predictor.predictor + ' on ' + s.predictor.measured + ' networks; test Spearman ' + (s.predictor.spearman === null ? 'n/a' : s.predictor.spearman.toFixed(3)) + ')' : '';
}
let me = JSON.parse(localStorage.getItem(STORE) || 'null');
let running = false;
async function run() {
  if (running) return;
  running = true;
  $('start').disabled = true;
  try {
    const joined = await api('/api/join', { name: $('name').value.trim(), ...info, ...(me ? { device: me.device, key: me.key } : {}) });
    me = { device: joined.device, key: joined.key, name: joined.name };
    localStorage.setItem(STORE, JSON.stringify(me));
    show(joined.status);
    for (;;) {
      const a = await api('/api/next?device=' + encodeURIComponent(me.device) + '&key=' + encodeURIComponent(me.key));
      if (a.done) {
        show(a.status);
        // the lab may still be training this device's predictor: wait for the download link
        let st = a.status;
        while (st.training) {
          await new Promise((r) => setTimeout(r, 2000));
          st = (await api('/api/next?device=' + encodeURIComponent(me.device) + '&key=' + encodeURIComponent(me.key))).status;
          show(st);
        }
        break;
      }
      $('status').textContent = 'measuring ' + a.items.length + ' network(s); ' + a.status.measured + ' of ' + a.status.count + ' measured so far';
      const times = await timeGroup(a.items, a.protocol, a.seed, ep);
      let s;
      for (let k = 0; k < a.items.length; k++) s = await api('/api/result', { device: me.device, key: me.key, assignment: a.assignment, item: a.items[k].item, arch: a.items[k].arch, times: times[k] });
      show(s);
    }
  } catch (e) {
    if (e.status === undefined) {
      // the connection dropped (Wi-Fi, the lab restarted): try again; the lab hands back the open assignment
      $('status').textContent = 'connection lost (' + e.message + '); retrying in 3 s';
      setTimeout(run, 3000);
    } else $('status').textContent = 'stopped: ' + e.message + ' (reload to retry)';
  } finally {
    running = false;
    $('start').disabled = false;
  }
}
$('start').onclick = () => { if (!$('name').value.trim()) { $('status').textContent = 'type a name for this device first'; return; } run(); };
// enabled only now: the runtime loads (top-level await) before the handler exists, and a click before that was lost
if (!running) $('start').disabled = false;
if (me) { $('name').value = me.name; run(); }
window.labState = () => ({ me, running });
</script></body></html>`;

/** The dashboard; `devicePath` is where a device opens the lab (in the web app, beside the searches). */
export const dashboardPage = (devicePath: string) => `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>brp-nas lab dashboard</title>
<style>body{font-family:system-ui,sans-serif;margin:1.2em;color:#222}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.35em .7em;text-align:left;font-size:.92em}th{background:#f4f4f4}.ua{color:#777;font-size:.8em;max-width:28em}</style></head><body>
${devicePath === '/' ? '' : '<nav style="font-size:.9em;margin-bottom:.6em"><a href="/">searches</a> &nbsp; <a href="/devices">devices</a> &nbsp; <a href="' + devicePath + '">measure this device</a></nav>'}
<h1>brp-nas latency lab: devices</h1>
<p id="meta"></p>
<p id="empty" hidden>No device has joined yet. Open <code>${devicePath}</code> of this server (the URL printed at its start, with its token) on a phone, a laptop or a browser on this machine: each device becomes a row here, with its progress and its latency predictor.</p>
<table id="devices" hidden><thead><tr><th>device</th><th>runtime</th><th>measured</th><th>median latency</th><th>predictor (test Spearman, within +-10%)</th><th>last result</th></tr></thead><tbody id="rows"></tbody></table>
<script type="module">
${PAGE_ESC_JS}
async function tick() {
  const r = await fetch('/api/devices');
  if (!r.ok) return;
  const j = await r.json();
  document.getElementById('meta').textContent = j.space + ' networks, ' + j.count + ' per device; datasets in ' + j.dir;
  document.getElementById('empty').hidden = j.devices.length > 0;
  document.getElementById('devices').hidden = j.devices.length === 0;
  document.getElementById('rows').innerHTML = j.devices.map((d) => '<tr><td><b>' + esc(d.name) + '</b><br><span class="ua">' + esc(d.id) + '</span></td><td>' + esc(d.ep) + ', ' + d.threads + ' thread(s)<br><span class="ua">' + esc(d.userAgent) + '</span></td><td>' + d.measured + ' / ' + d.count + '</td><td>' + (d.median_ms === null ? '-' : d.median_ms.toFixed(3) + ' ms') + '</td><td>' + (d.predictor ? esc(d.predictor.predictor) + ' on ' + d.predictor.measured + ': ' + (d.predictor.spearman === null ? 'n/a' : d.predictor.spearman.toFixed(3) + ', ' + (100 * d.predictor.within10).toFixed(0) + '%') : (d.training ? 'training...' : '-')) + '</td><td>' + (d.last ? esc(new Date(d.last).toLocaleTimeString()) : '-') + '</td></tr>').join('');
}
tick();
setInterval(tick, 2000);
window.dashboardReady = true;
</script></body></html>`;
