// An unfinished search bench result (its per-run checkpoint, FILE.runs.json) against finished results
// on the same first N runs (run r has the same seed in every strategy): mean best value at the budget
// and the runs that reached the best cell. For reporting a long bench that a session could not finish.
//   node dist/bench/search-partial.js CHECKPOINT.runs.json RESULT.json [RESULT.json ...]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [checkpoint, ...others] = process.argv.slice(2);
if (!checkpoint || others.length === 0) throw new Error('usage: search-partial CHECKPOINT.runs.json RESULT.json [RESULT.json ...]');
const runs = JSON.parse(readFileSync(checkpoint, 'utf8')).runs as { bestTest: number[]; reachedGlobalBestAt: number | null }[];
const n = runs.length;
if (n === 0) throw new Error(`${checkpoint}: no finished run`);
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
console.log(`| result (first ${n} runs) | best at the budget (mean) | reached the best cell (runs) |`);
console.log('|---|---|---|');
console.log(`| ${basename(checkpoint, '.json.runs.json')} (unfinished) | ${mean(runs.map((r) => r.bestTest[r.bestTest.length - 1])).toFixed(2)} | ${runs.filter((r) => r.reachedGlobalBestAt !== null).length} |`);
for (const file of others) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  if (r.runs < n) throw new Error(`${file}: ${r.runs} runs, fewer than ${n}`);
  const first = (r.per_run as { best_found: { test: number }; reached_global_best_at: number | null }[]).slice(0, n);
  console.log(`| ${basename(file, '.json')} | ${mean(first.map((x) => x.best_found.test)).toFixed(2)} | ${first.filter((x) => x.reached_global_best_at !== null).length} |`);
}
