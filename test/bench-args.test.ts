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
});
