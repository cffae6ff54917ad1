import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findChromium } from '../src/measure/browser.js';
import { JournalView } from '../src/ui/journal-view.js';
import { ROOT, cli, skipBrowser, spawnCli, startServing } from './helpers.js';

const TRAINER = join(ROOT, 'test/fixtures/trainer.mjs');
const trainer = `node ${TRAINER} --arch {arch} --attempt {attempt} --out {out}`;

// the app as the contract says: `brp-nas ui --dir DIR --port P`, its URL read from its output
const startUi = (dir: string, extra: string[] = []) => startServing(['ui', '--dir', dir, '--port', '0', ...extra]);

const dumpDom = (url: string) => spawnSync(findChromium()!, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', url], { encoding: 'utf8', timeout: 60000 }).stdout;

test('journal view: reads only what was appended, ignores a torn last line until it is whole, and starts over for another search', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-ui-'));
  try {
    const p = join(dir, 'journal.jsonl');
    const line = (r: unknown) => JSON.stringify(r) + '\n';
    writeFileSync(p, line({ t: 'start', id: 'a', identity: { budget: 3 } }) + line({ t: 'ask', first: 1, max: 2, archs: ['x', 'y'] }) + line({ t: 'attempt', i: 1, attempt: 1 }));
    const v = new JournalView(p);
    assert.deepEqual(v.refresh(), { reset: false, changed: [1, 2] });
    assert.deepEqual(v.candidates.map((c) => c.status), ['running', 'queued']);
    const res = line({ t: 'result', i: 1, attempt: 1, accuracy: 90, metrics: { params: 5, seconds: 2 }, at: '2026-01-01T00:00:00Z' });
    writeFileSync(p, readFileSync(p, 'utf8') + res.slice(0, 20));
    assert.deepEqual(v.refresh(), { reset: false, changed: [] }, 'half a line is not read yet');
    writeFileSync(p, readFileSync(p, 'utf8') + res.slice(20) + line({ t: 'error', i: 2, attempt: 1, reason: 'crashed', detail: 'exit 3' }) + line({ t: 'failed', i: 2 }));
    const seen = v.sequence;
    assert.deepEqual(v.refresh(), { reset: false, changed: [1, 2] });
    // another reader's refresh in between does not hide the changes from one that kept its count
    assert.deepEqual(v.refresh(), { reset: false, changed: [] });
    assert.deepEqual(v.changedSince(seen), [1, 2]);
    assert.deepEqual(v.changedSince(v.sequence), []);
    assert.deepEqual(
      v.candidates.map((c) => [c.status, c.accuracy, c.params, c.error]),
      [
        ['trained', 90, 5, null],
        ['failed', null, null, 'attempt 1: crashed: exit 3'],
      ],
    );
    writeFileSync(p, line({ t: 'start', id: 'b', identity: {} }) + line({ t: 'ask', first: 1, max: 1, archs: ['z'] }));
    const generation = v.generation;
    assert.equal(v.refresh().reset, true);
    assert.equal(v.generation, generation + 1);
    assert.deepEqual([v.head!.id, v.candidates.map((c) => c.arch)], ['b', ['z']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ui: token required; lists real and simulated searches (in a DOM dump too); a search page shows its candidates; no request reaches outside DIR; trainer text renders inert', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-ui-'));
  const outside = mkdtempSync(join(tmpdir(), 'brpnas-ui-outside-'));
  try {
    const real = cli(['search', '--space', 'nb201', '--strategy', 'rea', '--budget', '8', '--seed', '1', '--trainer', trainer, '--workers', '2', '--state', join(dir, 'runs/rea'), '--json', '--quiet']);
    assert.equal(real.code, 0, real.err);
    const trained = JSON.parse(real.out);
    assert.equal(cli(['search', '--dataset', 'cifar10', '--strategy', 'random', '--budget', '10', '--runs', '2', '--out', join(dir, 'sim/random.json'), '--quiet', '--no-plot']).code, 0);
    // a search outside DIR, linked in: never listed, never served
    writeFileSync(join(outside, 'journal.jsonl'), JSON.stringify({ t: 'start', id: 'o', identity: {} }) + '\n');
    symlinkSync(outside, join(dir, 'linked'));
    // a search whose trainer printed markup
    mkdirSync(join(dir, 'evil'));
    const evil = [
      { t: 'start', id: 'e', identity: { strategy: '<b>bold</b>', budget: 2, trainer: '<script>window.pwned=1</script>' } },
      { t: 'ask', first: 1, max: 2, archs: ['<img src=x onerror="window.pwned=2">', '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'] },
      { t: 'attempt', i: 1, attempt: 1 },
      { t: 'error', i: 1, attempt: 1, reason: '<script>window.pwned=3</script>', detail: '<iframe src="/api/searches">' },
    ];
    writeFileSync(join(dir, 'evil/journal.jsonl'), evil.map((r) => JSON.stringify(r) + '\n').join(''));

    const ui = await startUi(dir, ['--no-qr']);
    try {
      assert.match(ui.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
      assert.equal((await fetch(ui.base + '/')).status, 401);
      assert.equal((await fetch(ui.base + '/api/searches?token=' + '0'.repeat(32))).status, 403);
      const auth = { headers: { Authorization: `Bearer ${ui.token}` } };
      const list = (await (await fetch(ui.base + '/api/searches', auth)).json()) as { searches: { id: string; kind: string; status: string; trained: number }[] };
      assert.deepEqual(list.searches.map((s) => s.id).sort(), ['evil', 'runs/rea', 'sim/random.json']);
      const rea = list.searches.find((s) => s.id === 'runs/rea')!;
      assert.deepEqual([rea.kind, rea.status, rea.trained], ['real', 'finished', 8]);
      for (const path of ['/api/search?id=linked', '/api/search?id=..%2F..%2Fetc', '/api/search?id=%2Fetc%2Fpasswd', '/api/search/log?id=runs%2Frea&i=1&attempt=1&stream=..%2F..%2Fjournal.jsonl', '/api/search/log?id=runs%2Frea&i=0&attempt=1&stream=stdout', '/api/search/log?id=runs%2Frea&i=1&attempt=9&stream=stdout', '/api/search/cell.svg?id=linked&i=1', '/ort/..%2F..%2Fpackage.json', '/search%2F..%2F..%2Fetc%2Fpasswd']) {
        const r = await fetch(ui.base + path, auth);
        assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
      }
      const cellRes = await fetch(`${ui.base}/api/search/cell.svg?id=runs%2Frea&i=1`, auth);
      assert.equal(cellRes.headers.get('content-type'), 'image/svg+xml');
      assert.match(await cellRes.text(), /^<svg/);

      // the contract's DOM dumps: the list, and a search page with its trained candidates' archs
      const listDom = dumpDom(ui.url);
      for (const id of ['runs/rea', 'sim/random.json', 'evil']) assert.ok(listDom.includes(`>${id}<`), `${id} in the list's DOM`);
      const pageDom = dumpDom(`${ui.base}/search?id=runs%2Frea&token=${ui.token}`);
      const archs = (JSON.parse(readFileSync(join(dir, 'runs/rea/result.json'), 'utf8')).candidates as { arch: string }[]).map((c) => c.arch);
      assert.equal(archs.length, trained.trained);
      for (const a of archs) assert.ok(pageDom.includes(a), `${a} on the search page`);

      if (!(await skipBrowser('ui browser test'))) {
        const { chromium } = await import('playwright-core');
        const browser = await chromium.launch({ executablePath: findChromium()!, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
        try {
          const page = await browser.newPage();
          await page.goto(ui.url);
          await page.goto(`${ui.base}/search?id=evil`);
          await page.waitForFunction(() => (window as unknown as { searchState?: unknown }).searchState !== undefined);
          assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined, 'no script ran');
          assert.equal(await page.locator('#rows img, #rows script, #rows iframe, #head script, #head b').count(), 0, 'no markup from the journal');
          const text = (await page.textContent('body'))!;
          for (const s of ['<img src=x onerror="window.pwned=2">', '<script>window.pwned=3</script>', '<iframe src="/api/searches">', '<script>window.pwned=1</script>', '<b>bold</b>']) assert.ok(text.includes(s), `shown as text: ${s}`);
          // a log is plain text
          const log = await fetch(`${ui.base}/api/search/log?id=runs%2Frea&i=1&attempt=1&stream=stdout`, auth);
          assert.equal(log.status, 200);
          assert.match(log.headers.get('content-type')!, /^text\/plain/);
          assert.match(await log.text(), /^training \|/);
        } finally {
          await browser.close();
        }
      }
    } finally {
      assert.equal(await ui.stop(), 130);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});

test('ui: a page open while a search runs grows with it, shows the search killed and resumed, and ends with the finished search, without reloading', async () => {
  if (await skipBrowser('ui browser test')) return;
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-ui-'));
  const args = ['search', '--space', 'nb201', '--strategy', 'random', '--budget', '14', '--seed', '3', '--trainer', trainer, '--workers', '2', '--state', join(dir, 'live'), '--final-retrain', '0', '--quiet', '--json'];
  const env = { TRAINER_SLEEP_MS: '500', TRAINER_NO_LATENCY: '1' };
  const first = spawnCli(args, env);
  const ui = await startUi(dir, ['--no-qr']);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: findChromium()!, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  type S = { searchState?: { trained: number; status: string; candidates: number }; marker?: number };
  try {
    const ctx = await browser.newContext();
    // a list page left open polls every search (its requests read the same journals the live page follows)
    const list = await ctx.newPage();
    await list.goto(ui.url);
    const page = await ctx.newPage();
    await page.goto(ui.url);
    for (let i = 0; i < 100; i++) {
      if (existsSync(join(dir, 'live/journal.jsonl')) && readFileSync(join(dir, 'live/journal.jsonl'), 'utf8').includes('"t":"result"')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.goto(`${ui.base}/search?id=live`);
    await page.evaluate(() => ((window as unknown as S).marker = 1));
    const state = () => page.evaluate(() => (window as unknown as S).searchState!);
    const opened = await state();
    assert.equal(opened.status, 'running');
    await page.waitForFunction((n) => (window as unknown as S).searchState!.trained > n, opened.trained, { timeout: 30000 });
    // killed mid-search: the page says it stopped
    first.kill('SIGKILL');
    await first.done;
    await page.waitForFunction(() => (window as unknown as S).searchState!.status === 'stopped', undefined, { timeout: 15000 });
    const atKill = await state();
    assert.ok(atKill.trained < 14);
    // resumed: running again, and finished with every model, in the same page
    const second = spawnCli(args, env);
    await page.waitForFunction(() => (window as unknown as S).searchState!.status === 'running', undefined, { timeout: 15000 });
    const r = await second.done;
    assert.equal(r.code, 0, r.err);
    await page.waitForFunction(() => (window as unknown as S).searchState!.status === 'finished', undefined, { timeout: 15000 });
    const end = await state();
    assert.equal(end.trained, 14);
    assert.equal(await page.evaluate(() => (window as unknown as S).marker), 1, 'the page was never reloaded');
    assert.equal(await page.locator('#rows tr').count(), end.candidates);
    // every result reached the open page, though the list page's polling read the journal too
    assert.equal(await page.locator('#rows td.trained').count(), end.trained);
    assert.match((await page.textContent('#selected'))!, /selected: .*accuracy/);
    // a page opened now shows the same truth
    const fresh = await ctx.newPage();
    await fresh.goto(`${ui.base}/search?id=live`);
    assert.deepEqual(await fresh.evaluate(() => (window as unknown as S).searchState), end);
  } finally {
    first.kill('SIGKILL');
    await browser.close();
    await ui.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
