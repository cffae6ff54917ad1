import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadLatBench } from '../src/data/device-latency.js';
import { spearman } from '../src/eval/metrics.js';
import { createWasmKernels } from '../src/nn/kernels-wasm.js';
import { decodeArtifact, encodeArtifact } from '../src/predictors/artifact.js';
import { fitFlops, fitLayerwise, layerwiseFeatures, predictLinear } from '../src/predictors/baselines.js';
import { loadLatencyPredictor, trainLatencyPredictor } from '../src/predictors/latency.js';
import { groupedSplitIndices, splitIndices } from '../src/predictors/split.js';
import { encodingKey, twinGroups } from '../src/spaces/nb201/twins.js';
import { codeToVector, isomorphismKey } from '../src/spaces/nb201/cell.js';
import { GcnRegressor } from '../src/predictors/regressor.js';
import { allCodes } from '../src/spaces/nb201/cell.js';
import { Rng } from '../src/util/rng.js';
import { cli, dataDir } from './helpers.js';
import { encodeNb201Codes } from '../src/spaces/nb201/graphs.js';

test('the split is seeded, disjoint and complete; impossible sizes are refused', () => {
  const a = splitIndices(1000, 900, 50, new Rng(1));
  const b = splitIndices(1000, 900, 50, new Rng(1));
  assert.deepEqual(a, b);
  const all = [...a.train, ...a.valid, ...a.test].sort((x, y) => x - y);
  assert.deepEqual(all, Array.from({ length: 1000 }, (_, i) => i));
  assert.equal(a.test.length, 50);
  assert.throws(() => splitIndices(100, 90, 10, new Rng(1)), /leave no test models/);
  assert.throws(() => splitIndices(100, 1, 10, new Rng(1)), /training size/);
});

test('the grouped split: the reference training cells, no twin of a labelled cell in validation or test', () => {
  const ds = loadLatBench('desktop-cpu-core-i7-7820x-fp32', dataDir());
  const groups = twinGroups(ds.codes);
  const s = groupedSplitIndices(groups, 900, 100, new Rng(0));
  const r = splitIndices(ds.codes.length, 900, 100, new Rng(0));
  assert.deepEqual(s, groupedSplitIndices(groups, 900, 100, new Rng(0)));
  assert.deepEqual(s.train, r.train, 'both splits train on the same cells');
  assert.equal(s.valid.length, 100);
  const all = [...s.train, ...s.valid, ...s.test];
  assert.equal(new Set(all).size, all.length, 'disjoint');
  const keys = (idx: Int32Array) => new Set(Array.from(idx).flatMap((i) => ['e' + encodingKey(ds.codes[i]), 'i' + isomorphismKey(codeToVector(ds.codes[i]))]));
  const train = keys(s.train);
  const valid = keys(s.valid);
  for (const k of valid) assert.ok(!train.has(k), `a validation cell has a training twin (${k})`);
  for (const i of s.test)
    for (const k of ['e' + encodingKey(ds.codes[i]), 'i' + isomorphismKey(codeToVector(ds.codes[i]))]) assert.ok(!train.has(k) && !valid.has(k), `test cell ${ds.codes[i]} has a labelled twin`);
  // only twins of labelled cells are left out, and the reference split had many of them in its test set
  const left = ds.codes.length - all.length;
  assert.ok(left > 0.2 * r.test.length, `${left} of ${r.test.length} reference test cells were twins of labelled cells`);
  const labelledGroups = new Set(Array.from([...s.train, ...s.valid], (i) => groups[i]));
  assert.equal(left, Array.from(ds.codes.keys()).filter((i) => labelledGroups.has(groups[i]) && !s.train.includes(i) && !s.valid.includes(i)).length);
});

test('layer-wise model recovers an additive latency exactly; FLOPs fit is linear', () => {
  const codes = allCodes({ validOnly: true }).slice(0, 2000);
  const r = new Rng(2);
  const perOp = Array.from({ length: 25 }, () => r.float());
  const y = Array.from(codes, (c) => layerwiseFeatures(c).reduce((s, x, j) => s + x * perOp[j], 0));
  const m = fitLayerwise(codes, y);
  const p = predictLinear(m, codes);
  for (let i = 0; i < codes.length; i++) assert.ok(Math.abs(p[i] - y[i]) < 1e-6);
  const f = fitFlops(codes, Array.from(codes, (_, i) => 2 * i));
  assert.equal(f.kind, 'flops');
  assert.equal(f.weights.length, 2);
});

