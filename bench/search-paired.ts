// Two search bench results compared run by run (run r has the same seed in both, so their runs pair):
// the mean difference A - B of the oracle and the validation-selected value at several budgets with
// its standard error and sign counts, and of the models needed to reach the best cell (over the runs
// where both reached it; a run that never did counts as budget + 1 in the "all runs" line). Either
// file may be a finished result (FILE.json) or an unfinished one's checkpoint (FILE.json.runs.json);
// the comparison covers the runs both have. Tells whether a design candidate differs beyond noise.
// Runs of several seeds pool: A1.json A2.json vs B1.json B2.json pairs A1 with B1 and A2 with B2.
//   node dist/bench/search-paired.js [--at 20,30,50,100] [--data DIR] [--pool FILE.csv] A.json B.json
//   node dist/bench/search-paired.js [...] A1.json A2.json ... vs B1.json B2.json ...
import { benchArgs, benchUsageError } from './bench-args.js';
import { resolveDataDir } from '../src/data/files.js';
import { median, pairedDifference, type PairedDifference } from '../src/eval/metrics.js';
import { loadRunCurves, type RunCurve } from './run-curves.js';

const { values, positionals } = benchArgs(import.meta.url, { allowPositionals: true, options: { at: { type: 'string', default: '20,30,50,100' }, data: { type: 'string' }, pool: { type: 'string' } } });
const vs = positionals.indexOf('vs');
const [filesA, filesB] = vs < 0 ? [positionals.slice(0, 1), positionals.slice(1)] : [positionals.slice(0, vs), positionals.slice(vs + 1)];
// without 'vs', A is the first file and B the rest: equal lengths means exactly two files
if (filesA.length === 0 || filesA.length !== filesB.length) benchUsageError(import.meta.url, 'give A.json B.json, or A1.json A2.json ... vs B1.json B2.json ... with as many files on each side');
const dataDir = resolveDataDir(values.data);
const load = (f: string) => loadRunCurves(f, dataDir, values.pool);
const ra: RunCurve[] = [];
const rb: RunCurve[] = [];
let budget = 0;
const names: string[] = [];
// file i of A pairs with file i of B (the same seed), over the runs both have
filesA.forEach((fa, i) => {
  const [a, b] = [load(fa), load(filesB[i])];
  if (a.budget !== b.budget || (budget && a.budget !== budget)) throw new Error(`budgets differ: ${a.budget} and ${b.budget}${budget ? ` (and ${budget})` : ''}`);
  budget = a.budget;
  const n = Math.min(a.runs.length, b.runs.length);
  ra.push(...a.runs.slice(0, n));
  rb.push(...b.runs.slice(0, n));
  names.push(`A: ${a.name}${a.unfinished ? ' (unfinished)' : ''}\nB: ${b.name}${b.unfinished ? ' (unfinished)' : ''}\n${n} paired runs`);
});
const n = ra.length;
const at = values.at!.split(',').map(Number);
if (at.some((k) => !Number.isInteger(k) || k < 1 || k > budget)) throw new Error(`--at must list budgets from 1 to ${budget}, got ${values.at}`);
const mean = (x: number[]) => x.reduce((s, y) => s + y, 0) / x.length;
const f = (x: number, d = 3) => (x >= 0 ? '+' : '') + x.toFixed(d);
const row = (what: string, x: number[], y: number[], p: PairedDifference, d = 3) =>
  `| ${what} | ${mean(x).toFixed(d)} | ${mean(y).toFixed(d)} | ${f(p.mean, d)} +- ${p.se.toFixed(d)} | ${p.higher} / ${p.lower} / ${p.equal} |`;

console.log(`${names.join('\n')}${names.length > 1 ? `\n${n} paired runs in all` : ''}\n`);
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
