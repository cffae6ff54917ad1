// Where a search's picks sit by a zero-cost score: for each saved NB201 search result (bench/search.ts
// writes them) and each stretch of its training order, the mean quantile among the valid cells
// (0 to 1) of the cells trained in that stretch, over all runs. Says
// whether an option moved the picks toward cells a score likes. Reads only; prints markdown.
//   node dist/bench/pick-scores.js [--score synflow|params] [--at 10,30,50,100] FILE.json [FILE.json ...]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { benchArgs } from './bench-args.js';
import { nb201Domain } from '../src/search/domain.js';
import { quantiles } from '../src/eval/metrics.js';
import { zeroCostScores } from '../src/search/zero-cost.js';
import { ZERO_COST_SCORES, type ZeroCostName } from '../src/search/options.js';
import { allCodes } from '../src/spaces/nb201/cell.js';

const { values, positionals } = benchArgs(import.meta.url, { allowPositionals: true, options: { score: { type: 'string', default: 'synflow' }, at: { type: 'string', default: '10,30,50,100' } } });
if (positionals.length === 0) throw new Error('name one or more NB201 search result files (results/bench/search*/*.json)');
if (!(ZERO_COST_SCORES as readonly string[]).includes(values.score!)) throw new Error(`--score must be one of ${ZERO_COST_SCORES.join(', ')}`);
const ends = values.at!.split(',').map(Number);
const valid = allCodes({ validOnly: true });
const q = quantiles(zeroCostScores(nb201Domain, values.score as ZeroCostName, valid));
const quantileOf = new Map(Array.from(valid, (c, i) => [c, q[i]]));
const stretches = ends.map((e, i) => [i === 0 ? 0 : ends[i - 1], e] as const);
console.log(`| result | mean ${values.score} quantile of picks ${stretches.map(([a, b]) => `${a + 1}-${b}`).join(' / ')} |`);
console.log('|---|---|');
for (const file of positionals) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  if (r.per_run?.[0]?.trained === undefined || typeof r.per_run[0].trained[0] !== 'string') throw new Error(`${file}: not an NB201 search result with the trained cells of each run`);
  const means = stretches.map(([a, b]) => {
    let sum = 0;
    let n = 0;
    for (const run of r.per_run as { trained: string[] }[])
      for (const arch of run.trained.slice(a, b)) {
        sum += quantileOf.get(nb201Domain.lookup(arch))!;
        n++;
      }
    return n > 0 ? (sum / n).toFixed(3) : '-';
  });
  console.log(`| ${basename(file, '.json')} | ${means.join(' / ')} |`);
}
