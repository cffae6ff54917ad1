import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadNb101Pool } from '../src/data/nb101-pool.js';
import { loadRunCheckpoint, saveRunCheckpoint } from '../src/search/checkpoint.js';
import { NpArray, PyDict, PyTuple, unpickle } from '../src/data/pickle.js';
import { makeCell, parseNb101, formatNb101, compactNb101, NB101_TOTAL } from '../src/spaces/nb101/cell.js';
import { nb101Cost, nb101LayerFeatures } from '../src/spaces/nb101/cost.js';
import { NB101_ENC_FEATURES, NB101_ENC_NODES, encodeNb101Into } from '../src/spaces/nb101/encoding.js';
import { enumerateNb101, enumeratedCell, indexOfNb101, vertexOrderings } from '../src/spaces/nb101/enumerate.js';
import { nb101Hash } from '../src/spaces/nb101/hash.js';
import { nb101Neighbours, randomNb101 } from '../src/spaces/nb101/mutate.js';
import { Rng } from '../src/util/rng.js';
import { cli, dataDir } from './helpers.js';

const OPS = { in: 'input', c1: 'conv1x1-bn-relu', c3: 'conv3x3-bn-relu', mp: 'maxpool3x3', out: 'output' };
const SPEC_MATRIX = [[0, 1, 1, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]];
const SPEC_OPS = [OPS.in, OPS.c1, OPS.c3, OPS.c3, OPS.c3, OPS.mp, OPS.out];

test('NB101 hash: the reference spec test vector; every notation round-trips', () => {
  const c = parseNb101(JSON.stringify({ matrix: SPEC_MATRIX, ops: SPEC_OPS }));
  assert.equal(nb101Hash(c), '28cfc7874f6d200472e1a9dcd8650aa0');
  assert.equal(nb101Hash(parseNb101(formatNb101(c))), nb101Hash(c));
  assert.equal(nb101Hash(parseNb101(compactNb101(c))), nb101Hash(c));
  // isomorphic orderings share the hash
  for (const o of vertexOrderings(c)) assert.equal(nb101Hash(o), nb101Hash(c));
  assert.ok(vertexOrderings(c).length > 1);
});

test('NB101 hash and parameters: all 30 cells of naslib/nb101_dummy.pkl', () => {
  const d = unpickle(readFileSync(join(dataDir(), 'naslib/nb101_dummy.pkl')));
  assert.ok(d instanceof PyDict && d.size === 30);
  for (const [key, v] of d.entries()) {
    const fixed = (v as PyTuple).items[0] as PyDict;
    const adj = fixed.get('module_adjacency') as NpArray;
    const n = adj.shape[0];
    const rows = Array.from({ length: n }, (_, i) => Array.from(adj.data.slice(i * n, (i + 1) * n), Number));
    const ops = fixed.get('module_operations') as string[];
    const c = parseNb101(JSON.stringify({ matrix: rows, ops }));
    assert.equal(nb101Hash(c), key);
    assert.equal(nb101Cost(c).params, Number(fixed.get('trainable_parameters')), `params of ${key}`);
  }
});

test('NB101 pool: every row of nb101-cells.csv rebuilds to its hash; params equal on the benchmark\'s own matrices', () => {
  const path = join(dataDir(), 'nb101/nb101-cells.csv');
  const pool = loadNb101Pool(path); // recomputes and checks every row's hash
  assert.equal(pool.cells.length, 35591);
  const src = new Map(readFileSync(path, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => [l.split(',')[0], l.split(',')[4]]));
  const P = pool.columns.get('params')!;
  let checked = 0;
  let viaOrdering = 0;
  pool.cells.forEach((c, i) => {
    if (Number.isNaN(P[i])) return;
    checked++;
    const mine = nb101Cost(c).params;
    if (src.get(pool.hashes[i]) !== 'enum') assert.equal(mine, P[i], `row ${pool.lines[i]}`);
    else if (mine !== P[i]) {
      // an isomorphic representative: the benchmark's own vertex order gives the table's count
      assert.ok(vertexOrderings(c).some((o) => nb101Cost(o).params === P[i]), `row ${pool.lines[i]}: no vertex order gives ${P[i]}`);
      viaOrdering++;
    }
  });
  assert.equal(checked, 35524);
  assert.ok(viaOrdering > 0 && viaOrdering < 1000);
});

