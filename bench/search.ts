// Search quality and cost on NAS-Bench-201: every strategy on every dataset, budget 100, many runs.
// Each (dataset, strategy) result is saved as JSON under results/bench/search/ (reused when present,
// so an interrupted bench resumes); prints a markdown table and writes one curve plot per dataset.
//   node dist/bench/search.js [--datasets cifar10,cifar100,imagenet16] [--strategies brp,gcn,rea,random]
//                             [--runs 25] [--budget 100] [--seed 0] [--threads 2]
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../src/data/files.js';
import { loadNb201Benchmark } from '../src/data/nb201-bench.js';
import { createKernels } from '../src/nn/backend.js';
import { curvesSvg } from '../src/report/plots.js';
import { simulateCheckpointed } from '../src/search/checkpoint.js';
import type { SimulationResult, StrategyName } from '../src/search/simulate.js';
import type { Nb201Dataset } from '../src/spaces/nb201-cost.js';
import { writeFileAtomic } from '../src/util/atomic-write.js';

const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'cifar10,cifar100,imagenet16' },
    strategies: { type: 'string', default: 'brp,gcn,rea,random' },
    runs: { type: 'string', default: '25' },
    budget: { type: 'string', default: '100' },
    seed: { type: 'string', default: '0' },
    'reference-selection': { type: 'boolean', default: false },
    targets: { type: 'string', default: 'rank' },
    threads: { type: 'string', default: '2' },
    dir: { type: 'string', default: 'results/bench/search' },
    data: { type: 'string' },
  },
});
const bench = loadNb201Benchmark(resolveDataDir(values.data), { devices: 'none' });
const runs = Number(values.runs);
const budget = Number(values.budget);
const seed = Number(values.seed);
mkdirSync(values.dir!, { recursive: true });
// file-name tags of the ablation options, for the results of the strategies they apply to and the plots
const refselTag = values['reference-selection'] ? '-refsel' : '';
const targetsTag = values.targets !== 'rank' ? `-${values.targets}` : '';
const results: SimulationResult[] = [];
for (const dataset of values.datasets!.split(',') as Nb201Dataset[]) {
  const perDataset: SimulationResult[] = [];
  for (const strategy of values.strategies!.split(',') as StrategyName[]) {
    const variant = ['brp', 'gcn'].includes(strategy) ? `${refselTag}${strategy === 'brp' ? targetsTag : ''}` : '';
    const file = `${values.dir}/${dataset}-${strategy}${variant}-b${budget}-r${runs}-s${seed}.json`;
    let r: SimulationResult;
    if (existsSync(file)) r = JSON.parse(readFileSync(file, 'utf8'));
    else {
      // finished runs are checkpointed, so an interrupted bench loses at most the run in flight
      const key = JSON.stringify({ dataset, strategy, variant, budget, runs, seed });
      const opts = {
        bench,
        dataset,
        strategy,
        budget,
        runs,
        seed,
        exploitLastRound: !values['reference-selection'],
        brp: { targets: values.targets as 'rank' | 'minmax' },
        kernels: () => createKernels({ threads: Number(values.threads) }),
      };
      r = simulateCheckpointed(`${file}.runs.json`, key, opts, {
        onRun: (i, x) => console.error(`${dataset} ${strategy} run ${i + 1}/${runs}: ${x.bestTest[budget - 1].toFixed(2)}% (${x.seconds.toFixed(1)} s)`),
      });
      writeFileAtomic(file, JSON.stringify(r));
    }
    perDataset.push({ ...r, strategy: `${strategy}${variant}` as StrategyName });
    results.push({ ...r, strategy: `${strategy}${variant}` as StrategyName });
  }
  const svg = await curvesSvg(
    perDataset.map((r) => ({ name: r.strategy, mean: r.curve_mean, se: r.curve_se })),
    { title: `NAS-Bench-201 ${dataset}: best test accuracy among trained models (mean +- s.e., ${runs} runs)`, xLabel: 'trained models', yLabel: 'test accuracy (%)' },
  );
  // an ablation (--reference-selection, --targets) gets its own plot instead of replacing the main one
  writeFileAtomic(`${values.dir}/${dataset}-curves${refselTag}${targetsTag}-b${budget}-r${runs}-s${seed}.svg`, svg);
}
console.log('| dataset | strategy | runs | oracle best test % (mean +- s.e.) | validation-selected test % | reached best cell (runs, mean models) | seconds per run |');
console.log('|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.dataset} | ${r.strategy} | ${r.runs} | ${r.final_test_mean.toFixed(2)} +- ${r.final_test_se.toFixed(2)} | ${r.final_selected_test_mean.toFixed(2)} +- ${r.final_selected_test_se.toFixed(2)} | ${r.reached_global_best.runs}, ${r.reached_global_best.mean_models?.toFixed(1) ?? '-'} | ${(r.run_seconds.reduce((a, b) => a + b, 0) / r.runs).toFixed(2)} |`);
}
