import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
        // GitHub numbers repeated headings: x, x-1, x-2, ...
        const seen = new Map<string, number>();
        const headings = [...readFileSync(target, 'utf8').replace(/```[\s\S]*?```/g, '').matchAll(/^#+ (.*)$/gm)].map((h) => {
          const base = slug(h[1]);
          const n = seen.get(base) ?? 0;
          seen.set(base, n + 1);
          return n === 0 ? base : `${base}-${n}`;
        });
        // and explicit anchors (the generated API reference writes <a id="...">)
        const ids = [...readFileSync(target, 'utf8').matchAll(/<a id="([^"]+)"/g)].map((m) => m[1]);
        if (!headings.includes(anchor) && !ids.includes(anchor)) broken.push(`${relative(ROOT, file)}: ${link} (no such heading)`);
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

// The README's walkthrough (search with real training, final training, the delivered file checked),
// run as written but at a tiny size: only the numbers of the size flags change.
const TINY: Record<string, string> = { '--budget': '4', '--channels': '4', '--epochs': '1', '--train-images': '600', '--val-images': '300' };
test('the README walkthrough runs: a real search on Fashion-MNIST, the final training of its pick, evaluate and measure of the delivered file (tiny sizes)', () => {
  const m = /<!-- walkthrough[^>]*-->\n```sh\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, 'README needs its walkthrough block');
  let script = m[1];
  for (const [flag, value] of Object.entries(TINY)) script = script.replace(new RegExp(`${flag} \\d+`, 'g'), `${flag} ${value}`);
  assert.notEqual(script, m[1]);
  const dir = mkdtempSync(join(tmpdir(), 'brp-walkthrough-'));
  try {
    // npx brp-nas is this checkout's brp-nas
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin/npx'), `#!/bin/sh\n[ "$1" = "--no-install" ] && shift\n[ "$1" = "brp-nas" ] || { echo "unexpected npx $*" >&2; exit 1; }\nshift\nexec "${process.execPath}" "${join(ROOT, 'bin/brp-nas.js')}" "$@"\n`, { mode: 0o755 });
    const r = spawnSync('sh', ['-e', '-c', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}` } });
    assert.equal(r.status, 0, r.stderr.slice(-3000));
    const search = JSON.parse(readFileSync(join(dir, 'runs/fm/result.json'), 'utf8'));
    assert.equal(search.trained, 4);
    const lines = r.stdout.trim().split('\n');
    const [final, evaluation, latency] = lines.slice(-3).map((l) => JSON.parse(l));
    assert.equal(final.train_images, 600);
    assert.equal(evaluation.count, 10000);
    assert.ok(evaluation.accuracy > 10, JSON.stringify(evaluation));
    assert.ok(Math.abs(evaluation.accuracy - final.test_accuracy) <= 0.1, `${evaluation.accuracy} vs ${final.test_accuracy}`);
    assert.ok(latency.latency_ms > 0, JSON.stringify(latency));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docs/api/ is TypeDoc\'s reference of the library as it is now (npm run docs rewrites it), with no warning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-api-'));
  try {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typedoc/bin/typedoc'), '--options', join(ROOT, 'typedoc.json'), '--out', dir, '--logLevel', 'Warn'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const files = readdirSync(dir);
    assert.deepEqual(readdirSync(join(ROOT, 'docs/api')).sort(), files.sort());
    for (const f of files) assert.ok(readFileSync(join(dir, f), 'utf8') === readFileSync(join(ROOT, 'docs/api', f), 'utf8'), `docs/api/${f} is stale: run npm run docs`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every brp-nas command in the README and the guides uses flags its command has (no stale option in the docs)', () => {
  const helpOf = new Map<string, string>();
  const help = (cmd: string) => {
    if (!helpOf.has(cmd)) {
      const all = cmd === 'search' || cmd === 'latency';
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/brp-nas.js'), cmd, '--help', ...(all ? ['all'] : [])], { encoding: 'utf8' });
      helpOf.set(cmd, r.stdout);
    }
    return helpOf.get(cmd)!;
  };
  const stale: string[] = [];
  let commands = 0;
  const files = [join(ROOT, 'README.md'), ...readdirSync(join(ROOT, 'docs/guides')).map((f) => join(ROOT, 'docs/guides', f))];
  for (const file of files) {
    for (const block of readFileSync(file, 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)) {
      const lines = block[1].replace(/\\\n\s*/g, ' ').split('\n');
      for (const line of lines) {
        const m = /^(?:npx\s+)?brp-nas\s+([a-z]+)(.*)$/.exec(line.trim());
        if (!m) continue;
        commands++;
        const text = help(m[1]);
        assert.ok(text.length > 0, `brp-nas ${m[1]} has no help`);
        // quoted words are values (a --trainer template's own flags are the trainer's)
        for (const flag of m[2].replace(/"[^"]*"|'[^']*'/g, '').replace(/#.*$/, '').match(/--[a-z][a-z0-9-]*/g) ?? []) if (!text.includes(flag)) stale.push(`${relative(ROOT, file)}: brp-nas ${m[1]} ${flag}`);
      }
    }
  }
  assert.ok(commands >= 20, `only ${commands} commands found`);
  assert.deepEqual(stale, []);
});
