// Opening a full-size measured dataset (all 15,284 valid NB201 cells), as every resumed `measure`
// and every `latency train --device FILE.jsonl` does: DatasetWriter.open (parse, resume offset)
// and parseLatencyJsonl, against the earlier way of finding the resume offset (the byte length of
// the whole prefix recomputed after every line, quadratic), timed side by side on the same file.
//   node dist/bench/dataset-io.js [--rows 15284] [--repeats 3] [--quadratic]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './bench-args.js';
import { DatasetWriter, parseLatencyJsonl } from '../src/data/measured-dataset.js';
import { allCodes, codeToVector, vectorToArchString } from '../src/spaces/nb201/cell.js';
import { Rng } from '../src/util/rng.js';

const { values } = benchArgs(import.meta.url, { options: { rows: { type: 'string', default: '15284' }, repeats: { type: 'string', default: '3' }, quadratic: { type: 'boolean', default: false } } });
const rows = Number(values.rows);
const repeats = Number(values.repeats);
const rng = new Rng(1);
const codes = Array.from(allCodes({ validOnly: true })).slice(0, rows);
const header = { format: 'brp-nas-latency' as const, version: 1, device: 'bench', space: 'nb201' as const, setup: { bench: true } };
let text = JSON.stringify(header) + '\n' + JSON.stringify({ session: 0, started_at: new Date(0).toISOString(), loadavg: 0, pid: 1 }) + '\n';
for (const code of codes) {
  const s = 0.001 + rng.float() * 0.01;
  text += JSON.stringify({ arch: vectorToArchString(codeToVector(code)), code, latency_s: s, median_s: s, p10_s: s * 0.95, p90_s: s * 1.05, cv: 0.02, runs: 200, session: 0 }) + '\n';
}
const dir = mkdtempSync(join(tmpdir(), 'brp-dsio-'));
const path = join(dir, 'full.jsonl');
writeFileSync(path, text);
const time = (f: () => void) => {
  const t: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    f();
    t.push((performance.now() - t0) / 1000);
  }
  return Math.min(...t);
};
// the earlier resume offset: Buffer.byteLength of the prefix after every line
const quadraticOffset = (s: string) => {
  let pos = 0;
  let good = 0;
  while (pos < s.length) {
    const nl = s.indexOf('\n', pos);
    if (nl < 0) break;
    pos = nl + 1;
    good = Buffer.byteLength(s.slice(0, pos));
  }
  return good;
};
try {
  const open = time(() => DatasetWriter.open(path, header));
  const parse = time(() => parseLatencyJsonl(readFileSync(path), path));
  console.log(`${rows} rows, ${(text.length / 1e6).toFixed(1)} MB: DatasetWriter.open ${(open * 1e3).toFixed(0)} ms, parseLatencyJsonl ${(parse * 1e3).toFixed(0)} ms (best of ${repeats})`);
  if (values.quadratic) {
    const q = time(() => quadraticOffset(readFileSync(path, 'utf8')));
    console.log(`earlier resume offset alone (quadratic): ${(q * 1e3).toFixed(0)} ms, ${(q / open).toFixed(0)}x the whole open now`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
