// The final pick under noise, evaluated on saved NB201 search results (bench/search.ts writes them):
// each run's trained cells and the validation accuracy each revealed (one training seed). A rule
// that retrains costs models, so it sees only the first budget-k trained cells and spends k on
// retraining; every rule ends at the same number of trainings. Retraining draws another of the
// cell's seeds from the table (seeded), never the one the search saw.
//   node dist/bench/final-pick.js [--k 2,3,5] [--seed 1] FILE.json [FILE.json ...]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { benchArgs } from './bench-args.js';
import { resolveDataDir } from '../src/data/files.js';
import { loadNb201Benchmark } from '../src/data/nb201-bench.js';
import { meanSe } from '../src/eval/metrics.js';
import { nb201SimBenchmark } from '../src/search/benchmark.js';
import { nb201Domain } from '../src/search/domain.js';
import type { Nb201Dataset } from '../src/spaces/nb201/cost.js';
import { Rng } from '../src/util/rng.js';

const { values, positionals } = benchArgs(import.meta.url, { allowPositionals: true, options: { k: { type: 'string', default: '2,3,5' }, seed: { type: 'string', default: '1' }, data: { type: 'string' } } });
if (positionals.length === 0) throw new Error('name one or more NB201 search result files');
const ks = values.k!.split(',').map(Number);
const bench = loadNb201Benchmark(resolveDataDir(values.data), { devices: 'none' });

const fmt = ([m, se]: number[]) => `${m.toFixed(2)} +- ${se.toFixed(2)}`;

console.log('| result | runs | rule | selected test % | paired vs validation pick | oracle best of the searched % |');
console.log('|---|---|---|---|---|---|');
for (const file of positionals) {
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  // a finished result, or a run checkpoint (.runs.json: its key names the dataset and budget, runs hold codes)
  const res = raw.per_run ? raw : { ...JSON.parse(raw.key), budget: raw.runs[0].trained.length, per_run: raw.runs };
  const table = nb201SimBenchmark(bench, res.dataset as Nb201Dataset);
  const test = (code: number) => table.oracle(code);
  // another seed's validation accuracy (the simulator's own draw: a seed the search did not see),
  // from a stream of its own per run and K, so a figure does not depend on which others are asked for
  let rng = new Rng(0);
  const retrain = (code: number, seen: number) => table.revealAgain(code, seen, rng);
  const base: number[] = [];
  const byRule = new Map<string, number[]>();
  const oracle = new Map<string, number[]>();
  for (const [r, run] of (res.per_run as { trained: (string | number)[]; revealed: number[] }[]).entries()) {
    const codes: number[] = run.trained.map((a) => (typeof a === 'number' ? a : nb201Domain.lookup(a)));
    const rev: number[] = run.revealed;
    const B = codes.length;
    const argmax = (n: number) => rev.slice(0, n).reduce((b, v, i) => (v > rev[b] ? i : b), 0);
    base.push(test(codes[argmax(B)]));
    for (const k of ks) {
      rng = new Rng(Number(values.seed) * 1_000_003 + r * 1009 + k);
      const n = B - k;
      const top = Array.from({ length: n }, (_, i) => i).sort((a, b) => rev[b] - rev[a]).slice(0, k);
      const mean = top.map((i) => (rev[i] + retrain(codes[i], rev[i])) / 2);
      const pick = top[mean.reduce((b, v, j) => (v > mean[b] ? j : b), 0)];
      const key = `retrain top ${k}`;
      (byRule.get(key) ?? byRule.set(key, []).get(key)!).push(test(codes[pick]));
      (oracle.get(key) ?? oracle.set(key, []).get(key)!).push(Math.max(...codes.slice(0, n).map(test)));
    }
  }
  const runs = base.length;
  const allBest = res.per_run.map((r: { trained: (string | number)[] }) => Math.max(...r.trained.map((a) => test(typeof a === 'number' ? a : nb201Domain.lookup(a)))));
  console.log(`| ${basename(file)} | ${runs} | validation pick (all ${res.budget} searched) | ${fmt(meanSe(base))} | - | ${fmt(meanSe(allBest))} |`);
  for (const [key, xs] of byRule) console.log(`| ${basename(file)} | ${runs} | ${key} (${res.budget - Number(key.split(' ').pop())} searched) | ${fmt(meanSe(xs))} | ${fmt(meanSe(xs.map((x, i) => x - base[i])))} | ${fmt(meanSe(oracle.get(key)!))} |`);
}
