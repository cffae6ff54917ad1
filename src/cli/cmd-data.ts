import { resolveDataDir } from '../data/files.js';
import { loadNb201Benchmark } from '../data/nb201-bench.js';
import { summarizeBenchmark } from '../data/summary.js';
import { COMMON_OPTIONS, parse } from './args.js';
import type { CliCommand } from './command.js';

const HELP = `Usage: brp-nas data [--json] [--data DIR]

Load every benchmark file of the data directory (default $BRPNAS_DATA or ../shared/data) and report,
per source, the number of architectures (and values), and per LatBench device the number of
latencies and their median, min and max in milliseconds.`;

export const dataCommand: CliCommand = {
  name: 'data',
  summary: 'load the benchmark data and report what each source holds',
  async run(argv, io) {
    const { values } = parse('data', argv, COMMON_OPTIONS);
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const bench = loadNb201Benchmark(resolveDataDir(values.data as string | undefined));
    const s = summarizeBenchmark(bench);
    if (values.json) {
      io.out(JSON.stringify(s));
      return 0;
    }
    io.out(`data directory ${s.dataDir}`);
    for (const [file, v] of Object.entries(s.sources)) io.out(`  ${file}: ${v.architectures} architectures${v.values !== undefined ? `, ${v.values} values` : ''}`);
    io.out('LatBench devices (latencies, median [min-max] ms):');
    for (const [dev, v] of Object.entries(s.latbench)) io.out(`  ${dev.padEnd(44)} ${String(v.count).padStart(6)}  ${v.median_ms.toFixed(3)} [${v.min_ms.toFixed(3)}-${v.max_ms.toFixed(3)}]`);
    return 0;
  },
};
