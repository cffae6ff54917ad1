import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadLatBench } from '../src/data/device-latency.js';
import { listLatBenchDevices } from '../src/data/latbench.js';
import { spearman } from '../src/eval/metrics.js';
import { FewShotLatencyPredictor, GCN_AUTO_LOO_SPEARMAN, adaptLatency, adaptLooLogMs, buildLatencyBasis, gcnAutoDecision, predictAdapted, unadaptedLatency } from '../src/predictors/fewshot.js';
import { fitFewshotGcn, gcnLogTable } from '../src/predictors/fewshot-gcn.js';
import { loadLatencyPredictor } from '../src/predictors/latency.js';
import { chooseFewshotCells } from '../src/predictors/fewshot-select.js';
import { decodeArtifact, encodeArtifact } from '../src/predictors/artifact.js';
import { flopsFeature } from '../src/predictors/baselines.js';
import { createWasmKernels } from '../src/nn/kernels-wasm.js';
import { parseArch, vectorToCode } from '../src/spaces/nb201/cell.js';
import { Rng } from '../src/util/rng.js';
import { allCodes, codeToVector, vectorToArchString } from '../src/spaces/nb201/cell.js';
import { cli, dataDir } from './helpers.js';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNb201Codes } from '../src/spaces/nb201/graphs.js';

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
  // adapting beats the base without adaptation (the mean of the other devices) on this device
  const rho0 = spearman(predictAdapted(unadaptedLatency(basis, Int32Array.from(train, (i) => ds.codes[i]), Float64Array.from(train, (i) => ds.seconds[i])), Int32Array.from(test_, (i) => ds.codes[i])), Float64Array.from(test_, (i) => ds.seconds[i]));
  assert.ok(rho > rho0, `adapted ${rho} vs unadapted ${rho0}`);
  // and the scale: the median relative error is small (the basis devices run 0.5-250 ms)
  const rel = Array.from(pred, (p, k) => Math.abs(p / ds.seconds[test_[k]] - 1)).sort((a, b) => a - b);
  assert.ok(rel[rel.length >> 1] < 0.25, `median relative error ${rel[rel.length >> 1]}`);
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
    let r = cli(['latency', 'pretrain', '--devices', names.join(','), '--space', 'nb101', '--save', base, '--json']);
    assert.equal(r.code, 2);
    assert.match(r.err, /few-shot adaptation covers nb201/);
    assert.equal(existsSync(base), false);
    r = cli(['latency', 'pretrain', '--devices', names.join(','), '--space', 'nb201', '--save', base, '--json']);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).count, 12);
    const model = join(dir, 'adreno.model');
    r = cli(['latency', 'adapt', '--base', base, '--device', '855-adreno', '--samples', '10', '--seed', '3', '--save', model, '--json']);
    assert.equal(r.code, 0, r.err);
    const o = JSON.parse(r.out);
    for (const k of ['within1', 'within5', 'within10', 'rmse_ms', 'spearman', 'kendall', 'train_seconds', 'test_count', 'samples']) assert.ok(k in o, k);
    assert.equal(o.samples, 10);
    assert.ok(o.spearman > 0.9, `Spearman ${o.spearman}`);
    assert.equal(o.gcn, false, 'the default fits the map alone (no GCN), a fit of a fraction of a second');
    r = cli(['latency', 'predict', '--model', model, '--arch', '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.ok(JSON.parse(r.out).latency_ms > 0);
    r = cli(['search', '--dataset', 'cifar100', '--strategy', 'random', '--budget', '10', '--runs', '1', '--lat-limit', '6', '--latency-model', model, '--out', join(dir, 's.json'), '--no-plot', '--json', '--quiet']);
    assert.equal(r.code, 0, r.err);
    assert.ok(JSON.parse(r.out).latency.feasible_candidates > 10);
    // bad input: K < 2, a base of the wrong kind, too few measurements; nothing written
    const out = join(dir, 'none.model');
    const small = join(dir, 'small.jsonl');
    const nanLat = join(dir, 'nan.jsonl');
    const rowsOf = (lat: (i: number) => number) => Array.from(allCodes({ validOnly: true }).slice(0, 5)).map((c, i) => JSON.stringify({ arch: vectorToArchString(codeToVector(c)), code: c, latency_s: lat(i), median_s: 0.001, p10_s: 0.001, p90_s: 0.001, cv: 0.01, runs: 10 }));
    writeFileSync(nanLat, [JSON.stringify({ format: 'brp-nas-latency', version: 1, device: 'nan', space: 'nb201', setup: {} }), ...rowsOf((i) => (i === 2 ? -0.001 : 0.001 * (i + 1)))].join('\n') + '\n');
    // a base in the first format (no version): refused with the reason
    const oldBase = join(dir, 'old.bin');
    const otherSpace = join(dir, 'nb101.bin');
    writeFileSync(otherSpace, encodeArtifact({ kind: 'latency-basis', space: 'nb101', basis_version: 2, devices: ['x'], device_cells: ['pruned'], cells: 423624, meta: {} }, new Float32Array(4)));
    writeFileSync(oldBase, encodeArtifact({ kind: 'latency-basis', space: 'nb201', devices: ['x'], cells: 15625, meta: {} }, new Float32Array(15625)));
    writeFileSync(small, [JSON.stringify({ format: 'brp-nas-latency', version: 1, device: 'tiny', space: 'nb201', setup: {} }), ...Array.from(allCodes({ validOnly: true }).slice(0, 5)).map((c, i) => JSON.stringify({ arch: vectorToArchString(codeToVector(c)), code: c, latency_s: 0.001 * (i + 1), median_s: 0.001, p10_s: 0.001, p90_s: 0.001, cv: 0.01, runs: 10 }))].join('\n') + '\n');
    for (const [args, msg] of [
      [['--base', base, '--device', '855-adreno', '--samples', '1'], /at least 2/],
      [['--base', model, '--device', '855-adreno', '--samples', '5'], /not a latency base/],
      [['--base', base, '--device', small, '--samples', '6'], /5 usable measurements/],
      [['--base', base, '--device', nanLat, '--samples', '2'], /not a positive number/],
      [['--base', oldBase, '--device', '855-adreno', '--samples', '5'], /format version 1/],
      [['--base', otherSpace, '--device', '855-adreno', '--samples', '5'], /another space \(nb101\)/],
      [['--base', base, '--device', '855-adreno', '--samples', '5', '--choice', 'best'], /--choice must be one of spread, random/],
    ] as const) {
      r = cli(['latency', 'adapt', ...args, '--save', out]);
      // a wrong flag is a usage error (exit 2); bad data exit 1
      assert.equal(r.code, args.includes('--choice') ? 2 : 1, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, msg);
      assert.equal(existsSync(out), false);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('latency adapt --gcn: the geometric mean of the adapted map and a GCN trained on the K alone; saved, loaded and refused when malformed', () => {
  const names = listLatBenchDevices(dataDir()).filter((n) => !n.endsWith('-large'));
  const target = 'embedded-tpu-edge-tpu-int8';
  const basis = buildLatencyBasis(names.filter((n) => n !== target).map((n) => loadLatBench(n, dataDir())));
  const ds = loadLatBench(target, dataDir());
  const chosen = chooseFewshotCells(ds.codes, 10, new Rng(1), 'spread', 'pruned');
  const at = new Map(Array.from(ds.codes, (c, i) => [c, i] as const));
  const secs = Float64Array.from(chosen, (c) => ds.seconds[at.get(c)!]);
  const m = adaptLatency(basis, chosen, secs);
  const table = fitFewshotGcn(chosen, secs, 'pruned', 1);
  assert.equal(table.length, 15625);
  const withGcn = { ...m, gcnLogMs: gcnLogTable(table) };
  const probe = Int32Array.from(ds.codes.subarray(0, 400));
  const a = predictAdapted(m, probe);
  const both = predictAdapted(withGcn, probe);
  for (let i = 0; i < probe.length; i++) {
    const g = Math.max(table[probe[i]] * 1e3, 1e-6) / 1e3;
    assert.ok(Math.abs(both[i] / Math.sqrt(a[i] * g) - 1) < 1e-5, `${i}: ${both[i]} vs sqrt(${a[i]} x ${g})`);
  }
  // seeded: the same K and seed train the same GCN; with the caller's kernels, their heap is given back
  const kernels = createWasmKernels();
  const top = kernels.heap.mark();
  assert.deepEqual(Array.from(fitFewshotGcn(chosen, secs, 'pruned', 1, { kernels }).subarray(0, 50)), Array.from(table.subarray(0, 50)));
  assert.equal(kernels.heap.mark(), top, 'a fit leaves the heap as it found it');
  const truth = Float64Array.from(probe, (c) => ds.seconds[at.get(c)!]);
  assert.ok(spearman(both, truth) > 0.7, `Spearman ${spearman(both, truth)}`);
  // the artifact keeps the GCN's table; a truncated one or a malformed flag is refused
  const bytes = new FewShotLatencyPredictor(withGcn).toArtifact();
  const back = loadLatencyPredictor(bytes, 'mem');
  // (the artifact stores the tables as float32)
  const loaded = back.predictSecondsOfCodes(probe);
  for (let i = 0; i < probe.length; i++) assert.ok(Math.abs(loaded[i] / both[i] - 1) < 1e-5, `${i}: ${loaded[i]} vs ${both[i]}`);
  const plainBytes = new FewShotLatencyPredictor(m).toArtifact();
  const { header, params } = decodeArtifact(plainBytes);
  assert.throws(() => loadLatencyPredictor(encodeArtifact({ ...header, gcn: true }, params), 'cut'), /cut: truncated/);
  assert.throws(() => loadLatencyPredictor(encodeArtifact({ ...header, gcn: 'yes' }, params), 'odd'), /odd: malformed adapted model \(gcn\)/);
  assert.throws(() => fitFewshotGcn(chosen.subarray(0, 1), secs.subarray(0, 1), 'pruned', 1), /at least 2/);
  // a stop ends the fit with InterruptedError, not a half-trained table, and still gives the heap back
  assert.throws(() => fitFewshotGcn(chosen, secs, 'pruned', 1, { kernels, signal: { stopped: true } }), (e: Error) => e.name === 'InterruptedError');
  assert.equal(kernels.heap.mark(), top);
});

test('latency adapt --gcn always|auto|never on the command line: JSON says what ran and why, the model predicts; --threads with --gcn never and an unknown rule are usage errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-fewshot-gcn-'));
  try {
    const base = join(dir, 'base.bin');
    let r = cli(['latency', 'pretrain', '--devices', 'all', '--save', base, '--json']);
    assert.equal(r.code, 0, r.err);
    const model = join(dir, 'tpu.model');
    r = cli(['latency', 'adapt', '--base', base, '--device', 'edge-tpu', '--samples', '8', '--gcn', 'always', '--threads', '1', '--save', model, '--json']);
    assert.equal(r.code, 0, r.err);
    const o = JSON.parse(r.out);
    assert.equal(o.gcn, true);
    assert.equal(o.gcn_rule, 'always');
    assert.ok(o.loo_spearman >= -1 && o.loo_spearman <= 1, r.out);
    assert.equal(o.samples, 8);
    assert.ok(o.spearman > 0.7 && o.train_seconds > 0, r.out);
    r = cli(['latency', 'predict', '--model', model, '--arch', '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.ok(JSON.parse(r.out).latency_ms > 0);
    // auto decides by the leave-one-out Spearman of the map over the K; never (the default): the map alone
    for (const rule of [['--gcn', 'auto'], []]) {
      r = cli(['latency', 'adapt', '--base', base, '--device', 'edge-tpu', '--samples', '8', ...rule, '--json']);
      assert.equal(r.code, 0, r.err);
      const p = JSON.parse(r.out);
      assert.equal(p.gcn_rule, rule.length ? 'auto' : 'never');
      assert.equal(p.loo_spearman, o.loo_spearman, 'the same K, the same judgement');
      assert.equal(p.gcn, rule.length ? p.loo_spearman < GCN_AUTO_LOO_SPEARMAN : false, r.out);
    }
    for (const [args, msg] of [[['--gcn', 'never', '--threads', '2'], /--threads applies to the GCN/], [['--gcn', 'sometimes'], /--gcn must be one of auto, always, never/], [['--gcn'], /--gcn/]] as const) {
      r = cli(['latency', 'adapt', '--base', base, '--device', 'edge-tpu', '--samples', '8', ...args, '--save', join(dir, 'x.model')]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, msg);
      assert.equal(existsSync(join(dir, 'x.model')), false);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('few-shot latency: scale-free (LatBench latencies x1000 give the same ranking) and whole-millisecond ties work', () => {
  const names = listLatBenchDevices(dataDir()).filter((n) => !n.endsWith('-large'));
  const target = 'embedded-gpu-jetson-nano-fp32';
  const basis = buildLatencyBasis(names.filter((n) => n !== target).map((n) => loadLatBench(n, dataDir())));
  const ds = loadLatBench(target, dataDir());
  const order = new Rng(3).shuffle(Int32Array.from(ds.codes.keys()));
  const tr = Int32Array.from(order.subarray(0, 20), (i) => ds.codes[i]);
  const te = Int32Array.from(order.subarray(20, 3020), (i) => ds.codes[i]);
  const ms = Float64Array.from(order.subarray(0, 20), (i) => ds.seconds[i] * 1e3);
  const truth = Float64Array.from(order.subarray(20, 3020), (i) => ds.seconds[i]);
  const a = predictAdapted(adaptLatency(basis, tr, Float64Array.from(ms, (x) => x / 1e3)), te);
  const b = predictAdapted(adaptLatency(basis, tr, Float64Array.from(ms, (x) => x)), te); // 1000x slower device
  assert.deepEqual(Array.from(b, (x, i) => Math.abs(x / a[i] / 1000 - 1) < 1e-6), Array.from(b, () => true));
  // a device that reports whole milliseconds (this one runs ~5-20 ms): heavy ties, still a good ranking
  const whole = Float64Array.from(ms, (x) => Math.max(1, Math.round(x)) / 1e3);
  const rho = spearman(predictAdapted(adaptLatency(basis, tr, whole), te), truth);
  assert.ok(rho > 0.85, `Spearman from whole-ms measurements ${rho}`);
});

test('whole-cell devices: the encoding and baselines see dead edges with cell full, and the few-shot base learns such a device', () => {
  // |conv3~0|+|none~0|conv3~1|+|conv3~0|none~1|conv3~2|: edge 1->2 is dead only... use a cell with a dead conv
  const dead = vectorToCode(parseArch('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|none~1|none~2|'));
  const live = vectorToCode(parseArch('|nor_conv_3x3~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|'));
  // pruned: both cells are just the input->output conv; full: the first runs three more convolutions
  const p = encodeNb201Codes([dead, live], 'pruned');
  assert.deepEqual(Array.from(p.featureData.subarray(0, 54)), Array.from(p.featureData.subarray(54)));
  const f = encodeNb201Codes([dead, live], 'full');
  assert.notDeepEqual(Array.from(f.featureData.subarray(0, 54)), Array.from(f.featureData.subarray(54)));
  assert.equal(flopsFeature(dead, 'pruned'), flopsFeature(live, 'pruned'));
  assert.ok(flopsFeature(dead, 'full') > flopsFeature(live, 'full'));
  // this project's whole-cell measurements as a new device, 20 cells chosen 'spread': the base adapts
  const ds = loadLatBench('results/measured/nb201-full-ort-node-cpu-t1.jsonl', dataDir());
  assert.equal(ds.cell, 'full');
  const names = listLatBenchDevices(dataDir()).filter((n) => !n.endsWith('-large'));
  const basis = buildLatencyBasis(names.map((n) => loadLatBench(n, dataDir())));
  const codes = Int32Array.from(ds.codes);
  const chosen = chooseFewshotCells(codes, 20, new Rng(0), 'spread', 'full');
  assert.equal(new Set(chosen).size, 20);
  const secs = new Map(Array.from(codes, (c, i) => [c, ds.seconds[i]] as const));
  const m = adaptLatency(basis, chosen, Float64Array.from(chosen, (c) => secs.get(c)!));
  const rest = Array.from(codes).filter((c) => !chosen.includes(c));
  const rho = spearman(predictAdapted(m, rest), Float64Array.from(rest, (c) => secs.get(c)!));
  // the LatBench devices alone (pruned cells) rank this device at about 0.7; with whole-cell columns about 0.94
  const rho0 = spearman(predictAdapted(unadaptedLatency(basis, chosen, Float64Array.from(chosen, (c) => secs.get(c)!)), rest), Float64Array.from(rest, (c) => secs.get(c)!));
  assert.ok(rho > 0.9 && rho > rho0 + 0.1, `adapted ${rho}, unadapted ${rho0}`);
  // the spread choice covers the FLOPs range: its cells span most of it
  const fl = Array.from(chosen, (c) => flopsFeature(c, 'full')).sort((a, b) => a - b);
  const all = Array.from(codes, (c) => flopsFeature(c, 'full')).sort((a, b) => a - b);
  assert.ok(fl[0] <= all[Math.floor(all.length * 0.05)] && fl[19] >= all[Math.floor(all.length * 0.95)]);
});

test('measure --select spread --count K picks the cells latency adapt then uses whole; adapt evaluates on --test FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-select-'));
  try {
    const file = join(dir, 'k6.jsonl');
    let r = cli(['measure', '--select', 'spread', '--count', '6', '--seed', '4', '--cell', 'pruned', '--warmup', '5', '--rounds', '5', '--runs-per-round', '5', '--out', file, '--quiet', '--json']);
    assert.equal(r.code, 0, r.err);
    const ds = loadLatBench(file, dataDir());
    assert.equal(ds.cell, 'pruned');
    const expected = chooseFewshotCells(allCodes({ validOnly: true }), 6, new Rng(4), 'spread', 'pruned');
    assert.deepEqual(Array.from(ds.codes).sort((a, b) => a - b), Array.from(expected).sort((a, b) => a - b));
    const base = join(dir, 'base.bin');
    r = cli(['latency', 'pretrain', '--devices', 'all', '--save', base, '--json']);
    assert.equal(r.code, 0, r.err);
    const model = join(dir, 'k6.model');
    r = cli(['latency', 'adapt', '--base', base, '--device', file, '--samples', '6', '--save', model, '--test', 'results/measured/nb201-pruned-ort-node-cpu-t1.jsonl', '--json']);
    assert.equal(r.code, 0, r.err);
    const o = JSON.parse(r.out);
    assert.equal(o.samples, 6);
    assert.ok(o.test_count >= 490, `${o.test_count}`);
    assert.ok(o.spearman > 0.8, `Spearman ${o.spearman} on the 500 cells measured earlier on this machine`);
    // without --test the file has nothing left to evaluate on: said, not invented
    r = cli(['latency', 'adapt', '--base', base, '--device', file, '--samples', '6', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).test_count, 0);
    assert.equal(JSON.parse(r.out).spearman, null);
    // whole-cell test data for a pruned-cell device file: refused
    r = cli(['latency', 'adapt', '--base', base, '--device', file, '--samples', '6', '--test', 'results/measured/nb201-full-ort-node-cpu-t1.jsonl']);
    assert.equal(r.code, 1);
    assert.match(r.err, /not the same kind of measurement/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('latency train --prior layerwise: the GCN learns what the layer-wise sum leaves; the saved model adds the two back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-prior-'));
  try {
    const file = 'results/measured/nb201-full-ort-node-cpu-t1.jsonl';
    const model = join(dir, 'gcn-prior.model');
    const split = ['--train', '270', '--valid', '30', '--split', 'reference', '--epochs', '2', '--threads', '1', '--no-plot', '--quiet', '--json'];
    let r = cli(['latency', 'train', '--device', file, '--predictor', 'gcn', '--prior', 'layerwise', ...split, '--save', model]);
    assert.equal(r.code, 0, r.err);
    const withPrior = JSON.parse(r.out);
    assert.equal(withPrior.prior, 'layerwise');
    assert.equal(withPrior.node_costs, true, 'the NB201 GCN on the residual reads per-op costs');
    // the default for the GCN of a whole-cell device, not for pruned cells (LatBench) or the MLP
    r = cli(['latency', 'train', '--device', file, '--predictor', 'gcn', ...split.map((x) => (x === '2' ? '1' : x))]);
    assert.equal(JSON.parse(r.out).prior, 'layerwise');
    r = cli(['latency', 'train', '--device', file, '--predictor', 'gcn', '--cell', 'pruned', ...split.map((x) => (x === '2' ? '1' : x))]);
    assert.equal(JSON.parse(r.out).prior, 'none');
    r = cli(['latency', 'train', '--device', file, '--predictor', 'gcn', '--prior', 'none', ...split]);
    assert.equal(r.code, 0, r.err);
    const plain = JSON.parse(r.out);
    assert.equal(plain.prior, 'none');
    assert.equal(plain.node_costs, undefined);
    // two epochs teach a GCN little; on a device whose latency is nearly a sum of op costs the prior carries the ranking
    assert.ok(withPrior.spearman > 0.9 && withPrior.spearman > plain.spearman, `prior ${withPrior.spearman} vs plain ${plain.spearman}`);
    // the saved model is the sum: far from what the GCN part alone would say (the residual is near zero)
    r = cli(['latency', 'predict', '--model', model, '--arch', '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|', '--arch', '|avg_pool_3x3~0|+|skip_connect~0|none~1|+|skip_connect~0|none~1|none~2|', '--json']);
    assert.equal(r.code, 0, r.err);
    const [big, small] = (JSON.parse(r.out) as { latency_ms: number }[]).map((x) => x.latency_ms);
    assert.ok(big > 2 * small && small > 0, `${big} ms vs ${small} ms`);
    r = cli(['latency', 'train', '--device', file, '--predictor', 'flops', '--prior', 'layerwise']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--prior applies to --predictor gcn \(and mlp on nb201 datasets\)/);
    r = cli(['latency', 'train', '--device', file, '--prior', 'lookup']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--prior must be one of none, layerwise/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('latency train on a whole-cell dataset encodes whole cells (the file says so; --cell overrides), and the saved model keeps that', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-cell-'));
  try {
    const file = 'results/measured/nb201-full-ort-node-cpu-t1.jsonl';
    // two cells a pruned encoding cannot tell apart: the first runs three more (dead) convolutions
    const dead = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|none~1|none~2|';
    const live = '|nor_conv_3x3~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|';
    const predict = (model: string) => {
      const r = cli(['latency', 'predict', '--model', model, '--arch', dead, '--arch', live, '--json']);
      assert.equal(r.code, 0, r.err);
      return (JSON.parse(r.out) as { latency_ms: number }[]).map((x) => x.latency_ms);
    };
    for (const [predictor, extra] of [['gcn', ['--epochs', '2', '--train', '40', '--valid', '10']], ['layerwise', ['--train', '270', '--valid', '30']], ['flops', ['--train', '270', '--valid', '30']]] as const) {
      for (const cell of ['full', 'pruned'] as const) {
        const model = join(dir, `${predictor}-${cell}.model`);
        const r = cli(['latency', 'train', '--device', file, '--predictor', predictor, ...extra, ...(cell === 'pruned' ? ['--cell', 'pruned'] : []), '--save', model, '--no-plot', '--quiet', '--json']);
        assert.equal(r.code, 0, r.err);
        assert.equal(JSON.parse(r.out).cell, cell);
        const [a, b] = predict(model);
        if (cell === 'pruned') assert.equal(a, b, `${predictor}, pruned: the two cells are one network`);
        else assert.notEqual(a, b, `${predictor}, full: the dead convolutions count`);
      }
    }
    const r = cli(['latency', 'train', '--device', file, '--cell', 'whole']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--cell must be one of pruned, full/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--gcn auto: the leave-one-out of the map is the map fitted without each measurement; the GCN is blended in below a Spearman of 0.85 over the K, never from fewer than 3', () => {
  const names = listLatBenchDevices(dataDir()).filter((n) => !n.endsWith('-large'));
  const judged: boolean[] = [];
  for (const target of ['embedded-tpu-edge-tpu-int8', 'mobile-cpu-snapdragon-855-kryo-485-int8']) {
    const basis = buildLatencyBasis(names.filter((n) => n !== target).map((n) => loadLatBench(n, dataDir())));
    const ds = loadLatBench(target, dataDir());
    const at = new Map(Array.from(ds.codes, (c, i) => [c, i] as const));
    const chosen = chooseFewshotCells(ds.codes, 10, new Rng(2), 'spread', 'pruned');
    const secs = Float64Array.from(chosen, (c) => ds.seconds[at.get(c)!]);
    const loo = adaptLooLogMs(basis, chosen, secs);
    for (const out of [0, 7]) {
      const keep = Array.from(chosen.keys()).filter((i) => i !== out);
      const m = adaptLatency(basis, keep.map((i) => chosen[i]), keep.map((i) => secs[i]));
      assert.ok(Math.abs(Math.log(predictAdapted(m, [chosen[out]])[0] * 1e3) - loo[out]) < 1e-9, `${target} ${out}`);
    }
    const d = gcnAutoDecision(basis, chosen, secs);
    assert.equal(d.looSpearman, spearman(loo, Float64Array.from(secs, Math.log)));
    assert.equal(d.blend, d.looSpearman! < GCN_AUTO_LOO_SPEARMAN);
    judged.push(d.blend);
    assert.deepEqual(gcnAutoDecision(basis, chosen.subarray(0, 2), secs.subarray(0, 2)), { looSpearman: null, blend: false });
  }
  // the TPU, which the phones describe poorly, gets the GCN; the Snapdragon 855 CPU does not
  assert.deepEqual(judged, [true, false]);
});