test('eval forward with shared work equals the plain batched forward', () => {
  const set = encodeNb201Codes(Array.from({ length: 3000 }, (_, i) => (i * 7) % 15625));
  const reg = new GcnRegressor(createWasmKernels(), { nodes: 9, features: 6, hidden: 64, layers: 4, dropout: 0.1, head: 'regression' });
  reg.init(new Rng(4));
  const ids = Array.from({ length: 3000 }, (_, i) => i);
  const a = reg.predictNormalised(set, ids);
  const b = reg.predictNormalisedBatched(set, ids);
  for (let i = 0; i < ids.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `${i}: ${a[i]} vs ${b[i]}`);
});

test('a short GCN training on LatBench ranks test models well, and the artifact round-trips', () => {
  const ds = loadLatBench('desktop-cpu-core-i7-7820x-fp32', dataDir());
  const exp = trainLatencyPredictor(ds, { kind: 'gcn', seed: 3, train: 200, valid: 50, hidden: 128, config: { epochs: 12 } });
  assert.equal(exp.metrics.count, exp.split.test.length);
  assert.ok(exp.split.test.length > 0.5 * (ds.codes.length - 250) && exp.split.test.length < ds.codes.length - 250, `${exp.split.test.length} test cells`);
  assert.ok(exp.metrics.spearman > 0.9, `Spearman ${exp.metrics.spearman}`);
  assert.ok(exp.report!.epochs === 12);
  const bytes = exp.predictor.toArtifact({ device: ds.device });
  const back = loadLatencyPredictor(bytes, 'mem');
  assert.equal(back.meta.device, ds.device);
  const some = exp.testCodes.slice(0, 500);
  const p1 = exp.predictor.predictSecondsOfCodes(some);
  const p2 = back.predictSecondsOfCodes(some);
  for (let i = 0; i < some.length; i++) assert.equal(p1[i], p2[i]);
  const lw = trainLatencyPredictor(ds, { kind: 'layerwise', seed: 3, train: 200, valid: 50 });
  assert.deepEqual(lw.split, exp.split, 'baselines and the GCN share the split');
  assert.ok(lw.metrics.spearman > 0.8, `layer-wise Spearman ${lw.metrics.spearman}`);
  assert.ok(spearman(lw.predictor.predictSecondsOfCodes(lw.testCodes), lw.testTrue) === lw.metrics.spearman);
  const lwBack = loadLatencyPredictor(lw.predictor.toArtifact());
  assert.deepEqual(Array.from(lwBack.predictSecondsOfCodes(some)), Array.from(lw.predictor.predictSecondsOfCodes(some)));
});

test('artifact decoding refuses bad magic, truncation, wrong version and non-finite parameters', () => {
  const good = encodeArtifact({ kind: 'latency-gcn', space: 'nb201' }, new Float32Array([1, 2, 3]));
  assert.deepEqual(Array.from(decodeArtifact(good).params), [1, 2, 3]);
  assert.throws(() => decodeArtifact(new Uint8Array([1, 2, 3]), 'x'), /x: not a brp-nas predictor file/);
  assert.throws(() => decodeArtifact(good.subarray(0, good.length - 2), 'x'), /expected 3 parameters/);
  const nan = encodeArtifact({ kind: 'latency-gcn', space: 'nb201' }, new Float32Array([1, NaN]));
  assert.throws(() => decodeArtifact(nan), /parameter 1 is not finite/);
  const text = Buffer.from(good).toString('latin1').replace('"version":1', '"version":9');
  assert.throws(() => decodeArtifact(Uint8Array.from(Buffer.from(text, 'latin1'))), /version 9 is not supported/);
  assert.throws(() => loadLatencyPredictor(encodeArtifact({ kind: 'accuracy-brp', space: 'nb201' })), /not a latency predictor/);
});

