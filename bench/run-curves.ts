// Per-run curves of a search bench result, finished (FILE.json) or unfinished (its per-run
// checkpoint, FILE.json.runs.json): the oracle (best test value among the trained models so far),
// the validation-selected value (the test value of the first model with the best revealed value) at
// every step, and when the run first trained the best cell. A finished result keeps each run's
// trained architectures and what they revealed, so its curves are recomputed from the benchmark's
// data (NB201 or the NB101 pool, as the result names); a checkpoint stores the curves themselves.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { NB101_POOL_FILE, loadNb101Pool, type Nb101RevealColumn } from '../src/data/nb101-pool.js';
import { loadNb201Benchmark } from '../src/data/nb201-bench.js';
import { nb101SimBenchmark, nb201SimBenchmark, type SimBenchmark } from '../src/search/benchmark.js';
import { DATASET_ALIASES } from '../src/search/options.js';

export interface RunCurve {
  oracle: number[];
  selected: number[];
  /** Models trained when the run first trained the best cell (null: never). */
  reachedAt: number | null;
}

export interface RunCurves {
  name: string;
  /** True for a checkpoint of an unfinished bench. */
  unfinished: boolean;
  budget: number;
  runs: RunCurve[];
}

const benchmarks = new Map<string, SimBenchmark>();
/** The benchmark a finished result ran on (its space and dataset or revealed column). */
function benchmarkOf(r: { benchmark?: { space: string }; dataset: string }, dataDir: string, pool?: string): SimBenchmark {
  // results made before the benchmark was recorded are NB201's (or name an NB101 column as their dataset)
  const space = r.benchmark?.space ?? (DATASET_ALIASES[r.dataset] ? 'nb201' : 'nb101');
  const id = `${space}/${r.dataset}/${pool ?? ''}`;
  let b = benchmarks.get(id);
  if (!b) {
    if (space === 'nb101') b = nb101SimBenchmark(loadNb101Pool(pool ?? join(dataDir, NB101_POOL_FILE)), r.dataset as Nb101RevealColumn);
    else {
      const ds = DATASET_ALIASES[r.dataset];
      if (!ds) throw new Error(`unknown NB201 dataset ${r.dataset}`);
      b = nb201SimBenchmark(loadNb201Benchmark(dataDir, { devices: 'none' }), ds);
    }
    benchmarks.set(id, b);
  }
  return b;
}

export function loadRunCurves(file: string, dataDir: string, pool?: string): RunCurves {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  if (file.endsWith('.runs.json')) {
    const runs = (r.runs as { bestTest: number[]; selectedTest: number[]; reachedGlobalBestAt: number | null }[]).map((x) => ({ oracle: x.bestTest, selected: x.selectedTest, reachedAt: x.reachedGlobalBestAt }));
    if (runs.length === 0) throw new Error(`${file}: no finished run`);
    return { name: basename(file, '.json.runs.json'), unfinished: true, budget: runs[0].oracle.length, runs };
  }
  if (!Array.isArray(r.per_run)) throw new Error(`${file}: not a search bench result (no per_run)`);
  const b = benchmarkOf(r, dataDir, pool);
  const runs = (r.per_run as { trained: string[]; revealed: number[]; reached_global_best_at: number | null; retrained?: unknown[]; selected: { test: number } }[]).map((x) => {
    const oracle: number[] = [];
    const selected: number[] = [];
    let best = -Infinity;
    let bestVal = -Infinity;
    let sel = NaN;
    x.trained.forEach((a, i) => {
      const t = b.oracle(b.domain.lookup(a));
      best = Math.max(best, t);
      if (x.revealed[i] > bestVal) {
        bestVal = x.revealed[i];
        sel = t;
      }
      oracle.push(best);
      selected.push(sel);
    });
    // --final-retrain: the last steps train the best again; the pick changes once they are all in
    const again = x.retrained?.length ?? 0;
    for (let j = 0; j < again; j++) {
      oracle.push(best);
      selected.push(j === again - 1 ? x.selected.test : sel);
    }
    return { oracle, selected, reachedAt: x.reached_global_best_at };
  });
  return { name: basename(file, '.json'), unfinished: false, budget: r.budget, runs };
}
