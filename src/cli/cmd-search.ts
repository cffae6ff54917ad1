import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readInputFile, resolveDataDir } from '../data/files.js';
import { loadLatBench } from '../data/device-latency.js';
import { loadNb201Benchmark } from '../data/nb201-bench.js';
import { createKernels, defaultThreads } from '../nn/backend.js';
import { loadLatencyPredictor } from '../predictors/latency.js';
import { readTransferModel } from './transfer-model.js';
import { curvesSvg, plotBytes, PLOT_EXTENSIONS } from '../report/plots.js';
import { simulateCheckpointed, CheckpointMismatchError } from '../search/checkpoint.js';
import { SearchOptionError, SEARCH_OPTIONS, searchKey, searchOptionsHelp, searchResultName, searchSettingsFrom, sameSearchKey, strategyKnobs } from '../search/options.js';
import { NB201_SIZE } from '../spaces/nb201/cell.js';
import { NB101_POOL_FILE, loadNb101Pool } from '../data/nb101-pool.js';
import { nb101SimBenchmark, nb201SimBenchmark, type SimBenchmark } from '../search/benchmark.js';
import { prepareOutput, writeFileAtomic } from '../util/atomic-write.js';
import { EXIT_INTERRUPTED, interruptSignal } from '../util/interrupt.js';
import { lockOutput } from '../util/output-lock.js';
import { dataFiles, provenance } from '../util/provenance.js';
import { COMMON_OPTIONS, UsageError, helpAll, intFlag, parse, plural } from './args.js';
import type { CliCommand } from './command.js';
import { REAL_SEARCH_HELP, runRealSearchCli, type RealFlags } from './search-real.js';
import { DataError } from '../util/errors.js';
import { Eta } from '../util/eta.js';

const USAGE = `Usage: brp-nas search --dataset cifar10|cifar100|imagenet16 --strategy brp|gcn|rea|random [options]
       brp-nas search --space nb101 [--pool FILE.csv] [--reveal val108_1run|test108_mean3] --strategy ... [options]
       brp-nas search [--space nb201|nb101|darts] --strategy ... --budget N --trainer "CMD {arch}" --state DIR`;

/** `search --help`: what a first search needs, on one screen. */
const HELP = `${USAGE}

Simulates a search on a benchmark table, where training a model reveals its accuracy from the
table, over --runs independent runs; reports the best trained model's test accuracy (the oracle
view) and that of the model with the best validation accuracy (what a user would deploy), per
step and at the budget. With --trainer or --queue the search trains its candidates for real.

Common options:
${searchOptionsHelp(true)}
  --out FILE.json                 result file (default results/search/<name from the options>.json)
  --json                          print the summary as one JSON object

The defaults are the best settings measured (BENCHMARKS.md); Ctrl-C keeps the finished runs and
the same command resumes. Every option (the reference's own selection, transfer, output and
real-training options): brp-nas search --help all`;

