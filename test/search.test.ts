import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadNb201Benchmark } from '../src/data/nb201-bench.js';
import { spearman } from '../src/eval/metrics.js';
import { nb201SimBenchmark } from '../src/search/benchmark.js';
import { nb201Domain } from '../src/search/domain.js';
import { createWasmKernels } from '../src/nn/kernels-wasm.js';
import { createKernels } from '../src/nn/backend.js';
import { BinaryRelationPredictor } from '../src/predictors/brp.js';
import { GcnRegressor } from '../src/predictors/regressor.js';
import { InterruptedError } from '../src/util/stop.js';
import { IterativePredictorSearch, type IterativeOptions } from '../src/search/iterative.js';
import { RandomSearch } from '../src/search/random.js';
import { RegularizedEvolution } from '../src/search/rea.js';
import { simulateSearch } from '../src/search/simulate.js';
import type { SearchStrategy } from '../src/search/strategy.js';
import { allCodes, codeToVector, parseArch, vectorToCode } from '../src/spaces/nb201/cell.js';
import { Rng } from '../src/util/rng.js';
import { cli, dataDir } from './helpers.js';
import { encodeNb201Codes, nb201GraphsByCode } from '../src/spaces/nb201/graphs.js';

const valid = allCodes({ validOnly: true });
const quality = (c: number) => codeToVector(c).filter((op) => op === 3).length + 0.1 * codeToVector(c).filter((op) => op === 2).length;

function drive(s: SearchStrategy, budget: number): number[] {
  const seen: number[] = [];
  while (seen.length < budget) {
    const p = s.ask(budget - seen.length);
    assert.ok(p.length > 0, `${s.name} stalled at ${seen.length}`);
    seen.push(...p);
    s.tell(p.map((code) => ({ code, value: quality(code) })));
  }
  return seen;
}

test('random search and regularised evolution: distinct, allowed, reproducible proposals', () => {
  for (const make of [(r: Rng) => new RandomSearch(valid, r), (r: Rng) => new RegularizedEvolution(valid, r, nb201Domain.neighbours)]) {
    const a = drive(make(new Rng(1)), 150);
    const b = drive(make(new Rng(1)), 150);
    assert.deepEqual(a, b);
    assert.equal(new Set(a).size, 150);
    const allowed = new Set(valid);
    assert.ok(a.every((c) => allowed.has(c)));
  }
  // evolution climbs: its last 50 models beat random search's on this smooth objective
  const mean = (xs: number[]) => xs.reduce((s, c) => s + quality(c), 0) / xs.length;
  assert.ok(mean(drive(new RegularizedEvolution(valid, new Rng(3), nb201Domain.neighbours), 150).slice(100)) > mean(drive(new RandomSearch(valid, new Rng(3)), 150).slice(100)) + 0.5);
});

test('iterative selection: random first round, then predicted-best plus random from the top part', () => {
  const oracle = { fit() {}, scores: (c: Int32Array) => Float64Array.from(c, quality) };
  const s = new IterativePredictorSearch('oracle', valid, new Rng(2), oracle, { budget: 40, rounds: 4 });
  const seen = drive(s, 40);
  assert.equal(seen.length, 40);
  // round 2 (models 11-15) are the 5 best by the scores among unseen cells
  const best = Math.max(...Array.from(valid, quality));
  assert.equal(quality(seen[10]), best);
  const top = Array.from(valid, quality).sort((a, b) => b - a);
  const half = top[Math.floor(top.length / 2)];
  for (const c of seen.slice(15, 20)) assert.ok(quality(c) >= half, 'random half comes from the top half of the ranking');
});

test('BRP learns a synthetic ranking from pairs; its score is the symmetrised comparator', () => {
  const set = encodeNb201Codes(valid);
  const brp = new BinaryRelationPredictor(createWasmKernels(), { nodes: 9, features: 6, hidden: 48, layers: 3, dropout: 0.1, head: 'binary' });
  const rng = new Rng(5);
  brp.init(rng);
  const ids = rng.sample(Array.from(valid.keys()), 40);
  const y = ids.map((i) => quality(valid[i]) / 6);
  const rep = brp.train(set, ids, y, { steps: 150, lr: 2e-3, weightDecay: 5e-4, cosine: true, patience: 0 }, rng);
  assert.equal(rep.steps, 150);
  const probe = Array.from({ length: 2000 }, (_, i) => i * 7);
  const s = brp.scores(set, probe);
  const rho = spearman(s, probe.map((i) => quality(valid[i])));
  assert.ok(rho > 0.8, `Spearman ${rho}`);
  const f = brp.comparator(set, probe);
  for (const [a, b] of [[0, 1], [5, 900], [1500, 3]]) assert.ok(Math.abs(f(a, b) - f(b, a) - 2 * (s[a] - s[b])) < 1e-4);
});

