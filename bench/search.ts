// Search quality and cost on NAS-Bench-201 (every strategy on every dataset, budget 100, many runs)
// or on the NAS-Bench-101 pool (--space nb101: every strategy on each revealed column, --datasets
// naming the columns; default budget 150, results under results/bench/search-nb101/).
// Each (dataset, strategy) result is saved as JSON under the results folder, with its options,
// protocol version, commit, data files and every run's architectures; a saved result is reused only
// when all of these describe the current code and options (a stale one is recomputed), so an
// interrupted bench resumes. Prints a markdown table and writes one curve plot per dataset.
//   node dist/bench/search.js [--space nb201|nb101] [--datasets cifar10,cifar100,imagenet16 | val108_1run,test108_mean3] [--strategies brp,gcn,rea,random]
//                             [--runs 25] [--budget 100] [--seed 0] [--threads 2]
//                             [any strategy option of `brp-nas search`: --rounds, --first, --warm-start, --explore, --local,
//                              --reference-selection, --targets, --transfer MODEL --warmup N; each applies to the strategies it means something for]
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchArgs } from './bench-args.js';
import { resolveDataDir } from '../src/data/files.js';
import { readTransferModel } from '../src/cli/transfer-model.js';
import { loadNb201Benchmark } from '../src/data/nb201-bench.js';
import { createKernels } from '../src/nn/backend.js';
import { curvesSvg } from '../src/report/plots.js';
import { simulateCheckpointed } from '../src/search/checkpoint.js';
import { nb101SimBenchmark, nb201SimBenchmark } from '../src/search/benchmark.js';
import { NB101_POOL_FILE, loadNb101Pool } from '../src/data/nb101-pool.js';
import { SEARCH_DEFAULTS, SEARCH_OPTIONS, SEARCH_PROTOCOL, searchKey, searchResultName, searchSettingsFrom, sameSearchKey, strategyKnobs, type SearchSettings } from '../src/search/options.js';
import type { SimulationResult } from '../src/search/simulate.js';
import { writeFileAtomic } from '../src/util/atomic-write.js';
import { dataFiles, provenance } from '../src/util/provenance.js';

/** The strategies a bench compares unless told otherwise. */
const STRATEGY_SET = 'brp,gcn,rea,random';
// the strategy options (those that do not apply to every strategy) come from the search's option table
const ABLATIONS = SEARCH_OPTIONS.filter((d) => d.appliesTo !== 'all' || d.key === 'finalRetrain');
const { values } = benchArgs(import.meta.url, {
  options: {
    ...Object.fromEntries(ABLATIONS.map((d) => [d.flag, { type: d.kind === 'bool' ? ('boolean' as const) : ('string' as const) }])),
    space: { type: 'string', default: 'nb201' },
    datasets: { type: 'string' },
    pool: { type: 'string' },
    strategies: { type: 'string', default: STRATEGY_SET },
    runs: { type: 'string', default: String(SEARCH_DEFAULTS.runs) },
    budget: { type: 'string' },
    seed: { type: 'string', default: String(SEARCH_DEFAULTS.seed) },
    threads: { type: 'string', default: '2' },
    dir: { type: 'string' },
    data: { type: 'string' },
  },
});
const flagValue = (flag: string) => (values as Record<string, string | boolean | undefined>)[flag];
/** The strategy options given on the command line. */
const GIVEN = ABLATIONS.filter((d) => flagValue(d.flag) !== undefined && flagValue(d.flag) !== false);
const dataDir = resolveDataDir(values.data);
const nb101 = values.space === 'nb101';
if (!nb101 && values.space !== 'nb201') throw new Error(`--space must be nb201 or nb101, got ${values.space}`);
values.datasets ??= nb101 ? 'val108_1run,test108_mean3' : 'cifar10,cifar100,imagenet16';
values.budget ??= nb101 ? '150' : String(SEARCH_DEFAULTS.budget);
values.dir ??= nb101 ? 'results/bench/search-nb101' : 'results/bench/search';
const bench = nb101 ? null : loadNb201Benchmark(dataDir, { devices: 'none' });
const poolPath = values.pool ?? join(dataDir, NB101_POOL_FILE);
const pool = nb101 ? loadNb101Pool(poolPath) : null;
const benchmarkFor = (s: SearchSettings) => (nb101 ? nb101SimBenchmark(pool!, s.reveal!) : nb201SimBenchmark(bench!, s.dataset!));
mkdirSync(values.dir!, { recursive: true });
const files = dataFiles(nb101 ? [poolPath] : bench!.sources.map((s) => join(dataDir, s.file)));
// --transfer: the body is loaded here, as `brp-nas search` does (the option table only carries the path);
// the model's hash goes into the result, and a saved result from another model file is stale
const transferPath = flagValue('transfer');
const transferModel = typeof transferPath === 'string' ? readTransferModel(transferPath) : null;
// the code that runs is the tree at the start (a commit made while the bench runs must not be credited)
const prov = provenance();
if (prov.dirty) console.error('note: the working tree has uncommitted changes; the results will say so (provenance.dirty)');

