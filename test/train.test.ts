import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadNb201Benchmark } from '../src/data/nb201-bench.js';
import { nb201SimBenchmark } from '../src/search/benchmark.js';
import { simulateSearch } from '../src/search/simulate.js';
import { Journal } from '../src/train/journal.js';
import { paretoFront } from '../src/train/pareto.js';
import { realSearchStreams, runRealSearch } from '../src/train/real-search.js';
import { TableTrainer } from '../src/train/table-trainer.js';
import { parseTrainerCommand, trainerArgv } from '../src/train/trainer-command.js';
import { parseTrainerOutput } from '../src/train/trainer-output.js';
import { Rng } from '../src/util/rng.js';
import { ROOT, cli, dataDir, spawnCli, type CliRun } from './helpers.js';

const TRAINER = join(ROOT, 'test/fixtures/trainer.mjs');
const cmd = `node ${TRAINER} --arch {arch} --attempt {attempt} --out {out}`;
const tmp = () => mkdtempSync(join(tmpdir(), 'brpnas-train-'));
const NASTY = ['|nor_conv_3x3~0|+|none~0|skip_connect~1|', `Genotype(normal=[('sep_conv_3x3', 1)], normal_concat=[2, 3])`, '{"matrix":[[0,1],[0,0]],"ops":["input","output"]}', 'a b\tc\nd', "'; rm -rf / #", '$(touch /tmp/x) `id` $HOME ${PATH} * ? [a] ~ > < & ;', ''];

test('trainer commands: words as a shell reads them, placeholders replaced inside one argument, shell constructs refused', () => {
  const c = parseTrainerCommand(`python3 "my train.py" --arch={arch} --out '{out}' --home $HOME_X {index} {seed} {attempt}`, { HOME_X: '/h' });
  assert.deepEqual(c.words, ['python3', 'my train.py', '--arch={arch}', '--out', '{out}', '--home', '/h', '{index}', '{seed}', '{attempt}']);
  for (const arch of NASTY) {
    const argv = trainerArgv(c, { arch, out: '/o', index: '3', seed: '7', attempt: '2' });
    assert.equal(argv.length, 10);
    assert.equal(argv[2], `--arch=${arch}`);
    assert.deepEqual(argv.slice(7), ['3', '7', '2']);
  }
  // a placeholder-like text inside the architecture is not substituted again
  assert.equal(trainerArgv(c, { arch: '{out}', out: '/o', index: '1', seed: '0', attempt: '1' })[2], '--arch={out}');
  for (const bad of ['train.sh {arch} | tee log', 'train.sh {arch} > log', 'train.sh {arch} && echo', 'train.sh *.py {arch}', 'train.sh {arch}; rm x', 'train.sh --no-arch', '', '{arch} x']) assert.throws(() => parseTrainerCommand(bad), /shell|\{arch\}|empty|placeholder/, bad);
});

test('trainer output: the last stdout line is the result; anything else is malformed, said in words', () => {
  assert.deepEqual(parseTrainerOutput('epoch 1\n{"accuracy": 91.5, "latency_ms": 3.2, "params": 1e6, "note": "x"}\n\n'), { accuracy: 91.5, latency_ms: 3.2, metrics: { params: 1e6, note: 'x' } });
  for (const [text, msg] of [
    ['', /printed nothing/],
    ['{"accuracy": 1}\nbye', /not JSON/],
    ['[1]', /not a JSON object/],
    ['{"acc": 1}', /"accuracy" must be a finite number/],
    ['{"accuracy": "91"}', /"accuracy"/],
    ['{"accuracy": 1, "latency_ms": -2}', /latency_ms/],
    ['{"accuracy": 1, "latency_ms": "fast"}', /latency_ms/],
    ['{"accuracy": 1, "loss": [1, 2]}', /metric "loss"/],
  ] as const)
    assert.throws(() => parseTrainerOutput(text), msg, text);
});

