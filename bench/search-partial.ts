// An unfinished search bench result (its per-run checkpoint, FILE.runs.json) against finished results
// on the same first N runs (run r has the same seed in every strategy): the oracle mean (best test
// value among the trained models) at several budgets, the validation-selected mean at the budget and
// the runs that reached the best cell. A finished result keeps every run's trained architectures and
// what each revealed, so its curves on the first N runs are recomputed from the benchmark's data
// (NB201 or the NB101 pool, as the result names). For reporting a long bench a session could not finish.
//   node dist/bench/search-partial.js [--at 20,30,50] [--data DIR] [--pool FILE.csv] CHECKPOINT.runs.json RESULT.json [RESULT.json ...]
import { benchArgs, benchUsageError } from './bench-args.js';
import { resolveDataDir } from '../src/data/files.js';
import { loadRunCurves } from './run-curves.js';

const { values, positionals } = benchArgs(import.meta.url, { allowPositionals: true, options: { at: { type: 'string', default: '20,30,50' }, data: { type: 'string' }, pool: { type: 'string' } } });
const [checkpoint, ...others] = positionals;
if (!checkpoint || others.length === 0 || !checkpoint.endsWith('.runs.json')) benchUsageError(import.meta.url, 'give a CHECKPOINT.runs.json, then one or more RESULT.json');
const dataDir = resolveDataDir(values.data);
const part = loadRunCurves(checkpoint, dataDir, values.pool);
const n = part.runs.length;
const budget = part.budget;
const asked = values.at!.split(',').map(Number);
if (asked.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`--at must list budgets of at least 1, got ${values.at}`);
const at = [...asked.filter((k) => k < budget), budget];
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const f2 = (x: number) => x.toFixed(2);

console.log(`| result (first ${n} runs) | oracle at ${at.join(' / ')} | validation-selected at ${budget} | reached the best cell (runs) |`);
console.log('|---|---|---|---|');
for (const file of [checkpoint, ...others]) {
  const r = file === checkpoint ? part : loadRunCurves(file, dataDir, values.pool);
  if (r.runs.length < n) throw new Error(`${file}: ${r.runs.length} runs, fewer than ${n}`);
  if (r.budget !== budget) throw new Error(`${file}: budget ${r.budget}, the checkpoint's is ${budget}`);
  const first = r.runs.slice(0, n);
  console.log(`| ${r.name}${r.unfinished ? ' (unfinished)' : ''} | ${at.map((k) => f2(mean(first.map((c) => c.oracle[k - 1])))).join(' / ')} | ${f2(mean(first.map((c) => c.selected[budget - 1])))} | ${first.filter((x) => x.reachedAt !== null).length} |`);
}
