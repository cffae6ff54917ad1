// The GCN with and without the layer-wise prior against the layer-wise and FLOPs fits, on one
// device's measurements (the GCN on whole-cell devices). Prints one JSON line per
// (seed, predictor) with the test Spearman, the share within +-10% and the training seconds.
//   node dist/bench/latency-prior.js --device FILE|NAME [--seeds 0,1,2] [--kinds layerwise,flops,gcn,gcn+layerwise]
//                                    [--train 270] [--valid 30] [--split reference|grouped] [--threads 1]
import { benchArgs } from './bench-args.js';
import { loadDeviceLatency } from '../src/data/device-latency.js';
import { resolveDataDir } from '../src/data/files.js';
import { createKernels } from '../src/nn/backend.js';
import { trainLatencyPredictor, type LatencyPredictorKind, type LatencyPrior } from '../src/predictors/latency.js';
import type { SplitKind } from '../src/predictors/split.js';
import { provenance } from '../src/util/provenance.js';

const { values } = benchArgs(import.meta.url, {
  options: {
    device: { type: 'string' },
    seeds: { type: 'string', default: '0,1,2' },
    kinds: { type: 'string', default: 'layerwise,flops,gcn,gcn+layerwise' },
    train: { type: 'string', default: '270' },
    valid: { type: 'string', default: '30' },
    split: { type: 'string', default: 'reference' },
    threads: { type: 'string', default: '1' },
    data: { type: 'string' },
  },
});
if (!values.device) throw new Error('--device FILE|NAME is required');
const loaded = loadDeviceLatency(values.device, resolveDataDir(values.data));
if (!('nb201' in loaded)) throw new Error(`${values.device}: not an NB201 dataset`);
const ds = loaded.nb201;
const kernels = createKernels({ threads: Number(values.threads) });
console.log(JSON.stringify({ bench: 'latency-prior', device: ds.device, cell: ds.cell ?? 'pruned', source: ds.source, options: values, commit: provenance().commit }));
for (const seed of values.seeds!.split(',').map(Number)) {
  for (const k of values.kinds!.split(',')) {
    const [kind, prior] = k.split('+') as [LatencyPredictorKind, LatencyPrior | undefined];
    const e = trainLatencyPredictor(ds, { kind, seed, kernels, train: Number(values.train), valid: Number(values.valid), split: values.split as SplitKind, ...(kind === 'gcn' || kind === 'mlp' ? { prior: prior ?? 'none' } : {}) });
    console.log(JSON.stringify({ seed, predictor: k, spearman: +e.metrics.spearman.toFixed(4), within10: +e.metrics.within10.toFixed(3), seconds: +e.trainSeconds.toFixed(1) }));
  }
}
kernels.dispose();