test('NB101 enumeration: exactly 423,624 classes; ids round-trip; a sample has distinct hashes', () => {
  const e = enumerateNb101();
  assert.equal(e.count, NB101_TOTAL);
  assert.deepEqual(e.perVertices.slice(2), [1, 6, 84, 2441, 62010, 359082]);
  const rng = new Rng(3);
  const hashes = new Set<string>();
  for (let k = 0; k < 3000; k++) {
    const id = rng.int(e.count);
    const c = enumeratedCell(e, id);
    assert.equal(indexOfNb101(e, c), id);
    for (const o of vertexOrderings(c).slice(0, 3)) assert.equal(indexOfNb101(e, o), id);
    hashes.add(nb101Hash(c));
  }
  // random cells as the benchmark draws them are all in the enumeration; 3000 distinct ids -> distinct hashes
  for (let k = 0; k < 200; k++) indexOfNb101(e, randomNb101(rng));
  assert.ok(hashes.size > 2980);
});

test('NB101 encoding: padding before the output, global node, one-hot slots', () => {
  const c = parseNb101('1:'); // input -> output only
  const adj = new Float32Array(64);
  const feat = new Float32Array(56);
  encodeNb101Into(c, adj, 0, feat, 0);
  const A = (i: number, j: number) => adj[i * NB101_ENC_NODES + j];
  const hot = (i: number) => Array.from(feat.subarray(i * NB101_ENC_FEATURES, (i + 1) * NB101_ENC_FEATURES)).indexOf(1);
  assert.deepEqual(Array.from({ length: 8 }, (_, j) => A(0, j)), [1, 1, 1, 1, 1, 1, 1, 1]);
  assert.equal(A(1, 7), 1); // input -> output (moved to padded position 6, +1 for the global node)
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(hot), [6, 4, 0, 0, 0, 0, 0, 5]);
  const d = parseNb101(JSON.stringify({ matrix: SPEC_MATRIX, ops: SPEC_OPS }));
  encodeNb101Into(d, adj, 0, feat, 0);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(hot), [6, 4, 2, 1, 1, 1, 3, 5]);
  assert.equal(A(4, 5), 1); // 3 -> 4
  assert.equal(A(5, 4), 0); // no backward edge, no symmetrisation
  let sum = 0;
  for (const x of adj) sum += x;
  assert.equal(sum, 8 + 7 + 9); // global row, self-loops, 9 edges
});

test('NB101 neighbours: valid, distinct, one edit away, never the cell itself', () => {
  // the 2-vertex cell has none: one added edge cannot put a vertex on an input-output path
  assert.deepEqual(nb101Neighbours(parseNb101('1:')), []);
  // input->v->output plus input->output: drop an edge (v pruned, or the direct edge gone) or change v's op
  assert.deepEqual(nb101Neighbours(parseNb101('111:0')).map(compactNb101), ['1:', '101:0', '111:1', '111:2']);
  const rng = new Rng(5);
  for (let k = 0; k < 20; k++) {
    const c = randomNb101(rng);
    if (c.n === 2) continue;
    const h = nb101Hash(c);
    const ns = nb101Neighbours(c);
    assert.ok(ns.length > 0, compactNb101(c));
    const hs = ns.map(nb101Hash);
    assert.equal(new Set(hs).size, hs.length);
    assert.ok(!hs.includes(h));
  }
});

