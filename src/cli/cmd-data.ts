import { resolveDataDir } from '../data/files.js';
import { loadNb201Benchmark } from '../data/nb201-bench.js';
import { summarizeBenchmark } from '../data/summary.js';
import { NB101_POOL_FILE, NB101_REVEAL_COLUMNS, loadNb101Pool } from '../data/nb101-pool.js';
import { DARTS_FILES, loadCdpDarts, loadNaslibDarts } from '../data/darts-data.js';
import { join } from 'node:path';
import { COMMON_OPTIONS, parse } from './args.js';
import type { CliCommand } from './command.js';

const HELP = `Usage: brp-nas data [--json] [--data DIR]

Load every benchmark file of the data directory (default $BRPNAS_DATA or ../shared/data) and report,
per source, the number of architectures (and values), and per LatBench device the number of
latencies and their median, min and max in milliseconds; then the NAS-Bench-101 pool (cells, and
cells per accuracy column, every row's hash checked) and the DARTS genotypes with their labels.`;

export const dataCommand: CliCommand = {
  name: 'data',
  summary: 'load the benchmark data (NB201, LatBench, NB101 pool, DARTS) and report what each source holds',
  async run(argv, io) {
    const { values } = parse('data', argv, COMMON_OPTIONS);
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const dir = resolveDataDir(values.data as string | undefined);
    const bench = loadNb201Benchmark(dir);
    const pool = loadNb101Pool(join(dir, NB101_POOL_FILE));
    const naslib = loadNaslibDarts(join(dir, DARTS_FILES.naslib));
    const cdp = loadCdpDarts(join(dir, DARTS_FILES.cdp));
    const count = (c: Float64Array | undefined) => (c ? c.reduce((a, x) => a + (Number.isNaN(x) ? 0 : 1), 0) : 0);
    const s = {
      ...summarizeBenchmark(bench),
      nb101: { file: NB101_POOL_FILE, cells: pool.cells.length, columns: Object.fromEntries([...NB101_REVEAL_COLUMNS, 'params'].map((c) => [c, count(pool.columns.get(c))])) },
      darts: {
        [DARTS_FILES.naslib]: { genotypes: naslib.genotypes.length, label: naslib.label, scores: [...naslib.scores.keys()] },
        [DARTS_FILES.cdp]: { genotypes: cdp.genotypes.length, label: cdp.label },
      },
    };
    if (values.json) {
      io.out(JSON.stringify(s));
      return 0;
    }
    io.out(`data directory ${s.dataDir}`);
    for (const [file, v] of Object.entries(s.sources)) io.out(`  ${file}: ${v.architectures} architectures${v.values !== undefined ? `, ${v.values} values` : ''}`);
    io.out('LatBench devices (latencies, median [min-max] ms):');
    for (const [dev, v] of Object.entries(s.latbench)) io.out(`  ${dev.padEnd(44)} ${String(v.count).padStart(6)}  ${v.median_ms.toFixed(3)} [${v.min_ms.toFixed(3)}-${v.max_ms.toFixed(3)}]`);
    io.out(`NAS-Bench-101 pool ${s.nb101.file}: ${s.nb101.cells} cells (hashes checked); with ${Object.entries(s.nb101.columns).map(([c, n]) => `${c} ${n}`).join(', ')}`);
    for (const [file, v] of Object.entries(s.darts)) io.out(`DARTS ${file}: ${v.genotypes} genotypes; labels: ${v.label}`);
    return 0;
  },
};