test('latency CLI: train (baseline) with JSON contract and plot, predict from the saved model, errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-lat-'));
  try {
    const model = join(dir, 'm.bin');
    const plot = join(dir, 'p.svg');
    const r = cli(['latency', 'train', '--device', 'embedded-tpu-edge-tpu-int8', '--predictor', 'layerwise', '--seed', '5', '--save', model, '--plot', plot, '--json', '--data', dataDir()]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    for (const k of ['within1', 'within5', 'within10', 'rmse_ms', 'spearman', 'kendall', 'train_seconds', 'test_count']) assert.equal(typeof j[k], 'number', k);
    assert.ok(j.test_count > 6000 && j.test_count < 15284 - 1000, `test_count ${j.test_count}`);
    const ref = cli(['latency', 'train', '--device', 'embedded-tpu-edge-tpu-int8', '--predictor', 'layerwise', '--seed', '5', '--split', 'reference', '--no-plot', '--json', '--data', dataDir()]);
    assert.equal(JSON.parse(ref.out).test_count, 15284 - 1000);
    assert.ok(j.within10 >= j.within5 && j.within5 >= j.within1);
    assert.match(readFileSync(plot, 'utf8'), /^<svg/);
    const p = cli(['latency', 'predict', '--model', model, '--arch', '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|', '--json']);
    assert.equal(p.code, 0, p.err);
    assert.ok(JSON.parse(p.out).latency_ms > 0);
    assert.equal(cli(['latency', 'train', '--device', 'toaster', '--data', dataDir()]).code, 1);
    assert.match(cli(['latency', 'train', '--device', 'toaster', '--data', dataDir()]).err, /unknown device "toaster"/);
    assert.equal(cli(['latency', 'train', '--device', 'edge-tpu', '--predictor', 'svm']).code, 2);
    assert.equal(cli(['latency', 'train', '--device', 'edge-tpu', '--train', 'many']).code, 2);
    assert.equal(cli(['latency', 'predict', '--model', model, '--arch', 'nonsense']).code, 1);
    writeFileSync(join(dir, 'bad.bin'), 'hello');
    const bad = cli(['latency', 'predict', '--model', join(dir, 'bad.bin'), '--arch', '333133']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /not a brp-nas predictor file/);
    assert.equal(cli(['latency', 'frob']).code, 2);
    assert.equal(cli(['latency', 'train', '--help']).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('latency train --predictor auto (the default): every candidate fitted on one split, the best by validation kept and reported with each one\'s validation figures', async () => {
  const { chooseCandidate } = await import('../src/predictors/latency-auto.js');
  const f = (s: number | null, w: number | null) => ({ valid_spearman: s, valid_within10: w, train_seconds: 1 });
  assert.equal(chooseCandidate([{ name: 'a', figures: f(0.9, 0.5) }, { name: 'b', figures: f(0.95, 0.1) }, { name: 'c', figures: f(0.95, 0.2) }]), 'c');
  assert.equal(chooseCandidate([{ name: 'a', figures: f(0.9, 0.5) }, { name: 'b', figures: f(0.9, 0.5) }]), 'a', 'ties to the earlier');
  assert.equal(chooseCandidate([{ name: 'a', figures: f(null, null) }, { name: 'b', figures: f(0.1, 0) }]), 'b');
  const dir = mkdtempSync(join(tmpdir(), 'brp-lat-'));
  try {
    const model = join(dir, 'auto.model');
    // the contract: no --predictor; a short schedule keeps the test quick
    const r = cli(['latency', 'train', '--device', 'desktop-cpu-core-i7-7820x-fp32', '--seed', '3', '--train', '300', '--valid', '100', '--epochs', '3', '--threads', '1', '--save', model, '--no-plot', '--quiet', '--json', '--data', dataDir()]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j.candidates), ['gcn', 'gcn+layerwise+costs', 'layerwise', 'flops']);
    for (const c of Object.values(j.candidates) as { valid_spearman: number; valid_within10: number }[]) {
      assert.ok(c.valid_spearman > -1 && c.valid_spearman <= 1);
      assert.ok(c.valid_within10 >= 0 && c.valid_within10 <= 1);
    }
    const best = chooseCandidate(Object.entries(j.candidates).map(([name, figures]) => ({ name, figures: figures as ReturnType<typeof f> })));
    assert.equal(j.predictor, best);
    assert.equal(j.node_costs, best === 'gcn+layerwise+costs' ? true : undefined, 'node_costs says whether the chosen model reads per-op costs');
    assert.equal(j.test_count > 0 && typeof j.spearman, 'number');
    // the saved model is the chosen one and says what was compared
    const saved = loadLatencyPredictor(readFileSync(model));
    assert.equal(saved.kind, best.startsWith('gcn') ? 'gcn' : best);
    assert.deepEqual(Object.keys((saved.meta.metrics as { candidates: object }).candidates), Object.keys(j.candidates));
    const p = cli(['latency', 'predict', '--model', model, '--arch', '334131', '--json']);
    assert.ok(JSON.parse(p.out).latency_ms > 0);
    const both = cli(['latency', 'train', '--device', 'desktop-cpu', '--predictor', 'auto', '--prior', 'layerwise']);
    assert.equal(both.code, 2);
    assert.match(both.err, /--prior does not apply to --predictor auto/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