test('ranking a whole pool hears a stop: scores and predictions throw InterruptedError when stopped, and a signal that never stops changes no bit', () => {
  const set = encodeNb201Codes(valid);
  const k = createWasmKernels();
  const brp = new BinaryRelationPredictor(k, { nodes: 9, features: 6, hidden: 32, layers: 3, dropout: 0.1, head: 'binary' });
  const reg = new GcnRegressor(k, { nodes: 9, features: 6, hidden: 32, layers: 3, dropout: 0.1, head: 'regression' });
  brp.init(new Rng(3));
  reg.init(new Rng(4));
  const ids = Array.from({ length: 3000 }, (_, i) => i * 5);
  const running = { stopped: false };
  const stopped = { stopped: true };
  assert.deepEqual(brp.scores(set, ids, running), brp.scores(set, ids));
  assert.deepEqual(reg.predictNormalised(set, ids, running), reg.predictNormalised(set, ids));
  assert.throws(() => brp.scores(set, ids, stopped), InterruptedError);
  assert.throws(() => reg.predictNormalised(set, ids, stopped), InterruptedError);
  // a stop that comes during the ranking (after a few polls) is heard before it ends
  let polls = 0;
  const later = { get stopped() { return ++polls > 3; } };
  assert.throws(() => brp.scores(set, ids, later), InterruptedError);
  assert.ok(polls > 3);
});

test('simulation: monotone oracle curves, selection never beats the oracle, seeded runs repeat', () => {
  const bench = loadNb201Benchmark(dataDir(), { devices: 'none' });
  const run = () => simulateSearch({ benchmark: nb201SimBenchmark(bench, 'cifar10'), dataset: 'cifar10', strategy: 'rea', budget: 60, runs: 4, seed: 9 });
  const strip = (r: ReturnType<typeof run>) => ({ ...r, seconds: 0, run_seconds: [], per_run: r.per_run.map((x) => ({ ...x, seconds: 0 })) });
  const a = run();
  assert.deepEqual(strip(a), strip(run()));
  for (let i = 1; i < 60; i++) assert.ok(a.curve_mean[i] >= a.curve_mean[i - 1]);
  assert.ok(a.final_selected_test_mean <= a.final_test_mean + 1e-9);
  assert.ok(a.final_test_mean <= a.global_best_test);
  assert.ok(Math.abs(a.global_best_test - 94.3733) < 1e-3);
  assert.throws(() => simulateSearch({ benchmark: nb201SimBenchmark(bench, 'cifar10'), dataset: 'cifar10', strategy: 'rea', budget: 1, runs: 1, seed: 0 }), /budget/);
});

test('--final-retrain K: the search trains budget - K, the K best by validation are trained again with another seed, the pick is the best mean of two', () => {
  const bench = loadNb201Benchmark(dataDir(), { devices: 'none' });
  const benchmark = nb201SimBenchmark(bench, 'cifar10');
  const r = simulateSearch({ benchmark, dataset: 'cifar10', strategy: 'rea', budget: 40, runs: 3, seed: 4, finalRetrain: 3 });
  const plain = simulateSearch({ benchmark, dataset: 'cifar10', strategy: 'rea', budget: 37, runs: 3, seed: 4 });
  const cols = bench.datasets.cifar10;
  r.per_run.forEach((run, i) => {
    // the search part is a search of budget 37 (the same streams): the same cells, the same values
    assert.deepEqual(run.trained, plain.per_run[i].trained);
    assert.deepEqual(run.revealed, plain.per_run[i].revealed);
    const again = run.retrained!;
    assert.equal(again.length, 3);
    const byVal = run.revealed.map((v, j) => [v, j]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 3).map((x) => x[1]);
    assert.deepEqual(again.map((x) => x.index), byVal);
    for (const x of again) {
      // another seed of the same cell: one of its seed values, not the first one's unless it has one seed
      const k = bench.index.indexOfCode[nb201Domain.lookup(run.trained[x.index])];
      const seeds = Array.from(cols.valSeeds.subarray(k * 3, k * 3 + cols.valSeedCount[k]));
      assert.ok(seeds.includes(x.value));
      if (seeds.length > 1 && new Set(seeds).size === seeds.length) assert.notEqual(x.value, run.revealed[x.index]);
    }
    const best = again.reduce((b, x) => (run.revealed[x.index] + x.value > run.revealed[b.index] + b.value ? x : b));
    assert.equal(run.selected.arch, run.trained[best.index]);
    assert.equal(run.selected.validation, (run.revealed[best.index] + best.value) / 2);
  });
  assert.equal(r.selected_curve_mean.length, 40);
  assert.throws(() => simulateSearch({ benchmark, dataset: 'cifar10', strategy: 'rea', budget: 10, runs: 1, seed: 0, finalRetrain: 6 }), /half the budget/);
});

