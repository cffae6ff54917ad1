// An unfinished search bench result (its per-run checkpoint, FILE.runs.json) against finished results
// on the same first N runs (run r has the same seed in every strategy): the oracle mean (best test
// value among the trained models) at several budgets, the validation-selected mean at the budget and
// the runs that reached the best cell. A finished result keeps every run's trained architectures and
// what each revealed, so its curves on the first N runs are recomputed from the benchmark's data
// (NB201 or the NB101 pool, as the result names). For reporting a long bench a session could not finish.
//   node dist/bench/search-partial.js [--at 20,30,50] [--data DIR] [--pool FILE.csv] CHECKPOINT.runs.json RESULT.json [RESULT.json ...]
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../src/data/files.js';
import { NB101_POOL_FILE, loadNb101Pool, type Nb101RevealColumn } from '../src/data/nb101-pool.js';
import { loadNb201Benchmark } from '../src/data/nb201-bench.js';
import { nb101SimBenchmark, nb201SimBenchmark, type SimBenchmark } from '../src/search/benchmark.js';
import { DATASET_ALIASES } from '../src/search/options.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { at: { type: 'string', default: '20,30,50' }, data: { type: 'string' }, pool: { type: 'string' } } });
const [checkpoint, ...others] = positionals;
if (!checkpoint || others.length === 0) throw new Error('usage: search-partial [--at 20,30,50] CHECKPOINT.runs.json RESULT.json [RESULT.json ...]');
const runs = JSON.parse(readFileSync(checkpoint, 'utf8')).runs as { bestTest: number[]; selectedTest: number[]; reachedGlobalBestAt: number | null }[];
const n = runs.length;
if (n === 0) throw new Error(`${checkpoint}: no finished run`);
const budget = runs[0].bestTest.length;
const asked = values.at!.split(',').map(Number);
if (asked.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`--at must list budgets of at least 1, got ${values.at}`);
const at = [...asked.filter((k) => k < budget), budget];
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const f2 = (x: number) => x.toFixed(2);

const dataDir = resolveDataDir(values.data);
const benchmarks = new Map<string, SimBenchmark>();
/** The benchmark a finished result ran on (its space and dataset or revealed column). */
function benchmarkOf(r: { benchmark: { space: string }; dataset: string }): SimBenchmark {
  const id = `${r.benchmark.space}/${r.dataset}`;
  let b = benchmarks.get(id);
  if (!b) {
    if (r.benchmark.space === 'nb101') b = nb101SimBenchmark(loadNb101Pool(values.pool ?? join(dataDir, NB101_POOL_FILE)), r.dataset as Nb101RevealColumn);
    else {
      const ds = DATASET_ALIASES[r.dataset];
      if (!ds) throw new Error(`unknown NB201 dataset ${r.dataset}`);
      b = nb201SimBenchmark(loadNb201Benchmark(dataDir, { devices: 'none' }), ds);
    }
    benchmarks.set(id, b);
  }
  return b;
}

console.log(`| result (first ${n} runs) | oracle at ${at.join(' / ')} | validation-selected at ${budget} | reached the best cell (runs) |`);
console.log('|---|---|---|---|');
console.log(`| ${basename(checkpoint, '.json.runs.json')} (unfinished) | ${at.map((k) => f2(mean(runs.map((r) => r.bestTest[k - 1])))).join(' / ')} | ${f2(mean(runs.map((r) => r.selectedTest[budget - 1])))} | ${runs.filter((r) => r.reachedGlobalBestAt !== null).length} |`);
for (const file of others) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  if (r.runs < n) throw new Error(`${file}: ${r.runs} runs, fewer than ${n}`);
  if (r.budget !== budget) throw new Error(`${file}: budget ${r.budget}, the checkpoint's is ${budget}`);
  const b = benchmarkOf(r);
  const first = (r.per_run as { trained: string[]; revealed: number[]; reached_global_best_at: number | null }[]).slice(0, n);
  // the simulation's rules: the best test value so far; the test value of the first model with the best revealed value
  const curves = first.map((x) => {
    const test = x.trained.map((a) => b.oracle(b.domain.lookup(a)));
    const oracle: number[] = [];
    const selected: number[] = [];
    let best = -Infinity;
    let bestVal = -Infinity;
    let sel = NaN;
    test.forEach((t, i) => {
      best = Math.max(best, t);
      if (x.revealed[i] > bestVal) {
        bestVal = x.revealed[i];
        sel = t;
      }
      oracle.push(best);
      selected.push(sel);
    });
    return { oracle, selected };
  });
  console.log(`| ${basename(file, '.json')} | ${at.map((k) => f2(mean(curves.map((c) => c.oracle[k - 1])))).join(' / ')} | ${f2(mean(curves.map((c) => c.selected[budget - 1])))} | ${first.filter((x) => x.reached_global_best_at !== null).length} |`);
}
