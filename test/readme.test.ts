import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { ROOT, dataDir } from './helpers.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

test('README quick start has exactly the two documented commands', () => {
  const m = /## Quick start\n+```sh\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, 'README needs a "## Quick start" section with a sh block');
  const cmds = m[1].split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  assert.deepEqual(cmds, ['npm ci && npm run demo', 'npm test']);
});

const examples = [...readme.matchAll(/<!-- api-example -->\n```js\n([\s\S]*?)```/g)];
test('the README has its library examples', () => assert.ok(examples.length >= 2, `found ${examples.length} api-example blocks`));

for (const [n, m] of examples.entries()) test(`README library example ${n + 1} runs and prints what it says`, () => {
  const entry = pathToFileURL(join(ROOT, 'dist/src/index.js')).href;
  const code = m[1].replace(/from 'brp-nas'/g, `from '${entry}'`);
  const dir = mkdtempSync(join(tmpdir(), 'brp-readme-'));
  try {
    const file = join(dir, 'example.mjs');
    writeFileSync(file, code);
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, BRPNAS_DATA: dataDir() } });
    assert.equal(r.status, 0, r.stderr);
    // The expected output is written in the README as comments: "// -> text"
    const expected = [...m[1].matchAll(/\/\/ -> (.*)$/gm)].map((x) => x[1].trim());
    assert.ok(expected.length > 0);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.trim()), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
