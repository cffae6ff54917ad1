// The module graph of src/ has no import cycles (type-only imports included): data flows one way,
// and a module's dependencies can be read without meeting the module itself again.
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

test('src/ has no import cycles', () => {
  const src = join(ROOT, 'src');
  const files = sources(src);
  const edges = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const deps = [...text.matchAll(/(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/g)].map((m) => resolve(dirname(f), m[1].replace(/\.js$/, '.ts')));
    edges.set(f, deps.filter((d) => files.includes(d)));
  }
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
