import { resolveDataDir } from '../data/files.js';
import { loadLatBench } from '../data/device-latency.js';
import { loadNb201Benchmark } from '../data/nb201-bench.js';
import { createKernels, defaultThreads } from '../nn/backend.js';
import { trainLatencyPredictor } from '../predictors/latency.js';
import { simulateSearch } from '../search/simulate.js';
import { nb201SimBenchmark } from '../search/benchmark.js';
import { realSearchStreams, runRealSearch } from '../train/real-search.js';
import { TableTrainer } from '../train/table-trainer.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NB201_DATASETS } from '../spaces/nb201/cost.js';
import { nb201SpaceSummary } from '../spaces/nb201/summary.js';
import { InterruptedError } from '../util/stop.js';
import { interruptSignal } from '../util/interrupt.js';
import { COMMON_OPTIONS, intFlag, parse, plural } from './args.js';
import type { CliCommand } from './command.js';
import { Eta } from '../util/eta.js';

const HELP = `Usage: brp-nas demo [--epochs 25] [--runs 1] [--seed 0] [--threads 1|2] [--data DIR]

The quick-start job on the default data (about two minutes on an idle two-core VM, longer on a busy one;
progress, with the time left of its long steps, goes to stderr; Ctrl-C stops it):
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

    const t0 = performance.now();
    const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
    const progress = (m: string) => io.err(`[demo ${elapsed()}] ${m}`);
    progress('1/4 the search space and the benchmark data');
    const space = nb201SpaceSummary();
    io.out(`NAS-Bench-201: ${space.total} cells, ${space.valid} valid, ${space.unique} isomorphism classes among valid cells, ${space.distinct_encodings} distinct predictor encodings`);
    const bench = loadNb201Benchmark(dataDir);
    io.out(`Data (${dataDir}): accuracies for ${bench.index.codes.length} cells on ${NB201_DATASETS.join(', ')}; LatBench latencies for ${[...bench.latency.keys()].filter((d) => !d.endsWith('-large')).length} devices (and ${[...bench.latency.keys()].filter((d) => d.endsWith('-large')).length} '-large' variants of unclear provenance)`);
    for (const d of NB201_DATASETS) {
      const cols = bench.datasets[d];
      let best = 0;
      for (let i = 1; i < cols.valMean.length; i++) if (cols.valMean[i] > cols.valMean[best]) best = i;
      io.out(`  best ${d.padEnd(10)} by validation: #${best} ${bench.index.archStringAt(best)}  val ${cols.valMean[best].toFixed(2)}%  test ${cols.test[best].toFixed(2)}%`);
    }

    const device = 'desktop-cpu-core-i7-7820x-fp32';
    progress(`2/4 latency predictors for ${device} (the GCN trains for up to ${epochs} epochs, about 1-2 s each)`);
    io.out(`\nLatency predictors for ${device} (900 training + 100 validation models, seed ${seed}, twin cells kept out of the test set; GCN capped at ${epochs} epochs):`);
    const lat: Record<string, { within10: number; spearman: number }> = {};
    const ds = loadLatBench(device, dataDir);
    const kernels = createKernels({ threads });
    try {
      for (const kind of ['flops', 'layerwise', 'gcn'] as const) {
        const eta = new Eta(epochs);
        const exp = trainLatencyPredictor(ds, {
          kind,
          seed,
          kernels,
          config: { epochs },
          signal: interruptSignal,
          onEpoch: (e) => {
            if ((e.epoch + 1) % 5 === 0) progress(`GCN epoch ${e.epoch + 1}/${epochs}  ${eta.text(e.epoch + 1)}`.trimEnd());
          },
        });
        if (exp.report?.interrupted) throw new InterruptedError();
        const m = exp.metrics;
        lat[kind] = { within10: m.within10, spearman: m.spearman };
        io.out(`  ${kind.padEnd(9)} within +-10% ${(m.within10 * 100).toFixed(1).padStart(5)}%  +-5% ${(m.within5 * 100).toFixed(1).padStart(5)}%  RMSE ${(m.rmse * 1e3).toFixed(3)} ms  Spearman ${m.spearman.toFixed(4)}  (${exp.trainSeconds.toFixed(1)} s)`);
      }
    } finally {
      kernels.dispose();
    }

    progress(`3/4 searches on CIFAR-100 with 100 trained models: random and regularised evolution (25 runs each, seconds), then BRP-NAS (${plural(runs, 'run')}, tens of seconds each)`);
    io.out(`\nSearch on NB201 CIFAR-100, 100 trained models (best test accuracy among them / of the validation-selected model):`);
    const found: Record<string, { oracle: number; selected: number }> = {};
    let best = NaN;
    let reaFirstRun: string[] = [];
    for (const [strategy, n] of [['random', 25], ['rea', 25], ['brp', runs]] as const) {
      if (n === 0) continue;
      const eta = new Eta(n);
      const r = simulateSearch({ benchmark: nb201SimBenchmark(bench, 'cifar100'), dataset: 'cifar100', strategy, budget: 100, runs: n, seed, kernels: () => createKernels({ threads }), signal: interruptSignal, onRun: (i) => strategy === 'brp' && progress(`BRP-NAS run ${i + 1}/${n} done  ${eta.text(i + 1)}`.trimEnd()) });
      if (r.interrupted) throw new InterruptedError();
      found[strategy] = { oracle: r.final_test_mean, selected: r.final_selected_test_mean };
      if (strategy === 'rea') reaFirstRun = r.per_run[0].trained;
      best = r.global_best_test;
      io.out(`  ${strategy.padEnd(6)} ${r.final_test_mean.toFixed(2)}% / ${r.final_selected_test_mean.toFixed(2)}%  over ${plural(n, 'run')}  (${r.seconds.toFixed(1)} s; best cell ${r.global_best_test.toFixed(2)}%)`);
    }
    progress('4/4 the real-training path (search --trainer): REA through the coordinator, journaled, 4 workers, trained by the NB201 table');
    const stateDir = mkdtempSync(join(tmpdir(), 'brp-nas-demo-'));
    try {
      const real = await runRealSearch({ search: { space: 'nb201', strategy: 'rea', budget: 100, seed }, runner: new TableTrainer(nb201SimBenchmark(bench, 'cifar100'), realSearchStreams(seed).reveal), stateDir, workers: 4, retries: 0, timeoutMs: null, identity: { demo: seed }, signal: interruptSignal });
      if (real.interrupted) throw new InterruptedError();
      const same = real.trained.map((c) => c.arch).join() === reaFirstRun.join();
      io.out(`\nThe real-training path: ${real.trained.length} candidates trained through the journaled coordinator (4 at a time); the same choices as the simulation's first REA run: ${same ? 'yes' : 'NO'} (${real.seconds.toFixed(1)} s)`);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
    progress(`done in ${elapsed()}`);

    // what a newcomer should take away, in words, from the numbers above
    const gcnWins = lat.gcn.spearman > lat.layerwise.spearman && lat.gcn.spearman > lat.flops.spearman;
    io.out('\nWhat this shows:');
    io.out(`  - The space has ${space.valid} valid cells but only ${space.unique} isomorphism classes: cells that differ on paper yet compute the same network. Searches train one cell per class, and the latency test set holds no twin of a training cell.`);
    io.out(`  - Latency: after ${epochs} epochs the GCN ranks unseen cells with Spearman ${lat.gcn.spearman.toFixed(3)}, against ${lat.layerwise.spearman.toFixed(3)} for a per-layer sum and ${lat.flops.spearman.toFixed(3)} for FLOPs: ${gcnWins ? 'it ranks best, ' : 'this short run does not beat every baseline, '}and within +-10% it gets ${(lat.gcn.within10 * 100).toFixed(0)}% of cells (FLOPs ${(lat.flops.within10 * 100).toFixed(0)}%). 'brp-nas latency train' trains to convergence (BENCHMARKS.md has all 13 devices).`);
    io.out(`  - Search: "oracle" is the best true test accuracy among the trained models, which no user can see; "validation-selected" is the test accuracy of the model a user would pick by its validation accuracy. The best of all ${space.valid} cells scores ${best.toFixed(2)}%.`);
    if (found.brp) io.out(`  - BRP-NAS reached ${found.brp.oracle.toFixed(2)}% (oracle) / ${found.brp.selected.toFixed(2)}% (selected) here, regularised evolution ${found.rea.oracle.toFixed(2)}% / ${found.rea.selected.toFixed(2)}%, random search ${found.random.oracle.toFixed(2)}% / ${found.random.selected.toFixed(2)}%; ${plural(runs, 'BRP-NAS run')} ${runs === 1 ? 'is' : 'are'} noisy: 'brp-nas search --strategy brp --runs 25' gives the mean (BENCHMARKS.md).`);
    return 0;
  },
};
