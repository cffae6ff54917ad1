// How well NB201's zero-cost scores rank the cells of one dataset: Spearman against the mean
// validation and the mean test accuracy over the connected cells, and the mean and best test accuracy
// of each score's top k cells (what a warm-started first round draws from), plus the seconds the
// expected-SynFlow table takes. The search design studies used CIFAR-10 only: run it with --dataset cifar10.
//   node dist/bench/zero-cost.js [--dataset cifar10] [--top 5,10,50] [--data DIR]
import { benchArgs } from './bench-args.js';
import { resolveDataDir } from '../src/data/files.js';
import { loadNb201Benchmark } from '../src/data/nb201-bench.js';
import { spearman } from '../src/eval/metrics.js';
import { DATASET_ALIASES } from '../src/search/options.js';
import { macroConfigFor } from '../src/spaces/nb201/cost.js';
import { nb201SynflowByCode } from '../src/spaces/nb201/synflow.js';
import { provenance } from '../src/util/provenance.js';

const { values } = benchArgs(import.meta.url, { options: { dataset: { type: 'string', default: 'cifar10' }, top: { type: 'string', default: '5,10,50' }, data: { type: 'string' } } });
const dataset = DATASET_ALIASES[values.dataset!];
if (!dataset) throw new Error(`unknown dataset ${JSON.stringify(values.dataset)}`);
const tops = values.top!.split(',').map(Number);
if (tops.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`--top must list integers >= 1, got ${values.top}`);
const bench = loadNb201Benchmark(resolveDataDir(values.data), { devices: 'none' });
const d = bench.datasets[dataset];
console.error(`computing the expected SynFlow of all cells for ${dataset}'s network (tens of seconds)...`);
const t0 = performance.now();
// the dataset's own network (ImageNet16-120: 16 x 16 inputs); the search uses the CIFAR network's table
const synflow = nb201SynflowByCode(macroConfigFor(dataset));
const seconds = (performance.now() - t0) / 1000;

const rows: number[] = [];
for (let i = 0; i < bench.valid.length; i++) if (bench.valid[i]) rows.push(i);
const scores: Record<string, (i: number) => number> = {
  synflow: (i) => synflow[bench.index.codes[i]],
  params: (i) => d.params[i],
  flops: (i) => d.flops[i],
};
const f = (x: number, n = 3) => x.toFixed(n);
console.log(`${dataset}: ${rows.length} connected cells; expected-SynFlow table in ${f(seconds, 1)} s; ${JSON.stringify(provenance())}`);
console.log(`| score | Spearman vs validation | Spearman vs test | ${tops.map((k) => `top ${k}: mean / best test`).join(' | ')} | rank of the best test cell |`);
console.log(`|---|---|---|${tops.map(() => '---|').join('')}---|`);
const test = rows.map((i) => d.test[i]);
const bestRow = rows[test.indexOf(Math.max(...test))];
for (const [name, score] of Object.entries(scores)) {
  const s = rows.map(score);
  // ties broken by row order: the table's own order, the same for every score
  const order = rows.map((_, j) => j).sort((a, b) => s[b] - s[a] || a - b);
  const cells = tops.map((k) => {
    const top = order.slice(0, k).map((j) => test[j]);
    return `${f(top.reduce((a, b) => a + b, 0) / k, 2)} / ${f(Math.max(...top), 2)}`;
  });
  const rank = order.findIndex((j) => rows[j] === bestRow) + 1;
  console.log(`| ${name} | ${f(spearman(s, rows.map((i) => d.valMean[i])))} | ${f(spearman(s, test))} | ${cells.join(' | ')} | ${rank} |`);
}