test('the journal is durable line by line: a torn last line is dropped, damage before it is an error', () => {
  const dir = tmp();
  try {
    const p = join(dir, 'j.jsonl');
    const j = new Journal(p);
    j.append({ t: 'start', n: 1 });
    j.append({ t: 'ask', archs: ['a|b'] });
    j.close();
    appendFileSync(p, '{"t":"res'); // a crash mid-write
    const k = new Journal(p);
    assert.equal(k.repairedTail, true);
    assert.deepEqual(k.records.map((r) => r.t), ['start', 'ask']);
    k.append({ t: 'result', i: 1 });
    k.close();
    assert.deepEqual(readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l).t), ['start', 'ask', 'result']);
    writeFileSync(p, '{"t":"start"}\nnot json\n{"t":"ask"}\n');
    const before = readFileSync(p);
    assert.throws(() => new Journal(p), /j.jsonl:2: not a journal record/);
    assert.deepEqual(readFileSync(p), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Pareto front: the candidates no other beats on both accuracy and latency', () => {
  const pts = [
    { arch: 'a', accuracy: 70, latency_ms: 5 },
    { arch: 'b', accuracy: 72, latency_ms: 9 },
    { arch: 'c', accuracy: 69, latency_ms: 6 },
    { arch: 'd', accuracy: 72, latency_ms: 8 },
    { arch: 'e', accuracy: 60, latency_ms: 1 },
  ];
  assert.deepEqual(paretoFront(pts).map((p) => p.arch), ['e', 'a', 'd']);
});

