import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { benchUsage } from '../bench/bench-args.js';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench', 'search-summary.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bench, ...args], { encoding: 'utf8' });

test('a bench prints its usage for --help and refuses a wrong flag with it, exit 2, no stack trace', () => {
  const usage = benchUsage(bench);
  assert.match(usage, /^Sample-efficiency table/);
  assert.match(usage, /node dist\/bench\/search-summary\.js \[--at/);
  assert.ok(!usage.includes('import'), 'the usage stops at the first line of code');

  const help = run('--help');
  assert.equal(help.status, 0);
  assert.equal(help.stdout, `bench/search-summary.js\n${usage}\n`);

  const bad = run('--bogus', 'x.json');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^bench\/search-summary\.js: Unknown option '--bogus'/);
  assert.ok(bad.stderr.includes(usage));
  assert.ok(!/\n\s+at /.test(bad.stderr), 'no stack trace');

  // a bench's own check of its files refuses the same way
  const paired = join(dirname(bench), 'search-paired.js');
  const one = spawnSync(process.execPath, [paired, 'a.json'], { encoding: 'utf8' });
  assert.equal(one.status, 2);
  assert.match(one.stderr, /^bench\/search-paired\.js: give A\.json B\.json, or A1\.json A2\.json \.\.\. vs B1\.json B2\.json \.\.\. with as many files on each side\n\n/);
  assert.ok(one.stderr.includes(benchUsage(paired)));
});
