import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import ort from 'onnxruntime-node';
import { loadLatBench } from '../src/data/device-latency.js';
import { parseLatBench } from '../src/data/latbench.js';
import { DatasetWriter, latBenchPickle, parseLatencyJsonl } from '../src/data/measured-dataset.js';
import { buildNb201Onnx } from '../src/spaces/nb201/onnx.js';
import { iqrMean, latencyStats, percentile } from '../src/measure/protocol.js';
import { macroConfigFor, nb201Cost } from '../src/spaces/nb201/cost.js';
import { codeToVector, sampleCodes } from '../src/spaces/nb201/cell.js';
import { Rng } from '../src/util/rng.js';
import { cli, dataDir, skipBrowser } from './helpers.js';

test('ONNX networks: parameter count equals the space cost model; output shape; batch and width options', async () => {
  const codes = sampleCodes(new Rng(8), 40);
  for (const c of codes) {
    const v = codeToVector(c);
    for (const d of ['cifar10', 'cifar100'] as const) {
      const cfg = macroConfigFor(d);
      assert.equal(buildNb201Onnx(v, { numClasses: cfg.numClasses }).params, nb201Cost(v, cfg).params, `${c} ${d}`);
    }
  }
  const net = buildNb201Onnx([3, 3, 3, 1, 3, 3], { batch: 2, channels: 8, numClasses: 100 });
  const session = await ort.InferenceSession.create(net.bytes, { intraOpNumThreads: 1 });
  const x = new ort.Tensor('float32', new Float32Array(2 * 3 * 32 * 32).fill(0.5), [2, 3, 32, 32]);
  const y = (await session.run({ input: x }))[net.outputName];
  assert.deepEqual(y.dims, [2, 100]);
  assert.ok(Array.from(y.data as Float32Array).every(Number.isFinite));
  await session.release();
  // deterministic weights
  assert.deepEqual(buildNb201Onnx([3, 1, 2, 4, 0, 3]).bytes, buildNb201Onnx([3, 1, 2, 4, 0, 3]).bytes);
  assert.throws(() => buildNb201Onnx([0, 0, 0, 0, 0, 0]), /does not connect input to output/);
  // pruned cells drop the edges off every input-output path: (3,0,0,1,0,0) keeps only the skip 0->3
  assert.equal(buildNb201Onnx([3, 0, 0, 1, 0, 0], { cell: 'pruned' }).params, nb201Cost([0, 0, 0, 1, 0, 0]).params);
  assert.ok(buildNb201Onnx([3, 0, 0, 1, 0, 0]).params > nb201Cost([0, 0, 0, 1, 0, 0]).params);
});

test('statistics follow the reference filter: sorted indices 3..6 of 10 and 25..74 of 100', () => {
  const ten = [9, 1, 8, 2, 7, 3, 6, 4, 5, 100];
  assert.equal(iqrMean(ten), (4 + 5 + 6 + 7) / 4);
  const hundred = Array.from({ length: 100 }, (_, i) => i);
  assert.equal(iqrMean(hundred), (25 + 74) / 2);
  assert.equal(percentile([1, 2, 3, 4], 0.5), 2.5);
  const s = latencyStats([[1, 1, 1, 50], [2, 2, 2, 2]]);
  assert.equal(s.runs, 8);
  assert.ok(s.latency >= 1 && s.latency <= 2);
  assert.equal(iqrMean([1, 2]), 1.5);
  assert.throws(() => latencyStats([[1, NaN]]), /invalid timing/);
});

