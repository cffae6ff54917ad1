// Which DARTS candidates should a search rank? The reference ranks a 10-million random sample with
// its BRP. Here a BRP trained on NASLib's 725 NB301 genotypes (surrogate labels) scores (a) random
// samples of growing size, keeping the best, and (b) a predictor-guided best-first pool
// (src/search/guided-pool.ts) of a much smaller evaluation budget. Compared: the best scores found,
// as percentiles of the scores of the largest random sample, and, as a check that the guided pool
// does not just exploit the BRP's errors, the accuracy an independently trained unary GCN
// (another seed, same labels) predicts for each method's top 10. The 725 training genotypes are
// excluded from every pool. Writes results/bench/darts-pool.json (with commit and options).
//   node dist/bench/darts-pool.js [--random 10000,100000] [--guided 5000,20000] [--threads 2] [--steps 300]

import { join } from 'node:path';
import { benchArgs } from './bench-args.js';
import { DARTS_FILES, loadNaslibDarts } from '../src/data/darts-data.js';
import { resolveDataDir } from '../src/data/files.js';
import { percentileOf } from '../src/eval/metrics.js';
import { createKernels } from '../src/nn/backend.js';
import { BinaryRelationPredictor } from '../src/predictors/brp.js';
import { GcnRegressor } from '../src/predictors/regressor.js';
import { guidedPool, randomPool } from '../src/search/guided-pool.js';
import { scaleTargets } from '../src/search/learners.js';
import type { Genotype } from '../src/spaces/darts/genotype.js';
import { formatDarts } from '../src/spaces/darts/genotype.js';
import { dartsSpace } from '../src/spaces/darts/space.js';
import { writeFileAtomic } from '../src/util/atomic-write.js';
import { dataFiles, provenance } from '../src/util/provenance.js';
import { Rng } from '../src/util/rng.js';
import { encodeArchs } from '../src/spaces/graphs.js';

// the code that runs is the tree at the start
const prov = provenance();
const { values } = benchArgs(import.meta.url, {
  options: {
    random: { type: 'string', default: '10000,100000' },
    guided: { type: 'string', default: '5000,20000' },
    initial: { type: 'string', default: '2000' },
    parents: { type: 'string', default: '20' },
    threads: { type: 'string', default: '2' },
    steps: { type: 'string', default: '300' },
    epochs: { type: 'string', default: '60' },
    out: { type: 'string', default: 'results/bench/darts-pool.json' },
    data: { type: 'string' },
  },
});
const dataDir = resolveDataDir(values.data);
const path = join(dataDir, DARTS_FILES.naslib);
const d = loadNaslibDarts(path);
const exclude = new Set(d.genotypes.map((g) => dartsSpace.key(g)));
const k = createKernels({ threads: Number(values.threads) });
const t0 = performance.now();
const log = (m: string) => console.error(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${m}`);
try {
  const train = encodeArchs(dartsSpace, d.genotypes);
  const ids = d.genotypes.map((_, i) => i);
  const brp = new BinaryRelationPredictor(k, { nodes: 31, features: 10, hidden: 600, layers: 4, dropout: 0.2, head: 'binary' });
  const r1 = new Rng(1);
  brp.init(r1);
  brp.train(train, ids, scaleTargets(Array.from(d.accuracy), 'rank'), { steps: Number(values.steps), lr: 3.5e-4, weightDecay: 5e-4, cosine: true, patience: 0, modelsPerStep: 64 }, r1);
  log('BRP trained on the 725 genotypes');
  const gcn = new GcnRegressor(k, { nodes: 31, features: 10, hidden: 600, layers: 4, dropout: 0.2, head: 'regression' });
  const r2 = new Rng(2);
  gcn.init(r2);
  gcn.train(train, ids, Array.from(d.accuracy), ids, Array.from(d.accuracy), { epochs: Number(values.epochs), batchSize: 32, lr: 3.5e-4, weightDecay: 5e-4, scheduler: 'cosine', lrPatience: 10, esPatience: 0, loss: 'l1', restoreBest: false, schedulerStartEpoch: 20 }, r2);
  log('check GCN trained');
  const brpScore = (gs: Genotype[]) => brp.scores(encodeArchs(dartsSpace, gs), Int32Array.from(gs.keys()));
  const gcnAcc = (gs: Genotype[]) => gcn.predict(encodeArchs(dartsSpace, gs), Int32Array.from(gs.keys()));
  const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
  const rows: Record<string, unknown>[] = [];
  let reference: Float64Array | null = null;
  for (const n of values.random!.split(',').map(Number)) {
    const t = performance.now();
    const p = randomPool(dartsSpace, brpScore, new Rng(10 + n), n, { keep: 100, exclude });
    reference = Float64Array.from(p.allScores).sort();
    rows.push({ method: 'random', scored: n, seconds: (performance.now() - t) / 1000, best: p.scores[0], top10: mean(p.scores.subarray(0, 10)), top100: mean(p.scores.subarray(0, 100)), top10_gcn_accuracy: mean(gcnAcc(p.archs.slice(0, 10))), best_arch: formatDarts(p.archs[0]) });
    log(`random ${n}: best ${p.scores[0].toFixed(3)}`);
  }
  const randomRef = reference!;
  const pct = (s: number) => percentileOf(randomRef, s);
  for (const n of values.guided!.split(',').map(Number)) {
    const t = performance.now();
    const p = guidedPool(dartsSpace, brpScore, new Rng(20 + n), { initial: Number(values.initial), parents: Number(values.parents), budget: n }, exclude);
    rows.push({ method: 'guided', scored: p.scored, seconds: (performance.now() - t) / 1000, best: p.scores[0], top10: mean(p.scores.subarray(0, 10)), top100: mean(p.scores.subarray(0, 100)), top10_gcn_accuracy: mean(gcnAcc(p.archs.slice(0, 10))), best_arch: formatDarts(p.archs[0]) });
    log(`guided ${n}: best ${p.scores[0].toFixed(3)}`);
  }
  for (const r of rows) {
    r.best_percentile = pct(r.best as number);
    r.top10_percentile = pct(r.top10 as number);
  }
  const sampleRng = new Rng(99);
  const sampleGcn = mean(gcnAcc(Array.from({ length: 2000 }, () => dartsSpace.sample(sampleRng))));
  const result = { bench: 'darts-pool', labels: d.label, percentile_reference: `scores of the largest random sample (${randomRef.length})`, random_genotype_gcn_accuracy: sampleGcn, rows, options: values, provenance: prov, data: dataFiles([path]) };
  writeFileAtomic(values.out!, JSON.stringify(result, null, 1));
  console.log(`| method | genotypes scored | seconds | best BRP score (percentile of ${randomRef.length} random) | top-10 mean score (percentile) | top-10 accuracy by the independent GCN (%) |`);
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.method} | ${r.scored} | ${(r.seconds as number).toFixed(0)} | ${(r.best as number).toFixed(3)} (${(r.best_percentile as number).toFixed(3)}) | ${(r.top10 as number).toFixed(3)} (${(r.top10_percentile as number).toFixed(3)}) | ${(r.top10_gcn_accuracy as number).toFixed(3)} |`);
} finally {
  k.dispose();
}
