// `latency train --predictor auto` on the LatBench devices: for each device and seed (grouped split,
// 900 train, 100 validation, the rest test), every candidate of auto is fitted as auto fits it (the
// fits on the training cells only, the GCNs with --schedule fast, or --schedule paper) and its
// validation and test figures are appended to --out (resumable); the linear fits are also refitted
// on train + validation, as auto delivers a chosen fit. The summary: per device, each candidate's
// test Spearman and within +-10% and auto's (the candidate its validation figures choose, with the
// rule of src/predictors/latency-auto.ts); then the fast GCN against the paper-configuration rows of
// results/bench/latency-quality.jsonl, paired by device and seed (the same split).
// A device may also be a measured .jsonl (NB201, NB101 or DARTS networks timed here): give --train and
// --valid to fit its size; NB101 and DARTS datasets use a seeded random split and their candidates
// (the GCN and the two fits).
//   node dist/bench/latency-auto.js [--devices standard|a,b|FILE.jsonl,...] [--seeds 0,1] [--schedule fast|paper] [--threads 1]
//                                   [--train 900] [--valid 100] [--shard i/n] [--out results/bench/latency-auto.jsonl] [--summary-only]
import { appendFileSync, mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { paperGcnRows, readRows } from './latency-rows.js';
import { benchArgs } from './bench-args.js';
import { resolveDataDir } from '../src/data/files.js';
import { loadDeviceLatency } from '../src/data/device-latency.js';
import type { LatencyDataset } from '../src/data/latbench.js';
import { listLatBenchDevices, resolveLatBenchDevice } from '../src/data/latbench.js';
import { median } from '../src/data/summary.js';
import { createKernels } from '../src/nn/backend.js';
import { NB201_AUTO_CANDIDATES, SPACE_AUTO_CANDIDATES, chooseCandidate } from '../src/predictors/latency-auto.js';
import { trainSpaceLatencyPredictor, type SpaceLatencyKind } from '../src/predictors/space-latency.js';
import { LATENCY_SCHEDULE_NAMES, trainLatencyPredictor, type LatencySchedule } from '../src/predictors/latency.js';
import { dataFiles, provenance } from '../src/util/provenance.js';

const { values } = benchArgs(import.meta.url, {
  options: {
    devices: { type: 'string', default: 'standard' },
    seeds: { type: 'string', default: '0,1' },
    schedule: { type: 'string', default: 'fast' },
    threads: { type: 'string', default: '1' },
    shard: { type: 'string', default: '0/1' },
    train: { type: 'string', default: '900' },
    valid: { type: 'string', default: '100' },
    out: { type: 'string', default: 'results/bench/latency-auto.jsonl' },
    paper: { type: 'string', default: 'results/bench/latency-quality.jsonl' },
    'summary-only': { type: 'boolean', default: false },
    data: { type: 'string' },
  },
});
const dataDir = resolveDataDir(values.data);
const devices = values.devices === 'standard' ? listLatBenchDevices(dataDir).filter((d) => !d.endsWith('-large')) : values.devices!.split(',');
const seeds = values.seeds!.split(',').map(Number);
if (!(LATENCY_SCHEDULE_NAMES as string[]).includes(values.schedule!)) throw new Error(`--schedule: one of ${LATENCY_SCHEDULE_NAMES.join(', ')}`);
const schedule = values.schedule as LatencySchedule;
const [shard, shards] = values.shard!.split('/').map(Number);
const out = values.out!;

interface Row {
  device: string;
  seed: number;
  candidate: string;
  schedule: string;
  fit: 'train' | 'labelled';
  valid_spearman: number | null;
  valid_within10: number | null;
  spearman: number;
  within10: number;
  train_seconds: number;
  /** Set on the rows of NB101 and DARTS datasets. */
  space?: string;
}
const done = new Set(readRows<Row>(out).map((r) => `${r.device}|${r.seed}|${r.candidate}|${r.schedule}|${r.fit}`));

if (!values['summary-only']) {
  mkdirSync(dirname(out), { recursive: true });
  const prov = provenance();
  let job = 0;
  for (const seed of seeds)
    for (const device of devices) {
      if (job++ % shards !== shard) continue;
      const loaded = loadDeviceLatency(device, dataDir);
      const other = 'other' in loaded ? loaded.other : null;
      const ds = other ?? (loaded as { nb201: LatencyDataset }).nb201;
      // measured files of one machine share a device name: rows name the file
      const name = device.endsWith('.jsonl') ? basename(device, '.jsonl') : ds.device;
      // which data made a row: a measured file grows as more networks are timed
      const [source] = dataFiles([resolveLatBenchDevice(device, dataDir)]);
      for (const c of other ? SPACE_AUTO_CANDIDATES : NB201_AUTO_CANDIDATES) {
        const linear = c.kind === 'flops' || c.kind === 'layerwise';
        for (const fit of linear ? (['train', 'labelled'] as const) : (['train'] as const)) {
          const sched = linear ? 'none' : schedule;
          if (done.has(`${name}|${seed}|${c.name}|${sched}|${fit}`)) continue;
          const kernels = createKernels({ threads: Number(values.threads) });
          try {
            const common = { seed, train: Number(values.train), valid: Number(values.valid), kernels, schedule, fitOn: fit === 'train' ? ('train' as const) : ('labelled' as const) };
            const e = other ? trainSpaceLatencyPredictor(other, { ...common, kind: c.kind as SpaceLatencyKind, prior: c.prior }) : trainLatencyPredictor(ds as LatencyDataset, { ...common, kind: c.kind, prior: c.prior, nodeCosts: c.nodeCosts, split: 'grouped' });
            const row = { device: name, seed, candidate: c.name, schedule: sched, fit, valid_spearman: e.validMetrics?.spearman ?? null, valid_within10: e.validMetrics?.within10 ?? null, spearman: e.metrics.spearman, within10: e.metrics.within10, within5: e.metrics.within5, rmse_ms: e.metrics.rmse * 1e3, test_count: e.metrics.count, train_seconds: e.trainSeconds, epochs: e.report?.epochs, best_epoch: e.report?.bestEpoch, threads: Number(values.threads), split: other ? 'random' : 'grouped', ...(other ? { space: other.space.name } : {}), source: source.path, source_bytes: source.bytes, networks: other ? other.archs.length : (ds as LatencyDataset).codes.length, commit: prov.commit, dirty: prov.dirty, date: new Date().toISOString() };
            appendFileSync(out, JSON.stringify(row) + '\n');
            console.error(`${name} seed ${seed} ${c.name} (${fit}): valid ${row.valid_spearman?.toFixed(4)} test Spearman ${row.spearman.toFixed(4)} within10 ${(row.within10 * 100).toFixed(1)}% ${row.train_seconds.toFixed(1)} s`);
          } finally {
            kernels.dispose();
          }
        }
      }
    }
}

// the table: per device, medians over seeds of each candidate's test figures and auto's (bold: the
// best of auto's candidates)
const rows = readRows<Row>(out).filter((r) => seeds.includes(r.seed) && (r.schedule === 'none' || r.schedule === schedule));
const get = (d: string, s: number, name: string, fit: 'train' | 'labelled') => rows.find((r) => r.device === d && r.seed === s && r.candidate === name && r.fit === fit);
// what auto delivers of a candidate: a fit refitted on train + valid, a GCN as trained
const delivered = (d: string, s: number, name: string) => get(d, s, name, 'labelled') ?? get(d, s, name, 'train')!;
// auto chooses among today's candidates; a column of an earlier candidate (the residual GCN without
// costs) is shown where its rows exist
const namesOf = (device: string) => (rows.find((r) => r.device === device)?.space ? SPACE_AUTO_CANDIDATES : NB201_AUTO_CANDIDATES).map((c) => c.name);
const names = ['gcn', 'gcn+layerwise', 'gcn+layerwise+costs', 'layerwise', 'flops'].filter((n) => rows.some((r) => r.candidate === n));
const fmt = (x: number) => x.toFixed(4);
console.log(`| device | seeds | ${names.map((n) => `${n} rho / w10%`).join(' | ')} | auto chose | auto rho / w10% | auto vs best candidate (rho) |`);
console.log(`|---|---|${names.map(() => '---|').join('')}---|---|---|`);
const autoDelta: number[] = [];
for (const full of [...new Set(rows.map((r) => r.device))].sort()) {
  const cands = namesOf(full);
  const have = seeds.filter((s) => cands.every((n) => get(full, s, n, 'train')));
  if (!have.length) continue;
  const per = names.map((n) => {
    const rs = have.map((s) => get(full, s, n, 'labelled') ?? get(full, s, n, 'train'));
    if (rs.some((r) => !r)) return { n, rho: NaN, w: NaN, inAuto: false };
    return { n, rho: median(rs.map((r) => r!.spearman)), w: median(rs.map((r) => r!.within10 * 100)), inAuto: cands.includes(n) };
  });
  const picks = have.map((s) => {
    const name = chooseCandidate(cands.map((n) => ({ name: n, figures: { valid_spearman: get(full, s, n, 'train')!.valid_spearman, valid_within10: get(full, s, n, 'train')!.valid_within10, train_seconds: 0 } })));
    const r = delivered(full, s, name);
    return { name, r, delta: r.spearman - Math.max(...cands.map((n) => delivered(full, s, n).spearman)) };
  });
  autoDelta.push(...picks.map((p) => p.delta));
  const bestRho = Math.max(...per.filter((p) => p.inAuto).map((p) => p.rho));
  console.log(`| ${full} | ${have.length} | ${per.map((p) => (Number.isNaN(p.rho) ? '-' : `${p.inAuto && p.rho === bestRho ? '**' : ''}${fmt(p.rho)}${p.inAuto && p.rho === bestRho ? '**' : ''} / ${p.w.toFixed(1)}`)).join(' | ')} | ${picks.map((p) => p.name).join(', ')} | ${fmt(median(picks.map((p) => p.r.spearman)))} / ${median(picks.map((p) => p.r.within10 * 100)).toFixed(1)} | ${median(picks.map((p) => p.delta)).toFixed(4)} |`);
}
if (autoDelta.length) console.log(`\nauto against the best candidate of each (device, seed) on test Spearman: median ${median(autoDelta).toFixed(4)}, worst ${Math.min(...autoDelta).toFixed(4)}, ${autoDelta.filter((x) => x === 0).length} of ${autoDelta.length} picked the best`);

// the fast GCN against the paper configuration's GCN, paired by (device, seed)
const paper = paperGcnRows(values.paper!);
const pairs = rows.filter((r) => r.candidate === 'gcn' && paper.has(`${r.device}|${r.seed}`));
if (pairs.length) {
  const p = pairs.map((r) => paper.get(`${r.device}|${r.seed}`)!);
  const ds = pairs.map((r, i) => r.spearman - p[i].spearman);
  const dw = pairs.map((r, i) => (r.within10 - p[i].within10) * 100);
  console.log(`\nthe ${schedule} GCN against the paper configuration (${pairs.length} pairs): Spearman median ${median(ds).toFixed(4)} (worst ${Math.min(...ds).toFixed(4)}, ${ds.filter((x) => x < 0).length} behind), within +-10% median ${median(dw).toFixed(2)} points (worst ${Math.min(...dw).toFixed(2)}), training seconds median ${median(pairs.map((r) => r.train_seconds)).toFixed(1)} against ${median(p.map((r) => r.train_seconds)).toFixed(1)}`);
}
