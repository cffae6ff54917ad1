// Ctrl-C on the real command: SIGINT to the brp-nas process while it trains or searches. The work
// must stop within a step or two, save what the help promises, and exit 130. The tests check the
// mechanism (how much work ran after the signal: epochs, runs, the group in flight), not seconds: on
// a busy machine a step can take seconds. STOP_LIMIT only tells a prompt stop from work that ran to
// its end (each command here would run for minutes).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, cli, dataDir } from './helpers.js';

/** Seconds after SIGINT by which a prompt stop has surely happened, even on a loaded machine. */
const STOP_LIMIT = 60;

/**
 * Start the CLI, send SIGINT once stderr matches `ready` (or `ready` milliseconds after the start),
 * and report exit code, output and the stop delay.
 */
function interruptWhen(args: string[], ready: RegExp | number): Promise<{ code: number | null; out: string; err: string; stopSeconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/brp-nas.js'), ...args], { cwd: ROOT });
    let out = '';
    let err = '';
    let sentAt = 0;
    // a hang bound: 10 minutes to reach the point of the signal (a loaded machine trains slowly), then 120 s to stop
    const hang = (what: string) => () => {
      child.kill('SIGKILL');
      reject(new Error(`${what}; stderr:\n${err}`));
    };
    let limit = setTimeout(hang('the signal\'s moment never came within 600 s'), 600_000);
    const send = () => {
      if (sentAt) return;
      sentAt = performance.now();
      child.kill('SIGINT');
      clearTimeout(limit);
      limit = setTimeout(hang('no exit within 120 s of SIGINT'), 120_000);
    };
    if (typeof ready === 'number') setTimeout(send, ready);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      err += d;
      if (typeof ready !== 'number' && ready.test(err)) send();
    });
    child.on('exit', (code) => {
      clearTimeout(limit);
      resolve({ code, out, err, stopSeconds: sentAt ? (performance.now() - sentAt) / 1000 : NaN });
    });
  });
}

