// Does a latency GCN learn more when each op node also carries the device's cost of that op (the
// layer-wise fit's weight for its position and op, fitted on the training cells, divided by their
// median latency) as one more node feature? For each device and seed, the same split and training
// stream for every variant: the GCN alone ('gcn') and on the layer-wise residual ('gcn+layerwise'),
// each with the one-hot encoding and with the cost feature too ('+costs').
// NB201 devices (LatBench names or measured NB201 files; grouped split; DARTS files up to commit
// e53c480). The fast schedule; rows to --out (resumable), a paired summary at the end.
//   node dist/bench/latency-node-costs.js --devices a,b|FILE.jsonl [--seeds 2] [--train 900] [--valid 100] [--variants a,b] [--out FILE.jsonl]
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { benchArgs } from './bench-args.js';
import { readRows } from './latency-rows.js';
import { resolveDataDir } from '../src/data/files.js';
import { loadDeviceLatency } from '../src/data/device-latency.js';
import { median } from '../src/data/summary.js';
import { regressionMetrics } from '../src/eval/metrics.js';
import { createKernels } from '../src/nn/backend.js';
import { fitLayerwise, predictLinear } from '../src/predictors/baselines.js';
import { costScale, withNb201NodeCosts } from '../src/predictors/node-costs.js';
import { fitLatencyRegressor, latencySplit } from '../src/predictors/latency.js';
import { encodeNb201Codes } from '../src/spaces/nb201/graphs.js';
import { Rng } from '../src/util/rng.js';
import { provenance } from '../src/util/provenance.js';

const { values } = benchArgs(import.meta.url, {
  options: {
    devices: { type: 'string', default: '' },
    seeds: { type: 'string', default: '2' },
    train: { type: 'string', default: '900' },
    valid: { type: 'string', default: '100' },
    out: { type: 'string', default: 'results/bench/latency-node-costs.jsonl' },
    variants: { type: 'string', default: 'gcn,gcn+costs,gcn+layerwise,gcn+layerwise+costs' },
    data: { type: 'string' },
  },
});
const dataDir = resolveDataDir(values.data);
const out = values.out!;
/** The GCN alone and on the layer-wise residual, each with and without the cost feature. */
const VARIANTS = values.variants!.split(',');

interface Row {
  device: string;
  seed: number;
  variant: string;
  spearman: number;
  within10: number;
  valid_spearman: number | null;
}
const done = new Set(readRows<Row>(out).map((r) => `${r.device}|${r.seed}|${r.variant}`));
const prov = provenance();

for (const device of values.devices!.split(',').filter(Boolean))
  for (const seed of values.seeds!.split(',').map(Number)) {
    const loaded = loadDeviceLatency(device, dataDir);
    const name = device.endsWith('.jsonl') ? basename(device, '.jsonl') : device;
    const nTrain = Number(values.train);
    const nValid = Number(values.valid);
    // DARTS datasets were measured by this bench up to commit e53c480 (BENCHMARKS.md); the costs gained
    // nothing there and their code for other spaces is gone
    if (!('nb201' in loaded)) throw new Error(`${device}: node costs are NB201's (a LatBench device or a measured NB201 file)`);
    const ds = loaded.nb201;
    const cell = ds.cell ?? 'pruned';
    const split = latencySplit(ds, nTrain, nValid, 'grouped', new Rng(seed));
    const seconds = ds.seconds;
    const prior = fitLayerwise(Int32Array.from(split.train, (i) => ds.codes[i]), Float64Array.from(split.train, (i) => ds.seconds[i]), cell);
    const base = predictLinear(prior, ds.codes); // the layer-wise prior's prediction of every network
    const set = encodeNb201Codes(ds.codes, cell);
    // the same graphs with each op's fitted cost as one more node feature
    const costed = withNb201NodeCosts(set, ds.codes, prior, costScale(Float64Array.from(split.train, (i) => ds.seconds[i])));
    for (const variant of VARIANTS) {
      const onResidual = variant.includes('+layerwise');
      const target = (idx: Int32Array) => Float64Array.from(idx, (i) => seconds[i] - (onResidual ? base[i] : 0));
      if (done.has(`${name}|${seed}|${variant}`)) continue;
      const kernels = createKernels({ threads: 1 });
      try {
        const graphs = variant.endsWith('costs') ? costed : set;
        // the same stream for both variants: the one after the split's draw
        const r = new Rng(seed);
        latencySplit(ds, nTrain, nValid, 'grouped', r);
        const t0 = performance.now();
        const fit = fitLatencyRegressor(graphs, split, target, r, { kernels, schedule: 'fast' }, 'thomas');
        const secs = (performance.now() - t0) / 1000;
        const predict = (idx: Int32Array) => {
          const p = fit.regressor.predict(graphs, idx);
          return Float64Array.from(idx, (i, j) => p[j] + (onResidual ? base[i] : 0));
        };
        const truth = (idx: Int32Array) => Float64Array.from(idx, (i) => seconds[i]);
        const m = regressionMetrics(predict(split.test), truth(split.test));
        const v = regressionMetrics(predict(split.valid), truth(split.valid));
        const row = { device: name, seed, variant, spearman: m.spearman, within10: m.within10, valid_spearman: v.spearman, valid_within10: v.within10, test_count: m.count, train_seconds: secs, schedule: 'fast', commit: prov.commit, dirty: prov.dirty, date: new Date().toISOString() };
        appendFileSync(out, JSON.stringify(row) + '\n');
        console.error(`${name} seed ${seed} ${variant}: test Spearman ${m.spearman.toFixed(4)} within10 ${(m.within10 * 100).toFixed(1)}% (${secs.toFixed(0)} s)`);
      } finally {
        kernels.dispose();
      }
    }
  }

const rows = readRows<Row>(out);
for (const base of ['gcn', 'gcn+layerwise']) {
  const pairs = rows.filter((r) => r.variant === `${base}+costs`).map((c) => ({ c, p: rows.find((r) => r.device === c.device && r.seed === c.seed && r.variant === base) })).filter((x) => x.p);
  for (const { c, p } of pairs) console.log(`${c.device} seed ${c.seed} ${base}: Spearman ${p!.spearman.toFixed(4)} -> ${c.spearman.toFixed(4)} with costs, within10 ${(p!.within10 * 100).toFixed(1)} -> ${(c.within10 * 100).toFixed(1)}`);
  if (pairs.length) console.log(`${base} with costs as node features, ${pairs.length} pairs: Spearman median ${median(pairs.map(({ c, p }) => c.spearman - p!.spearman)).toFixed(4)}, within10 median ${median(pairs.map(({ c, p }) => (c.within10 - p!.within10) * 100)).toFixed(2)} points\n`);
}
