import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DARTS_EVAL_NETWORK, dartsCost } from '../src/spaces/darts/cost.js';
import { DARTS_ENC_FEATURES, DARTS_ENC_NODES, dartsLabels, encodeDartsInto } from '../src/spaces/darts/encoding.js';
import { compactDarts, formatDarts, parseDarts, type Genotype } from '../src/spaces/darts/genotype.js';
import { dartsKey, dartsNeighbours } from '../src/spaces/darts/mutate.js';
import { referenceSampler } from '../src/spaces/darts/sample.js';
import { dartsSpace } from '../src/spaces/darts/space.js';
import { PyRandom } from '../src/util/py-random.js';
import { Rng } from '../src/util/rng.js';
import { cli, dataDir } from './helpers.js';

const DARTS_V2 = "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=range(2, 6))";

test('PyRandom reproduces CPython (values printed by CPython 3): getrandbits, random, sample, choices', () => {
  // CPython: random.seed(0); [random.getrandbits(32) for _ in range(3)] == [3626764237, 1654615998, 3255389356]
  const r = new PyRandom(0);
  assert.deepEqual([r.u32(), r.u32(), r.u32()], [3626764237, 1654615998, 3255389356]);
  // random.seed(42); random.random() == 0.6394267984578837
  assert.equal(new PyRandom(42).random(), 0.6394267984578837);
  // a seed above 2^32 (two key words): random.seed(2**40 + 7); random(), sample([0..4], 2), choices(range(7), k=3)
  const b = new PyRandom(2 ** 40 + 7);
  assert.equal(b.random(), 0.6137037779936511);
  assert.deepEqual(b.sample([0, 1, 2, 3, 4], 2), [4, 3]);
  assert.deepEqual(b.choices([0, 1, 2, 3, 4, 5, 6], 3), [1, 4, 3]);
});

