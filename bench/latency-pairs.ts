// Do interactions between ops on connected edges add to the layer-wise sum? A linear fit of the
// layer-wise features plus one indicator per (edge into a node, edge out of it, their two ops) for the
// live edges of NB201's four connected edge pairs (through node 1: 1<-0 then 2<-1 or 3<-1; through node
// 2: 2<-0 or 2<-1 then 3<-2), against the layer-wise fit alone, on the grouped split of each device
// and seed (fitted on the 900 training cells, scored on the test cells; --ridge as leastSquares').
//   node dist/bench/latency-pairs.js [--devices a,b|standard] [--seeds 2] [--ridge 1e-9,1e-4,1e-2]
import { benchArgs } from './bench-args.js';
import { resolveDataDir } from '../src/data/files.js';
import { loadLatBench } from '../src/data/device-latency.js';
import { listLatBenchDevices } from '../src/data/latbench.js';
import { median } from '../src/data/summary.js';
import { regressionMetrics } from '../src/eval/metrics.js';
import { layerwiseFeatures, leastSquares } from '../src/predictors/baselines.js';
import { latencySplit } from '../src/predictors/latency.js';
import { codeToVector, liveEdges } from '../src/spaces/nb201/cell.js';
import { Rng } from '../src/util/rng.js';

const { values } = benchArgs(import.meta.url, {
  options: {
    devices: { type: 'string', default: 'desktop-cpu-core-i7-7820x-fp32,desktop-gpu-gtx-1080ti-fp32,embedded-gpu-jetson-nano-fp16,embedded-gpu-jetson-nano-fp32' },
    seeds: { type: 'string', default: '2' },
    ridge: { type: 'string', default: '1e-9,1e-4,1e-2' },
    data: { type: 'string' },
  },
});
const dataDir = resolveDataDir(values.data);
const devices = values.devices === 'standard' ? listLatBenchDevices(dataDir).filter((d) => !d.endsWith('-large')) : values.devices!.split(',');

/** Connected edge pairs (into a node, out of it), by edge index. */
const PAIRS: [number, number][] = [
  [0, 2],
  [0, 4],
  [1, 5],
  [2, 5],
];

function features(code: number, pairs: boolean): number[] {
  const f = Array.from(layerwiseFeatures(code));
  if (!pairs) return f;
  const v = codeToVector(code);
  const live = liveEdges(v);
  const extra = new Array<number>(PAIRS.length * 16).fill(0);
  PAIRS.forEach(([a, b], p) => {
    if (live[a] && live[b]) extra[p * 16 + (v[a] - 1) * 4 + (v[b] - 1)] = 1;
  });
  return [...f, ...extra];
}

const deltas = new Map<string, number[]>();
for (const device of devices)
  for (const seed of values.seeds!.split(',').map(Number)) {
    const ds = loadLatBench(device, dataDir);
    const split = latencySplit(ds, 900, 100, 'grouped', new Rng(seed));
    const score = (pairs: boolean, ridge: number) => {
      const rows = Array.from(split.train, (i) => features(ds.codes[i], pairs));
      const w = leastSquares(Float64Array.from(rows.flat()), Array.from(split.train, (i) => ds.seconds[i]), rows.length, rows[0].length, ridge);
      const pred = Float64Array.from(split.test, (i) => features(ds.codes[i], pairs).reduce((s, x, j) => s + x * w[j], 0));
      return regressionMetrics(pred, Float64Array.from(split.test, (i) => ds.seconds[i]));
    };
    const base = score(false, 1e-9);
    const line = [`${device} seed ${seed}: layer-wise ${base.spearman.toFixed(4)} / ${(base.within10 * 100).toFixed(1)}`];
    for (const ridge of values.ridge!.split(',').map(Number)) {
      const m = score(true, ridge);
      line.push(`+pairs (ridge ${ridge}) ${m.spearman.toFixed(4)} / ${(m.within10 * 100).toFixed(1)}`);
      const k = String(ridge);
      deltas.set(k, [...(deltas.get(k) ?? []), m.spearman - base.spearman]);
    }
    console.log(line.join('  '));
  }
for (const [ridge, d] of deltas) console.log(`ridge ${ridge}: Spearman change median ${median(d).toFixed(4)}, worst ${Math.min(...d).toFixed(4)}, ${d.filter((x) => x > 0).length} of ${d.length} up`);
