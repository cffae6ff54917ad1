import { resolveDataDir } from '../data/files.js';
import { loadNb201Benchmark } from '../data/nb201-bench.js';
import { summarizeBenchmark } from '../data/summary.js';
import { NB201_DATASETS } from '../spaces/nb201-cost.js';
import { nb201SpaceSummary } from '../spaces/nb201-summary.js';
import { COMMON_OPTIONS, parse } from './args.js';
import type { CliCommand } from './main.js';

const HELP = `Usage: brp-nas demo [--data DIR]

The quick-start job: summarise the NAS-Bench-201 space and the benchmark data, and show the best
cell per dataset by mean validation accuracy with its test accuracy.`;

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'the quick-start job on the default data',
  async run(argv, io) {
    const { values } = parse('demo', argv, COMMON_OPTIONS);
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const space = nb201SpaceSummary();
    io.out(`NAS-Bench-201: ${space.total} cells, ${space.valid} valid, ${space.unique} isomorphism classes among valid cells, ${space.distinct_encodings} distinct predictor encodings`);
    const bench = loadNb201Benchmark(resolveDataDir(values.data as string | undefined));
    const s = summarizeBenchmark(bench);
    io.out(`\nData (${s.dataDir}):`);
    for (const [file, v] of Object.entries(s.sources)) if (!file.startsWith('latbench/')) io.out(`  ${file}: ${v.architectures} architectures`);
    io.out('\nBest cell per dataset by mean validation accuracy:');
    for (const d of NB201_DATASETS) {
      const cols = bench.datasets[d];
      let best = 0;
      for (let i = 1; i < cols.valMean.length; i++) if (cols.valMean[i] > cols.valMean[best]) best = i;
      io.out(`  ${d.padEnd(10)} #${best} ${bench.index.archStringAt(best)}  val ${cols.valMean[best].toFixed(2)}%  test ${cols.test[best].toFixed(2)}%  ${(cols.params[best] / 1e6).toFixed(3)} M params`);
    }
    io.out(`\nLatBench: ${s.latbench ? Object.keys(s.latbench).length : 0} devices (median latency over measured cells)`);
    for (const [dev, v] of Object.entries(s.latbench)) io.out(`  ${dev.padEnd(44)} ${String(v.count).padStart(6)} cells  median ${v.median_ms.toFixed(2)} ms`);
    return 0;
  },
};