/** `search --help all`: every option. */
const HELP_ALL = `Usage: brp-nas search --dataset cifar10|cifar100|imagenet16 --strategy brp|gcn|rea|random [options]
       brp-nas search --space nb101 [--pool FILE.csv] [--reveal val108_1run|test108_mean3] --strategy ... [options]
       brp-nas search [--space nb201|nb101|darts] --strategy ... --budget N --trainer "CMD {arch}" --state DIR

Simulate a neural architecture search on a benchmark table. On NAS-Bench-201 (the default space),
training a model reveals one seed's validation accuracy (a seeded draw). Reports, over --runs
independent runs, the best test accuracy among the trained models (the oracle view: what the best
trained model really scores, which a user cannot see) and the test accuracy of the model with the
best validation accuracy (what a user would deploy), per step and at the budget, and which
architectures those were. Every strategy trains at most one cell per isomorphism class (isomorphic
cells are the same network).

On NAS-Bench-101 the candidates are the cells of a pool table (default: the data's 35,591-cell
nb101/nb101-cells.csv; any CSV with its columns works) that have the --reveal column; training
reveals that column and the report judges by it too (there is one value per cell), in percent:
final_test_mean is then the mean over runs of the best revealed value among the trained cells, and
final_percentile_mean that cell's percentile in the pool (100 = the pool's best).

Options (strategies or spaces in [brackets] are the only ones an option applies to; elsewhere it is refused):
${searchOptionsHelp()}
  --threads 1|2                   kernel threads (default: 2 on two or more cores) [brp, gcn]
  --out FILE.json                 result file (default results/search/<name from the options>.json)
  --plot FILE.svg|FILE.png | --no-plot
                                  curves plot (default: the result file with .svg)
  --force                         replace a result or checkpoint of other options at --out
  --quiet                         no per-run progress on stderr
  --json                          print the summary as one JSON object

With --lat-limit, candidates are the cells whose latency, predicted by MODEL (from 'brp-nas latency
train --save'), is at most MS milliseconds; the result reports the share of selected models that
truly meet the limit on the model's LatBench device. --transfer MODEL starts the BRP predictor's
GCN body from a trained GCN latency predictor (BRP-NAS's transfer); --warmup N first trains the new
head alone for N full-pair steps. The predictor searches (brp, gcn) run 10 rounds of 10 by default,
the first chosen by parameter count (--warm-start params), the later rounds' predicted-best picks
from the neighbours of the 2 best measured cells (--local 2), 8 of each later round's 10 (--explore
0.2: the other 2 at random from the top of the ranking); BRP-NAS's own selection is --rounds 5
--first auto --warm-start random --explore 0.5 --local 0. The last round takes all its picks from the predicted best;
--reference-selection keeps the reference's half-random last round.

The default result name holds every option that changes results, so different settings never
overwrite each other; one process at a time writes a result (a lock file beside it). Finished runs
are checkpointed beside the result: Ctrl-C stops within a training step, keeps the finished runs,
writes the partial result and exits 130; the same command again resumes.

${REAL_SEARCH_HELP}`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...Object.fromEntries(SEARCH_OPTIONS.map((d) => [d.flag, { type: d.kind === 'bool' ? 'boolean' : 'string' }])),
  threads: { type: 'string' },
  out: { type: 'string' },
  plot: { type: 'string' },
  'no-plot': { type: 'boolean' },
  force: { type: 'boolean' },
  quiet: { type: 'boolean' },
  trainer: { type: 'string' },
  queue: { type: 'string' },
  'measure-latency': { type: 'boolean' },
  state: { type: 'string' },
  workers: { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
} as const;

const REAL_ONLY = ['state', 'workers', 'timeout', 'retries', 'measure-latency'] as const;

