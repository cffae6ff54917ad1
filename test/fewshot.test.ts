import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadLatBench } from '../src/data/device-latency.js';
import { listLatBenchDevices } from '../src/data/latbench.js';
import { spearman } from '../src/eval/metrics.js';
import { adaptLatency, buildLatencyBasis, predictAdapted } from '../src/predictors/fewshot.js';
import { Rng } from '../src/util/rng.js';
import { allCodes, codeToVector, vectorToArchString } from '../src/spaces/nb201.js';
import { cli, dataDir } from './helpers.js';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('few-shot latency: 20 measurements of a held-out LatBench device, the other devices as a basis, rank its other cells', () => {
  const names = listLatBenchDevices(dataDir()).filter((n) => !n.endsWith('-large'));
  const target = 'mobile-cpu-snapdragon-855-kryo-485-int8';
  const basis = buildLatencyBasis(names.filter((n) => n !== target).map((n) => loadLatBench(n, dataDir())));
  const ds = loadLatBench(target, dataDir());
  const order = new Rng(7).shuffle(Int32Array.from(ds.codes.keys()));
  const train = order.subarray(0, 20);
  const test_ = order.subarray(20);
  const m = adaptLatency(basis, Int32Array.from(train, (i) => ds.codes[i]), Float64Array.from(train, (i) => ds.seconds[i]));
  assert.equal(m.samples, 20);
  const pred = predictAdapted(m, Int32Array.from(test_, (i) => ds.codes[i]));
  const rho = spearman(pred, Float64Array.from(test_, (i) => ds.seconds[i]));
  assert.ok(rho > 0.9, `Spearman ${rho}`);
  assert.ok(pred.every((x) => x > 0 && Number.isFinite(x)));
  // and the scale: the median relative error is small (the basis devices run 0.5-250 ms)
  const rel = Array.from(pred, (p, k) => Math.abs(p / ds.seconds[test_[k]] - 1)).sort((a, b) => a - b);
  assert.ok(rel[rel.length >> 1] < 0.25, `median relative error ${rel[rel.length >> 1]}`);
  // leave-one-out picks a ridge strength from its grid
  assert.ok(adaptLatency(basis, Int32Array.from(train, (i) => ds.codes[i]), Float64Array.from(train, (i) => ds.seconds[i]), { lambda: 'loo' }).lambda > 0);
  // bad input: too few, non-finite, duplicates, disconnected cells
  const c = Int32Array.from(train.subarray(0, 3), (i) => ds.codes[i]);
  assert.throws(() => adaptLatency(basis, c.subarray(0, 1), [0.01]), /at least 2/);
  assert.throws(() => adaptLatency(basis, c, [0.01, NaN, 0.02]), /not finite and positive/);
  assert.throws(() => adaptLatency(basis, c, [0.01, -1, 0.02]), /not finite and positive/);
  assert.throws(() => adaptLatency(basis, [c[0], c[0]], [0.01, 0.02]), /measured twice/);
  assert.throws(() => adaptLatency(basis, [0, c[1]], [0.01, 0.02]), /not a valid NB201 cell/);
});

test('latency pretrain and adapt on the command line: a base, a predictor from 10 measurements that latency predict and search --latency-model use; bad input exits 1 and writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-fewshot-'));
  try {
    const base = join(dir, 'base.bin');
    const names = listLatBenchDevices(dataDir()).filter((n) => !n.endsWith('-large') && !n.includes('855-adreno'));
    let r = cli(['latency', 'pretrain', '--devices', names.join(','), '--save', base, '--json']);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).count, 12);
    const model = join(dir, 'adreno.model');
    r = cli(['latency', 'adapt', '--base', base, '--device', '855-adreno', '--samples', '10', '--seed', '3', '--save', model, '--json']);
    assert.equal(r.code, 0, r.err);
    const o = JSON.parse(r.out);
    for (const k of ['within1', 'within5', 'within10', 'rmse_ms', 'spearman', 'kendall', 'train_seconds', 'test_count', 'samples']) assert.ok(k in o, k);
    assert.equal(o.samples, 10);
    assert.ok(o.spearman > 0.9, `Spearman ${o.spearman}`);
    assert.ok(o.train_seconds < 10);
    r = cli(['latency', 'predict', '--model', model, '--arch', '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.ok(JSON.parse(r.out).latency_ms > 0);
    r = cli(['search', '--dataset', 'cifar100', '--strategy', 'random', '--budget', '10', '--runs', '1', '--lat-limit', '6', '--latency-model', model, '--out', join(dir, 's.json'), '--no-plot', '--json', '--quiet']);
    assert.equal(r.code, 0, r.err);
    assert.ok(JSON.parse(r.out).latency.feasible_candidates > 10);
    // bad input: K < 2, a base of the wrong kind, too few measurements; nothing written
    const out = join(dir, 'none.model');
    const small = join(dir, 'small.jsonl');
    writeFileSync(small, [JSON.stringify({ format: 'brp-nas-latency', version: 1, device: 'tiny', space: 'nb201', setup: {} }), ...Array.from(allCodes({ validOnly: true }).slice(0, 5)).map((c, i) => JSON.stringify({ arch: vectorToArchString(codeToVector(c)), code: c, latency_s: 0.001 * (i + 1), median_s: 0.001, p10_s: 0.001, p90_s: 0.001, cv: 0.01, runs: 10 }))].join('\n') + '\n');
    for (const [args, msg] of [
      [['--base', base, '--device', '855-adreno', '--samples', '1'], /at least 2/],
      [['--base', model, '--device', '855-adreno', '--samples', '5'], /not a latency base/],
      [['--base', base, '--device', small, '--samples', '5'], /usable measurements|at least/],
    ] as const) {
      r = cli(['latency', 'adapt', ...args, '--save', out]);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, msg);
      assert.equal(existsSync(out), false);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
