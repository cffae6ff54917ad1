// The module graph of src/ has no import cycles (type-only imports included), and its folders are
// floors: a module imports only from its own folder or a lower floor. Data flows one way, a module's
// dependencies can be read without meeting the module itself again, and a concept lives on the
// lowest floor that needs it.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'generated' ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const src = join(ROOT, 'src');

/** Each source file's imports of other source files (static and dynamic, type-only included). */
function importGraph(files: string[]): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const deps = [...text.matchAll(/(?:(?:import|export)\s[^;]*?from\s+|import\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => resolve(dirname(f), m[1].replace(/\.js$/, '.ts')));
    edges.set(f, deps.filter((d) => files.includes(d)));
  }
  return edges;
}

/**
 * The floors of src/, lowest first: the numeric core knows no search space, spaces know no data
 * files, loaders know no predictors, predictors know no search, and the edges (CLI, servers) sit on
 * top. src/index.ts (the public API) is above them all.
 */
export const FLOORS = ['util', 'eval', 'onnx', 'nn', 'spaces', 'data', 'predictors', 'measure', 'search', 'train', 'report', 'web', 'lab', 'ui', 'cli'];

/** The imports that go up a floor (or to a folder no floor names), as "from -> to" lines. */
export function upwardImports(edges: Map<string, string[]>, root: string): string[] {
  const floorOf = (f: string) => {
    const top = relative(root, f).split(/[\\/]/);
    return top.length === 1 ? FLOORS.length : FLOORS.indexOf(top[0]);
  };
  const bad: string[] = [];
  for (const [f, deps] of edges) {
    for (const d of deps) {
      const from = floorOf(f);
      const to = floorOf(d);
      if (from < 0 || to < 0 || to > from) bad.push(`${relative(root, f)} -> ${relative(root, d)}`);
    }
  }
  return bad;
}

test('src/ folders import only from their own floor or below', () => {
  const files = sources(src);
  assert.ok(files.length > 40, `only ${files.length} source files found`);
  assert.deepEqual(upwardImports(importGraph(files), src), []);
});

test('the floor check catches an upward import and a folder with no floor', () => {
  const f = (p: string) => join(src, p);
  const edges = new Map([
    [f('nn/graphs.ts'), [f('spaces/nb201/cell.ts'), f('util/rng.ts')]],
    [f('spaces/nb201/cell.ts'), [f('util/rng.ts')]],
    [f('extra/thing.ts'), [f('util/rng.ts')]],
    [f('index.ts'), [f('cli/main.ts')]],
  ]);
  assert.deepEqual(upwardImports(edges, src), ['nn/graphs.ts -> spaces/nb201/cell.ts', 'extra/thing.ts -> util/rng.ts']);
});

test('src/ has no import cycles', () => {
  const files = sources(src);
  const edges = importGraph(files);
  const state = new Map<string, number>(); // 1 visiting, 2 done
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (f: string) => {
    state.set(f, 1);
    stack.push(f);
    for (const d of edges.get(f) ?? []) {
      if (state.get(d) === 1) cycles.push([...stack.slice(stack.indexOf(d)), d].map((x) => relative(src, x)).join(' -> '));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of files) if (!state.has(f)) visit(f);
  assert.ok(files.length > 40, `only ${files.length} source files found`);
  assert.deepEqual(cycles, []);
});