test('search CLI: JSON contract, resume after an interruption, latency constraint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-search-'));
  try {
    const out = join(dir, 'r.json');
    const args = ['search', '--space', 'nb201', '--dataset', 'cifar100', '--strategy', 'random', '--budget', '50', '--seed', '4', '--out', out, '--no-plot', '--json', '--data', dataDir()];
    const first = cli([...args, '--runs', '3']);
    assert.equal(first.code, 0, first.err);
    const j = JSON.parse(first.out);
    for (const k of ['final_test_mean', 'final_selected_test_mean', 'runs', 'budget', 'seconds']) assert.equal(typeof j[k], 'number', k);
    assert.equal(j.runs, 3);
    const resumed = cli([...args, '--runs', '6']);
    assert.match(resumed.err, /resuming after 3 finished runs/);
    const fresh = cli([...args, '--runs', '6', '--out', join(dir, 'fresh.json')]);
    const [x, y] = [JSON.parse(resumed.out), JSON.parse(fresh.out)];
    assert.equal(x.final_test_mean, y.final_test_mean);
    assert.equal(x.final_selected_test_mean, y.final_selected_test_mean);
    // a latency constraint from a saved (baseline) latency model
    const model = join(dir, 'lat.bin');
    assert.equal(cli(['latency', 'train', '--device', 'desktop-cpu-core-i7-7820x-fp32', '--predictor', 'layerwise', '--save', model, '--no-plot', '--data', dataDir()]).code, 0);
    const c = cli(['search', '--dataset', 'cifar100', '--strategy', 'rea', '--budget', '40', '--runs', '4', '--lat-limit', '4', '--latency-model', model, '--out', join(dir, 'c.json'), '--no-plot', '--json', '--data', dataDir()]);
    assert.equal(c.code, 0, c.err);
    const cj = JSON.parse(c.out);
    assert.equal(cj.latency.limit_ms, 4);
    assert.ok(cj.latency.feasible_candidates < 15284 && cj.latency.feasible_candidates > 40);
    assert.ok(cj.latency.selected_truly_feasible_share >= 0 && cj.latency.selected_truly_feasible_share <= 1);
    assert.equal(cli(['search', '--dataset', 'cifar100', '--strategy', 'rea', '--lat-limit', '4']).code, 2);
    assert.equal(cli(['search', '--dataset', 'mnist', '--strategy', 'rea']).code, 2);
    assert.equal(cli(['search', '--dataset', 'cifar100', '--strategy', 'magic']).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('BRP-NAS and the unary GCN search run end to end through the CLI (small budget)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-e2e-'));
  try {
    for (const strategy of ['brp', 'gcn']) {
      const r = cli(['search', '--dataset', 'imagenet16', '--strategy', strategy, '--budget', '16', '--rounds', '2', '--runs', '1', '--seed', '2', '--out', join(dir, `${strategy}.json`), '--json', '--data', dataDir()]);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.budget, 16);
      assert.ok(j.final_test_mean > 0 && j.final_test_mean <= j.global_best_test);
      assert.match(readFileSync(j.plot, 'utf8'), /^<svg/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('target scaling: min-max as the reference, or by rank with tied ranks shared', async () => {
  const { scaleTargets } = await import('../src/search/learners.js');
  assert.deepEqual(scaleTargets([10, 30, 20]), [0, 1, 0.5]);
  assert.deepEqual(scaleTargets([5, 1, 5, 9], 'rank'), [0.5, 0, 0.5, 1]);
  assert.deepEqual(scaleTargets([3, 3]), [0.5, 0.5]);
});

test('transfer: a GCN latency predictor body loads into the BRP predictor', async () => {
  const { latencyBody } = await import('../src/predictors/latency.js');
  const { encodeArtifact } = await import('../src/predictors/artifact.js');
  const { BrpLearner } = await import('../src/search/learners.js');
  const { GcnRegressor } = await import('../src/predictors/regressor.js');
  const k = createWasmKernels();
  const reg = new GcnRegressor(k, { nodes: 9, features: 6, hidden: 32, layers: 2, dropout: 0, head: 'regression' });
  reg.init(new Rng(1));
  const bytes = encodeArtifact({ kind: 'latency-gcn', space: 'nb201', gcn: reg.config, norm: reg.norm, params: reg.model.params }, Float32Array.from(reg.model.paramView()));
  const body = latencyBody(bytes);
  assert.equal(body.length, reg.model.bodyParamCount);
  const learner = new BrpLearner(k, nb201GraphsByCode(), new Rng(2), { hidden: 32, layers: 2, dropout: 0, stepsPerRound: 1, train: { lr: 1e-3, weightDecay: 0, cosine: false, patience: 0 }, targets: 'minmax' }, body);
  assert.deepEqual(Array.from(learner.predictor.model.paramView().subarray(0, body.length)), Array.from(body));
  assert.throws(() => new BrpLearner(k, nb201GraphsByCode(), new Rng(2), { hidden: 64, layers: 2, dropout: 0, stepsPerRound: 1, train: { lr: 1e-3, weightDecay: 0, cosine: false, patience: 0 }, targets: 'minmax' }, body), /transfer: the body has/);
  assert.throws(() => latencyBody(encodeArtifact({ kind: 'latency-flops', space: 'nb201' })), /needs a GCN latency predictor/);
});

test('head-only warm-up: trains the head alone, leaves the body untouched, then the first round trains everything', async () => {
  const { BrpLearner } = await import('../src/search/learners.js');
  const k = createWasmKernels();
  const opts = { hidden: 32, layers: 2, dropout: 0, stepsPerRound: 2, train: { lr: 1e-3, weightDecay: 5e-4, cosine: false, patience: 0 }, targets: 'rank' as const };
  const codes = Array.from({ length: 12 }, (_, i) => valid[i * 97]);
  const values = codes.map(quality);
  const graphs = encodeNb201Codes(codes);
  const ids = codes.map((_, i) => i);
  const pred = new BinaryRelationPredictor(k, { nodes: 9, features: 6, hidden: 32, layers: 2, dropout: 0, head: 'binary' });
  pred.init(new Rng(4));
  const before = Float32Array.from(pred.model.paramView());
  const body = pred.model.bodyParamCount;
  const first = pred.warmUpHead(graphs, ids, values, 1, 1e-2, new Rng(5)).loss;
  const last = pred.warmUpHead(graphs, ids, values, 60, 1e-2, new Rng(5)).loss;
  const after = pred.model.paramView();
  assert.deepEqual(Array.from(after.subarray(0, body)), Array.from(before.subarray(0, body)), 'body changed');
  assert.notDeepEqual(Array.from(after.subarray(body)), Array.from(before.subarray(body)), 'head unchanged');
  assert.ok(last < first, `warm-up loss ${first} -> ${last}`);
  const bad = values.map((v, i) => (i === 3 ? NaN : v));
  assert.throws(() => pred.warmUpHead(graphs, ids, bad, 1, 1e-2, new Rng(5)), /training value NaN is not a finite number/);
  assert.throws(() => pred.train(graphs, ids, bad, { steps: 1, lr: 1e-3, weightDecay: 0, cosine: false, patience: 0 }, new Rng(5)), /training value NaN is not a finite number/);
  // in a learner, the warm-up runs before the first round only and does not replace its training
  const plain = new BrpLearner(k, nb201GraphsByCode(), new Rng(2), opts);
  const warmed = new BrpLearner(k, nb201GraphsByCode(), new Rng(2), { ...opts, warmupSteps: 5 });
  let warmups = 0;
  const warmUpHead = warmed.predictor.warmUpHead.bind(warmed.predictor);
  warmed.predictor.warmUpHead = (...a) => (warmups++, warmUpHead(...a));
  plain.fit(codes, values, 1);
  warmed.fit(codes, values, 1);
  assert.equal(warmups, 1);
  const pb = plain.predictor.model.paramView();
  const wb = warmed.predictor.model.paramView();
  assert.notDeepEqual(Array.from(wb.subarray(0, body)), Array.from(pb.subarray(0, body)));
  const ranked = warmed.scores(Int32Array.from(codes));
  assert.ok(ranked.every(Number.isFinite));
  warmed.fit(codes, values, 2);
  assert.equal(warmups, 1, 'warm-up ran again after the first round');
});

test('search CLI: --warmup needs the brp strategy and a non-negative integer', () => {
  const a = cli(['search', '--dataset', 'cifar10', '--strategy', 'rea', '--warmup', '5', '--runs', '1']);
  assert.equal(a.code, 2);
  assert.match(a.err, /--warmup does not apply to --strategy rea \(only to brp\)/);
  const b = cli(['search', '--dataset', 'cifar10', '--strategy', 'brp', '--warmup=-1', '--runs', '1']);
  assert.equal(b.code, 2);
  assert.match(b.err, /--warmup must be between 0 and 100000, got -1/);
  const c = cli(['search', '--dataset', 'cifar10', '--strategy', 'brp', '--warmup', 'many', '--runs', '1']);
  assert.equal(c.code, 2);
  assert.match(c.err, /--warmup must be an integer/);
});

test('ArchSearch guards the protocol: only asked architectures, once, finite values; a lost result is visible and fail() frees it', async () => {
  const { ArchSearch } = await import('../src/search/arch-search.js');
  const { vectorToArchString } = await import('../src/spaces/nb201/cell.js');
  const acc = (a: string) => quality(vectorToCode(parseArch(a)));
  for (const strategy of ['random', 'rea', 'brp'] as const) {
    const s = new ArchSearch({ strategy, budget: 24, seed: 3, rounds: 2, first: null, brp: { hidden: 16, layers: 2, stepsPerRound: 2 } });
    const first = s.ask(12);
    assert.equal(first.length, 12);
    assert.ok(first.every((a) => a.startsWith('|')));
    assert.throws(() => s.tell(vectorToArchString(codeToVector(valid.find((c) => !first.includes(vectorToArchString(codeToVector(c))))!)), 50), /was not asked for/);
    assert.throws(() => s.tell(first[0], Number.NaN), /must be a finite number, got NaN/);
    assert.throws(() => s.tell('000000', 50), /not a candidate/);
    assert.throws(() => s.tell('|bogus~0|', 50), /unknown operation|unknown NB201/);
    for (const a of first.slice(0, 11)) s.tell(a, acc(a));
    assert.throws(() => s.tell(first[0], 1), /already told/);
    // one result missing: the predictor search waits and says for what; the others may go on
    const more = s.ask(12);
    if (strategy !== 'random') {
      assert.deepEqual(more, strategy === 'brp' ? [] : more);
      assert.ok(s.pending.includes(first[11]));
    }
    for (const a of more) s.tell(a, acc(a));
    s.fail(first[11]);
    assert.ok(!s.pending.includes(first[11]));
    while (!s.done) for (const a of s.ask(6)) s.tell(a, acc(a));
    assert.equal(s.history().length, 24);
    assert.deepEqual(s.history().map((t) => t.step), Array.from({ length: 24 }, (_, i) => i + 1));
    const best = s.best()!;
    assert.equal(best.accuracy, Math.max(...s.history().map((t) => t.accuracy)));
    assert.deepEqual(s.ask(5), []);
    s.dispose();
  }
});

test('every strategy proposes one cell per isomorphism class', async () => {
  const { isoClass } = await import('../src/search/iso-class.js');
  for (const make of [(r: Rng) => new RandomSearch(valid, r, isoClass), (r: Rng) => new RegularizedEvolution(valid, r, nb201Domain.neighbours, undefined, isoClass), (r: Rng) => new IterativePredictorSearch('oracle', valid, r, { fit() {}, scores: (c: Int32Array) => Float64Array.from(c, quality) }, { budget: 300, rounds: 5, classOf: isoClass })]) {
    const seen = drive(make(new Rng(4)), 300);
    assert.equal(new Set(seen.map(isoClass)).size, 300);
  }
});

test('iterative search: --first sets the first round, the rest share the later rounds; --warm-start params picks it as a predictor would (half the largest, half from the larger half)', () => {
  const candidates = allCodes({ validOnly: true });
  const params = (c: number) => nb201Domain.params(c);
  const fits: number[] = [];
  const learner = { fit: (codes: number[]) => void fits.push(codes.length), scores: (ids: Int32Array) => Float64Array.from(ids, (c) => -c) };
  const s = new IterativePredictorSearch('t', candidates, new Rng(5), learner, { budget: 40, rounds: 4, first: 10, warmScores: (ids) => Float64Array.from(ids, params), classOf: nb201Domain.classOf });
  const sizes: number[] = [];
  const first = s.ask(1000);
  sizes.push(first.length);
  // half the first round: the largest networks, in order (one per isomorphism class)
  const byParams = Array.from(candidates).sort((a, b) => params(b) - params(a));
  assert.equal(params(first[0]), params(byParams[0]));
  assert.ok(first.slice(0, 5).every((c) => params(c) >= params(byParams[40])), 'top half of the round: among the largest');
  // the other half: from the larger half by parameters, not the top
  const median = params(byParams[byParams.length >> 1]);
  assert.ok(first.slice(5).every((c) => params(c) > median));
  s.tell(first.map((code) => ({ code, value: 1 })));
  for (let r = 0; r < 3; r++) {
    const next = s.ask(1000);
    sizes.push(next.length);
    s.tell(next.map((code) => ({ code, value: 1 })));
  }
  assert.deepEqual(sizes, [10, 10, 10, 10]);
  assert.deepEqual(fits, [10, 20, 30]);
  assert.deepEqual(s.ask(1000), []);
  assert.throws(() => new IterativePredictorSearch('t', candidates, new Rng(5), learner, { budget: 40, rounds: 1, first: 10 }), /at least 2 rounds/);
  // on the command line: --first beyond the budget, or without rounds to share the rest, is refused
  let r = cli(['search', '--dataset', 'cifar10', '--strategy', 'brp', '--budget', '20', '--first', '30', '--runs', '1', '--json']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--first 30 is more than the budget/);
  r = cli(['search', '--dataset', 'cifar10', '--strategy', 'rea', '--budget', '20', '--warm-start', 'params', '--runs', '1', '--json']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--warm-start does not apply to --strategy rea/);
});

test('iterative search: --explore sets the random share of the predictor rounds (0.5: the reference\'s half and half, bit for bit); the warm first round stays half and half', async () => {
  const { searchSettingsFrom, searchResultName, searchKey } = await import('../src/search/options.js');
  const candidates = allCodes({ validOnly: true });
  const params = (c: number) => nb201Domain.params(c);
  // the learner ranks by a fixed score: a round's exploit picks are the best fresh codes by that score
  const score = (c: number) => quality(c);
  const learner = { fit() {}, scores: (ids: Int32Array) => Float64Array.from(ids, score) };
  const rounds = (explore: number | undefined) => {
    const s = new IterativePredictorSearch('t', candidates, new Rng(9), learner, { budget: 40, rounds: 4, first: 10, warmScores: (ids) => Float64Array.from(ids, params), ...(explore === undefined ? {} : { explore }) });
    const out: number[][] = [];
    for (let r = 0; r < 4; r++) {
      const got = s.ask(1000);
      out.push(got);
      s.tell(got.map((code) => ({ code, value: 1 })));
    }
    return out;
  };
  const byScore = Array.from(candidates).sort((a, b) => score(b) - score(a));
  const exploitPicks = (round: number[], taken: Set<number>) => {
    // how many of the round's picks are the predicted best (in order, skipping what earlier rounds took)
    const best = byScore.filter((c) => !taken.has(c));
    let k = 0;
    while (k < round.length && round[k] === best[k]) k++;
    return k;
  };
  const half = rounds(undefined);
  assert.deepEqual(rounds(0.5), half, 'explore 0.5 is the default, the same picks');
  const more = rounds(0.2);
  assert.deepEqual(more[0], half[0], 'the warm first round does not depend on --explore');
  const taken = new Set(more[0]);
  assert.ok(exploitPicks(more[1], taken) >= 8, 'round 2: 8 of 10 from the predicted best');
  assert.ok(exploitPicks(half[1], new Set(half[0])) < 8);
  const all = rounds(0);
  assert.equal(exploitPicks(all[1], new Set(all[0])), 10);
  assert.throws(() => new IterativePredictorSearch('t', candidates, new Rng(5), learner, { budget: 40, rounds: 4, explore: 1.5 }), /explore must be a share between 0 and 1/);
  // the option: named and keyed only when it differs from the reference's 0.5, so earlier results keep their names
  const s = searchSettingsFrom({ dataset: 'cifar100', strategy: 'brp', explore: '0.2' });
  assert.equal(s.explore, 0.2);
  assert.equal(searchResultName(s), 'cifar100-brp-b100-seed0-rounds10-first10-warm-params-explore0.2-local2');
  assert.equal(searchKey(s).explore, 0.2);
  assert.equal(searchKey(searchSettingsFrom({ dataset: 'cifar100', strategy: 'brp' })).explore, 0.2, 'the default since 2026-12-03');
  assert.ok(!('explore' in searchKey(searchSettingsFrom({ dataset: 'cifar100', strategy: 'brp', explore: '0.5' }))), 'the reference\'s share is keyed as before');
  assert.throws(() => searchSettingsFrom({ dataset: 'cifar100', strategy: 'brp', explore: '2' }), /--explore must be between 0 and 1, got 2/);
  assert.throws(() => searchSettingsFrom({ dataset: 'cifar100', strategy: 'rea', explore: '0.2' }), /--explore does not apply to --strategy rea/);
});

test('search defaults: 10 rounds, the first of 10 chosen by parameter count, predicted-best picks near the 2 best measured, 2 of each later round at random; names and keys stay relative to the first release, so its results keep their names', async () => {
  const { searchSettingsFrom, searchResultName, searchKey } = await import('../src/search/options.js');
  const d = searchSettingsFrom({ dataset: 'cifar100', strategy: 'brp' });
  assert.deepEqual([d.rounds, d.first, d.warmStart, d.explore, d.local], [10, 10, 'params', 0.2, 2]);
  assert.equal(searchResultName(d), 'cifar100-brp-b100-seed0-rounds10-first10-warm-params-explore0.2-local2');
  assert.deepEqual(searchKey(d), { protocol: 2, dataset: 'cifar100', strategy: 'brp', budget: 100, seed: 0, rounds: 10, first: 10, warmStart: 'params', explore: 0.2, local: 2, targets: 'rank', referenceSelection: false, transfer: null, warmup: 0, latLimitMs: null, latencyModel: null });
  // BRP-NAS's selection: the first release's default, under its old name and key
  const ref = searchSettingsFrom({ dataset: 'cifar100', strategy: 'brp', rounds: '5', first: 'auto', 'warm-start': 'random', explore: '0.5', local: '0' });
  assert.equal(ref.first, null);
  assert.equal(searchResultName(ref), 'cifar100-brp-b100-seed0');
  assert.ok(!('first' in searchKey(ref)) && !('warmStart' in searchKey(ref)) && !('explore' in searchKey(ref)) && !('local' in searchKey(ref)));
  // a small budget shrinks the default first round; a single round takes the whole budget; an asked-for one is checked
  assert.equal(searchSettingsFrom({ dataset: 'cifar10', strategy: 'brp', budget: '6' }).first, 6);
  assert.equal(searchSettingsFrom({ dataset: 'cifar10', strategy: 'brp', rounds: '1' }).first, 100);
  assert.throws(() => searchSettingsFrom({ dataset: 'cifar10', strategy: 'brp', budget: '6', first: '7' }), /--first 7 is more than the budget/);
  assert.throws(() => searchSettingsFrom({ dataset: 'cifar10', strategy: 'brp', first: 'some' }), /--first must be an integer between 1 and 1000000 or auto, got "some"/);
  // the library applies the same defaults: one round takes the whole budget instead of failing
  const { ArchSearch } = await import('../src/search/arch-search.js');
  const one = new ArchSearch({ strategy: 'brp', budget: 12, seed: 1, rounds: 1, brp: { hidden: 8, layers: 1 } });
  assert.equal(one.ask(100).length, 12);
  const small = new ArchSearch({ strategy: 'brp', budget: 6, seed: 1, brp: { hidden: 8, layers: 1 } });
  assert.equal(small.ask(100).length, 6);
  // strategies without rounds keep their names
  assert.equal(searchResultName(searchSettingsFrom({ dataset: 'cifar100', strategy: 'rea' })), 'cifar100-rea-b100-seed0');
});
test('result keys: an unset (null) option equals an absent one, anything else must match', async () => {
  const { sameSearchKey } = await import('../src/search/options.js');
  assert.ok(sameSearchKey({ protocol: 2, space: 'nb101', rounds: 5 }, JSON.stringify({ protocol: 2, space: 'nb101', rounds: 5, latLimitMs: null })));
  assert.ok(!sameSearchKey({ protocol: 2, rounds: 5 }, { protocol: 2, rounds: 6 }));
  assert.ok(!sameSearchKey({ protocol: 2, rounds: 5 }, { protocol: 2, rounds: 5, latLimitMs: 3 }));
  assert.ok(!sameSearchKey('not json', { protocol: 2 }));
});

/** A fake predictor's score for the local-pick tests: the quality above, ties broken by code. */
const fakeScore = (c: number) => quality(c) + c * 1e-9;
/** A predictor that never learns and scores fakeScore. */
const fakeLearner = { fit() {}, scores: (ids: Int32Array) => Float64Array.from(ids, fakeScore) };

/**
 * Three rounds (10 + 10 + 10) of an iterative search over NB201's valid cells whose predictor scores
 * fakeScore and whose measured value is -code (another order than the predictor's, so "best measured"
 * means something).
 */
function fakeLocalRounds(opts: Partial<IterativeOptions>): number[][] {
  const s = new IterativePredictorSearch('t', allCodes({ validOnly: true }), new Rng(3), fakeLearner, { budget: 30, rounds: 3, first: 10, ...opts });
  const out: number[][] = [];
  for (let r = 0; r < 3; r++) {
    const got = s.ask(1000);
    out.push(got);
    s.tell(got.map((code) => ({ code, value: -code })));
  }
  return out;
}

/** The 5 best-scored fresh cells of `hood`, one per isomorphism class: a local round's exploit share. */
function expectedLocalPicks(hood: Set<number>, measured: number[]): number[] {
  const expected = Array.from(allCodes({ validOnly: true })).filter((c) => hood.has(c) && !measured.includes(c)).sort((a, b) => fakeScore(b) - fakeScore(a));
  const picked: number[] = [];
  for (const c of expected) {
    if (picked.length === 5) break;
    if (!picked.some((p) => nb201Domain.classOf(p) === nb201Domain.classOf(c))) picked.push(c);
  }
  return picked;
}

test('iterative search: --local K takes the predicted-best picks from the neighbours of the K best measured (0: the whole ranking, bit for bit)', async () => {
  const { searchSettingsFrom, searchResultName, searchKey } = await import('../src/search/options.js');
  const rounds = (local: number | undefined) => fakeLocalRounds(local === undefined ? {} : { local, neighbours: nb201Domain.neighbours });
  const plain = rounds(undefined);
  assert.deepEqual(rounds(0), plain, 'local 0 is the default');
  const near = rounds(2);
  assert.deepEqual(near[0], plain[0], 'the first round is random either way');
  const best2 = near[0].slice().sort((a, b) => a - b).slice(0, 2);
  // round 2: the first 5 picks (the exploit share) are the best-scored fresh cells of that neighbourhood
  const picked = expectedLocalPicks(new Set(best2.flatMap((c) => nb201Domain.neighbours(c))), near[0]);
  assert.deepEqual(near[1].slice(0, 5), picked);
  assert.notDeepEqual(near[1].slice(0, 5), plain[1].slice(0, 5));
  // the option: named and keyed only when set
  const s = searchSettingsFrom({ dataset: 'cifar10', strategy: 'brp', local: '5' });
  assert.equal(searchResultName(s), 'cifar10-brp-b100-seed0-rounds10-first10-warm-params-explore0.2-local5');
  assert.equal(searchKey(s).local, 5);
  assert.ok(!('local' in searchKey(searchSettingsFrom({ dataset: 'cifar10', strategy: 'brp', local: '0' }))), 'local 0 (the baseline) is left out of keys');
  assert.throws(() => searchSettingsFrom({ dataset: 'cifar10', strategy: 'random', local: '5' }), /--local does not apply to --strategy random/);
  assert.throws(() => searchSettingsFrom({ dataset: 'cifar10', strategy: 'brp', local: '-1' }), /--local must be between 0 and 1000/);
});

test('iterative search without isomorphism classes (dedupe off) never proposes a cell twice, also when the random share meets the predicted best', () => {
  const candidates = allCodes({ validOnly: true }).slice(0, 40);
  for (let seed = 0; seed < 20; seed++) {
    const s = new IterativePredictorSearch('t', candidates, new Rng(seed), fakeLearner, { budget: 40, rounds: 4, first: 10 });
    const seen = new Set<number>();
    for (let r = 0; r < 4; r++) {
      const got = s.ask(1000);
      for (const c of got) {
        assert.ok(!seen.has(c), `seed ${seed}, round ${r}: ${c} proposed twice`);
        seen.add(c);
      }
      s.tell(got.map((code) => ({ code, value: fakeScore(code) })));
    }
    assert.equal(seen.size, 40);
  }
});

test('zero-cost scores: --warm-start synflow ranks by the expected SynFlow (nb201 only)', async () => {
  const { searchSettingsFrom, searchResultName, searchKey } = await import('../src/search/options.js');
  const { zeroCostScores } = await import('../src/search/zero-cost.js');
  const { listDomain } = await import('../src/search/domain.js');
  const { nb201Space } = await import('../src/spaces/nb201/space.js');
  const { nb201Synflow, nb201SynflowByCode } = await import('../src/spaces/nb201/synflow.js');
  const { getSpace } = await import('../src/spaces/registry.js');
  const archs = [0, 1, 2].map((i) => codeToVector(valid[i * 4001]));
  const d = listDomain(nb201Space, archs);
  assert.deepEqual(Array.from(zeroCostScores(d, 'synflow', [0, 1, 2])), archs.map((v) => Math.log10(nb201Synflow(v))));
  assert.deepEqual(Array.from(zeroCostScores(d, 'params', [2])), [nb201Space.cost(archs[2]).params]);
  const nb101 = getSpace('nb101');
  const d101 = listDomain(nb101, [nb101.sample(new Rng(1))]);
  assert.throws(() => zeroCostScores(d101, 'synflow', [0]), /has no SynFlow score \(only nb201 has\): use params/);
  // the whole space's table takes tens of seconds: Ctrl-C (a stop signal) ends it, and nothing is cached
  const stopped = { stopped: true };
  assert.throws(() => zeroCostScores(nb201Domain, 'synflow', [0, 1], stopped), { name: 'InterruptedError' });
  assert.throws(() => zeroCostScores(d, 'synflow', [0, 1], stopped), { name: 'InterruptedError' });
  assert.throws(() => nb201SynflowByCode(undefined, stopped), { name: 'InterruptedError' });
  assert.throws(() => searchSettingsFrom({ space: 'nb101', strategy: 'brp', 'warm-start': 'synflow' }), /--warm-start synflow: only nb201 has a SynFlow score/);
  const s = searchSettingsFrom({ dataset: 'cifar10', strategy: 'brp', 'warm-start': 'synflow' });
  assert.equal(searchResultName(s), 'cifar10-brp-b100-seed0-rounds10-first10-warm-synflow-explore0.2-local2');
  assert.equal(searchKey(s).warmStart, 'synflow');
});

test('simulation: --local reaches the strategy (the first round unchanged, later rounds differ)', () => {
  const bench = loadNb201Benchmark(dataDir(), { devices: 'none' });
  const run = (extra: object) => smallBrpSearch(bench, {}, extra);
  const plain = run({});
  for (const extra of [{ local: 3 }, { local: 0 }]) {
    const t = run(extra);
    assert.deepEqual(t.slice(0, 10), plain.slice(0, 10), JSON.stringify(extra));
    assert.notDeepEqual(t.slice(10), plain.slice(10), JSON.stringify(extra));
  }
});

test('--warm-start synflow: the first round takes half the highest expected SynFlow, half from the better half', async () => {
  const { createStrategy } = await import('../src/search/arch-search.js');
  const { listDomain } = await import('../src/search/domain.js');
  const { nb201Space } = await import('../src/spaces/nb201/space.js');
  const keys = new Set<string>();
  const archs = Array.from({ length: 300 }, (_, i) => codeToVector(valid[i * 50])).filter((v) => !keys.has(nb201Space.key(v)) && keys.add(nb201Space.key(v)));
  const d = listDomain(nb201Space, archs);
  const ids = Int32Array.from(archs.keys());
  const sf = archs.map((v) => nb201Space.synflow!(v));
  const s = createStrategy({ strategy: 'brp', budget: 20, rounds: 2, first: 10, warmStart: 'synflow', dedupe: false, brp: { hidden: 8, layers: 1 }, kernels: createWasmKernels() }, d, ids, new Rng(4));
  const first = s.ask(100);
  const bySf = Array.from(ids).sort((a, b) => sf[b] - sf[a]);
  assert.deepEqual(first.slice(0, 5), bySf.slice(0, 5));
  const median = sf[bySf[bySf.length >> 1]];
  assert.ok(first.slice(5).every((id) => sf[id] > median), 'the random half comes from the better half by SynFlow');
});

/** A short seeded CIFAR-10 BRP simulation (10 warm-started + 2 rounds of 10) with a small predictor: the cells it trained. */
function smallBrpSearch(bench: ReturnType<typeof loadNb201Benchmark>, brp: object = {}, extra: object = {}): string[] {
  return simulateSearch({ benchmark: nb201SimBenchmark(bench, 'cifar10'), dataset: 'cifar10', strategy: 'brp', budget: 30, rounds: 3, first: 10, runs: 1, seed: 2, brp: { hidden: 16, layers: 2, stepsPerModel: 1, ...brp }, kernels: () => createKernels({ threads: 1 }), ...extra }).per_run[0].trained;
}