export const searchCommand: CliCommand = {
  name: 'search',
  summary: 'BRP-NAS and baseline searches: simulated on NAS-Bench-201 or a NAS-Bench-101 pool, or training for real (--trainer, --queue)',
  async run(argv, io) {
    const all = helpAll(argv);
    if (all !== null) {
      io.out(all ? HELP_ALL : HELP);
      return 0;
    }
    const { values: v } = parse('search', argv, OPTIONS as never);
    let settings;
    try {
      if (typeof v.trainer === 'string' || typeof v.queue === 'string') {
        for (const f of ['out', 'plot', 'no-plot', 'force']) if (v[f] !== undefined) throw new UsageError(`search: --${f} is for simulations; with --trainer or --queue everything goes to --state DIR`);
        return await runRealSearchCli(searchSettingsFrom(v, 'search', 'real'), v as unknown as RealFlags, io);
      }
      for (const f of REAL_ONLY) if (v[f] !== undefined) throw new UsageError(`search: --${f} goes with --trainer or --queue (a search with real training)`);
      settings = searchSettingsFrom(v);
    } catch (e) {
      if (e instanceof SearchOptionError) throw new UsageError(e.message);
      throw e;
    }
    const { strategy, budget, runs, seed, space } = settings;
    const dataset = settings.dataset ?? settings.reveal!;
    const predictorSearch = strategy === 'brp' || strategy === 'gcn';
    if (v.threads !== undefined && !predictorSearch) throw new UsageError(`search: --threads does not apply to --strategy ${strategy} (only to brp, gcn)`);
    const threads = intFlag(v.threads, 'threads', defaultThreads(), 1, 2, 'search');
    if (v.plot !== undefined && v['no-plot']) throw new UsageError('search: --plot and --no-plot contradict each other');

    // outputs are checked and locked before any work
    const name = searchResultName(settings);
    const out = resolve(typeof v.out === 'string' ? v.out : join('results/search', `${name}.json`));
    prepareOutput(out, '--out');
    const plot = v['no-plot'] ? undefined : resolve(typeof v.plot === 'string' ? v.plot : out.replace(/\.json$/, '') + '.svg');
    if (plot && !PLOT_EXTENSIONS.some((e) => plot.toLowerCase().endsWith(e))) throw new UsageError(`search: --plot ${plot}: the plot is written as .svg or .png`);
    if (plot) prepareOutput(plot, '--plot');
    const key = JSON.stringify(searchKey(settings));
    if (existsSync(out) && !v.force) {
      let old: { options?: unknown; runs?: number } = {};
      try {
        old = JSON.parse(readFileSync(out, 'utf8'));
      } catch {
        // unreadable: treated as a result of other options
      }
      if (!old.options || typeof old.options !== 'object' || !sameSearchKey(old.options as Record<string, unknown>, key)) throw new DataError(`${out} holds a result of other options; use another --out, or --force to replace it`);
      if (typeof old.runs === 'number' && old.runs > runs) throw new DataError(`${out} holds ${plural(old.runs, 'run')}; --runs ${runs} would replace it with fewer (ask for ${old.runs} or more, or pass --force)`);
    }
    const dataDir = resolveDataDir(v.data as string | undefined);
    let benchmark: SimBenchmark;
    let dataFileList: string[];
    if (space === 'nb201') {
      const bench = loadNb201Benchmark(dataDir, { devices: 'none' });
      benchmark = nb201SimBenchmark(bench, settings.dataset!);
      dataFileList = bench.sources.map((s) => join(dataDir, s.file));
    } else {
      const poolPath = settings.pool !== null ? resolve(settings.pool) : join(dataDir, NB101_POOL_FILE);
      benchmark = nb101SimBenchmark(loadNb101Pool(poolPath, { need: [settings.reveal!] }), settings.reveal!);
      dataFileList = [poolPath];
    }
    if (benchmark.candidates.length < budget) throw new UsageError(`search: the pool has ${benchmark.candidates.length} candidates, fewer than --budget ${budget}`);

    let constraint;
    let device: string | undefined;
    if (settings.latencyModel !== null) {
      const modelPath = settings.latencyModel;
      const predictor = loadLatencyPredictor(readInputFile(modelPath, 'latency model'), modelPath);
      const predicted = predictor.predictSecondsOfCodes(Int32Array.from({ length: NB201_SIZE }, (_, i) => i));
      let truth: Float64Array | undefined;
      device = typeof predictor.meta.device === 'string' ? predictor.meta.device : undefined;
      if (device) {
        const ds = loadLatBench(device, dataDir);
        truth = new Float64Array(NB201_SIZE).fill(NaN);
        ds.codes.forEach((c, i) => (truth![c] = ds.seconds[i]));
      }
      constraint = { limitSeconds: settings.latLimitMs! / 1e3, predicted, truth };
    }
    const transferBody = settings.transfer !== null ? readTransferModel(settings.transfer).body : undefined;

    const release = lockOutput(out);
    let result;
    try {
      const checkpoint = `${out}.runs.json`;
      let eta = new Eta(runs);
      try {
        result = simulateCheckpointed(
          checkpoint,
          key,
          {
            benchmark,
            dataset,
            strategy,
            budget,
            runs,
            seed,
            ...strategyKnobs(settings),
            constraint,
            transferBody,
            kernels: () => createKernels({ threads }),
            signal: interruptSignal,
          },
          {
            overwrite: !!v.force,
            onResume: (n) => {
              eta = new Eta(runs, n);
              if (!v.quiet) io.err(`brp-nas search: resuming after ${plural(n, 'finished run')} from ${checkpoint}`);
            },
            onRun: (r, res) => !v.quiet && io.err(`run ${r + 1}/${runs}: best test ${res.bestTest[budget - 1].toFixed(2)}%  selected ${res.selectedTest[budget - 1].toFixed(2)}%  ${res.seconds.toFixed(1)} s  ${eta.text(r + 1)}`.trimEnd()),
          },
        );
      } catch (e) {
        if (e instanceof CheckpointMismatchError) throw new DataError(e.message);
        throw e;
      }
      const full = {
        ...result,
        space,
        device,
        options: searchKey(settings),
        threads: predictorSearch ? threads : undefined,
        provenance: provenance(),
        data: { dir: dataDir, files: dataFiles(dataFileList) },
      };
      writeFileAtomic(out, JSON.stringify(full, null, 1));
      if (plot) {
        writeFileAtomic(plot, plotBytes(plot, await curvesSvg([{ name: `${strategy} (oracle)`, mean: result.curve_mean, se: result.curve_se }, { name: `${strategy} (selected by validation)`, mean: result.selected_curve_mean, se: result.selected_curve_se }], { title: space === 'nb201' ? `NAS-Bench-201 ${dataset}: ${strategy}, ${plural(result.runs, 'run')}` : `NAS-Bench-101 pool, ${dataset}: ${strategy}, ${plural(result.runs, 'run')}`, xLabel: 'trained models', yLabel: space === 'nb201' ? 'test accuracy (%)' : `${dataset} (%)` })));
      }
    } finally {
      release();
    }
    const bestRun = result.per_run.reduce((a, r) => (r.selected.test > a.selected.test ? r : a));
    const summary = {
      space,
      strategy,
      dataset,
      ...(space !== 'nb201' ? { pool: benchmark.describe.pool, reveal: settings.reveal } : {}),
      budget,
      runs: result.runs,
      seed,
      final_test_mean: result.final_test_mean,
      final_test_se: result.final_test_se,
      final_selected_test_mean: result.final_selected_test_mean,
      final_selected_test_se: result.final_selected_test_se,
      global_best_test: result.global_best_test,
      pool_size: result.pool_size,
      final_percentile_mean: result.final_percentile_mean,
      reached_global_best: result.reached_global_best,
      per_run: result.per_run.map((r) => ({ selected: r.selected, best_found: r.best_found })),
      seconds: result.seconds,
      ...(result.latency ? { latency: result.latency } : {}),
      out,
      ...(plot ? { plot } : {}),
      ...(result.interrupted ? { interrupted: true } : {}),
    };
    if (v.json) io.out(JSON.stringify(summary));
    else {
      io.out(`${strategy} on ${space === 'nb201' ? `NB201 ${dataset}` : `the NB101 pool (${benchmark.describe.pool}; reveals ${dataset})`}, budget ${budget}, ${plural(result.runs, 'run')} (seed ${seed})${result.interrupted ? ` of ${runs} (interrupted)` : ''}, ${result.seconds.toFixed(1)} s`);
      io.out(`  best test among trained (oracle): ${result.final_test_mean.toFixed(2)} +- ${result.final_test_se.toFixed(2)}%   selected by validation: ${result.final_selected_test_mean.toFixed(2)} +- ${result.final_selected_test_se.toFixed(2)}%   (best candidate ${result.global_best_test.toFixed(2)}%; best found at percentile ${result.final_percentile_mean.toFixed(2)} of ${result.pool_size} on average)`);
      io.out(`  reached the best candidate in ${result.reached_global_best.runs}/${plural(result.runs, 'run')}${result.reached_global_best.mean_models !== null ? `, after ${result.reached_global_best.mean_models.toFixed(1)} models on average` : ''}`);
      if (result.runs === 1) {
        const r = result.per_run[0];
        io.out(`  selected: ${r.selected.arch}  validation ${r.selected.validation.toFixed(2)}%  test ${r.selected.test.toFixed(2)}%`);
        io.out(`  best found: ${r.best_found.arch}  validation ${r.best_found.validation.toFixed(2)}%  test ${r.best_found.test.toFixed(2)}%`);
      } else {
        io.out(`  best selected model over the runs: ${bestRun.selected.arch}  validation ${bestRun.selected.validation.toFixed(2)}%  test ${bestRun.selected.test.toFixed(2)}%`);
        io.out(`  every run's selected and best-found architecture, and all it trained in order, are in the result file`);
      }
      if (result.latency) io.out(`  latency limit ${result.latency.limit_ms} ms: ${result.latency.feasible_candidates} predicted-feasible candidates; selected models truly within the limit: ${result.latency.selected_truly_feasible_share === null ? 'unknown' : (result.latency.selected_truly_feasible_share * 100).toFixed(0) + '%'}`);
      io.out(`  result: ${out}${plot ? `\n  plot: ${plot}` : ''}`);
    }
    if (result.interrupted) {
      io.err(`brp-nas search: interrupted after ${plural(result.runs, 'finished run')}; the same command resumes`);
      return EXIT_INTERRUPTED;
    }
    return 0;
  },
};
