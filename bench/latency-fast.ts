// Fast latency-GCN training against the paper's configuration on LatBench: for each device, seed and
// named training configuration, train the GCN on the grouped split (900 train, 100 validation, the
// rest as test) and compare, paired by (device, seed), with the paper-configuration row of
// results/bench/latency-quality.jsonl (the same split: it depends on the seed only). Rows are
// appended one at a time to --out (resumable); the summary is per configuration: median training
// seconds, median paired difference in Spearman and within +-10%, and how many pairs lost.
//   node dist/bench/latency-fast.js --configs "NAME=batch:16,lr:1e-3,epochs:60,scheduler:cosine;..." [--devices a,b | standard]
//                                   [--seeds 0,1] [--threads 1] [--out results/bench/latency-fast.jsonl] [--summary-only]
// Configuration keys: batch, lr, epochs, scheduler (plateau|cosine), es (early-stopping patience, 0 = none),
// wd (weight decay), prior (none|layerwise), hidden (GCN width, paper 600), layers (paper 4).
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { paperGcnRows, readRows } from './latency-rows.js';
import { benchArgs, benchUsageError } from './bench-args.js';
import { resolveDataDir } from '../src/data/files.js';
import { loadLatBench } from '../src/data/device-latency.js';
import { listLatBenchDevices } from '../src/data/latbench.js';
import { median } from '../src/data/summary.js';
import { createKernels } from '../src/nn/backend.js';
import { trainLatencyPredictor } from '../src/predictors/latency.js';
import type { RegressorTrainConfig } from '../src/predictors/regressor.js';
import { provenance } from '../src/util/provenance.js';

const { values } = benchArgs(import.meta.url, {
  options: {
    configs: { type: 'string' },
    devices: { type: 'string', default: 'standard' },
    seeds: { type: 'string', default: '0,1' },
    threads: { type: 'string', default: '1' },
    out: { type: 'string', default: 'results/bench/latency-fast.jsonl' },
    paper: { type: 'string', default: 'results/bench/latency-quality.jsonl' },
    'summary-only': { type: 'boolean', default: false },
    data: { type: 'string' },
  },
});
if (!values.configs) benchUsageError(import.meta.url, 'name at least one configuration: --configs "NAME=batch:16,lr:1e-3,..."');
const dataDir = resolveDataDir(values.data);
const devices = values.devices === 'standard' ? listLatBenchDevices(dataDir).filter((d) => !d.endsWith('-large')) : values.devices!.split(',');
const seeds = values.seeds!.split(',').map(Number);

interface Named {
  name: string;
  config: Partial<RegressorTrainConfig>;
  prior: 'none' | 'layerwise';
  hidden?: number;
  layers?: number;
}
const configs: Named[] = values.configs!.split(';').map((spec) => {
  const [name, body] = spec.split('=');
  const config: Partial<RegressorTrainConfig> = {};
  let prior: 'none' | 'layerwise' = 'none';
  let hidden: number | undefined;
  let layers: number | undefined;
  for (const kv of (body ?? '').split(',').filter(Boolean)) {
    const [k, v] = kv.split(':');
    if (k === 'batch') config.batchSize = Number(v);
    else if (k === 'lr') config.lr = Number(v);
    else if (k === 'epochs') config.epochs = Number(v);
    else if (k === 'scheduler') config.scheduler = v as 'plateau' | 'cosine';
    else if (k === 'es') config.esPatience = Number(v);
    else if (k === 'wd') config.weightDecay = Number(v);
    else if (k === 'prior') prior = v as 'none' | 'layerwise';
    else if (k === 'hidden') hidden = Number(v);
    else if (k === 'layers') layers = Number(v);
    else benchUsageError(import.meta.url, `unknown configuration key ${k} in ${spec}`);
  }
  return { name, config, prior, hidden, layers };
});

interface Row {
  device: string;
  seed: number;
  config: string;
  spearman: number;
  within10: number;
  train_seconds: number;
  epochs?: number;
}
const out = values.out!;
const have = readRows(out) as (Row & { settings: string })[];
const settings = (c: Named) => JSON.stringify({ ...c.config, prior: c.prior, ...(c.hidden ? { hidden: c.hidden } : {}), ...(c.layers ? { layers: c.layers } : {}) });
const key = (d: string, s: number, c: Named) => `${d}|${s}|${c.name}|${settings(c)}`;
const done = new Set(have.map((r) => `${r.device}|${r.seed}|${r.config}|${r.settings}`));

if (!values['summary-only']) {
  mkdirSync(dirname(out), { recursive: true });
  const prov = provenance();
  for (const seed of seeds)
    for (const device of devices)
      for (const c of configs) {
        if (done.has(key(device, seed, c))) continue;
        const ds = loadLatBench(device, dataDir);
        const kernels = createKernels({ threads: Number(values.threads) });
        try {
          const exp = trainLatencyPredictor(ds, { kind: 'gcn', seed, split: 'grouped', train: 900, valid: 100, kernels, prior: c.prior, config: c.config, hidden: c.hidden, layers: c.layers });
          const row = { device: ds.device, seed, config: c.name, settings: settings(c), spearman: exp.metrics.spearman, within10: exp.metrics.within10, within5: exp.metrics.within5, rmse_ms: exp.metrics.rmse * 1e3, test_count: exp.metrics.count, train_seconds: exp.trainSeconds, epochs: exp.report?.epochs, best_epoch: exp.report?.bestEpoch, threads: Number(values.threads), split: 'grouped', commit: prov.commit, dirty: prov.dirty, date: new Date().toISOString() };
          appendFileSync(out, JSON.stringify(row) + '\n');
          console.error(`${c.name} ${ds.device} seed ${seed}: Spearman ${row.spearman.toFixed(4)} within10 ${(row.within10 * 100).toFixed(1)}% ${row.train_seconds.toFixed(1)} s (${row.epochs} epochs)`);
        } finally {
          kernels.dispose();
        }
      }
}

// paired with the paper configuration's rows (grouped split, GCN, same device and seed)
const paper = paperGcnRows(values.paper!);
const rows = readRows(out) as Row[];
console.log(`| configuration | pairs | median train s | paper median train s | median d Spearman | worst d Spearman | median d within10 (points) | worst d within10 | pairs behind on Spearman |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const c of configs) {
  const mine = rows.filter((r) => r.config === c.name && seeds.includes(r.seed) && devices.some((d) => r.device.startsWith(d)) && paper.has(`${r.device}|${r.seed}`));
  if (!mine.length) continue;
  const p = mine.map((r) => paper.get(`${r.device}|${r.seed}`)!);
  const ds = mine.map((r, i) => r.spearman - p[i].spearman);
  const dw = mine.map((r, i) => (r.within10 - p[i].within10) * 100);
  console.log(`| ${c.name} | ${mine.length} | ${median(mine.map((r) => r.train_seconds)).toFixed(1)} | ${median(p.map((r) => r.train_seconds)).toFixed(1)} | ${median(ds).toFixed(4)} | ${Math.min(...ds).toFixed(4)} | ${median(dw).toFixed(2)} | ${Math.min(...dw).toFixed(2)} | ${ds.filter((x) => x < 0).length} |`);
}