test('Ctrl-C in latency train: stops within seconds, evaluates and saves the best weights, exits 130', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-int-'));
  try {
    const model = join(dir, 'm.bin');
    const r = await interruptWhen(['latency', 'train', '--device', 'desktop-cpu-core-i7-7820x-fp32', '--epochs', '250', '--save', model, '--no-plot', '--json', '--data', dataDir()], /epoch 2\/250/);
    assert.equal(r.code, 130, r.err);
    console.log(`stopped ${r.stopSeconds.toFixed(2)} s after SIGINT`);
    assert.ok(r.stopSeconds < STOP_LIMIT, `stopped ${r.stopSeconds.toFixed(2)} s after SIGINT`);
    const j = JSON.parse(r.out);
    assert.equal(j.interrupted, true);
    // SIGINT when epoch 2 was announced: training stops within the epoch in flight (a step), not at
    // the end of 250 (a slow reader of the progress may let an epoch or two more pass first)
    assert.ok(j.epochs <= 5, `${j.epochs} epochs ran`);
    assert.ok(existsSync(model), 'the model was saved');
    const p = cli(['latency', 'predict', '--model', model, '--arch', '334131', '--json']);
    assert.equal(p.code, 0, p.err);
    assert.ok(JSON.parse(p.out).latency_ms > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Ctrl-C in latency adapt --gcn: the GCN stops within seconds, nothing is written, exit 130', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-int-'));
  try {
    const base = join(dir, 'base.bin');
    const p = cli(['latency', 'pretrain', '--devices', 'all', '--save', base, '--json', '--data', dataDir()]);
    assert.equal(p.code, 0, p.err);
    const model = join(dir, 'tpu.model');
    const r = await interruptWhen(['latency', 'adapt', '--base', base, '--device', 'edge-tpu', '--samples', '50', '--gcn', 'always', '--threads', '1', '--save', model, '--json', '--data', dataDir()], /epoch 25\/250/);
    assert.equal(r.code, 130, r.err);
    assert.ok(r.stopSeconds < STOP_LIMIT, `stopped ${r.stopSeconds.toFixed(2)} s after SIGINT`);
    assert.equal(r.out, '', 'no result is printed');
    assert.equal(existsSync(model), false, 'no model is written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Ctrl-C in search: stops within seconds, keeps finished runs, exits 130; the same command resumes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-int-'));
  try {
    const out = join(dir, 's.json');
    const args = ['search', '--dataset', 'cifar10', '--strategy', 'brp', '--budget', '40', '--runs', '3', '--rounds', '4', '--out', out, '--no-plot', '--json', '--data', dataDir()];
    const r = await interruptWhen(args, /run 1\/3/);
    assert.equal(r.code, 130, r.err);
    console.log(`stopped ${r.stopSeconds.toFixed(2)} s after SIGINT`);
    assert.ok(r.stopSeconds < STOP_LIMIT, `stopped ${r.stopSeconds.toFixed(2)} s after SIGINT`);
    const partial = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(partial.interrupted, true);
    assert.ok(partial.runs >= 1 && partial.runs < 3);
    assert.equal(JSON.parse(r.out).interrupted, true);
    const again = cli(args);
    assert.equal(again.code, 0, again.err);
    assert.match(again.err, new RegExp(`resuming after ${partial.runs} finished run`));
    const full = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(full.runs, 3);
    assert.equal(full.interrupted, undefined);
    assert.deepEqual(full.per_run.slice(0, partial.runs).map((x: { trained: string[] }) => x.trained), partial.per_run.map((x: { trained: string[] }) => x.trained));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Ctrl-C after `afterMs` of a measure run whose one group takes minutes: it must exit 130 having
 * dropped the group in flight (nothing measured: a group that ran to its end would be kept).
 */
async function expectMidGroupStop(args: string[], afterMs: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'brp-int-'));
  try {
    const r = await interruptWhen([...args, '--out', join(dir, 'm.jsonl')], afterMs);
    assert.equal(r.code, 130, r.err);
    console.log(`stopped ${r.stopSeconds.toFixed(2)} s after SIGINT`);
    assert.ok(r.stopSeconds < STOP_LIMIT, `stopped ${r.stopSeconds.toFixed(2)} s after SIGINT`);
    assert.equal(JSON.parse(r.out).measured_now, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('Ctrl-C in measure mid-group (NB101 networks, a long group): stops within seconds, drops only the group in flight', async () => {
  // one group of 8 NB101 networks x 30 rounds x 10 runs takes far longer than 5 s
  await expectMidGroupStop(['measure', '--space', 'nb101', '--count', '8', '--rounds', '30', '--warmup', '1', '--json'], 4000);
});

test('Ctrl-C in measure mid-group in Chromium (DARTS networks): stops within seconds', async () => {
  if (process.env.BRPNAS_SKIP_BROWSER === '1') {
    console.log('browser interrupt test skipped on request (BRPNAS_SKIP_BROWSER=1)');
    return;
  }
  // the page times one group of 8 DARTS networks x 30 rounds x 10 runs: minutes, unless stopped
  await expectMidGroupStop(['measure', '--space', 'darts', '--runtime', 'browser', '--count', '8', '--rounds', '30', '--warmup', '1', '--json'], 10000);
});

test('Ctrl-C in measure: stops after the group in flight, keeps every measurement, exits 130; the same command continues in a new session', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-int-'));
  try {
    const out = join(dir, 'm.jsonl');
    const args = ['measure', '--out', out, '--count', '40', '--rounds', '3', '--runs-per-round', '3', '--warmup', '1', '--interleave', '4', '--json'];
    const r = await interruptWhen(args, /\[5\/40\]/);
    assert.equal(r.code, 130, r.err);
    console.log(`stopped ${r.stopSeconds.toFixed(2)} s after SIGINT`);
    assert.ok(r.stopSeconds < STOP_LIMIT, `stopped ${r.stopSeconds.toFixed(2)} s after SIGINT`);
    const first = JSON.parse(r.out);
    assert.equal(first.interrupted, true);
    assert.ok(first.models >= 5 && first.models < 40);
    const again = cli(args);
    assert.equal(again.code, 0, again.err);
    const j = JSON.parse(again.out);
    assert.equal(j.models, 40);
    assert.equal(j.measured_now, 40 - first.models);
    assert.equal(j.sessions.length, 2);
    assert.match(j.notes.join('\n'), /mixes 2 measuring sessions/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
