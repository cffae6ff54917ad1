// Sample-efficiency table of saved search results (bench/search.ts writes them): per result file,
// the oracle mean (best test accuracy among the trained models) at several budgets, the
// validation-selected mean at the same budgets, the runs that reached the best cell and after how many
// models on average and in the median run, and the commit the result names. A result of an older release
// that spent part of its budget on low-fidelity runs has no value before them: '-'. Reads only;
// prints markdown.
//   node dist/bench/search-summary.js [--at 20,30,50,100] FILE.json [FILE.json ...]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { benchArgs } from './bench-args.js';
import { median } from '../src/eval/metrics.js';

const { values, positionals } = benchArgs(import.meta.url, { allowPositionals: true, options: { at: { type: 'string', default: '20,30,50,100' } } });
if (positionals.length === 0) throw new Error('name one or more search result files (results/bench/search*/*.json)');
const at = values.at!.split(',').map(Number);
const f2 = (x: number | null) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(2));
console.log(`| result | oracle at ${at.join(' / ')} | validation-selected at ${at.join(' / ')} | s.e. at ${at[at.length - 1]} (oracle, selected) | reached the best cell (runs, mean models; median) | s per run | commit |`);
console.log('|---|---|---|---|---|---|---|');
for (const file of positionals) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  for (const n of at) if (n > r.budget) throw new Error(`${file}: budget ${r.budget} is below ${n}`);
  const last = at[at.length - 1] - 1;
  const secs = r.run_seconds.reduce((a: number, b: number) => a + b, 0) / r.runs;
  const reached = r.reached_global_best;
  const med = median(r.per_run.map((x: { reached_global_best_at: number | null }) => x.reached_global_best_at).filter((x: number | null) => x !== null));
  console.log(`| ${basename(file, '.json')} | ${at.map((n) => f2(r.curve_mean[n - 1])).join(' / ')} | ${at.map((n) => f2(r.selected_curve_mean[n - 1])).join(' / ')} | ${f2(r.curve_se[last])}, ${f2(r.selected_curve_se[last])} | ${reached.runs}, ${reached.mean_models === null ? '-' : reached.mean_models.toFixed(1)}; ${Number.isNaN(med) ? '-' : med} | ${secs.toFixed(1)} | ${r.provenance?.commit?.slice(0, 7) ?? '?'} |`);
}
