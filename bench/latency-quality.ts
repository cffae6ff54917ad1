// Latency-predictor quality on LatBench: for every device and seed, GCN (paper configuration:
// 900 training models, batch 1, up to 250 epochs, early stopping) against FLOPs and layer-wise
// baselines (and the MLP with --predictors), on the same split. Results are appended to a JSONL
// file one (device, predictor, seed) at a time, so an interrupted run resumes; the summary is the
// median over seeds.
//   node dist/bench/latency-quality.js [--split grouped|reference] [--seeds 0,1,2,3,4] [--devices a,b] [--predictors gcn,flops,layerwise]
//                                      [--out results/bench/latency-quality.jsonl] [--threads 2] [--summary-only]
//                                      [--shard i/n] [--plot results/bench/latency-quality-<split>.svg]
// --shard i/n runs only every n-th (seed, device) job starting at i, so n single-thread processes can
// share one output file on an n-core machine (measured on 2 cores, 2026-11-29: each of two 1-thread
// processes trains at 1.35-1.63 s per epoch, one 2-thread process at 0.87-1.05 s, so sharding gets about
// 1.3x more epochs per hour; the batch-1 step parallelises poorly).
import { appendFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { readRows } from './latency-rows.js';
import { benchArgs } from './bench-args.js';
import { resolveDataDir } from '../src/data/files.js';
import { loadLatBench } from '../src/data/device-latency.js';
import { listLatBenchDevices } from '../src/data/latbench.js';
import { median } from '../src/data/summary.js';
import { groupedBarsSvg } from '../src/report/plots.js';
import { writeFileAtomic } from '../src/util/atomic-write.js';
import { createKernels } from '../src/nn/backend.js';
import { trainLatencyPredictor, type LatencyPredictorKind } from '../src/predictors/latency.js';
import { SPLITS, type SplitKind } from '../src/predictors/split.js';
import { provenance } from '../src/util/provenance.js';

const { values } = benchArgs(import.meta.url, {
  options: {
    seeds: { type: 'string', default: '0,1,2,3,4' },
    split: { type: 'string', default: 'grouped' },
    devices: { type: 'string', default: 'standard' },
    predictors: { type: 'string', default: 'gcn,flops,layerwise' },
    out: { type: 'string', default: 'results/bench/latency-quality.jsonl' },
    threads: { type: 'string', default: '2' },
    'summary-only': { type: 'boolean', default: false },
    shard: { type: 'string', default: '0/1' },
    plot: { type: 'string' },
    data: { type: 'string' },
  },
});
const dataDir = resolveDataDir(values.data);
// The 13 LatBench devices (the two "-large" files are extra measurements outside the LatBench list).
const devices = values.devices === 'standard' ? listLatBenchDevices(dataDir).filter((d) => !d.endsWith('-large')) : values.devices!.split(',');
const seeds = values.seeds!.split(',').map(Number);
const predictors = values.predictors!.split(',') as LatencyPredictorKind[];
const out = values.out!;
if (!(SPLITS as readonly string[]).includes(values.split!)) throw new Error(`--split must be one of ${SPLITS.join(', ')}, got "${values.split}"`);
const split = values.split as SplitKind;
// Rows of another protocol are stale: they were trained or fitted differently. Protocol 1: baselines
// fitted on the 900 training cells only. 2: baselines fitted on the 1000 cells the GCN sees (train +
// valid); a first grouped split that moved whole twin groups into training (biased: the few huge
// groups filled it, 38 distinct groups in 900 cells). 3: the grouped split trains on the reference's
// cells and leaves twins of labelled cells out of validation and test. A reference-split GCN row does
// not depend on how the baselines are fitted, so protocol-1 GCN rows stay valid.
const PROTOCOL = 3;
const current = (r: Row) => {
  const protocol = r.protocol ?? 1;
  if ((r.split ?? 'reference') === 'grouped') return protocol >= 3;
  return r.predictor === 'gcn' || r.predictor === 'mlp' || protocol >= 2;
};
mkdirSync(dirname(out), { recursive: true });
const shardMatch = /^(\d+)\/(\d+)$/.exec(values.shard!);
if (!shardMatch || Number(shardMatch[1]) >= Number(shardMatch[2])) throw new Error(`--shard must be i/n with 0 <= i < n, got "${values.shard}"`);
const [shardIndex, shardCount] = [Number(shardMatch[1]), Number(shardMatch[2])];

interface Row {
  device: string;
  predictor: string;
  seed: number;
  within1: number;
  within5: number;
  within10: number;
  rmse_ms: number;
  spearman: number;
  kendall: number;
  train_seconds: number;
  epochs?: number;
  seconds_per_epoch?: number;
  test_count: number;
  threads?: number;
  split?: SplitKind;
  protocol?: number;
  commit?: string;
  source?: string;
  source_bytes?: number;
}
const allRows = readRows<Row>(out);
// rows without a split field predate the grouped split: they used the reference split
const rows = allRows.filter((r) => (r.split ?? 'reference') === split && current(r));
const stale = allRows.filter((r) => (r.split ?? 'reference') === split && !current(r)).length;
if (stale) console.error(`ignoring ${stale} stale rows of an older protocol (they will be recomputed)`);
const done = new Set(rows.map((r) => `${r.device}|${r.predictor}|${r.seed}`));
const { commit } = provenance();

if (!values['summary-only']) {
  const kernels = createKernels({ threads: Number(values.threads) });
  try {
    // seed-major, so partial results cover every device
    let job = -1;
    for (const seed of seeds)
      for (const device of devices) {
        if (++job % shardCount !== shardIndex) continue;
        const ds = loadLatBench(device, dataDir);
        for (const predictor of predictors) {
          if (done.has(`${device}|${predictor}|${seed}`)) continue;
          const mark = kernels.heap.mark();
          const exp = trainLatencyPredictor(ds, { kind: predictor, seed, kernels, split });
          kernels.heap.release(mark);
          const m = exp.metrics;
          const row: Row = { device, predictor, seed, within1: m.within1, within5: m.within5, within10: m.within10, rmse_ms: m.rmse * 1e3, spearman: m.spearman, kendall: m.kendall, train_seconds: exp.trainSeconds, test_count: m.count, threads: Number(values.threads), split, protocol: PROTOCOL, commit, source: ds.source, source_bytes: statSync(ds.source).size };
          if (exp.report) {
            row.epochs = exp.report.epochs;
            row.seconds_per_epoch = exp.report.history.reduce((a, e) => a + e.seconds, 0) / exp.report.epochs;
          }
          appendFileSync(out, JSON.stringify(row) + '\n');
          rows.push(row);
          console.error(`${device} ${predictor} seed ${seed}: within10 ${(row.within10 * 100).toFixed(1)}%  Spearman ${row.spearman.toFixed(4)}  ${row.train_seconds.toFixed(1)} s${row.epochs ? ` (${row.epochs} epochs)` : ''}`);
        }
      }
  } finally {
    kernels.dispose();
  }
}

// Summary: median over seeds per device and predictor.
const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const allPreds = [...new Set(rows.map((r) => r.predictor))];
console.log(`${split} split (${split === 'grouped' ? 'twin cells never straddle train and test' : "the reference's plain permutation"}); baselines fitted on the 1000 labelled cells the GCN sees`);
console.log(`| device | seeds | ${allPreds.map((p) => `${p} w10% | ${p} w5% | ${p} w1% | ${p} rho | ${p} tau | ${p} RMSE ms`).join(' | ')} | GCN beats FLOPs & layer-wise |`);
console.log(`|---|---|${allPreds.map(() => '---|---|---|---|---|---').join('|')}|---|`);
const devicesDone = [...new Set(rows.map((r) => r.device))].sort();
const medianOf = (device: string, predictor: string, key: keyof Row) => median(rows.filter((r) => r.device === device && r.predictor === predictor).map((r) => r[key] as number));
let wins = 0;
let compared = 0;
for (const device of devicesDone) {
  const med = (p: string, k: keyof Row) => medianOf(device, p, k);
  const n = Math.min(...allPreds.map((p) => rows.filter((r) => r.device === device && r.predictor === p).length));
  let verdict = '-';
  if (['gcn', 'flops', 'layerwise'].every((p) => allPreds.includes(p))) {
    const ok = ['flops', 'layerwise'].every((b) => med('gcn', 'spearman') > med(b, 'spearman') && med('gcn', 'within10') > med(b, 'within10'));
    verdict = ok ? 'yes' : 'NO';
    compared++;
    if (ok) wins++;
  }
  console.log(`| ${device} | ${n} | ${allPreds.map((p) => `${fmt(med(p, 'within10') * 100)} | ${fmt(med(p, 'within5') * 100)} | ${fmt(med(p, 'within1') * 100)} | ${fmt(med(p, 'spearman'), 4)} | ${fmt(med(p, 'kendall'), 4)} | ${fmt(med(p, 'rmse_ms'), 3)}`).join(' | ')} | ${verdict} |`);
}
const gcnRows = rows.filter((r) => r.predictor === 'gcn');
if (gcnRows.length) {
  console.log(`\nGCN trainings: ${gcnRows.length}; train time median ${median(gcnRows.map((r) => r.train_seconds)).toFixed(0)} s (max ${Math.max(...gcnRows.map((r) => r.train_seconds)).toFixed(0)} s), epochs median ${median(gcnRows.map((r) => r.epochs ?? NaN)).toFixed(0)}, time per epoch median ${median(gcnRows.map((r) => r.seconds_per_epoch ?? NaN)).toFixed(2)} s`);
}
console.log(`GCN beats FLOPs and layer-wise on Spearman and within+-10%: ${wins}/${compared} devices`);

// Plot: per device, the median over seeds of within +-10% and Spearman for each predictor.
if (rows.length) {
  const panel = (title: string, key: 'within10' | 'spearman', scale: number, domain?: [number, number]) => ({
    title,
    domain,
    bars: devicesDone.flatMap((device) =>
      allPreds.flatMap((series) => {
        const v = medianOf(device, series, key);
        return Number.isFinite(v) ? [{ group: device, series, value: v * scale }] : [];
      }),
    ),
  });
  const svg = await groupedBarsSvg([panel('within +-10% (%)', 'within10', 100, [0, 100]), panel('Spearman rho', 'spearman', 1, [0.4, 1])], { title: `LatBench latency predictors, ${split} split: median over seeds (seeds so far: ${[...new Set(rows.map((r) => r.seed))].sort((a, b) => a - b).join(', ')})` });
  const plotPath = values.plot ?? `results/bench/latency-quality-${split}.svg`;
  writeFileAtomic(plotPath, svg);
  console.log(`plot: ${plotPath}`);
}
