// The README's screenshots of the lab: starts `brp-nas lab` (NB201, 60 networks per device, a short
// protocol, the adapted predictor at 20, a layer-wise one compared with it at 50), lets two headless Chromium devices measure, and saves the
// device page and the dashboard to docs/. Run after `npm run build`: node scripts/lab-screenshots.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { findChromium } from '../dist/src/measure/browser.js';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'brpnas-lab-shots-'));
const lab = spawn(process.execPath, [join(root, 'bin/brp-nas.js'), 'lab', '--port', '0', '--dir', dir, '--count', '60', '--warmup', '2', '--rounds', '4', '--runs-per-round', '5', '--interleave', '4', '--train-at', '50', '--predictor', 'layerwise', '--no-qr']);
let out = '';
lab.stdout.on('data', (d) => (out += d));
lab.stderr.on('data', (d) => process.stderr.write(d));
while (!/token=/.test(out)) await new Promise((r) => setTimeout(r, 100));
const url = /(http:\/\/\S+\?token=[0-9a-f]+)/.exec(out)[1];
const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const pages = [];
  for (const name of ['pixel-7 chrome', 'office laptop']) {
    const page = await (await browser.newContext({ viewport: { width: 800, height: 760 } })).newPage();
    await page.goto(url);
    await page.fill('#name', name);
    await page.click('#start');
    pages.push(page);
  }
  // the adapted predictor comes at 20 networks; wait for the one compared at 50
  for (const p of pages) await p.waitForFunction(() => /on 50 networks/.test(document.getElementById('model').textContent), undefined, { timeout: 300000 }).catch(async (e) => {
    console.error('page status:', await p.textContent('#status'));
    throw e;
  });
  await pages[0].screenshot({ path: join(root, 'docs/lab-page.png') });
  const dash = await (await browser.newContext({ viewport: { width: 1100, height: 300 } })).newPage();
  await dash.goto(url.replace('/?', '/dashboard?'));
  await dash.waitForFunction(() => document.querySelectorAll('#rows tr').length === 2);
  await dash.screenshot({ path: join(root, 'docs/lab-dashboard.png'), fullPage: true });
  console.log('wrote docs/lab-page.png and docs/lab-dashboard.png');
  // what the caption says of the timings' noise
  for (const f of readdirSync(join(dir, 'devices'))) {
    const rows = readFileSync(join(dir, 'devices', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => typeof r.cv === 'number');
    const meta = JSON.parse(readFileSync(join(dir, 'models', f.replace('.jsonl', '.json')), 'utf8'));
    console.log(`${f}: ${rows.filter((r) => r.cv > 0.1).length} of ${rows.length} networks varied more than 10% between rounds; predictor ${meta.predictor} at ${meta.measured}: ${JSON.stringify(meta.candidates)}`);
  }
} finally {
  await browser.close();
  lab.kill('SIGINT');
  if (process.env.KEEP_LAB) console.log('lab directory kept:', dir);
  else rmSync(dir, { recursive: true, force: true });
}