test('dataset file: durable appends, resume after a torn line, no duplicates, setup check, LatBench export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-ds-'));
  try {
    const path = join(dir, 'd.jsonl');
    const header = { format: 'brp-nas-latency' as const, version: 1, device: 'dev', space: 'nb201' as const, setup: { threads: 1 } };
    const w = DatasetWriter.open(path, header);
    const row = (code: number, s: number) => ({ arch: `(${codeToVector(code).join(', ')})`, code, latency_s: s, median_s: s, p10_s: s, p90_s: s, cv: 0, runs: 10 });
    w.append(row(11468, 0.002));
    w.append(row(4000, 0.003));
    assert.throws(() => w.append(row(4000, 0.003)), /already in/);
    appendFileSync(path, '{"arch":"(1, 2'); // a run killed mid-write
    const again = DatasetWriter.open(path, header);
    assert.deepEqual([...again.measured].map(Number).sort((x, y) => x - y), [4000, 11468]);
    again.append(row(777, 0.004));
    const ds = parseLatencyJsonl(readFileSync(path, 'utf8'), path);
    assert.deepEqual(Array.from(ds.codes), [11468, 4000, 777]);
    assert.equal(ds.device, 'dev');
    assert.throws(() => DatasetWriter.open(path, { ...header, setup: { threads: 2 } }), /different setup/);
    // LatBench export reads back through the pickle reader
    const back = parseLatBench(latBenchPickle(ds), 'x.pickle');
    assert.deepEqual(Array.from(back.codes), Array.from(ds.codes));
    assert.deepEqual(Array.from(back.seconds), Array.from(ds.seconds));
    // malformed rows are named
    writeFileSync(join(dir, 'bad.jsonl'), JSON.stringify(header) + '\n' + JSON.stringify({ ...row(777, 0.004), latency_s: null }) + '\n');
    assert.throws(() => loadLatBench(join(dir, 'bad.jsonl'), dataDir()), /bad\.jsonl:2: latency null is not a positive number/);
    writeFileSync(join(dir, 'nan.jsonl'), JSON.stringify(header) + '\n' + JSON.stringify(row(777, 0.004)).replace('"latency_s":0.004', '"latency_s":NaN') + '\n');
    assert.throws(() => loadLatBench(join(dir, 'nan.jsonl'), dataDir()), /nan\.jsonl:2: holds NaN, which is not a number in JSON/);
    assert.throws(() => again.append({ ...row(778, 0.004), cv: NaN }), /a statistic is NaN/);
    // a file that mixes sessions says so; a noisy model is reported
    const noisy = DatasetWriter.open(path, header);
    noisy.append({ ...row(779, 0.004), cv: 0.3 });
    const notes = parseLatencyJsonl(readFileSync(path), path).notes!.join('\n');
    assert.match(notes, /mixes 3 measuring sessions/);
    // each session's median latency shows a machine that got slower between them
    assert.match(notes, /#0 \d+ models, median \d[\d.]* ms, median CV/);
    assert.match(notes, /1 of 4 models vary more than 10%/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('measure CLI: measures, resumes without duplicates, feeds latency train', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-measure-'));
  try {
    const out = join(dir, 'local.jsonl');
    const args = ['measure', '--space', 'nb201', '--out', out, '--seed', '3', '--rounds', '3', '--runs-per-round', '3', '--warmup', '2', '--interleave', '4', '--json'];
    const a = cli([...args, '--count', '5']);
    assert.equal(a.code, 0, a.err);
    assert.equal(JSON.parse(a.out).models, 5);
    const b = cli([...args, '--count', '12', '--export-pickle', join(dir, 'local.pickle')]);
    assert.equal(b.code, 0, b.err);
    const jb = JSON.parse(b.out);
    assert.equal(jb.models, 12);
    assert.equal(jb.measured_now, 7);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const rows = lines.filter((l) => l.arch !== undefined);
    assert.equal(rows.length, 12);
    assert.equal(new Set(rows.map((l) => l.code)).size, 12);
    // two invocations, two sessions: each recorded once, every row tagged with its session
    assert.deepEqual(lines.filter((l) => l.arch === undefined && l.session !== undefined).map((l) => l.session), [0, 1]);
    assert.deepEqual(rows.map((r) => r.session), [...Array(5).fill(0), ...Array(7).fill(1)]);
    const t = cli(['latency', 'train', '--device', out, '--predictor', 'layerwise', '--train', '8', '--valid', '1', '--no-plot', '--json', '--data', dataDir()]);
    assert.equal(t.code, 0, t.err);
    assert.equal(JSON.parse(t.out).test_count, 3);
    assert.equal(cli([...args, '--count', '12', '--rounds', '4']).code, 1);
    assert.equal(cli(['measure', '--out', out, '--runtime', 'gpu']).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a browser is a device: the same ONNX models measured in headless Chromium with onnxruntime-web', async () => {
  if (await skipBrowser('browser measurement test')) return;
  const dir = mkdtempSync(join(tmpdir(), 'brp-browser-'));
  try {
    const out = join(dir, 'web.jsonl');
    const r = cli(['measure', '--runtime', 'browser', '--out', out, '--count', '3', '--seed', '2', '--rounds', '2', '--runs-per-round', '3', '--warmup', '1', '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.models, 3);
    assert.equal(j.device, 'ort-web-chromium-t1');
    const header = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]);
    assert.equal(header.machine.crossOriginIsolated, true);
    assert.match(header.machine.runtime, /onnxruntime-web .* \(wasm\)/);
    const ds = parseLatencyJsonl(readFileSync(out, 'utf8'), out);
    assert.ok(Array.from(ds.seconds).every((s) => s > 0 && s < 1));
    assert.equal(header.setup.ep, 'wasm');
    // --ep webgpu: the GPU path (here Chromium's software adapter), recorded as such
    const gpu = join(dir, 'webgpu.jsonl');
    const g = cli(['measure', '--runtime', 'browser', '--ep', 'webgpu', '--out', gpu, '--count', '1', '--seed', '2', '--rounds', '1', '--runs-per-round', '2', '--warmup', '1', '--json']);
    assert.equal(g.code, 0, g.err);
    assert.equal(JSON.parse(g.out).device, 'ort-web-chromium-webgpu-t1');
    const gh = JSON.parse(readFileSync(gpu, 'utf8').split('\n')[0]);
    assert.equal(gh.setup.ep, 'webgpu');
    assert.match(gh.machine.runtime, /onnxruntime-web .* \(webgpu\)/);
    assert.ok(gh.machine.adapter && typeof gh.machine.adapter.vendor === 'string', JSON.stringify(gh.machine.adapter));
    const gs = parseLatencyJsonl(readFileSync(gpu, 'utf8'), gpu);
    assert.ok(Array.from(gs.seconds).every((s) => Number.isFinite(s) && s > 0));
    const bad = cli(['measure', '--ep', 'webgpu', '--out', join(dir, 'x.jsonl'), '--count', '1']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--ep applies to --runtime browser/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('measure --model FILE.onnx times one network file (an exported one here): a finite latency; a file that is no model is one line, exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-measure-model-'));
  try {
    const model = join(dir, 'net.onnx');
    const e = cli(['export', '--space', 'darts', '--arch', `Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect', 1), ('sep_conv_3x3', 0), ('dil_conv_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('avg_pool_3x3', 1), ('sep_conv_5x5', 3)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], reduce_concat=[2, 3, 4, 5])`, '--out', model]);
    assert.equal(e.code, 0, e.err);
    const r = cli(['measure', '--model', model, '--warmup', '1', '--rounds', '3', '--runs-per-round', '2', '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.model, model);
    assert.ok(j.latency_ms > 0 && Number.isFinite(j.latency_ms) && j.p10_ms <= j.p90_ms, r.out);
    assert.equal(j.runs, 6);
    writeFileSync(join(dir, 'junk.onnx'), 'not a model');
    const bad = cli(['measure', '--model', join(dir, 'junk.onnx')]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^brp-nas measure: --model .*junk\.onnx: not an ONNX model/);
    assert.equal(bad.err.trim().split('\n').length, 1);
    const mixed = cli(['measure', '--model', model, '--out', join(dir, 'x.jsonl')]);
    assert.equal(mixed.code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('measure --channels --cells --input sizes NB201\'s network (a search\'s Fashion-MNIST networks): the dataset says so, its device name too; a bad --input is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-measure-shape-'));
  try {
    const out = join(dir, 'fm.jsonl');
    const r = cli(['measure', '--space', 'nb201', '--channels', '8', '--cells', '1', '--input', '1x28x28', '--count', '2', '--warmup', '1', '--rounds', '2', '--runs-per-round', '2', '--out', out, '--json', '--quiet']);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).device, 'ort-node-cpu-t1-c8-n1-i1x28x28');
    const header = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]);
    assert.deepEqual(header.setup.network, { batch: 1, channels: 8, cell: 'full', cellsPerStage: 1, inputChannels: 1, inputSize: 28 });
    const bad = cli(['measure', '--space', 'nb201', '--input', '1x28x27', '--count', '1', '--out', join(dir, 'x.jsonl')]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--input must be CxHxW/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
