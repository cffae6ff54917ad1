import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../src/util/rng.js';

test('same seed gives the same stream, different seeds differ', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const xa = Array.from({ length: 100 }, () => a.u32());
  assert.deepEqual(xa, Array.from({ length: 100 }, () => b.u32()));
  assert.notDeepEqual(xa, Array.from({ length: 100 }, () => c.u32()));
});

test('float is in [0,1) with mean near 1/2; int is unbiased over its range', () => {
  const r = new Rng(1);
  let s = 0;
  const counts = new Array(7).fill(0);
  for (let i = 0; i < 70000; i++) {
    const f = r.float();
    assert.ok(f >= 0 && f < 1);
    s += f;
    counts[r.int(7)]++;
  }
  assert.ok(Math.abs(s / 70000 - 0.5) < 0.01);
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 500, `bucket ${c}`);
});

test('normal has mean 0 and variance 1', () => {
  const r = new Rng(3);
  let s = 0;
  let s2 = 0;
  const n = 50000;
  for (let i = 0; i < n; i++) {
    const x = r.normal();
    s += x;
    s2 += x * x;
  }
  assert.ok(Math.abs(s / n) < 0.02);
  assert.ok(Math.abs(s2 / n - 1) < 0.03);
});

test('permutation and sample are proper', () => {
  const r = new Rng(5);
  const p = Array.from(r.permutation(100)).sort((x, y) => x - y);
  assert.deepEqual(p, Array.from({ length: 100 }, (_, i) => i));
  const s = r.sample(['a', 'b', 'c', 'd'], 4);
  assert.deepEqual([...s].sort(), ['a', 'b', 'c', 'd']);
  assert.throws(() => r.sample([1, 2], 3), /cannot sample/);
  assert.throws(() => new Rng(NaN), /finite/);
});

test('progress: time left from this process\'s rate, durations in words, values without float noise', async () => {
  const { Eta, formatDuration, roundForDisplay } = await import('../src/util/eta.js');
  assert.equal(formatDuration(45.4), '45 s');
  assert.equal(formatDuration(200), '3 min 20 s');
  assert.equal(formatDuration(3 * 3600 + 5 * 60), '3 h 05 min');
  // 10 steps, 4 done by an earlier process; this one did 2 in 30 s: 4 more at 15 s each
  const eta = new Eta(10, 4, 1000);
  assert.equal(eta.secondsLeft(4, 5000), null);
  assert.equal(eta.text(4, 5000), '');
  assert.equal(eta.secondsLeft(6, 31_000), 60);
  assert.equal(eta.text(6, 31_000), 'about 1 min 00 s left');
  assert.equal(eta.text(10, 40_000), '');
  assert.equal(eta.text(9, 40_000), 'about 8 s left');
  assert.equal(new Eta(1000, 0, 0).text(999, 999), '', 'under a second left says nothing');
  assert.equal(roundForDisplay(70.36000004882813), '70.36');
  assert.equal(roundForDisplay(0.912345678), '0.912346');
  assert.equal(roundForDisplay(NaN), 'NaN');
});
