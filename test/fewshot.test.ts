import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadLatBench } from '../src/data/device-latency.js';
import { listLatBenchDevices } from '../src/data/latbench.js';
import { spearman } from '../src/eval/metrics.js';
import { adaptLatency, buildLatencyBasis, predictAdapted } from '../src/predictors/fewshot.js';
import { Rng } from '../src/util/rng.js';
import { dataDir } from './helpers.js';

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