test('a table-trained real search makes the simulation\'s choices and reveals its values (rea and random, 3 workers)', async () => {
  const bench = loadNb201Benchmark(dataDir(), { devices: 'none' });
  for (const strategy of ['rea', 'random'] as const) {
    const dir = tmp();
    try {
      const b = nb201SimBenchmark(bench, 'cifar10');
      const sim = simulateSearch({ benchmark: b, dataset: 'cifar10', strategy, budget: 30, runs: 1, seed: 5 });
      const out = await runRealSearch({ search: { space: 'nb201', strategy, budget: 30, seed: 5 }, runner: new TableTrainer(b, realSearchStreams(5).reveal), stateDir: dir, workers: 3, retries: 0, timeoutMs: null, identity: { strategy } });
      assert.deepEqual(out.trained.map((c) => c.arch), sim.per_run[0].trained, strategy);
      assert.deepEqual(out.trained.map((c) => c.accuracy), sim.per_run[0].revealed, strategy);
      assert.equal(Math.max(...out.trained.map((c) => c.metrics.test_accuracy as number)), sim.final_test_mean);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('contract: search --trainer table:nb201 (brp, budget 40, seed 1, 2 workers) prints the simulation\'s JSON with trained and failed, and the same selected model', () => {
  const dir = tmp();
  try {
    const common = ['search', '--space', 'nb201', '--dataset', 'cifar100', '--strategy', 'brp', '--budget', '40', '--runs', '1', '--seed', '1', '--final-retrain', '0'];
    const r = cli([...common, '--trainer', 'table:nb201', '--workers', '2', '--state', join(dir, 'state'), '--json', '--quiet']);
    assert.equal(r.code, 0, r.err);
    const real = JSON.parse(r.out);
    const s = cli([...common, '--out', join(dir, 'sim.json'), '--json', '--quiet', '--no-plot']);
    assert.equal(s.code, 0, s.err);
    const sim = JSON.parse(s.out);
    for (const k of ['space', 'strategy', 'dataset', 'budget', 'runs', 'seed', 'final_test_se', 'final_selected_test_mean', 'pool_size', 'per_run']) assert.ok(k in real, k);
    assert.equal(real.trained, 40);
    assert.equal(real.failed, 0);
    assert.equal(real.final_test_mean, sim.per_run[0].selected.validation); // the best accuracy the trainer reported
    assert.equal(real.per_run[0].selected.arch, sim.per_run[0].selected.arch);
    assert.equal(real.final_selected_test_mean, sim.final_selected_test_mean);
    assert.equal(real.oracle.final_test_mean, sim.final_test_mean);
    assert.match(real.oracle.note, /table trainer/);
    // no latency known: the front is over the cost model's FLOPs
    const pareto = JSON.parse(readFileSync(join(dir, 'state/pareto.json'), 'utf8'));
    assert.match(pareto.cost, /^mflops/);
    assert.ok(pareto.front.length >= 1 && pareto.points.length === 40 && pareto.points.every((p: { mflops: number }) => p.mflops > 0));
    assert.equal(typeof pareto.provenance.commit, 'string');
    const saved = JSON.parse(readFileSync(join(dir, 'state/result.json'), 'utf8'));
    // the result says what made it: options, commit, and the table's files
    assert.equal(saved.options.seed, 1);
    assert.equal(typeof saved.provenance.commit, 'string');
    assert.ok(saved.data.files.length > 0 && saved.data.files.every((f: { bytes: number }) => f.bytes > 0));
    assert.deepEqual(saved.candidates.map((c: { arch: string }) => c.arch), JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8')).per_run[0].trained);
    // the same command on the finished search answers from its result: the same JSON (seconds as
    // recorded), result.json untouched, the journal not replayed
    const before = readFileSync(join(dir, 'state/result.json'), 'utf8');
    const again = cli([...common, '--trainer', 'table:nb201', '--workers', '2', '--state', join(dir, 'state'), '--json']);
    assert.equal(again.code, 0, again.err);
    assert.deepEqual(JSON.parse(again.out), real);
    assert.match(again.err, /holds a finished search with these options/);
    assert.doesNotMatch(again.err, /resuming/);
    assert.equal(readFileSync(join(dir, 'state/result.json'), 'utf8'), before);
    // other options are another search: refused by the journal, not answered from the result
    const other = cli(['search', '--space', 'nb201', '--dataset', 'cifar100', '--strategy', 'brp', '--budget', '41', '--runs', '1', '--seed', '1', '--trainer', 'table:nb201', '--state', join(dir, 'state'), '--json', '--quiet']);
    assert.notEqual(other.code, 0);
    assert.doesNotMatch(other.err, /holds a finished search/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--final-retrain: a real search trains the K best again with seed + 1 (the simulation\'s picks on the table), resumes through that phase, and picks the best mean', async () => {
  const dir = tmp();
  try {
    // the table trainer: the same cells, retrainings and pick as the simulation, killed mid-way and resumed
    const common = ['search', '--space', 'nb201', '--dataset', 'cifar100', '--strategy', 'rea', '--budget', '30', '--seed', '2', '--final-retrain', '3'];
    const sim = JSON.parse(cli([...common, '--runs', '1', '--out', join(dir, 'sim.json'), '--json', '--quiet', '--no-plot']).out);
    const real = JSON.parse(cli([...common, '--trainer', 'table:nb201', '--workers', '2', '--state', join(dir, 's1'), '--json', '--quiet']).out);
    assert.equal(real.trained, 27);
    assert.equal(real.final_retrain.trained, 3);
    assert.equal(real.selected.arch, sim.per_run[0].selected.arch);
    assert.equal(real.selected.validation_mean, sim.per_run[0].selected.validation);
    // the pick drawn beside the result
    assert.equal(real.selected.drawing, join(dir, 's1/selected.svg'));
    assert.match(readFileSync(real.selected.drawing, 'utf8'), /^<svg.*the selected model \(NAS-Bench-201\)/s);
    const simRuns = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8')).per_run[0];
    assert.deepEqual(real.final_retrain.of.map((i: number) => i - 1), simRuns.retrained.map((x: { index: number }) => x.index));
    // a journal cut after the retrainings were asked for: the resumed search trains them, once each
    const lines = readFileSync(join(dir, 's1/journal.jsonl'), 'utf8').trimEnd().split('\n');
    const cut = lines.findIndex((l) => JSON.parse(l).t === 'retrain');
    assert.ok(cut > 0);
    rmSync(join(dir, 's1/result.json'));
    writeFileSync(join(dir, 's1/journal.jsonl'), lines.slice(0, cut + 1).join('\n') + '\n');
    const resumed = JSON.parse(cli([...common, '--trainer', 'table:nb201', '--workers', '2', '--state', join(dir, 's1'), '--json', '--quiet']).out);
    assert.deepEqual(resumed.selected, real.selected);
    const recs = readFileSync(join(dir, 's1/journal.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(recs.filter((r) => r.t === 'retrain').length, 1);
    // a command trainer: the retrainings get {seed} + 1, everything else {seed}
    const log = join(dir, 'seeds.log');
    const r = cli(['search', '--space', 'nb201', '--strategy', 'random', '--budget', '10', '--seed', '7', '--final-retrain', '2', '--trainer', `sh -c 'echo "$1" >> ${log}; echo "{\\"accuracy\\": $(($2 * $2))}"' sh {seed} {index} {arch}`, '--state', join(dir, 's2'), '--json', '--quiet']);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    const seeds = readFileSync(log, 'utf8').trim().split('\n').map(Number);
    assert.deepEqual(seeds.sort(), [...Array(8).fill(7), 8, 8]);
    // accuracy = index squared: the two best are #8 and #7; retrained as #9 and #10 their means are
    // (64+81)/2 and (49+100)/2, so the mean picks #7 where one training would pick #8
    assert.deepEqual(out.final_retrain.of, [8, 7]);
    assert.equal(out.selected.arch, JSON.parse(readFileSync(join(dir, 's2/result.json'), 'utf8')).candidates[6].arch);
    assert.deepEqual(out.selected.validation_runs, [49, 100]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every architecture reaches the trainer as exactly one argument, on all three spaces (NB201 |, NB101 JSON, DARTS quotes and parentheses)', () => {
  const dir = tmp();
  try {
    for (const space of ['nb201', 'nb101', 'darts']) {
      const state = join(dir, space);
      const r = cli(['search', '--space', space, '--strategy', 'random', '--budget', '3', '--trainer', `node ${TRAINER} --arch {arch} --attempt {attempt} --out {out} --tail`, '--workers', '3', '--state', state, '--json', '--quiet']);
      assert.equal(r.code, 0, r.err);
      const res = JSON.parse(readFileSync(join(state, 'result.json'), 'utf8'));
      assert.equal(res.candidates.length, 3);
      for (const c of res.candidates) {
        assert.equal(c.metrics.arch, c.arch, space);
        assert.equal(c.metrics.argc, 7, space);
        assert.ok(existsSync(join(c.dir, 'out/attempt-1.txt')));
        assert.match(readFileSync(join(c.dir, 'attempt-1.stderr'), 'utf8'), /progress on stderr/);
      }
      // the Pareto front of what it trained (the trainer measured latency)
      const p = JSON.parse(readFileSync(join(state, 'pareto.json'), 'utf8'));
      assert.ok(p.front.length >= 1 && p.points.length === 3);
      assert.match(readFileSync(join(state, 'pareto.svg'), 'utf8'), /^<svg/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('failed attempts are retried up to the limit, then marked failed: never told, never counted twice', () => {
  const dir = tmp();
  try {
    const run = (mode: string, extra: string[] = []) => {
      const state = join(dir, mode);
      const r = cli(['search', '--strategy', 'random', '--budget', '4', '--trainer', cmd, '--workers', '2', '--state', state, '--json', '--quiet', ...extra], { TRAINER_MODE: mode });
      return { r, res: existsSync(join(state, 'result.json')) ? JSON.parse(readFileSync(join(state, 'result.json'), 'utf8')) : null };
    };
    for (const mode of ['flaky', 'malformed-first', 'nan-first', 'no-model-first']) {
      const { r, res } = run(mode);
      assert.equal(r.code, 0, r.err);
      assert.equal(JSON.parse(r.out).trained, 4);
      assert.equal(JSON.parse(r.out).failed, 0);
      for (const c of res.candidates) {
        assert.equal(c.attempts, 2, mode);
        assert.equal(c.errors[0].reason, mode === 'flaky' ? 'exit' : 'malformed');
        if (mode === 'no-model-first') assert.match(c.errors[0].detail, /names its network model\.onnx, which the trainer did not write/);
      }
    }
    {
      const { r, res } = run('hang-first', ['--timeout', '0.5']);
      assert.equal(r.code, 0, r.err);
      assert.ok(res.candidates.every((c: { errors: { reason: string }[]; status: string }) => c.errors[0].reason === 'timeout' && c.status === 'trained'));
    }
    {
      // every attempt fails: the search stops after a budget's worth of failed candidates
      const { r, res } = run('always-fail', ['--retries', '1']);
      assert.equal(r.code, 1);
      assert.match(r.err, /4 candidates failed after 2 attempts each/);
      assert.equal(res, null);
      const j = readFileSync(join(dir, 'always-fail/journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(j.filter((x) => x.t === 'failed').length, 4);
      // 2 attempts each, and maybe the first of a 5th candidate that ran beside the 4th
      assert.ok([8, 9].includes(j.filter((x) => x.t === 'error').length));
      assert.equal(j.filter((x) => x.t === 'result').length, 0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad arguments are refused before anything starts', () => {
  const dir = tmp();
  try {
    const base = ['search', '--strategy', 'random', '--budget', '4'];
    const cases: [string[], RegExp][] = [
      [[...base, '--dataset', 'cifar10', '--workers', '2'], /--workers goes with --trainer/],
      [[...base, '--trainer', cmd], /needs --state/],
      [[...base, '--trainer', 'no-such-program-xyz {arch}', '--state', join(dir, 's')], /not on the PATH/],
      [[...base, '--trainer', `${cmd} | tee x`, '--state', join(dir, 's')], /without a shell/],
      [[...base, '--trainer', cmd, '--state', join(dir, 's'), '--runs', '3'], /one run/],
      [[...base, '--trainer', cmd, '--state', join(dir, 's'), '--workers', '0'], /--workers/],
      [[...base, '--trainer', 'table:nb201', '--state', join(dir, 's')], /needs --dataset/],
      [[...base, '--space', 'darts', '--trainer', 'table:nb201', '--state', join(dir, 's')], /trains NB201 cells/],
      [[...base, '--space', 'darts'], /--trainer/],
      [[...base, '--trainer', cmd, '--state', join(dir, 's'), '--out', 'x.json'], /--out is for simulations/],
    ];
    for (const [args, msg] of cases) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, msg);
    }
    assert.equal(existsSync(join(dir, 's/journal.jsonl')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The CLI, killed with SIGKILL after `killAfterMs` unless it has ended (null: never). */
async function runCli(args: string[], env: NodeJS.ProcessEnv, killAfterMs: number | null): Promise<CliRun> {
  const child = spawnCli(args, env);
  const timer = killAfterMs === null ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const r = await child.done;
  clearTimeout(timer);
  return r;
}

test('kill -9 the coordinator again and again: the search continues, loses no result, trains no candidate twice, and makes the uninterrupted run\'s choices', async () => {
  const dir = tmp();
  try {
    const log = join(dir, 'trainings.log');
    const args = (state: string, workers: number) => ['search', '--strategy', 'rea', '--budget', '26', '--seed', '4', '--final-retrain', '0', '--trainer', cmd, '--workers', String(workers), '--state', state, '--json', '--quiet'];
    const env = { TRAINER_SLEEP_MS: '120', TRAINER_LOG: log };
    const rng = new Rng(11);
    let kills = 0;
    let last;
    for (let i = 0; i < 40; i++) {
      last = await runCli(args(join(dir, 'killed'), 1 + (i % 4)), env, i < 12 ? 250 + rng.int(900) : null);
      if (last.signal === 'SIGKILL') kills++;
      else break;
    }
    assert.equal(last!.code, 0, last!.err);
    assert.ok(kills >= 5, `only ${kills} kills landed`);
    const reference = await runCli(args(join(dir, 'straight'), 1), { TRAINER_SLEEP_MS: '0' }, null);
    assert.equal(reference.code, 0, reference.err);
    const pick = (state: string) => JSON.parse(readFileSync(join(dir, state, 'result.json'), 'utf8')).candidates.map((c: { index: number; arch: string; accuracy: number; status: string }) => [c.index, c.arch, c.accuracy, c.status]);
    assert.deepEqual(pick('killed'), pick('straight'));
    assert.equal(JSON.parse(last!.out).trained, 26);
    // every candidate's training started once and finished once, across all the kills
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    const count = (kind: string) => {
      const m = new Map<string, number>();
      for (const [k, arch] of lines) if (k === kind) m.set(arch, (m.get(arch) ?? 0) + 1);
      return m;
    };
    const starts = count('start');
    assert.equal(starts.size, 26);
    assert.ok([...starts.values()].every((n) => n === 1), 'a candidate was trained twice');
    assert.ok([...count('end').values()].every((n) => n === 1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a BRP search killed during its predictor rounds resumes into the simulation\'s choices; a journal of other options is refused, untouched', async () => {
  const dir = tmp();
  try {
    const state = join(dir, 'state');
    const args = ['search', '--dataset', 'cifar10', '--strategy', 'brp', '--budget', '20', '--seed', '3', '--final-retrain', '0', '--trainer', 'table:nb201', '--state', state, '--json', '--quiet'];
    let r = await runCli(args, {}, 2500);
    assert.equal(r.signal, 'SIGKILL');
    r = await runCli(args, {}, 4000);
    r = r.signal === 'SIGKILL' ? await runCli(args, {}, null) : r;
    assert.equal(r.code, 0, r.err);
    const sim = cli(['search', '--dataset', 'cifar10', '--strategy', 'brp', '--budget', '20', '--seed', '3', '--runs', '1', '--out', join(dir, 'sim.json'), '--no-plot', '--quiet']);
    assert.equal(sim.code, 0, sim.err);
    const saved = JSON.parse(readFileSync(join(state, 'result.json'), 'utf8'));
    const simRun = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8')).per_run[0];
    assert.deepEqual(saved.candidates.map((c: { arch: string }) => c.arch), simRun.trained);
    assert.deepEqual(saved.candidates.map((c: { accuracy: number }) => c.accuracy), simRun.revealed);
    const before = readFileSync(join(state, 'journal.jsonl'));
    const other = cli([...args.slice(0, 7), '--seed', '4', ...args.slice(9)]);
    assert.equal(other.code, 1);
    assert.match(other.err, /holds a search of other options/);
    assert.deepEqual(readFileSync(join(state, 'journal.jsonl')), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('latency in the loop: --lat-limit selects among trained models within it; --measure-latency times networks the trainer did not', () => {
  const dir = tmp();
  try {
    const r = cli(['search', '--strategy', 'random', '--budget', '12', '--final-retrain', '0', '--trainer', cmd, '--workers', '3', '--state', join(dir, 'limit'), '--lat-limit', '4', '--json', '--quiet']);
    assert.equal(r.code, 0, r.err);
    const res = JSON.parse(r.out);
    const all = JSON.parse(readFileSync(join(dir, 'limit/result.json'), 'utf8')).candidates;
    const within = all.filter((c: { latency_ms: number }) => c.latency_ms <= 4);
    assert.ok(within.length > 0 && within.length < all.length, 'the test needs models on both sides of the limit');
    assert.equal(res.final_test_mean, Math.max(...within.map((c: { accuracy: number }) => c.accuracy)));
    assert.ok(res.per_run[0].selected.latency_ms <= 4);
    assert.equal(res.latency.feasible_trained, within.length);
    const m = cli(['search', '--strategy', 'random', '--budget', '2', '--trainer', cmd, '--state', join(dir, 'measure'), '--measure-latency', '--json', '--quiet'], { TRAINER_NO_LATENCY: '1' });
    assert.equal(m.code, 0, m.err);
    for (const c of JSON.parse(readFileSync(join(dir, 'measure/result.json'), 'utf8')).candidates) {
      assert.ok(c.latency_ms > 0, JSON.stringify(c));
      assert.equal(c.latency_source, 'measured');
      assert.match(c.metrics.latency_measured_by, /onnxruntime-node/);
    }
    assert.match(JSON.parse(readFileSync(join(dir, 'measure/pareto.json'), 'utf8')).cost, /^latency_ms/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
