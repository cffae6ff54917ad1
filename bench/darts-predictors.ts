// Predictor quality on DARTS, with the labels said: the BRP and the unary GCN trained on 100 / 200 /
// 400 of NASLib's 725 NB301 genotypes (labels: the NB301 surrogate's predicted validation accuracy,
// not real trainings), Kendall tau and Spearman on the other genotypes, against parameters, FLOPs and
// the file's zero-cost proxies as rankers on the same held-out genotypes; and 5-fold
// cross-validation on CDP's 100 really trained genotypes (labels: best test accuracy of a 50-epoch
// training) against parameters and FLOPs. Resumable: each finished job is a line of
// results/bench/darts-predictors.jsonl (jobs of an older PROTOCOL are ignored); prints the table.
//   node dist/bench/darts-predictors.js [--sizes 100,200,400] [--seeds 0,1,2] [--folds 5] [--threads 2]
//                                       [--steps 300] [--epochs 60] [--summary-only]

import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { benchArgs } from './bench-args.js';
import { DARTS_FILES, loadCdpDarts, loadNaslibDarts, type DartsLabelled } from '../src/data/darts-data.js';
import { resolveDataDir } from '../src/data/files.js';
import { kendallTau, spearman } from '../src/eval/metrics.js';
import { createKernels } from '../src/nn/backend.js';
import { BinaryRelationPredictor } from '../src/predictors/brp.js';
import { GcnRegressor } from '../src/predictors/regressor.js';
import { scaleTargets } from '../src/search/learners.js';
import { DARTS_EVAL_NETWORK, dartsCost } from '../src/spaces/darts/cost.js';
import { dartsSpace } from '../src/spaces/darts/space.js';
import { dataFiles, provenance } from '../src/util/provenance.js';
import { Rng } from '../src/util/rng.js';
import { encodeArchs } from '../src/spaces/graphs.js';

const PROTOCOL = 1;
const { values } = benchArgs(import.meta.url, {
  options: {
    sizes: { type: 'string', default: '100,200,400' },
    seeds: { type: 'string', default: '0,1,2' },
    folds: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
    steps: { type: 'string', default: '300' },
    epochs: { type: 'string', default: '60' },
    out: { type: 'string', default: 'results/bench/darts-predictors.jsonl' },
    'summary-only': { type: 'boolean', default: false },
    data: { type: 'string' },
  },
});
const dataDir = resolveDataDir(values.data);
const naslib = loadNaslibDarts(join(dataDir, DARTS_FILES.naslib));
const cdp = loadCdpDarts(join(dataDir, DARTS_FILES.cdp));
const steps = Number(values.steps);
const epochs = Number(values.epochs);
const out = values.out!;
mkdirSync(dirname(out), { recursive: true });
const options = { steps, epochs, hidden: 600, layers: 4, dropout: 0.2, modelsPerStep: 64, batchSize: 32 };
const optionsKey = JSON.stringify(options);

type Row = { protocol: number; job: string; data: string; labels: string; train: number; test: number; ranker: string; kendall: number; spearman: number; seconds: number; options: string; commit: string; dirty: boolean };
const done = new Map<string, Row>();
if (existsSync(out)) for (const l of readFileSync(out, 'utf8').split('\n')) if (l.trim()) {
  const r = JSON.parse(l) as Row;
  if (r.protocol === PROTOCOL && r.options === optionsKey) done.set(`${r.job}|${r.ranker}`, r);
}
const prov = provenance();

