// Does a latency GCN learn more when each op node also carries the device's cost of that op (the
// layer-wise fit's weight for its position and op, fitted on the training cells, divided by their
// median latency) as one more node feature? For each device and seed, every variant trains through
// latency train's own path on the same split and stream: the GCN alone ('gcn'), and on the layer-wise
// residual without and with the cost feature ('gcn+layerwise', 'gcn+layerwise+costs').
// NB201 devices (LatBench names or measured NB201 files; grouped split). The GCN alone with costs
// ('gcn+costs', which gained nothing) and DARTS files were measured up to commit e53c480; their rows
// are in results/bench/latency-node-costs-design.jsonl. The fast schedule; rows to --out (resumable),
// a paired summary at the end.
//   node dist/bench/latency-node-costs.js --devices a,b|FILE.jsonl [--seeds 2] [--train 900] [--valid 100] [--variants a,b] [--out FILE.jsonl]
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { benchArgs, benchUsageError } from './bench-args.js';
import { readRows } from './latency-rows.js';
import { resolveDataDir } from '../src/data/files.js';
import { loadDeviceLatency } from '../src/data/device-latency.js';
import { resolveLatBenchDevice } from '../src/data/latbench.js';
import { median } from '../src/data/summary.js';
import { createKernels } from '../src/nn/backend.js';
import { trainLatencyPredictor, type LatencyTrainOptions } from '../src/predictors/latency.js';
import { dataFiles, provenance } from '../src/util/provenance.js';

const { values } = benchArgs(import.meta.url, {
  options: {
    devices: { type: 'string', default: '' },
    seeds: { type: 'string', default: '2' },
    train: { type: 'string', default: '900' },
    valid: { type: 'string', default: '100' },
    out: { type: 'string', default: 'results/bench/latency-node-costs.jsonl' },
    variants: { type: 'string', default: 'gcn,gcn+layerwise,gcn+layerwise+costs' },
    data: { type: 'string' },
  },
});
const dataDir = resolveDataDir(values.data);
const out = values.out!;
/** Each variant as latency train's options. */
const VARIANT_OPTIONS: Record<string, Pick<LatencyTrainOptions, 'kind' | 'prior' | 'nodeCosts'>> = {
  gcn: { kind: 'gcn', prior: 'none' },
  'gcn+layerwise': { kind: 'gcn', prior: 'layerwise', nodeCosts: false },
  'gcn+layerwise+costs': { kind: 'gcn', prior: 'layerwise', nodeCosts: true },
};
const VARIANTS = values.variants!.split(',');
for (const v of VARIANTS) if (!(v in VARIANT_OPTIONS)) benchUsageError(import.meta.url, `--variants: ${v} is not one of ${Object.keys(VARIANT_OPTIONS).join(', ')}`);

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
    const [source] = dataFiles([resolveLatBenchDevice(device, dataDir)]);
    for (const variant of VARIANTS) {
      if (done.has(`${name}|${seed}|${variant}`)) continue;
      const kernels = createKernels({ threads: 1 });
      try {
        const e = trainLatencyPredictor(ds, { ...VARIANT_OPTIONS[variant], seed, train: nTrain, valid: nValid, split: 'grouped', schedule: 'fast', kernels });
        const m = e.metrics;
        const row = { device: name, seed, variant, train: nTrain, valid: nValid, split: 'grouped', source: source.path, source_bytes: source.bytes, spearman: m.spearman, within10: m.within10, valid_spearman: e.validMetrics?.spearman ?? null, valid_within10: e.validMetrics?.within10 ?? null, test_count: m.count, train_seconds: e.trainSeconds, schedule: 'fast', commit: prov.commit, dirty: prov.dirty, date: new Date().toISOString() };
        appendFileSync(out, JSON.stringify(row) + '\n');
        console.error(`${name} seed ${seed} ${variant}: test Spearman ${m.spearman.toFixed(4)} within10 ${(m.within10 * 100).toFixed(1)}% (${e.trainSeconds.toFixed(0)} s)`);
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