test('DARTS sampling: the reference spec test vectors (seeds 0, 123, 888) and the seed-0 label vector', () => {
  const g0 = referenceSampler(0)();
  assert.equal(
    formatDarts(g0),
    "Genotype(normal=[('dil_conv_3x3', 1), ('dil_conv_3x3', 0), ('skip_connect', 2), ('avg_pool_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 3), ('dil_conv_3x3', 1), ('skip_connect', 0)], normal_concat=[2, 3, 4, 5], reduce=[('sep_conv_5x5', 1), ('avg_pool_3x3', 0), ('dil_conv_5x5', 2), ('dil_conv_5x5', 0), ('dil_conv_3x3', 2), ('dil_conv_5x5', 1), ('skip_connect', 2), ('dil_conv_3x3', 1)], reduce_concat=[2, 3, 4, 5])",
  );
  assert.match(formatDarts(referenceSampler(123)()), /^Genotype\(normal=\[\('max_pool_3x3', 0\), \('max_pool_3x3', 1\), \('skip_connect', 0\)/);
  assert.match(formatDarts(referenceSampler(888)()), /^Genotype\(normal=\[\('max_pool_3x3', 1\), \('sep_conv_5x5', 0\), \('dil_conv_5x5', 1\)/);
  const N = null;
  assert.deepEqual(dartsLabels(g0), [9, 9, 6, 6, 8, N, 3, 8, 4, N, 8, 6, N, 8, 10, 9, 9, 5, 3, 8, 7, 7, 8, 6, 7, 8, N, 6, 8, 10]);
});

test('DARTS encoding: 31 x 10, global row, skip nodes bypassed, cells disconnected', () => {
  const g = parseDarts(DARTS_V2);
  const adj = new Float32Array(DARTS_ENC_NODES ** 2);
  const feat = new Float32Array(DARTS_ENC_NODES * DARTS_ENC_FEATURES);
  encodeDartsInto(g, adj, 0, feat, 0);
  const A = (i: number, j: number) => adj[i * DARTS_ENC_NODES + j];
  for (let j = 0; j < 31; j++) assert.equal(A(0, j), 1);
  for (let i = 1; i < 31; i++) for (let j = 1; j < 31; j++) if ((i <= 15) !== (j <= 15)) assert.equal(A(i, j), 0, `edge between cells ${i}->${j}`);
  // normal node 3 (j = 2): edges (sep_conv_3x3, 1) and (skip_connect, 0): the skip op node (+9) is bypassed, input 0 feeds addition +10
  assert.equal(A(1 + 0, 1 + 10), 1);
  assert.equal(Array.from(feat.subarray((1 + 9) * 10, (1 + 9) * 10 + 10)).every((x) => x === 0), true);
  assert.equal(A(1 + 9, 1 + 9), 1); // the removed node keeps its self-loop
  let rows = 0;
  for (let i = 0; i < 31; i++) rows += feat.subarray(i * 10, i * 10 + 10).reduce((a, b) => a + b, 0);
  assert.equal(rows, 31 - 5); // DARTS_V2 has 5 skip_connect ops
});

test('DARTS genotypes: both notations round-trip; malformed genotypes are refused naming the problem', () => {
  const g = parseDarts(DARTS_V2);
  assert.equal(formatDarts(parseDarts(compactDarts(g))), formatDarts(g));
  assert.equal(compactDarts(parseDarts(formatDarts(g))), compactDarts(g));
  assert.throws(() => parseDarts(DARTS_V2.replace("'dil_conv_3x3', 2", "'conv_7x7', 2")), /unknown op "conv_7x7"/);
  assert.throws(() => parseDarts(DARTS_V2.replace("('dil_conv_3x3', 2)", "('dil_conv_3x3', 5)")), /node 5 takes input 5; it can only read nodes 0..4/);
  assert.throws(() => parseDarts(DARTS_V2.replace("('dil_conv_3x3', 2)], normal", "], normal")), /needs 8 edges/);
  assert.throws(() => parseDarts(DARTS_V2.replace('range(2, 6)', '[2, 3]')), /concat must be \[2, 3, 4, 5\]/);
  assert.throws(() => parseDarts('[[(0, 9), (1, 5)], [(1, 0)]]'), /op id 9|needs 8 edges/);
  assert.throws(() => parseDarts('Genotype(x)'), /expected Genotype\(normal=/);
  assert.throws(() => parseDarts('sep_conv_3x3'), /unknown DARTS genotype/);
});

test('DARTS cost: DARTS_V2 on the evaluation network has the published 3.3 M parameters (3,349,342 as DARTS prints); NASLib params of all 725 genotypes', () => {
  assert.equal(dartsCost(parseDarts(DARTS_V2), DARTS_EVAL_NETWORK).params, 3349342);
  const d = JSON.parse(readFileSync(join(dataDir(), 'darts/naslib-zc-nasbench301.json'), 'utf8')).cifar10 as Record<string, { arch: string; params: { score: number } }>;
  const rows = Object.values(d);
  assert.equal(rows.length, 725);
  // NB301's training network (32 channels, 8 cells) with the ops' BN layers non-affine, as NASLib builds them from its search space
  const cfg = { channels: 32, layers: 8, numClasses: 10, inputSize: 32, auxiliary: false, opAffine: false };
  for (const r of rows) assert.equal(dartsCost(parseDarts(r.arch), cfg).params, Math.round(r.params.score * 1e6), r.arch);
});

test('DARTS keys: edge order within a node and node renumbering do not matter; neighbours are one edit away', () => {
  const g = parseDarts(DARTS_V2);
  const swapped: Genotype = { normal: { ops: [3, 3, 3, 3, 2, 3, 2, 5], inputs: [1, 0, 1, 0, 0, 1, 0, 2] }, reduce: g.reduce };
  assert.equal(dartsKey(swapped), dartsKey(g));
  // renumber: nodes 4 and 5 of the normal cell do not read each other, so they can swap places
  const n = g.normal;
  const renumbered: Genotype = { normal: { ops: [...n.ops.slice(0, 4), ...n.ops.slice(6, 8), ...n.ops.slice(4, 6)], inputs: [...n.inputs.slice(0, 4), ...n.inputs.slice(6, 8), ...n.inputs.slice(4, 6)] }, reduce: g.reduce };
  assert.equal(dartsKey(renumbered), dartsKey(g));
  const other: Genotype = { normal: { ops: [4, ...n.ops.slice(1)], inputs: n.inputs }, reduce: g.reduce };
  assert.notEqual(dartsKey(other), dartsKey(g));
  const rng = new Rng(2);
  for (let k = 0; k < 10; k++) {
    const x = dartsSpace.sample(rng);
    const ns = dartsNeighbours(x);
    assert.ok(ns.length > 60);
    const keys = new Set(ns.map(dartsKey));
    assert.equal(keys.size, ns.length);
    assert.ok(!keys.has(dartsKey(x)));
  }
});

test('DARTS CLI: space darts --json gives its size as a number and how it is counted', () => {
  const r = cli(['space', 'darts', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(typeof j.total, 'number');
  assert.ok(j.total > 1e18);
  assert.match(j.counted, /7\^8/);
});

test('DARTS ONNX networks: parameters equal the cost model; measure --space darts in Node and in Chromium', async () => {
  const { buildDartsOnnx } = await import('../src/spaces/darts/onnx.js');
  const ort = (await import('onnxruntime-node')).default;
  const small = { channels: 8, layers: 5 };
  const next = referenceSampler(7);
  for (const g of [parseDarts(DARTS_V2), next(), next()]) {
    assert.equal(buildDartsOnnx(g).params, dartsCost(g, DARTS_EVAL_NETWORK).params);
    const net = buildDartsOnnx(g, { network: small });
    assert.equal(net.params, dartsCost(g, { ...DARTS_EVAL_NETWORK, ...small }).params);
    const s = await ort.InferenceSession.create(net.bytes);
    const out = await s.run({ [net.inputName]: new ort.Tensor('float32', new Float32Array(3 * 32 * 32).fill(0.2), net.inputShape) });
    assert.deepEqual(Array.from(out[net.outputName].dims), [1, 10]);
    await s.release();
  }
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'darts-measure-'));
  try {
    const skipBrowser = process.env.BRPNAS_SKIP_BROWSER === '1';
    if (skipBrowser) console.log('DARTS browser measurement skipped on request (BRPNAS_SKIP_BROWSER=1)');
    for (const runtime of skipBrowser ? ['node'] : ['node', 'browser']) {
      const out = join(dir, `${runtime}.jsonl`);
      const r = cli(['measure', '--space', 'darts', '--runtime', runtime, '--count', '1', '--seed', '0', '--warmup', '1', '--rounds', '2', '--runs-per-round', '2', '--out', out, '--quiet', '--json']);
      assert.equal(r.code, 0, r.err);
      const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((x) => x.arch);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].key, dartsKey(referenceSampler(0)()));
      assert.ok(rows[0].latency_s > 0);
    }
    const bad = cli(['measure', '--space', 'darts', '--out', join(dir, 'x.jsonl')]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--space darts needs --count N/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('DARTS data: NASLib 725 (surrogate labels, proxies) and CDP 100 (real labels, with none ops) load; bad files are refused', async () => {
  const { loadNaslibDarts, loadCdpDarts, DARTS_FILES } = await import('../src/data/darts-data.js');
  const { DARTS_NONE } = await import('../src/spaces/darts/genotype.js');
  const a = loadNaslibDarts(join(dataDir(), DARTS_FILES.naslib));
  assert.equal(a.genotypes.length, 725);
  assert.equal(new Set(a.genotypes.map(dartsKey)).size, 725);
  for (const k of ['params', 'flops', 'synflow', 'jacov', 'snip', 'nwot']) assert.equal(a.scores.get(k)?.length, 725, k);
  assert.ok(Math.min(...a.accuracy) > 91 && Math.max(...a.accuracy) < 95);
  assert.match(a.label, /surrogate/);
  const b = loadCdpDarts(join(dataDir(), DARTS_FILES.cdp));
  assert.equal(b.genotypes.length, 100);
  assert.ok(Math.min(...b.accuracy) > 77 && Math.max(...b.accuracy) < 90);
  assert.match(b.label, /real/);
  const withNone = b.genotypes.find((g) => g.normal.ops.includes(DARTS_NONE))!;
  assert.ok(withNone);
  // a none op node: no features and no edges but its self-loop
  const adj = new Float32Array(31 * 31);
  const feat = new Float32Array(31 * 10);
  encodeDartsInto(withNone, adj, 0, feat, 0);
  const e = withNone.normal.ops.indexOf(DARTS_NONE);
  const node = 1 + 2 + 3 * (e >> 1) + (e & 1);
  assert.equal(feat.subarray(node * 10, node * 10 + 10).reduce((x, y) => x + y, 0), 0);
  for (let j = 1; j < 31; j++) if (j !== node) assert.equal(adj[node * 31 + j] + adj[j * 31 + node], 0);
  assert.equal(parseDarts(formatDarts(withNone)).normal.ops[e], DARTS_NONE);
  const { buildDartsOnnx } = await import('../src/spaces/darts/onnx.js');
  assert.throws(() => buildDartsOnnx(withNone), /'none' \(zero\) ops/);
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'darts-data-'));
  try {
    writeFileSync(join(dir, 'x.pth.tar'), 'not a zip');
    assert.throws(() => loadCdpDarts(join(dir, 'x.pth.tar')), /not a zip archive/);
    writeFileSync(join(dir, 'x.json'), '{"cifar100": {}}');
    assert.throws(() => loadNaslibDarts(join(dir, 'x.json')), /expected \{"cifar10"/);
    writeFileSync(join(dir, 'y.json'), '{"cifar10": {"a": {"arch": "[[(0, 0)], [(0, 0)]]", "val_accuracy": 93}}}');
    assert.throws(() => loadNaslibDarts(join(dir, 'y.json')), /entry a: .*needs 8 edges/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('BRP training on a subset of models per step: trains, and the subset option changes nothing when it covers all models', async () => {
  const { BinaryRelationPredictor } = await import('../src/predictors/brp.js');
  const { createWasmKernels } = await import('../src/nn/kernels-wasm.js');
  const { encodeArchs } = await import('../src/spaces/graphs.js');
  const rng = new Rng(4);
  const gs = Array.from({ length: 24 }, () => dartsSpace.sample(rng));
  const set = encodeArchs(dartsSpace, gs);
  const y = gs.map((g) => g.normal.ops.filter((o) => o === 3).length / 8);
  const ids = gs.map((_, i) => i);
  const run = (modelsPerStep?: number) => {
    const k = createWasmKernels();
    const p = new BinaryRelationPredictor(k, { nodes: 31, features: 10, hidden: 16, layers: 2, dropout: 0, head: 'binary' });
    p.init(new Rng(1));
    const rep = p.train(set, ids, y, { steps: 30, lr: 1e-2, weightDecay: 0, cosine: false, patience: 0, modelsPerStep }, new Rng(2));
    return { loss: rep.loss, params: Array.from(p.model.paramView().subarray(0, 50)) };
  };
  assert.deepEqual(run(24), run(undefined));
  const sub = run(8);
  assert.ok(Number.isFinite(sub.loss));
  assert.notDeepEqual(sub.params, run(undefined).params);
});

test('scoring many large graphs goes in chunks that agree with one pass (DARTS, 10,000 genotypes)', async () => {
  const { BinaryRelationPredictor } = await import('../src/predictors/brp.js');
  const { createWasmKernels } = await import('../src/nn/kernels-wasm.js');
  const { encodeArchs } = await import('../src/spaces/graphs.js');
  const rng = new Rng(9);
  const gs = Array.from({ length: 10000 }, () => dartsSpace.sample(rng));
  const set = encodeArchs(dartsSpace, gs);
  const k = createWasmKernels();
  const p = new BinaryRelationPredictor(k, { nodes: 31, features: 10, hidden: 16, layers: 3, dropout: 0, head: 'binary' });
  p.init(new Rng(3));
  const all = p.scores(set, Int32Array.from(gs.keys())); // 310,000 nodes: chunked
  const head = p.scores(set, Int32Array.from({ length: 300 }, (_, i) => i)); // one pass
  const tail = p.scores(set, Int32Array.from({ length: 300 }, (_, i) => 9700 + i));
  let spread = 0;
  for (const x of all) spread = Math.max(spread, Math.abs(x));
  assert.ok(spread > 0, 'scores are not all zero');
  for (let i = 0; i < 300; i++) {
    assert.ok(Math.abs(all[i] - head[i]) <= 1e-5 * spread, `graph ${i}: ${all[i]} vs ${head[i]}`);
    assert.ok(Math.abs(all[9700 + i] - tail[i]) <= 1e-5 * spread, `graph ${9700 + i}`);
  }
});

test('ArchSearch on DARTS: a seeded candidate sample, DARTS strings in and out, rea and brp', async () => {
  const { ArchSearch } = await import('../src/search/arch-search.js');
  const objective = (arch: string) => -dartsCost(parseDarts(arch), DARTS_EVAL_NETWORK).params / 1e6; // prefer small networks
  const run = (strategy: 'rea' | 'brp') => {
    const s = new ArchSearch({ space: 'darts', strategy, budget: 20, seed: 5, sampleSize: 300, rounds: 2, brp: { hidden: 16, layers: 2, stepsPerRound: 3 } });
    const seen = new Set<string>();
    while (!s.done) for (const a of s.ask(4)) {
      assert.ok(!seen.has(dartsKey(parseDarts(a))));
      seen.add(dartsKey(parseDarts(a)));
      s.tell(a, objective(a));
    }
    return s;
  };
  const a = run('rea');
  assert.equal(a.history().length, 20);
  assert.match(a.best()!.arch, /^Genotype\(normal=/);
  assert.deepEqual(run('rea').history(), a.history());
  const b = run('brp');
  assert.equal(b.history().length, 20);
  assert.throws(() => new ArchSearch({ space: 'darts', strategy: 'rea', budget: 10, sampleSize: 1 }), /sampleSize must be an integer >= 2/);
});

test('guided and random candidate pools: budgets, distinct keys, exclusions, best first; guided beats random at equal cost', async () => {
  const { guidedPool, randomPool } = await import('../src/search/guided-pool.js');
  // a cheap stand-in for a predictor: more separable 3x3 convolutions in the normal cell is better
  const score = (gs: { normal: { ops: readonly number[] } }[]) => Float64Array.from(gs, (g) => g.normal.ops.filter((o) => o === 3).length);
  const exclude = new Set([dartsKey(referenceSampler(0)())]);
  const g = guidedPool(dartsSpace, score, new Rng(1), { initial: 100, parents: 1, budget: 1500 }, exclude);
  const r = randomPool(dartsSpace, score, new Rng(1), 1500, { keep: 50, exclude, chunk: 128 });
  for (const p of [g, r]) {
    assert.equal(new Set(p.keys).size, p.keys.length);
    assert.ok(!p.keys.some((k) => exclude.has(k)));
    for (let i = 1; i < p.scores.length; i++) assert.ok(p.scores[i] <= p.scores[i - 1]);
    p.archs.forEach((a, i) => assert.equal(dartsKey(a as Genotype), p.keys[i]));
  }
  assert.equal(g.scored, 1500);
  assert.equal(g.archs.length, 1500);
  assert.equal(r.scored, 1500);
  assert.equal(r.archs.length, 50);
  assert.equal(r.allScores.length, 1500);
  assert.equal(r.scores[0], Math.max(...r.allScores));
  assert.equal(g.scores[0], 8); // the guided search reaches the optimum (all eight edges)
  assert.ok(g.scores[0] > r.scores[0], `guided ${g.scores[0]} vs random ${r.scores[0]}`);
  assert.throws(() => guidedPool(dartsSpace, score, new Rng(1), { initial: 10, parents: 1, budget: 5 }), /budget >= initial/);
});

test('space --arch describes an NB101 cell (hash, enumeration id, pool row) and a DARTS genotype (key, costs)', () => {
  const a = cli(['space', 'nb101', '--arch', '1:', '--json']);
  assert.equal(a.code, 0, a.err);
  const j = JSON.parse(a.out);
  assert.equal(j.hash, '043721b9c7fe8c5fad811d47d83132ec');
  assert.equal(j.id, 0);
  assert.equal(j.cost.params, 882570);
  assert.equal(j.pool_row.params, 882570);
  const d = cli(['space', 'darts', '--arch', DARTS_V2, '--json']);
  assert.equal(d.code, 0, d.err);
  const k = JSON.parse(d.out);
  assert.equal(k.key, dartsKey(parseDarts(DARTS_V2)));
  assert.equal(k.cost.eval_network.params, 3349342);
});