function score(ranker: string, job: string, d: DartsLabelled, trainN: number, test: number[], pred: ArrayLike<number>, seconds: number): void {
  const truth = test.map((i) => d.accuracy[i]);
  const row: Row = { protocol: PROTOCOL, job, data: d.source.replace(/^.*\/data\//, ''), labels: d.label, train: trainN, test: test.length, ranker, kendall: kendallTau(pred, truth), spearman: spearman(pred, truth), seconds, options: optionsKey, commit: prov.commit, dirty: prov.dirty };
  appendFileSync(out, JSON.stringify(row) + '\n');
  done.set(`${job}|${ranker}`, row);
  console.error(`${job} ${ranker}: kendall ${row.kendall.toFixed(3)} spearman ${row.spearman.toFixed(3)} (${seconds.toFixed(0)} s)`);
}

function trainAndScore(job: string, d: DartsLabelled, train: number[], test: number[], seed: number, baselines: Record<string, (i: number) => number>): void {
  for (const [name, f] of Object.entries(baselines)) if (!done.has(`${job}|${name}`)) score(name, job, d, train.length, test, test.map(f), 0);
  if (values['summary-only']) return;
  const graphs = encodeArchs(dartsSpace, d.genotypes);
  const y = train.map((i) => d.accuracy[i]);
  if (!done.has(`${job}|brp`)) {
    const k = createKernels({ threads: Number(values.threads) });
    try {
      const t0 = performance.now();
      const brp = new BinaryRelationPredictor(k, { nodes: graphs.nodes, features: graphs.features, hidden: options.hidden, layers: options.layers, dropout: options.dropout, head: 'binary' });
      const rng = new Rng(seed * 1000 + 7);
      brp.init(rng);
      brp.train(graphs, train, scaleTargets(y, 'rank'), { steps, lr: 3.5e-4, weightDecay: 5e-4, cosine: true, patience: 0, modelsPerStep: options.modelsPerStep }, rng);
      score('brp', job, d, train.length, test, brp.scores(graphs, test), (performance.now() - t0) / 1000);
    } finally {
      k.dispose();
    }
  }
  if (!done.has(`${job}|gcn`)) {
    const k = createKernels({ threads: Number(values.threads) });
    try {
      const t0 = performance.now();
      const reg = new GcnRegressor(k, { nodes: graphs.nodes, features: graphs.features, hidden: options.hidden, layers: options.layers, dropout: options.dropout, head: 'regression' });
      const rng = new Rng(seed * 1000 + 11);
      reg.init(rng);
      reg.train(graphs, train, y, train, y, { epochs, batchSize: options.batchSize, lr: 3.5e-4, weightDecay: 5e-4, scheduler: 'cosine', lrPatience: 10, esPatience: 0, loss: 'l1', restoreBest: false, schedulerStartEpoch: 20 }, rng);
      score('gcn', job, d, train.length, test, reg.predictNormalised(graphs, test), (performance.now() - t0) / 1000);
    } finally {
      k.dispose();
    }
  }
}

// NASLib 725 (surrogate labels)
const nasBase: Record<string, (i: number) => number> = {
  params_eval_network: (i) => dartsCost(naslib.genotypes[i], DARTS_EVAL_NETWORK).params,
  flops_eval_network: (i) => dartsCost(naslib.genotypes[i], DARTS_EVAL_NETWORK).flops,
};
for (const [name, v] of naslib.scores) nasBase[`zc_${name}`] = (i) => v[i];
for (const seed of values.seeds!.split(',').map(Number))
  for (const n of values.sizes!.split(',').map(Number)) {
    const perm = Array.from(new Rng(seed).permutation(naslib.genotypes.length));
    trainAndScore(`naslib-n${n}-seed${seed}`, naslib, perm.slice(0, n), perm.slice(n), seed, nasBase);
  }
// CDP 100 (real labels), k-fold
const folds = Number(values.folds);
if (!Number.isInteger(folds) || folds < 2) throw new Error(`--folds must be an integer >= 2, got ${values.folds}`);
const cdpNet = { ...DARTS_EVAL_NETWORK, channels: 16, layers: 8 };
const cdpBase: Record<string, (i: number) => number> = { params_cdp_network: (i) => dartsCost(cdp.genotypes[i], cdpNet).params, flops_cdp_network: (i) => dartsCost(cdp.genotypes[i], cdpNet).flops };
const perm = Array.from(new Rng(100).permutation(cdp.genotypes.length));
for (let f = 0; f < folds; f++) {
  const test = perm.filter((_, i) => i % folds === f);
  const train = perm.filter((_, i) => i % folds !== f);
  trainAndScore(`cdp-fold${f}of${folds}`, cdp, train, test, f, cdpBase);
}

// summary
const rows = [...done.values()];
const rankers = [...new Set(rows.map((r) => r.ranker))];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`data: ${naslib.source} (${naslib.label}); ${cdp.source} (${cdp.label}); files ${JSON.stringify(dataFiles([naslib.source, cdp.source]).map((x) => x.bytes))} bytes`);
console.log('| labels | train | ranker | Kendall tau (mean over seeds/folds) | Spearman | jobs |');
console.log('|---|---|---|---|---|---|');
const groups = new Map<string, Row[]>();
for (const r of rows) {
  const k = `${r.data.startsWith('darts/naslib') ? 'NB301 surrogate (725)' : 'CDP real (100)'}|${r.train}|${r.ranker}`;
  if (!groups.has(k)) groups.set(k, []);
  groups.get(k)!.push(r);
}
for (const [k, rs] of [...groups].sort()) {
  const [labels, train, ranker] = k.split('|');
  console.log(`| ${labels} | ${train} | ${ranker} | ${mean(rs.map((r) => r.kendall)).toFixed(3)} | ${mean(rs.map((r) => r.spearman)).toFixed(3)} | ${rs.length} |`);
}
void rankers;
