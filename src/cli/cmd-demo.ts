import { resolveDataDir } from '../data/files.js';
import { loadLatBench } from '../data/latbench.js';
import { loadNb201Benchmark } from '../data/nb201-bench.js';
import { createKernels, defaultThreads } from '../nn/backend.js';
import { trainLatencyPredictor } from '../predictors/latency.js';
import { simulateSearch } from '../search/simulate.js';
import { NB201_DATASETS } from '../spaces/nb201-cost.js';
import { nb201SpaceSummary } from '../spaces/nb201-summary.js';
import { COMMON_OPTIONS, intFlag, parse } from './args.js';
import type { CliCommand } from './main.js';

const HELP = `Usage: brp-nas demo [--epochs 25] [--runs 1] [--seed 0] [--threads 1|2] [--data DIR]

The quick-start job on the default data (about two minutes on two cores):
  1. the NAS-Bench-201 space and the benchmark data;
  2. a GCN latency predictor trained on 900 LatBench models of the desktop CPU (paper
     configuration, capped at --epochs), against the FLOPs and layer-wise baselines on the
     other 14,284 models;
  3. BRP-NAS on CIFAR-100 with 100 trained models (--runs runs), against regularised
     evolution and random search (25 runs each); --runs 0 skips BRP-NAS.`;

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'the quick-start job: latency predictor and BRP-NAS search on the default data',
  async run(argv, io) {
    const { values } = parse('demo', argv, { ...COMMON_OPTIONS, epochs: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' }, threads: { type: 'string' } });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const epochs = intFlag(values.epochs, 'epochs', 25, 1, 250);
    const runs = intFlag(values.runs, 'runs', 1, 0, 1000);
    const seed = intFlag(values.seed, 'seed', 0, 0, 2 ** 32 - 1);
    const threads = intFlag(values.threads, 'threads', defaultThreads(), 1, 2);
    const dataDir = resolveDataDir(values.data as string | undefined);

    const space = nb201SpaceSummary();
    io.out(`NAS-Bench-201: ${space.total} cells, ${space.valid} valid, ${space.unique} isomorphism classes among valid cells, ${space.distinct_encodings} distinct predictor encodings`);
    const bench = loadNb201Benchmark(dataDir);
    io.out(`Data (${dataDir}): accuracies for ${bench.index.codes.length} cells on ${NB201_DATASETS.join(', ')}; LatBench latencies for ${bench.latency.size} devices`);
    for (const d of NB201_DATASETS) {
      const cols = bench.datasets[d];
      let best = 0;
      for (let i = 1; i < cols.valMean.length; i++) if (cols.valMean[i] > cols.valMean[best]) best = i;
      io.out(`  best ${d.padEnd(10)} by validation: #${best} ${bench.index.archStringAt(best)}  val ${cols.valMean[best].toFixed(2)}%  test ${cols.test[best].toFixed(2)}%`);
    }

    const device = 'desktop-cpu-core-i7-7820x-fp32';
    io.out(`\nLatency predictors for ${device} (900 training models, seed ${seed}; GCN capped at ${epochs} epochs):`);
    const ds = loadLatBench(device, dataDir);
    const kernels = createKernels({ threads });
    try {
      for (const kind of ['flops', 'layerwise', 'gcn'] as const) {
        const exp = trainLatencyPredictor(ds, { kind, seed, kernels, config: { epochs } });
        const m = exp.metrics;
        io.out(`  ${kind.padEnd(9)} within +-10% ${(m.within10 * 100).toFixed(1).padStart(5)}%  +-5% ${(m.within5 * 100).toFixed(1).padStart(5)}%  RMSE ${(m.rmse * 1e3).toFixed(3)} ms  Spearman ${m.spearman.toFixed(4)}  (${exp.trainSeconds.toFixed(1)} s)`);
      }
    } finally {
      kernels.dispose();
    }

    io.out(`\nSearch on NB201 CIFAR-100, 100 trained models (best test accuracy among them / of the validation-selected model):`);
    for (const [strategy, n] of [['random', 25], ['rea', 25], ['brp', runs]] as const) {
      if (n === 0) continue;
      const r = simulateSearch({ bench, dataset: 'cifar100', strategy, budget: 100, runs: n, seed, kernels: () => createKernels({ threads }) });
      io.out(`  ${strategy.padEnd(6)} ${r.final_test_mean.toFixed(2)}% / ${r.final_selected_test_mean.toFixed(2)}%  over ${n} run${n > 1 ? 's' : ''}  (${r.seconds.toFixed(1)} s; best cell ${r.global_best_test.toFixed(2)}%)`);
    }
    return 0;
  },
};