/** Settings for one strategy: the ablation flags apply only where they mean something. */
function settingsFor(dataset: string, strategy: string): SearchSettings {
  const given = GIVEN.filter((d) => d.appliesTo === 'all' || (d.appliesTo as readonly string[]).includes(strategy));
  return searchSettingsFrom(
    {
      ...(nb101 ? { space: 'nb101', reveal: dataset, ...(values.pool ? { pool: values.pool } : {}) } : { dataset }),
      strategy,
      runs: values.runs,
      budget: values.budget,
      seed: values.seed,
      ...Object.fromEntries(given.map((d) => [d.flag, flagValue(d.flag)])),
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
    // the strategies --transfer applies to (brp) start from the model
    const transfer = s.transfer ? transferModel : null;
    let r: SimulationResult | undefined;
    if (existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      const sameTransfer = !transfer || saved.transfer?.sha256 === transfer.sha256;
      const fresh = saved.options && sameSearchKey(saved.options, key) && saved.runs === s.runs && !saved.interrupted && saved.provenance?.commit !== undefined && sameTransfer;
      if (fresh) r = saved;
      else console.error(`${file}: stale (other options, protocol or runs than this bench asks for); recomputing`);
    }
    if (!r) {
      // finished runs are checkpointed, so an interrupted bench loses at most the run in flight
      r = simulateCheckpointed(
        `${file}.runs.json`,
        transfer ? `${key} transfer ${transfer.sha256}` : key,
        {
          benchmark: benchmarkFor(s),
          dataset,
          strategy: s.strategy,
          budget: s.budget,
          runs: s.runs,
          seed: s.seed,
          ...strategyKnobs(s),
          ...(transfer ? { transferBody: transfer.body } : {}),
          kernels: () => createKernels({ threads: Number(values.threads) }),
        },
        { overwrite: true, onRun: (i, x) => console.error(`${dataset} ${name} run ${i + 1}/${s.runs}: ${x.bestTest[s.budget - 1].toFixed(2)}% (${x.seconds.toFixed(1)} s)`) },
      );
      writeFileAtomic(file, JSON.stringify({ ...r, options: searchKey(s), protocol: SEARCH_PROTOCOL, threads: Number(values.threads), provenance: prov, data: { dir: dataDir, files }, ...(transfer ? { transfer: { file: transfer.file, sha256: transfer.sha256 } } : {}) }));
    }
    const label = name.replace(nb101 ? `nb101-${dataset}-` : `${dataset}-`, '').replace(/-b\d+-seed\d+/, '');
    perDataset.push({ ...r, label });
    results.push({ ...r, label });
  }
  // the options' own name tags (as in result names), for every strategy option given; every strategy
  // option applies to brp, so its settings hold each given value as the search parses it
  const parsed = settingsFor(dataset, 'brp');
  // and the strategies when not the usual four, so a bench of one strategy does not overwrite the comparison
  const asked = values.strategies!.split(',');
  const strategyTag = [...asked].sort().join(',') === STRATEGY_SET ? '' : `-${asked.join('+')}`;
  const tags =
    GIVEN.filter((d) => d.tag)
      .map((d) => `-${(d.tag as (x: unknown) => string)(parsed[d.key])}`)
      .join('') + strategyTag;
  const svg = await curvesSvg(
    perDataset.map((r) => ({ name: r.label, mean: r.curve_mean, se: r.curve_se })),
    nb101
      ? { title: `NAS-Bench-101 pool, ${dataset}: best among trained models (mean +- s.e., ${values.runs} runs)`, xLabel: 'trained models', yLabel: `${dataset} (%)` }
      : { title: `NAS-Bench-201 ${dataset}: best test accuracy among trained models (mean +- s.e., ${values.runs} runs)`, xLabel: 'trained models', yLabel: 'test accuracy (%)' },
  );
  // an ablation gets its own plot instead of replacing the main one
  writeFileAtomic(`${values.dir}/${dataset}-curves${tags}-b${values.budget}-r${values.runs}-s${values.seed}.svg`, svg);
}
if (nb101) {
  console.log(`pool: ${poolPath}; the search reveals the column and is judged by it`);
  console.log('| revealed column | pool size | strategy | runs | best found % (mean +- s.e.) | its percentile in the pool (mean) | reached the pool\'s best (runs, mean models) | seconds per run |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.dataset} | ${r.pool_size} | ${r.label} | ${r.runs} | ${r.final_test_mean.toFixed(2)} +- ${r.final_test_se.toFixed(2)} | ${r.final_percentile_mean.toFixed(2)} | ${r.reached_global_best.runs}, ${r.reached_global_best.mean_models?.toFixed(1) ?? '-'} | ${(r.run_seconds.reduce((a, b) => a + b, 0) / r.runs).toFixed(2)} |`);
} else {
  console.log('| dataset | strategy | runs | oracle best test % (mean +- s.e.) | validation-selected test % | reached best cell (runs, mean models) | seconds per run |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.dataset} | ${r.label} | ${r.runs} | ${r.final_test_mean.toFixed(2)} +- ${r.final_test_se.toFixed(2)} | ${r.final_selected_test_mean.toFixed(2)} +- ${r.final_selected_test_se.toFixed(2)} | ${r.reached_global_best.runs}, ${r.reached_global_best.mean_models?.toFixed(1) ?? '-'} | ${(r.run_seconds.reduce((a, b) => a + b, 0) / r.runs).toFixed(2)} |`);
  }
}
