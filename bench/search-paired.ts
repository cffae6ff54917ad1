// Two search bench results compared run by run (run r has the same seed in both, so their runs pair):
// the mean difference A - B of the oracle and the validation-selected value at several budgets with
// its standard error and sign counts, and of the models needed to reach the best cell (over the runs
// where both reached it; a run that never did counts as budget + 1 in the "all runs" line). Either
// file may be a finished result (FILE.json) or an unfinished one's checkpoint (FILE.json.runs.json);
// the comparison covers the runs both have. Tells whether a design candidate differs beyond noise.
//   node dist/bench/search-paired.js [--at 20,30,50,100] [--data DIR] [--pool FILE.csv] A.json B.json
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../src/data/files.js';
import { median, pairedDifference, type PairedDifference } from '../src/eval/metrics.js';
import { loadRunCurves } from './run-curves.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { at: { type: 'string', default: '20,30,50,100' }, data: { type: 'string' }, pool: { type: 'string' } } });
if (positionals.length !== 2) throw new Error('usage: search-paired [--at 20,30,50,100] A.json B.json (finished results or .runs.json checkpoints)');
const dataDir = resolveDataDir(values.data);
const [a, b] = positionals.map((f) => loadRunCurves(f, dataDir, values.pool));
if (a.budget !== b.budget) throw new Error(`budgets differ: ${a.budget} and ${b.budget}`);
const budget = a.budget;
const n = Math.min(a.runs.length, b.runs.length);
const at = values.at!.split(',').map(Number);
if (at.some((k) => !Number.isInteger(k) || k < 1 || k > budget)) throw new Error(`--at must list budgets from 1 to ${budget}, got ${values.at}`);
const ra = a.runs.slice(0, n);
const rb = b.runs.slice(0, n);
const mean = (x: number[]) => x.reduce((s, y) => s + y, 0) / x.length;
const f = (x: number, d = 3) => (x >= 0 ? '+' : '') + x.toFixed(d);
const row = (what: string, x: number[], y: number[], p: PairedDifference, d = 3) =>
  `| ${what} | ${mean(x).toFixed(d)} | ${mean(y).toFixed(d)} | ${f(p.mean, d)} +- ${p.se.toFixed(d)} | ${p.higher} / ${p.lower} / ${p.equal} |`;

console.log(`A: ${a.name}${a.unfinished ? ' (unfinished)' : ''}\nB: ${b.name}${b.unfinished ? ' (unfinished)' : ''}\n${n} paired runs\n`);
console.log('| measure | A | B | A - B (mean +- s.e.) | runs A higher / lower / equal |');
console.log('|---|---|---|---|---|');
for (const k of at) {
  for (const view of ['oracle', 'selected'] as const) {
    const x = ra.map((r) => r[view][k - 1]);
    const y = rb.map((r) => r[view][k - 1]);
    console.log(row(`${view} at ${k}`, x, y, pairedDifference(x, y)));
  }
}
const reach = (r: { reachedAt: number | null }) => r.reachedAt ?? budget + 1;
const both = ra.map((_, i) => i).filter((i) => ra[i].reachedAt !== null && rb[i].reachedAt !== null);
if (both.length > 0) {
  const x = both.map((i) => ra[i].reachedAt!);
  const y = both.map((i) => rb[i].reachedAt!);
  console.log(row(`models to the best cell (${both.length} runs where both reached it)`, x, y, pairedDifference(x, y), 1));
}
const x = ra.map(reach);
const y = rb.map(reach);
console.log(row(`models to the best cell (all runs, never = ${budget + 1})`, x, y, pairedDifference(x, y), 1));
console.log(`\nmedian models to the best cell (all runs): A ${median(x)}, B ${median(y)}; runs reaching it: A ${ra.filter((r) => r.reachedAt !== null).length}, B ${rb.filter((r) => r.reachedAt !== null).length}`);
