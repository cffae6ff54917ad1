// Search quality and cost on NAS-Bench-201: every strategy on every dataset, budget 100, many runs.
// Each (dataset, strategy) result is saved as JSON under results/bench/search/, with its options,
// protocol version, commit, data files and every run's architectures; a saved result is reused only
// when all of these describe the current code and options (a stale one is recomputed), so an
// interrupted bench resumes. Prints a markdown table and writes one curve plot per dataset.
//   node dist/bench/search.js [--datasets cifar10,cifar100,imagenet16] [--strategies brp,gcn,rea,random]
//                             [--runs 25] [--budget 100] [--seed 0] [--threads 2]
//                             [--reference-selection] [--targets rank|minmax] [--rounds 5]
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../src/data/files.js';
import { loadNb201Benchmark } from '../src/data/nb201-bench.js';
import { createKernels } from '../src/nn/backend.js';
import { curvesSvg } from '../src/report/plots.js';
import { simulateCheckpointed } from '../src/search/checkpoint.js';
import { nb201SimBenchmark } from '../src/search/benchmark.js';
import { SEARCH_DEFAULTS, SEARCH_PROTOCOL, searchKey, searchResultName, searchSettingsFrom, type SearchSettings } from '../src/search/options.js';
import type { SimulationResult } from '../src/search/simulate.js';
import { writeFileAtomic } from '../src/util/atomic-write.js';
import { dataFiles, provenance } from '../src/util/provenance.js';

const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'cifar10,cifar100,imagenet16' },
    strategies: { type: 'string', default: 'brp,gcn,rea,random' },
    runs: { type: 'string', default: String(SEARCH_DEFAULTS.runs) },
    budget: { type: 'string', default: String(SEARCH_DEFAULTS.budget) },
    seed: { type: 'string', default: String(SEARCH_DEFAULTS.seed) },
    rounds: { type: 'string' },
    'reference-selection': { type: 'boolean', default: false },
    targets: { type: 'string' },
    threads: { type: 'string', default: '2' },
    dir: { type: 'string', default: 'results/bench/search' },
    data: { type: 'string' },
  },
});
const dataDir = resolveDataDir(values.data);
const bench = loadNb201Benchmark(dataDir, { devices: 'none' });
mkdirSync(values.dir!, { recursive: true });
const files = dataFiles(bench.sources.map((s) => join(dataDir, s.file)));
const prov = provenance();
if (prov.dirty) console.error('note: the working tree has uncommitted changes; the results will say so (provenance.dirty)');

/** Settings for one strategy: the ablation flags apply only where they mean something. */
function settingsFor(dataset: string, strategy: string): SearchSettings {
  const predictor = strategy === 'brp' || strategy === 'gcn';
  return searchSettingsFrom(
    {
      dataset,
      strategy,
      runs: values.runs,
      budget: values.budget,
      seed: values.seed,
      ...(predictor && values.rounds ? { rounds: values.rounds } : {}),
      ...(predictor && values['reference-selection'] ? { 'reference-selection': true } : {}),
      ...(strategy === 'brp' && values.targets ? { targets: values.targets } : {}),
    },
    'search bench',
  );
}

const results: (SimulationResult & { label: string })[] = [];
for (const dataset of values.datasets!.split(',')) {
  const perDataset: (SimulationResult & { label: string })[] = [];
  for (const strategy of values.strategies!.split(',')) {
    const s = settingsFor(dataset, strategy);
    const name = searchResultName(s);
    const file = `${values.dir}/${name}-r${s.runs}.json`;
    const key = JSON.stringify(searchKey(s));
    let r: SimulationResult | undefined;
    if (existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      const fresh = JSON.stringify(saved.options) === key && saved.runs === s.runs && !saved.interrupted && saved.provenance?.commit !== undefined;
      if (fresh) r = saved;
      else console.error(`${file}: stale (other options, protocol or runs than this bench asks for); recomputing`);
    }
    if (!r) {
      // finished runs are checkpointed, so an interrupted bench loses at most the run in flight
      r = simulateCheckpointed(
        `${file}.runs.json`,
        key,
        {
          benchmark: nb201SimBenchmark(bench, s.dataset!),
          dataset: s.dataset!,
          strategy: s.strategy,
          budget: s.budget,
          runs: s.runs,
          seed: s.seed,
          rounds: s.rounds,
          exploitLastRound: !s.referenceSelection,
          brp: { targets: s.targets },
          kernels: () => createKernels({ threads: Number(values.threads) }),
        },
        { overwrite: true, onRun: (i, x) => console.error(`${dataset} ${name} run ${i + 1}/${s.runs}: ${x.bestTest[s.budget - 1].toFixed(2)}% (${x.seconds.toFixed(1)} s)`) },
      );
      writeFileAtomic(file, JSON.stringify({ ...r, options: searchKey(s), protocol: SEARCH_PROTOCOL, threads: Number(values.threads), provenance: provenance(), data: { dir: dataDir, files } }));
    }
    const label = name.replace(`${dataset}-`, '').replace(/-b\d+-seed\d+/, '');
    perDataset.push({ ...r, label });
    results.push({ ...r, label });
  }
  const tags = `${values['reference-selection'] ? '-refsel' : ''}${values.targets && values.targets !== SEARCH_DEFAULTS.targets ? `-${values.targets}` : ''}${values.rounds ? `-rounds${values.rounds}` : ''}`;
  const svg = await curvesSvg(
    perDataset.map((r) => ({ name: r.label, mean: r.curve_mean, se: r.curve_se })),
    { title: `NAS-Bench-201 ${dataset}: best test accuracy among trained models (mean +- s.e., ${values.runs} runs)`, xLabel: 'trained models', yLabel: 'test accuracy (%)' },
  );
  // an ablation gets its own plot instead of replacing the main one
  writeFileAtomic(`${values.dir}/${dataset}-curves${tags}-b${values.budget}-r${values.runs}-s${values.seed}.svg`, svg);
}
console.log('| dataset | strategy | runs | oracle best test % (mean +- s.e.) | validation-selected test % | reached best cell (runs, mean models) | seconds per run |');
console.log('|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.dataset} | ${r.label} | ${r.runs} | ${r.final_test_mean.toFixed(2)} +- ${r.final_test_se.toFixed(2)} | ${r.final_selected_test_mean.toFixed(2)} +- ${r.final_selected_test_se.toFixed(2)} | ${r.reached_global_best.runs}, ${r.reached_global_best.mean_models?.toFixed(1) ?? '-'} | ${(r.run_seconds.reduce((a, b) => a + b, 0) / r.runs).toFixed(2)} |`);
}