test('NB101 bad input: clear errors naming the problem', () => {
  const J = (matrix: number[][], ops: string[]) => JSON.stringify({ matrix, ops });
  const full = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => (j > i ? 1 : 0)));
  assert.throws(() => parseNb101(J(full, [OPS.in, OPS.c3, OPS.c3, OPS.c3, OPS.c3, OPS.out])), /too many edges: 15 after pruning, at most 9/);
  assert.throws(() => parseNb101(J([[0, 1, 0], [0, 0, 1], [0, 0, 0]], [OPS.in, 'conv5x5', OPS.out])), /unknown op "conv5x5" at vertex 1/);
  assert.throws(() => parseNb101(J([[0, 1, 0], [0, 0, 0], [0, 0, 0]], [OPS.in, OPS.c3, OPS.out])), /disconnected/);
  assert.throws(() => parseNb101(J([[0, 0], [1, 0]], [OPS.in, OPS.out])), /not forward/);
  assert.throws(() => parseNb101('{"matrix": [[0,1],[0,0]], "ops": ["input","output"], "x": 1}'), /unknown field "x"/);
  assert.throws(() => parseNb101('0101:22'), /upper triangle has 6 entries; got 4/);
  assert.throws(() => parseNb101('hello'), /expected JSON/);
  const eight = Array.from({ length: 8 }, (_, i) => Array.from({ length: 8 }, (_, j) => (j === i + 1 ? 1 : 0)));
  assert.throws(() => makeCell(eight, [-1, 0, 0, 0, 0, 0, 0, -2]), /too many vertices: 8/);
});

