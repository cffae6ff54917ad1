import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findChromium } from '../src/measure/browser.js';
import { cli, skipBrowser, startServing } from './helpers.js';

// a lab run as the contract says: `brp-nas lab --port P --dir DIR`, the URL read from its output
const startLab = (dir: string, extra: string[] = [], port = 0) => startServing(['lab', '--port', String(port), '--dir', dir, '--count', '6', '--warmup', '1', '--rounds', '2', '--runs-per-round', '3', '--interleave', '2', '--train-at', '5', '--predictor', 'layerwise', ...extra]);

const rowsOf = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => typeof r.latency_s === 'number');

test('lab: two browsers measure at once into their own datasets; a reload mid-measurement loses and duplicates nothing; each gets its predictor', async () => {
  if (await skipBrowser('lab browser test')) return;
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-lab-'));
  const lab = await startLab(dir);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: findChromium()!, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    assert.match(lab.out(), /open http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32} on any device/);
    const pages = [];
    for (const name of ['phone A', 'laptop B']) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(lab.url);
      await page.fill('#name', name);
      await page.click('#start');
      pages.push({ page, errors, name });
    }
    // reload the first device as soon as it has posted something, while it measures more
    const first = pages[0].page;
    await first.waitForFunction(() => /^[1-5] of 6/.test(document.getElementById('status')!.textContent ?? '') || /; [1-5] of 6 measured/.test(document.getElementById('status')!.textContent ?? ''), undefined, { timeout: 60000 });
    await first.reload();
    for (const { page, errors, name } of pages) {
      // on a timeout, say what the page showed and what the lab logged (a full-suite CI run of
      // 2026-12-03 timed out here once, without a clue; alone the test passes)
      await page.waitForFunction(() => (document.getElementById('status')!.textContent ?? '').includes('6 of 6 networks measured'), undefined, { timeout: 90000 }).catch(async (e: Error) => {
        throw new Error(`${name}: ${e.message}; the page's status: ${JSON.stringify(await page.textContent('#status'))}; page errors: ${JSON.stringify(errors)}; lab stderr: ${lab.err().slice(-500)}`);
      });
      assert.deepEqual(errors, [], name);
      // the predictor is offered for download once the lab has trained it
      await page.waitForSelector('#model a', { timeout: 30000 }).catch(() => page.reload().then(() => page.waitForSelector('#model a', { timeout: 30000 })));
      const href = await page.getAttribute('#model a', 'href');
      const r = await page.request.get(lab.base + href!);
      assert.equal(r.status(), 200);
      assert.ok((await r.body()).length > 100);
    }
    const files = readdirSync(join(dir, 'devices')).filter((f) => f.endsWith('.jsonl'));
    assert.equal(files.length, 2);
    for (const f of files) {
      const rows = rowsOf(join(dir, 'devices', f));
      assert.equal(rows.length, 6, f);
      assert.equal(new Set(rows.map((r) => r.code)).size, 6, `${f}: a network was recorded twice`);
      assert.ok(rows.every((r) => r.latency_s > 0 && r.runs === 6));
      // the file is a measure dataset: latency train reads it
      const t = cli(['latency', 'train', '--device', join(dir, 'devices', f), '--predictor', 'flops', '--train', '3', '--valid', '1', '--no-plot', '--json', '--quiet']);
      assert.equal(t.code, 0, t.err);
    }
    // both devices measured the same architectures (the lab's seeded order)
    assert.deepEqual(rowsOf(join(dir, 'devices', files[0])).map((r) => r.code).sort(), rowsOf(join(dir, 'devices', files[1])).map((r) => r.code).sort());
    // the dashboard lists both
    const ctx = await browser.newContext();
    const dash = await ctx.newPage();
    await dash.goto(lab.url.replace('/?', '/dashboard?'));
    await dash.waitForFunction(() => document.querySelectorAll('#rows tr').length === 2, undefined, { timeout: 10000 });
    assert.match((await dash.textContent('#rows'))!, /phone A[\s\S]*6 \/ 6/);
  } finally {
    await browser.close();
    assert.equal(await lab.stop(), 130);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lab: a missing or wrong token is refused; forged results (unassigned architecture, oversized body, NaN, unknown fields, another device) change no dataset', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-lab-'));
  const lab = await startLab(dir);
  try {
    assert.equal((await fetch(lab.base + '/')).status, 401);
    assert.equal((await fetch(lab.base + '/?token=' + '0'.repeat(32))).status, 403);
    assert.equal((await fetch(lab.base + '/api/devices', { headers: { Authorization: 'Bearer nope' } })).status, 403);
    const page = await fetch(lab.url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('set-cookie') ?? '', /HttpOnly/);
    assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
    const auth = { Authorization: `Bearer ${lab.token}`, 'Content-Type': 'application/json' };
    const post = (path: string, body: unknown) => fetch(lab.base + path, { method: 'POST', headers: auth, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const join_ = async (name: string) => (await (await post('/api/join', { name, userAgent: 'test', hardwareConcurrency: 2, crossOriginIsolated: true, ep: 'wasm', threads: 1 })).json()) as { device: string; key: string };
    const a = await join_('device a');
    const b = await join_('device b');
    assert.notEqual(a.device, b.device);
    const next = (await (await fetch(`${lab.base}/api/next?device=${a.device}&key=${a.key}`, { headers: auth })).json()) as { assignment: string; items: { item: number; arch: string }[] };
    assert.equal(next.items.length, 2);
    const times = [[0.01, 0.011, 0.012], [0.01, 0.011, 0.013]];
    const good = { device: a.device, key: a.key, assignment: next.assignment, item: next.items[0].item, arch: next.items[0].arch, times };
    const fileA = join(dir, 'devices', `${a.device}.jsonl`);
    const fileB = join(dir, 'devices', `${b.device}.jsonl`);
    const before = [readFileSync(fileA), readFileSync(fileB)];
    const cases: [unknown, number][] = [
      [{ ...good, arch: '|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|nor_conv_3x3~2|' }, 409], // not assigned
      [{ ...good, item: 7 }, 409],
      [{ ...good, assignment: 'feed' }, 409],
      [{ ...good, times: [[0.01, NaN, 0.01], [0.01, 0.01, 0.01]] }, 422], // JSON has no NaN: null
      [{ ...good, times: [[0.01, -1, 0.01], [0.01, 0.01, 0.01]] }, 422],
      [{ ...good, times: [[0.01, 0.01], [0.01, 0.01]] }, 422],
      [{ ...good, extra: 1 }, 400],
      [{ ...good, key: b.key }, 403], // device b's key for device a's dataset
      [{ ...good, device: b.device, key: b.key }, 409], // device b posting device a's assignment
      [{ ...good, times: Array.from({ length: 2 }, () => Array.from({ length: 40000 }, () => 0.0123456789)) }, 413],
      ['{not json', 400],
    ];
    for (const [body, status] of cases) {
      const r = await post('/api/result', body);
      assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 120)}: ${await r.text()}`);
    }
    const noAuth = await fetch(lab.base + '/api/result', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(good) });
    assert.equal(noAuth.status, 401);
    assert.deepEqual([readFileSync(fileA), readFileSync(fileB)], before);
    // the genuine result is accepted, once
    assert.equal((await post('/api/result', good)).status, 200);
    assert.equal((await post('/api/result', good)).status, 409);
    assert.equal(rowsOf(fileA).length, 1);
    assert.equal(rowsOf(fileB).length, 0);
    // nothing in a request reaches a path: a device id with a path in it is just unknown
    assert.equal((await fetch(`${lab.base}/api/next?device=../../etc/passwd&key=x`, { headers: auth })).status, 403);
    assert.equal((await fetch(`${lab.base}/ort/../../package.json`, { headers: auth })).status, 404);
    assert.ok(!existsSync(join(dir, 'devices', '..', '..', 'etc')));
  } finally {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lab: binds to 127.0.0.1 unless --host says otherwise, and refuses bad flags', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-lab-'));
  try {
    const lab = await startLab(dir, ['--no-qr']);
    assert.match(lab.url, /^http:\/\/127\.0\.0\.1:/);
    assert.doesNotMatch(lab.out(), /\u001b\[/, 'no QR code escapes when stdout is not a terminal');
    await lab.stop();
    for (const [args, msg] of [
      [['lab'], /--dir DIR is required/],
      [['lab', '--dir', dir, '--space', 'x'], /--space/],
      [['lab', '--dir', dir, '--train-at', '2'], /--train-at/],
      [['lab', '--dir', dir, '--port', '70000'], /--port/],
      [['lab', '--dir', dir, '--cert', 'c.pem', '--key', 'k.pem'], /--cert\/--key need --https/],
      [['lab', '--dir', dir, '--https', '--cert', 'c.pem'], /--cert and --key go together/],
      [['lab', '--dir', dir, '--https', '--cert', join(dir, 'none.pem'), '--key', join(dir, 'none.pem')], /no such file/],
    ] as const) {
      const r = cli([...args]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, msg);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lab: the lab restarted while a device measures (a dropped connection): the page retries, resumes, and the dataset ends exact', async () => {
  if (await skipBrowser('lab browser test')) return;
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-lab-'));
  let lab = await startLab(dir, ['--no-qr']);
  const port = Number(/:(\d+)\//.exec(lab.url)![1]);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: findChromium()!, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(lab.url);
    await page.fill('#name', 'flaky wifi');
    // a group is measured in well under a frame on a fast machine and a slow one may paint no frame
    // while it measures, so polling the status can miss the midway states: record them as they happen
    await page.evaluate(() => {
      const el = document.getElementById('status')!;
      new MutationObserver(() => {
        if (/\b[1-5] of 6 (networks )?measured/.test(el.textContent ?? '')) (window as unknown as { midway: boolean }).midway = true;
      }).observe(el, { childList: true, characterData: true, subtree: true });
    });
    await page.click('#start');
    // on a timeout, say what the page showed (a stalled start and a stopped page read alike otherwise)
    await page.waitForFunction(() => (window as unknown as { midway?: boolean }).midway === true, undefined, { timeout: 60000 }).catch(async (e: Error) => {
      throw new Error(`${e.message}; the page's status: ${JSON.stringify(await page.textContent('#status'))}; lab stderr: ${lab.err().slice(-500)}`);
    });
    // Ctrl-C stops the lab at once, though a device holds a connection open
    const t0 = Date.now();
    assert.equal(await lab.stop(), 130);
    assert.ok(Date.now() - t0 < 2000, `the lab took ${Date.now() - t0} ms to stop`);
    await page.waitForFunction(() => (document.getElementById('status')!.textContent ?? '').includes('connection lost'), undefined, { timeout: 30000 });
    lab = await startLab(dir, ['--no-qr'], port); // same port, same token (DIR/lab.json)
    await page.waitForFunction(() => (document.getElementById('status')!.textContent ?? '').includes('6 of 6 networks measured'), undefined, { timeout: 90000 });
    const files = readdirSync(join(dir, 'devices')).filter((f) => f.endsWith('.jsonl'));
    assert.equal(files.length, 1);
    const rows = rowsOf(join(dir, 'devices', files[0]));
    assert.equal(rows.length, 6);
    assert.equal(new Set(rows.map((r) => r.code)).size, 6);
  } finally {
    await browser.close();
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lab --https: reached by a network name, plain HTTP is no secure context and one thread; HTTPS is a secure, cross-origin isolated context that measures with threads; the certificate is kept, a foreign key refused', async () => {
  if (await skipBrowser('lab browser test')) return;
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-lab-'));
  const { chromium } = await import('playwright-core');
  // a name that is not loopback (as a phone sees the lab), resolved to this machine
  const browser = await chromium.launch({ executablePath: findChromium()!, headless: true, args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP lab.example 127.0.0.1'] });
  const visit = async (url: string, name: string) => {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await ctx.newPage();
    await page.goto(url.replace('127.0.0.1', 'lab.example'));
    await page.waitForFunction(() => !(document.getElementById('start') as HTMLButtonElement).disabled, undefined, { timeout: 30000 });
    const seen = await page.evaluate(() => ({ secure: self.isSecureContext, isolated: self.crossOriginIsolated, info: document.getElementById('info')!.textContent, warned: !document.getElementById('insecure')!.hidden, space: document.getElementById('space')!.textContent }));
    await page.fill('#name', name);
    await page.click('#start');
    await page.waitForFunction(() => /^[1-9] of 6/.test(document.getElementById('status')!.textContent ?? '') || /; [1-9] of 6 measured/.test(document.getElementById('status')!.textContent ?? ''), undefined, { timeout: 60000 });
    await ctx.close();
    return seen;
  };
  const registry = () => JSON.parse(readFileSync(join(dir, 'devices.json'), 'utf8')).devices as { name: string; info: { threads: number; crossOriginIsolated: boolean } }[];
  try {
    const plain = await startLab(dir, ['--no-qr']);
    const http = await visit(plain.url, 'over http');
    await plain.stop();
    assert.equal(http.secure, false);
    assert.equal(http.isolated, false);
    assert.match(http.info!, /^wasm, 1 thread\(s\), not a secure context/);
    assert.ok(http.warned, 'the page says why it has no threads');
    assert.equal(http.space, 'NAS-Bench-201', 'the space is named before Start');

    const tls = await startLab(dir, ['--no-qr', '--https']);
    assert.match(tls.url, /^https:\/\/127\.0\.0\.1:\d+\/\?token=/);
    assert.match(tls.err(), /HTTPS with .*tls\/cert\.pem \(self-signed, made now for .*localhost.*127\.0\.0\.1/);
    const https = await visit(tls.url, 'over https');
    await tls.stop();
    assert.equal(https.secure, true);
    assert.equal(https.isolated, true);
    assert.ok(!https.warned);
    const devs = registry();
    assert.equal(devs.find((d) => d.name === 'over http')!.info.threads, 1);
    const secureDev = devs.find((d) => d.name === 'over https')!;
    assert.equal(secureDev.info.crossOriginIsolated, true);
    assert.ok(secureDev.info.threads > 1 || os.availableParallelism() < 2, `measured with ${secureDev.info.threads} thread(s)`);

    // restarted: the same certificate (a browser's exception stays valid)
    const cert = readFileSync(join(dir, 'tls/cert.pem'), 'utf8');
    const again = await startLab(dir, ['--no-qr', '--https']);
    assert.match(again.err(), /self-signed, kept/);
    await again.stop();
    assert.equal(readFileSync(join(dir, 'tls/cert.pem'), 'utf8'), cert);
    // a key that is not the certificate's: refused before serving
    const other = join(dir, 'other-key.pem');
    writeFileSync(other, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const r = cli(['lab', '--dir', dir, '--https', '--cert', join(dir, 'tls/cert.pem'), '--key', other]);
    assert.equal(r.code, 2);
    assert.match(r.err, /is not the key of --cert/);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lab with WebGPU (Chromium\'s SwiftShader adapter): the device measures on webgpu, records it, posts finite positive timings, and its dataset trains a predictor', async () => {
  if (await skipBrowser('lab browser test')) return;
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-lab-'));
  const lab = await startLab(dir, ['--no-qr']);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: findChromium()!, headless: true, args: ['--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(lab.url);
    await page.waitForFunction(() => !(document.getElementById('start') as HTMLButtonElement).disabled, undefined, { timeout: 30000 });
    assert.match((await page.textContent('#info'))!, /^webgpu, /, 'the page chose WebGPU');
    await page.fill('#name', 'swiftshader');
    await page.click('#start');
    try {
      await page.waitForSelector('#model a', { timeout: 240000 });
    } catch (e) {
      throw new Error(`${(e as Error).message}; status ${JSON.stringify(await page.textContent('#status'))}; page errors ${JSON.stringify(errors)}; lab stderr ${lab.err().slice(-500)}`);
    }
    const devices = JSON.parse(readFileSync(join(dir, 'devices.json'), 'utf8')).devices as { id: string; info: { ep: string } }[];
    assert.equal(devices.length, 1);
    assert.equal(devices[0].info.ep, 'webgpu');
    const lines = readFileSync(join(dir, 'devices', `${devices[0].id}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].setup.ep, 'webgpu', 'the dataset header names the execution provider');
    const rows = lines.filter((r) => typeof r.latency_s === 'number');
    assert.equal(rows.length, 6);
    for (const r of rows) assert.ok(Number.isFinite(r.latency_s) && r.latency_s > 0 && r.p10_s > 0, JSON.stringify(r));
    assert.ok(existsSync(join(dir, 'models', `${devices[0].id}.model`)), 'a predictor trained on the webgpu dataset');
  } finally {
    await browser.close();
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lab few-shot stage: the K cells latency adapt chooses come first; at K the device gets an adapted predictor; at --train-at the trained one replaces it only where it scores better on the same held-out cells', async () => {
  const { measureOrder } = await import('../src/measure/measure-space.js');
  const { getSpace } = await import('../src/spaces/registry.js');
  const { loadLatencyPredictor } = await import('../src/predictors/latency.js');
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-lab-'));
  // later flags win over the helper's defaults
  const lab = await startLab(dir, ['--no-qr', '--count', '40', '--fewshot', '10', '--train-at', '30']);
  try {
    const auth = { Authorization: `Bearer ${lab.token}`, 'Content-Type': 'application/json' };
    const post = async (path: string, body: unknown) => (await fetch(lab.base + path, { method: 'POST', headers: auth, body: JSON.stringify(body) })).json();
    const dev = (await post('/api/join', { name: 'synthetic', userAgent: 'test', hardwareConcurrency: 2, crossOriginIsolated: true, ep: 'wasm', threads: 1 })) as { device: string; key: string };
    const nb201 = getSpace('nb201');
    // a device whose latency follows FLOPs with a cell-dependent wobble (deterministic)
    const seconds = (arch: string) => (0.05 + 0.002 * (nb201.cost(nb201.parse(arch)).flops / 1e6) * (1 + 0.3 * Math.sin(arch.length * 7.1 + arch.charCodeAt(9)))) / 1000;
    type Status = { measured: number; training: boolean; predictor: { predictor: string; measured: number; spearman: number | null } | null };
    const posted: string[] = [];
    const measureUpTo = async (n: number) => {
      while (posted.length < n) {
        const a = (await (await fetch(`${lab.base}/api/next?device=${dev.device}&key=${dev.key}`, { headers: auth })).json()) as { assignment: string; items: { item: number; arch: string }[]; protocol: { rounds: number; runsPerRound: number } };
        for (const it of a.items) {
          if (posted.length >= n) break;
          const t = seconds(it.arch);
          await post('/api/result', { device: dev.device, key: dev.key, assignment: a.assignment, item: it.item, arch: it.arch, times: Array.from({ length: a.protocol.rounds }, () => Array.from({ length: a.protocol.runsPerRound }, () => t)) });
          posted.push(it.arch);
        }
      }
    };
    const statusOf = async () => ((await (await fetch(`${lab.base}/api/next?device=${dev.device}&key=${dev.key}`, { headers: auth })).json()) as { status: Status }).status;
    const waitFor = async (ok: (s: Status) => boolean, what: string) => {
      for (let i = 0; i < 600; i++) {
        const s = await statusOf();
        if (ok(s)) return s;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${what}: not within a minute; lab stderr ${lab.err().slice(-600)}`);
    };
    await measureUpTo(10);
    const spread = measureOrder('nb201', 0, {}, { how: 'spread', count: 10 });
    assert.deepEqual(posted, Array.from({ length: 10 }, (_, i) => spread.at(i).arch), 'the 10 cells measure --select spread --count 10 --seed 0 chooses, first');
    const adapted = await waitFor((s) => s.predictor !== null, 'the adapted predictor');
    assert.equal(adapted.predictor!.predictor, 'adapt');
    assert.equal(adapted.predictor!.measured, 10);
    const model = async () => loadLatencyPredictor(new Uint8Array(await (await fetch(`${lab.base}/api/predictor?device=${dev.device}&key=${dev.key}`, { headers: auth })).arrayBuffer()));
    assert.equal((await model()).kind, 'fewshot');

    await measureUpTo(30);
    const trained = await waitFor((s) => s.predictor !== null && s.predictor.measured === 30 && !s.training, 'the trained stage');
    const meta = JSON.parse(readFileSync(join(dir, 'models', `${dev.device}.json`), 'utf8')) as { predictor: string; spearman: number; test_count: number; candidates: Record<string, { spearman: number; test_count: number }> };
    const { adapt, layerwise } = meta.candidates;
    assert.ok(adapt && layerwise, JSON.stringify(meta.candidates));
    assert.equal(adapt.test_count, layerwise.test_count, 'paired: the same held-out cells');
    assert.ok(adapt.test_count > 0 && adapt.test_count <= 30 - Math.floor(30 * 0.6) - Math.floor(30 * 0.1));
    const winner = layerwise.spearman > adapt.spearman ? 'layerwise' : 'adapt';
    assert.equal(meta.predictor, winner);
    assert.equal(trained.predictor!.predictor, winner);
    assert.equal(meta.spearman, meta.candidates[winner].spearman);
    assert.equal((await model()).kind, winner === 'adapt' ? 'fewshot' : 'layerwise');
    assert.match(lab.err(), /adapt latency predictor at 10 networks/);
  } finally {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
