import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { resolveDataDir } from '../data/files.js';
import { loadLatBench } from '../data/latbench.js';
import { loadNb201Benchmark } from '../data/nb201-bench.js';
import { createKernels, defaultThreads } from '../nn/backend.js';
import { latencyBody, loadLatencyPredictor } from '../predictors/latency.js';
import { curvesSvg } from '../report/plots.js';
import { simulateCheckpointed } from '../search/checkpoint.js';
import { STRATEGIES, type StrategyName } from '../search/simulate.js';
import { NB201_DATASETS, type Nb201Dataset } from '../spaces/nb201-cost.js';
import { NB201_SIZE } from '../spaces/nb201.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { COMMON_OPTIONS, UsageError, choiceFlag, intFlag, numFlag, parse } from './args.js';
import type { CliCommand } from './main.js';

const HELP = `Usage: brp-nas search --space nb201 --dataset cifar10|cifar100|imagenet16
                      --strategy brp|gcn|rea|random [--budget 100] [--runs 25] [--seed 0]
                      [--rounds 5] [--lat-limit MS --latency-model MODEL] [--transfer MODEL [--warmup N]]
                      [--targets rank|minmax] [--reference-selection] [--threads 1|2]
                      [--out FILE.json] [--plot FILE.svg | --no-plot] [--quiet] [--json]

Simulate a neural architecture search on the NAS-Bench-201 table: training a model reveals one
seed's validation accuracy (a seeded draw). Reports, over --runs independent runs, the mean and
standard error of the best test accuracy among the trained models (oracle view) and of the test
accuracy of the model with the best validation accuracy (what a user would pick), per step and at
the budget, and how many models were needed to reach the best candidate.

brp: binary relation predictor with iterative data selection (BRP-NAS); gcn: the same selection
with a unary GCN accuracy regressor; rea: regularised evolution; random: random search.
With --lat-limit, candidates are the cells whose latency, predicted by MODEL (from
'brp-nas latency train --save'), is at most MS milliseconds; the result reports the share of
selected models that truly meet the limit on the model's LatBench device. --transfer MODEL starts
the BRP predictor's GCN body from a trained GCN latency predictor (BRP-NAS's transfer); --warmup N
first trains the new head alone for N full-pair steps (no weight decay, body frozen), as the
reference's --warmup does before the first round.
--targets rank|minmax: how measured accuracies are scaled to [0, 1] before the BRP's soft pair
targets softmax([t_a, t_b]) (default rank; minmax is the reference's normalisation).
The last round takes all its picks from the predicted best; --reference-selection keeps the
reference's half-random last round.

The full result (curves included) is written atomically to --out (default
results/search/<dataset>-<strategy>-b<budget>-seed<S>.json). Finished runs are checkpointed beside
it, so an interrupted search started again with the same arguments resumes where it stopped.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  space: { type: 'string' },
  dataset: { type: 'string' },
  strategy: { type: 'string' },
  budget: { type: 'string' },
  runs: { type: 'string' },
  seed: { type: 'string' },
  rounds: { type: 'string' },
  'lat-limit': { type: 'string' },
  'latency-model': { type: 'string' },
  transfer: { type: 'string' },
  warmup: { type: 'string' },
  targets: { type: 'string' },
  'reference-selection': { type: 'boolean' },
  threads: { type: 'string' },
  out: { type: 'string' },
  plot: { type: 'string' },
  'no-plot': { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

const DATASET_ALIASES: Record<string, Nb201Dataset> = { cifar10: 'cifar10', 'cifar10-valid': 'cifar10', cifar100: 'cifar100', imagenet16: 'imagenet16', imagenet: 'imagenet16', 'imagenet16-120': 'imagenet16', 'ImageNet16-120': 'imagenet16' };

export const searchCommand: CliCommand = {
  name: 'search',
  summary: 'simulate BRP-NAS and baseline searches on NAS-Bench-201',
  async run(argv, io) {
    const { values: v } = parse('search', argv, OPTIONS);
    if (v.help) {
      io.out(HELP);
      return 0;
    }
    const space = v.space ?? 'nb201';
    if (space !== 'nb201') throw new UsageError(`search: unknown search space ${JSON.stringify(space)}; known: nb201`);
    if (typeof v.dataset !== 'string') throw new UsageError(`search: --dataset is required (${NB201_DATASETS.join(', ')})`);
    const dataset = DATASET_ALIASES[v.dataset];
    if (!dataset) throw new UsageError(`search: unknown dataset ${JSON.stringify(v.dataset)}; known: ${NB201_DATASETS.join(', ')}`);
    if (v.strategy === undefined) throw new UsageError(`search: --strategy is required (${STRATEGIES.join(', ')})`);
    const strategy = choiceFlag(v.strategy, 'strategy', STRATEGIES, 'brp') as StrategyName;
    const budget = intFlag(v.budget, 'budget', 100, 2, 15284);
    const runs = intFlag(v.runs, 'runs', 25, 1, 100000);
    const seed = intFlag(v.seed, 'seed', 0, 0, 2 ** 32 - 1);
    const rounds = intFlag(v.rounds, 'rounds', 5, 1, 1000);
    const threads = intFlag(v.threads, 'threads', defaultThreads(), 1, 2);
    const targets = choiceFlag(v.targets, 'targets', ['rank', 'minmax'] as const, 'rank');
    const warmup = intFlag(v.warmup, 'warmup', 0, 0, 100000);
    if (warmup > 0 && strategy !== 'brp') throw new UsageError('search: --warmup applies to --strategy brp');
    const hasLimit = v['lat-limit'] !== undefined;
    if (hasLimit !== (v['latency-model'] !== undefined)) throw new UsageError('search: --lat-limit and --latency-model go together');
    const dataDir = resolveDataDir(v.data as string | undefined);
    const bench = loadNb201Benchmark(dataDir, { devices: 'none' });

    let constraint;
    let device: string | undefined;
    if (hasLimit) {
      const limitMs = numFlag(v['lat-limit'], 'lat-limit', 0, 0);
      if (!(limitMs > 0)) throw new UsageError('search: --lat-limit must be a positive number of milliseconds');
      const modelPath = v['latency-model'] as string;
      if (!existsSync(modelPath)) throw new UsageError(`search: latency model ${modelPath} does not exist`);
      const predictor = loadLatencyPredictor(readFileSync(modelPath), modelPath);
      const all = Int32Array.from({ length: NB201_SIZE }, (_, i) => i);
      const predicted = predictor.predictCodes(all);
      let truth: Float64Array | undefined;
      device = typeof predictor.meta.device === 'string' ? predictor.meta.device : undefined;
      if (device) {
        const ds = loadLatBench(device, dataDir);
        truth = new Float64Array(NB201_SIZE).fill(NaN);
        ds.codes.forEach((c, i) => (truth![c] = ds.seconds[i]));
      }
      constraint = { limitSeconds: limitMs / 1e3, predicted, truth };
    }

    let transferBody: Float32Array | undefined;
    if (typeof v.transfer === 'string') {
      if (strategy !== 'brp') throw new UsageError('search: --transfer applies to --strategy brp');
      if (!existsSync(v.transfer)) throw new UsageError(`search: transfer model ${v.transfer} does not exist`);
      transferBody = latencyBody(readFileSync(v.transfer), v.transfer);
    }
    const out = resolve(typeof v.out === 'string' ? v.out : `results/search/${dataset}-${strategy}-b${budget}-seed${seed}${hasLimit ? `-lat${v['lat-limit']}` : ''}.json`);
    mkdirSync(dirname(out), { recursive: true });
    // Resume: finished runs are checkpointed with the arguments that produced them.
    const checkpoint = `${out}.runs.json`;
    const key = JSON.stringify({ dataset, strategy, budget, seed, rounds, limit: v['lat-limit'] ?? null, model: v['latency-model'] ?? null, transfer: v.transfer ?? null, ...(warmup ? { warmup } : {}), targets, reference: !!v['reference-selection'] });
    let interrupted = false;
    const onSigint = () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      io.err('brp-nas search: interrupted; stopping after this run (finished runs are saved; start again to resume)');
    };
    process.on('SIGINT', onSigint);
    let result;
    try {
      const opts = {
        bench,
        dataset,
        strategy,
        budget,
        runs,
        seed,
        rounds,
        constraint,
        transferBody,
        brp: { targets, warmupSteps: warmup },
        exploitLastRound: !v['reference-selection'],
        kernels: () => createKernels({ threads }),
        shouldStop: () => interrupted,
      };
      result = simulateCheckpointed(checkpoint, key, opts, {
        onResume: (n) => !v.quiet && io.err(`brp-nas search: resuming after ${n} finished runs from ${checkpoint}`),
        onRun: (r, res) => !v.quiet && io.err(`run ${r + 1}/${runs}: best test ${res.bestTest[budget - 1].toFixed(2)}%  selected ${res.selectedTest[budget - 1].toFixed(2)}%  ${res.seconds.toFixed(1)} s`),
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    const full = { ...result, space, device, interrupted: interrupted || undefined };
    writeFileAtomic(out, JSON.stringify(full, null, 1));
    let plot: string | undefined;
    if (!v['no-plot']) {
      plot = resolve(typeof v.plot === 'string' ? v.plot : out.replace(/\.json$/, '') + '.svg');
      mkdirSync(dirname(plot), { recursive: true });
      writeFileAtomic(plot, await curvesSvg([{ name: `${strategy} (oracle)`, mean: result.curve_mean, se: result.curve_se }, { name: `${strategy} (selected by validation)`, mean: result.selected_curve_mean, se: result.selected_curve_se }], { title: `NAS-Bench-201 ${dataset}: ${strategy}, ${result.runs} runs`, xLabel: 'trained models', yLabel: 'test accuracy (%)' }));
    }
    const summary = {
      strategy,
      dataset,
      budget,
      runs: result.runs,
      seed,
      final_test_mean: result.final_test_mean,
      final_test_se: result.final_test_se,
      final_selected_test_mean: result.final_selected_test_mean,
      final_selected_test_se: result.final_selected_test_se,
      global_best_test: result.global_best_test,
      reached_global_best: result.reached_global_best,
      seconds: result.seconds,
      ...(result.latency ? { latency: result.latency } : {}),
      out,
      ...(plot ? { plot } : {}),
      ...(interrupted ? { interrupted: true } : {}),
    };
    if (v.json) io.out(JSON.stringify(summary));
    else {
      io.out(`${strategy} on NB201 ${dataset}, budget ${budget}, ${result.runs} runs (seed ${seed}), ${result.seconds.toFixed(1)} s`);
      io.out(`  best test among trained (oracle): ${result.final_test_mean.toFixed(2)} +- ${result.final_test_se.toFixed(2)}%   selected by validation: ${result.final_selected_test_mean.toFixed(2)} +- ${result.final_selected_test_se.toFixed(2)}%   (best candidate ${result.global_best_test.toFixed(2)}%)`);
      io.out(`  reached the best candidate in ${result.reached_global_best.runs}/${result.runs} runs${result.reached_global_best.mean_models !== null ? `, after ${result.reached_global_best.mean_models.toFixed(1)} models on average` : ''}`);
      if (result.latency) io.out(`  latency limit ${result.latency.limit_ms} ms: ${result.latency.feasible_candidates} predicted-feasible candidates; selected models truly within the limit: ${result.latency.selected_truly_feasible_share === null ? 'unknown' : (result.latency.selected_truly_feasible_share * 100).toFixed(0) + '%'}`);
      io.out(`  result: ${out}${plot ? `\n  plot: ${plot}` : ''}`);
    }
    return 0;
  },
};
