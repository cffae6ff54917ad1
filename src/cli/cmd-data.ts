import { resolveDataDir } from '../data/files.js';
import { loadNb201Benchmark } from '../data/nb201-bench.js';
import { summarizeBenchmark } from '../data/summary.js';
import { NB101_POOL_FILE, NB101_REVEAL_COLUMNS, loadNb101Pool } from '../data/nb101-pool.js';
import { DARTS_FILES, loadCdpDarts, loadNaslibDarts } from '../data/darts-data.js';
import { join, resolve } from 'node:path';
import { checkDataDir, defaultCacheDir, fetchDataFiles } from '../data/fetch.js';
import { DATA_ENV } from '../data/files.js';
import { DataError } from '../util/errors.js';
import { EXIT_INTERRUPTED, interruptSignal } from '../util/interrupt.js';
import { InterruptedError } from '../util/stop.js';
import { COMMON_OPTIONS, UsageError, parse } from './args.js';
import type { CliCommand, CliIo } from './command.js';

const HELP = `Usage: brp-nas data [--json] [--data DIR]
       brp-nas data fetch [--dir DIR] [--mirror URL] [--json]

Check the data directory (default $BRPNAS_DATA, else ../shared/data, else the download cache) against
the known files (size and sha256): a missing or altered file is named, with the command that fixes
it. Then load every benchmark file and report, per source, the number of architectures (and values),
and per LatBench device the number of latencies and their median, min and max in milliseconds; then
the NAS-Bench-101 pool (cells, and cells per accuracy column, every row's hash checked) and the DARTS
genotypes with their labels. docs/data.md says where each file comes from.

data fetch: download every missing or altered file into DIR (default $BRPNAS_DATA, else
$XDG_CACHE_HOME/brp-nas/data or ~/.cache/brp-nas/data) from its public source, or from --mirror URL
(a server with the data directory's layout). Each file's sha256 is checked before it takes its name;
a broken download resumes where it stopped when the command runs again. Files with no public
address (the merged NB101 pool) come only from a mirror or by hand. Exit 1 if any file is still
missing.`;

async function runFetch(argv: string[], io: CliIo): Promise<number> {
  const { values } = parse('data fetch', argv, { ...COMMON_OPTIONS, dir: { type: 'string' }, mirror: { type: 'string' } });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (values.data !== undefined) throw new UsageError('data fetch: --dir DIR says where the files go (--data is for the other commands)');
  const dir = resolve(typeof values.dir === 'string' ? values.dir : (process.env[DATA_ENV] ?? defaultCacheDir()));
  if (typeof values.mirror === 'string' && !/^https?:\/\//.test(values.mirror)) throw new UsageError(`data fetch: --mirror must be an http:// or https:// URL, got ${JSON.stringify(values.mirror)}`);
  let out;
  try {
    out = await fetchDataFiles(dir, { mirror: values.mirror as string | undefined, onProgress: (m) => io.err(`brp-nas data fetch: ${m}`), signal: interruptSignal });
  } catch (e) {
    if (!(e instanceof InterruptedError)) throw e;
    io.err(`brp-nas data fetch: interrupted; what was downloaded is kept (a partial file as .part), and the same command resumes`);
    return EXIT_INTERRUPTED;
  }
  if (values.json) io.out(JSON.stringify({ dir, ...out }));
  else {
    io.out(`${dir}: ${out.ok.length} files already there, ${out.fetched.length} downloaded, ${out.failed.length} not`);
    for (const f of out.failed) io.out(`  ${f.file}: ${f.why}`);
  }
  return out.failed.length ? 1 : 0;
}

export const dataCommand: CliCommand = {
  name: 'data',
  summary: 'check and load the benchmark data (NB201, LatBench, NB101 pool, DARTS) and report what each source holds; data fetch downloads it',
  subcommands: ['fetch'],
  async run(argv, io) {
    if (argv[0] === 'fetch') return runFetch(argv.slice(1), io);
    const { values } = parse('data', argv, COMMON_OPTIONS);
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const dir = resolveDataDir(values.data as string | undefined);
    const bad = checkDataDir(dir).filter((c) => c.state !== 'ok');
    if (bad.length) {
      for (const c of bad) io.err(`brp-nas data: ${join(dir, c.source.file)}: ${c.state === 'missing' ? 'missing' : `altered (${c.detail})`}`);
      throw new DataError(`${bad.length} of the benchmark files in ${dir} are missing or altered; 'brp-nas data fetch --dir ${dir}' downloads them (docs/data.md says where each comes from)`);
    }
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
    const large = Object.keys(s.latbench).filter((d) => d.endsWith('-large'));
    io.out(`LatBench devices (latencies, median [min-max] ms): ${Object.keys(s.latbench).length - large.length} devices of LatBench${large.length ? `, and ${large.length} '-large' variants of unclear provenance that the data folder also holds` : ''}:`);
    for (const [dev, v] of Object.entries(s.latbench)) io.out(`  ${dev.padEnd(44)} ${String(v.count).padStart(6)}  ${v.median_ms.toFixed(3)} [${v.min_ms.toFixed(3)}-${v.max_ms.toFixed(3)}]`);
    io.out(`NAS-Bench-101 pool ${s.nb101.file}: ${s.nb101.cells} cells (hashes checked); with ${Object.entries(s.nb101.columns).map(([c, n]) => `${c} ${n}`).join(', ')}`);
    for (const [file, v] of Object.entries(s.darts)) io.out(`DARTS ${file}: ${v.genotypes} genotypes; labels: ${v.label}`);
    return 0;
  },
};