test('NB101 pool file: missing columns and bad values refused with the line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nb101-pool-'));
  try {
    const head = 'hash,n_vertices,adj_upper,ops,val108_1run';
    const good = '043721b9c7fe8c5fad811d47d83132ec,2,1,,0.83583736';
    const f = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    assert.equal(loadNb101Pool(f('ok.csv', `${head}\n${good}\n`), { need: ['val108_1run'] }).cells.length, 1);
    assert.throws(() => loadNb101Pool(f('a.csv', `hash,n_vertices,ops,val108_1run\n`)), /:1: missing column "adj_upper"/);
    assert.throws(() => loadNb101Pool(f('b.csv', `hash,n_vertices,adj_upper,ops\n${good.slice(0, -11)}\n`), { need: ['val108_1run'] }), /:1: missing column "val108_1run"/);
    assert.throws(() => loadNb101Pool(f('c.csv', `${head}\n${good.replace('0.83583736', 'abc')}\n`)), /c\.csv:2: val108_1run "abc" is not a number/);
    assert.throws(() => loadNb101Pool(f('c2.csv', `${head}\n${good}\n${good}\n`)), /c2\.csv:3: cell 043721\S+ already on line 2/);
    assert.throws(() => loadNb101Pool(f('d.csv', `${head}\n${good.replace('043721', '143721')}\n`)), /d\.csv:2: hash 143721\S+ does not match the cell/);
    assert.throws(() => loadNb101Pool(f('e.csv', `${head}\n${good},7\n`)), /e\.csv:2: 6 fields, the header has 5/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('NB101 CLI: space --json total; search on the pool prints the NB201 fields plus pool_size and percentile', () => {
  const s = cli(['space', 'nb101', '--json']);
  assert.equal(s.code, 0, s.err);
  assert.equal(JSON.parse(s.out).total, 423624);
  const dir = mkdtempSync(join(tmpdir(), 'nb101-search-'));
  try {
    const r = cli(['search', '--space', 'nb101', '--reveal', 'val108_1run', '--strategy', 'rea', '--budget', '30', '--runs', '2', '--seed', '1', '--out', join(dir, 'r.json'), '--no-plot', '--json', '--quiet', '--data', dataDir()]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    for (const k of ['strategy', 'budget', 'runs', 'seed', 'final_test_mean', 'final_selected_test_mean', 'global_best_test', 'reached_global_best', 'per_run', 'pool_size', 'final_percentile_mean']) assert.ok(k in j, k);
    assert.equal(j.pool_size, 20001);
    assert.ok(j.final_percentile_mean > 50 && j.final_percentile_mean <= 100);
    assert.ok(j.final_test_mean > 90 && j.final_test_mean <= j.global_best_test);
    const saved = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    assert.match(saved.benchmark.pool, /nb101-cells\.csv: the 20001 cells with val108_1run/);
    const bad = cli(['search', '--space', 'nb101', '--dataset', 'cifar10', '--strategy', 'rea', '--out', join(dir, 'x.json')]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--dataset does not apply to --space nb101/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('NB101 ONNX networks: parameters equal the cost model, and they run; measure --space nb101 writes keyed rows and resumes', async () => {
  const { buildNb101Onnx } = await import('../src/spaces/nb101/onnx.js');
  const ort = (await import('onnxruntime-node')).default;
  const rng = new Rng(11);
  for (const c of [parseNb101('1:'), parseNb101('111:0'), parseNb101(JSON.stringify({ matrix: SPEC_MATRIX, ops: SPEC_OPS })), randomNb101(rng), randomNb101(rng)]) {
    const net = buildNb101Onnx(c);
    assert.equal(net.params, nb101Cost(c).params);
    const s = await ort.InferenceSession.create(net.bytes);
    const out = await s.run({ [net.inputName]: new ort.Tensor('float32', new Float32Array(3 * 32 * 32).fill(0.1), net.inputShape) });
    assert.deepEqual(Array.from(out[net.outputName].dims), [1, 10]);
    await s.release();
  }
  const dir = mkdtempSync(join(tmpdir(), 'nb101-measure-'));
  try {
    const out = join(dir, 'lat.jsonl');
    const args = ['measure', '--space', 'nb101', '--count', '2', '--seed', '3', '--warmup', '1', '--rounds', '2', '--runs-per-round', '2', '--out', out, '--quiet', '--json'];
    const a = cli(args);
    assert.equal(a.code, 0, a.err);
    assert.equal(JSON.parse(a.out).models, 2);
    const b = cli([...args.slice(0, 4), '3', ...args.slice(5)]);
    assert.equal(JSON.parse(b.out).measured_now, 1);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.arch);
    assert.equal(rows.length, 3);
    for (const r of rows) assert.equal(r.key, nb101Hash(parseNb101(r.arch)));
    const t = cli(['latency', 'train', '--device', out]);
    assert.equal(t.code, 2);
    assert.match(t.err, /--train 400 \+ --valid 50 leave no test models among the 3/);
    const c = cli(['measure', '--space', 'nb101', '--cell', 'pruned', '--out', join(dir, 'x.jsonl')]);
    assert.equal(c.code, 2);
    assert.match(c.err, /--cell does not apply to --space nb101/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('latency predictors beyond NB201: latency train/predict on a measured-format NB101 dataset (synthetic latencies from FLOPs and op mix)', async () => {
  const { DatasetWriter } = await import('../src/data/measured-dataset.js');
  const { measureOrder } = await import('../src/measure/measure-space.js');
  const dir = mkdtempSync(join(tmpdir(), 'nb101-lat-'));
  try {
    const path = join(dir, 'dev.jsonl');
    const w = DatasetWriter.open(path, { format: 'brp-nas-latency', version: 1, device: 'synthetic', space: 'nb101', setup: { synthetic: true } });
    const order = measureOrder('nb101', 4);
    for (let i = 0; i < 120; i++) {
      const it = order.at(i);
      const c = parseNb101(it.arch);
      // a made-up device: 2 ms fixed, 1 ms per GFLOP, and conv1x1 layers 3x as slow per FLOP
      const f = nb101LayerFeatures(c);
      const s = (2 + nb101Cost(c).flops / 1e9 + (2 * (f[1] + f[5] + f[9])) / 1e3) / 1e3;
      w.append({ arch: it.arch, key: it.key, latency_s: s, median_s: s, p10_s: s, p90_s: s, cv: 0.01, runs: 1 });
    }
    const res: Record<string, { spearman: number; test_count: number }> = {};
    for (const p of ['flops', 'layerwise', 'gcn']) {
      const r = cli(['latency', 'train', '--device', path, '--predictor', p, '--train', '80', '--valid', '10', ...(p === 'gcn' ? ['--epochs', '3', '--threads', '1'] : []), '--save', join(dir, `${p}.model`), '--no-plot', '--quiet', '--json']);
      assert.equal(r.code, 0, r.err);
      res[p] = JSON.parse(r.out);
      for (const k of ['within1', 'within5', 'within10', 'rmse_ms', 'spearman', 'kendall', 'train_seconds', 'test_count']) assert.ok(k in res[p], `${p}: ${k}`);
      assert.equal(res[p].test_count, 30);
    }
    // the layer-wise model can express per-layer-type costs, a FLOPs fit cannot
    assert.ok(res.layerwise.spearman > 0.99, `layer-wise ${res.layerwise.spearman}`);
    assert.ok(res.flops.spearman < res.layerwise.spearman, `flops ${res.flops.spearman}`);
    const pr = cli(['latency', 'predict', '--model', join(dir, 'layerwise.model'), '--arch', '111:0', '--json']);
    assert.equal(pr.code, 0, pr.err);
    const one = JSON.parse(pr.out);
    assert.equal(one.arch, formatNb101(parseNb101('111:0')));
    const c = parseNb101('111:0');
    const truth = 2 + nb101Cost(c).flops / 1e9 + (2 * (nb101LayerFeatures(c)[1] + nb101LayerFeatures(c)[5] + nb101LayerFeatures(c)[9])) / 1e3;
    assert.ok(Math.abs(one.latency_ms - truth) / truth < 0.02, `${one.latency_ms} vs ${truth}`);
    // the GCN on the layer-wise residual: three epochs teach a GCN little, the sum carries the ranking,
    // and the saved model adds the two back
    const gp = cli(['latency', 'train', '--device', path, '--predictor', 'gcn', '--prior', 'layerwise', '--train', '80', '--valid', '10', '--epochs', '3', '--threads', '1', '--save', join(dir, 'gcn-prior.model'), '--no-plot', '--quiet', '--json']);
    assert.equal(gp.code, 0, gp.err);
    const withPrior = JSON.parse(gp.out);
    assert.equal(withPrior.prior, 'layerwise');
    assert.ok(withPrior.spearman > 0.98 && withPrior.spearman > res.gcn.spearman, `prior ${withPrior.spearman} vs plain ${res.gcn.spearman}`);
    const gpr = cli(['latency', 'predict', '--model', join(dir, 'gcn-prior.model'), '--arch', '111:0', '--json']);
    assert.equal(gpr.code, 0, gpr.err);
    assert.ok(Math.abs(JSON.parse(gpr.out).latency_ms - truth) / truth < 0.05, `${JSON.parse(gpr.out).latency_ms} vs ${truth}`);
    // a saved prior that does not fit the space's layer features is refused, not added wrongly
    const { decodeArtifact, encodeArtifact } = await import('../src/predictors/artifact.js');
    const { loadSpaceLatencyPredictor } = await import('../src/predictors/space-latency.js');
    const { header, params } = decodeArtifact(readFileSync(join(dir, 'gcn-prior.model')));
    const { format: _f, version: _v, paramCount: _p, ...rest } = header;
    const forged = encodeArtifact({ ...rest, prior: { kind: 'layerwise', weights: [1, 2, 3] } } as Parameters<typeof encodeArtifact>[0], params);
    assert.throws(() => loadSpaceLatencyPredictor(forged, 'forged.model'), /^Error: forged.model: malformed layer-wise prior$/);
    // auto (the default) fits the GCN with and without the prior beside the two fits
    const au = cli(['latency', 'train', '--device', path, '--train', '80', '--valid', '10', '--epochs', '3', '--no-plot', '--quiet', '--json']);
    assert.equal(au.code, 0, au.err);
    assert.deepEqual(Object.keys(JSON.parse(au.out).candidates), ['gcn', 'gcn+layerwise', 'layerwise', 'flops']);
    const bad = cli(['latency', 'train', '--device', path, '--split', 'grouped']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--split applies to nb201 datasets/);
    const badArch = cli(['latency', 'predict', '--model', join(dir, 'layerwise.model'), '--arch', '|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|']);
    assert.equal(badArch.code, 1);
    assert.match(badArch.err, /unknown NB101 cell/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a checkpointed run keeps steps without a value (NaN, which JSON writes as null), as results of older releases have', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nb101-nan-steps-'));
  try {
    const path = join(dir, 'runs.json');
    const r = { bestTest: Float64Array.from([NaN, 93.5]), selectedTest: Float64Array.from([NaN, 93]), selectedCode: 1, trained: [1], revealed: [93], reachedGlobalBestAt: null, seconds: 1 };
    saveRunCheckpoint(path, '{"k":1}', [r]);
    const [back] = loadRunCheckpoint(path, '{"k":1}');
    assert.ok(Number.isNaN(back.bestTest[0]) && Number.isNaN(back.selectedTest[0]) && back.bestTest[1] === 93.5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
