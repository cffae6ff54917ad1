import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
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

/** README.md and every markdown file under docs/. */
function markdownFiles(): string[] {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.md') ? [p] : [];
  });
  return [join(ROOT, 'README.md'), join(ROOT, 'BENCHMARKS.md'), ...walk(join(ROOT, 'docs'))];
}

test('README is short: under 250 lines', () => {
  const lines = readme.split('\n').length;
  assert.ok(lines <= 250, `README.md has ${lines} lines`);
});

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');

test('every relative link in README, BENCHMARKS and docs/ reaches a file (and its heading, when it names one)', () => {
  const broken: string[] = [];
  for (const file of markdownFiles()) {
    const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = m[1];
      if (/^[a-z]+:/.test(link)) continue;
      const [path, anchor] = link.split('#');
      const target = path === '' ? file : join(dirname(file), path);
      if (!existsSync(target)) {
        broken.push(`${relative(ROOT, file)}: ${link} (no such file)`);
        continue;
      }
      if (anchor && target.endsWith('.md')) {
        const headings = [...readFileSync(target, 'utf8').matchAll(/^#+ (.*)$/gm)].map((h) => slug(h[1]));
        if (!headings.includes(anchor)) broken.push(`${relative(ROOT, file)}: ${link} (no such heading)`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

const examples = markdownFiles().flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/<!-- api-example -->\n```js\n([\s\S]*?)```/g)].map((m) => ({ file: relative(ROOT, file), code: m[1] })));
test('the docs have their library examples', () => assert.ok(examples.length >= 4, `found ${examples.length} api-example blocks`));

for (const [n, { file: doc, code: source }] of examples.entries()) test(`library example ${n + 1} (${doc}) runs and prints what it says`, () => {
  const entry = pathToFileURL(join(ROOT, 'dist/src/index.js')).href;
  const code = source.replace(/from 'brp-nas'/g, `from '${entry}'`);
  const dir = mkdtempSync(join(tmpdir(), 'brp-readme-'));
  try {
    const file = join(dir, 'example.mjs');
    writeFileSync(file, code);
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, BRPNAS_DATA: dataDir() } });
    assert.equal(r.status, 0, r.stderr);
    // The expected output is written in the docs as comments: "// -> text"
    const expected = [...source.matchAll(/\/\/ -> (.*)$/gm)].map((x) => x[1].trim());
    assert.ok(expected.length > 0);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.trim()), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
