// Issue 15 groundwork: how well can a NEW device's latency be predicted from K of its measurements?
// Leave-one-device-out over the 13 LatBench devices (the desktop CPU and GPU are nearly identical
// and held out together), K = 5, 10, 20, 50, seeds of the K choice; every method sees only the K
// measured cells of the held-out device, and is scored on all its other cells. Methods:
//   flops      linear fit of latency on FLOPs (its ranking is FLOPs' own for any positive slope)
//   layerwise  linear fit over per-(edge, op) indicators (ridge; underdetermined below 25)
//   basis      log-latency of the new device as a ridge-regularised linear map of the other devices'
//              log-latencies of the same cell (the other devices as a hardware basis, fitted on K)
//   nearest    the other device whose latencies rank the K cells most like the new one, scaled
//   adapt-loo  src/predictors/fewshot.ts: the basis map with the ridge strength chosen by leave-one-out
//              over the K measurements; adapt: its default, 0.01 (what design seeds 100-104 favoured)
// `basis` and `nearest` use the other devices' measured latencies of every cell; for a space without
// such tables a model trained on them (the pretrained GCN) would stand in.
//   node dist/bench/latency-fewshot.js [--ks 5,10,20,50] [--seeds 0,1,2,3,4] [--out results/bench/latency-fewshot.json]
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../src/data/files.js';
import { loadLatBench } from '../src/data/device-latency.js';
import { listLatBenchDevices } from '../src/data/latbench.js';
import { median, spearman, kendallTau, withinShare } from '../src/eval/metrics.js';
import { fitFlops, fitLayerwise, leastSquares, predictLinear } from '../src/predictors/baselines.js';
import { Rng } from '../src/util/rng.js';
import { adaptLatency, buildLatencyBasis, predictAdapted } from '../src/predictors/fewshot.js';
import { writeFileAtomic } from '../src/util/atomic-write.js';
import { dataFiles, provenance } from '../src/util/provenance.js';

const { values } = parseArgs({ options: { ks: { type: 'string', default: '5,10,20,50' }, seeds: { type: 'string', default: '0,1,2,3,4' }, out: { type: 'string', default: 'results/bench/latency-fewshot.json' }, data: { type: 'string' } } });
const dataDir = resolveDataDir(values.data);
const names = listLatBenchDevices(dataDir).filter((d) => !d.endsWith('-large'));
const sets = names.map((n) => loadLatBench(n, dataDir));
// the cells every device has
const common = [...sets[0].codes].filter((c) => sets.every((s) => s.codes.includes(c)));
const codes = Int32Array.from(common);
const lat = sets.map((s) => {
  const m = new Map<number, number>();
  s.codes.forEach((c, i) => m.set(c, s.seconds[i]));
  return Float64Array.from(codes, (c) => m.get(c)! * 1e3);
});
const DESKTOP = names.filter((n) => n.startsWith('desktop-'));
const ks = values.ks!.split(',').map(Number);
const seeds = values.seeds!.split(',').map(Number);
const methods = ['flops', 'layerwise', 'basis', 'nearest', 'adapt-loo', 'adapt'] as const;
type Row = { device: string; k: number; seed: number; method: string; spearman: number; kendall: number; within10: number };
const rows: Row[] = [];
const t0 = performance.now();

for (let d = 0; d < names.length; d++) {
  const others = names.map((_, i) => i).filter((i) => i !== d && !(DESKTOP.includes(names[d]) && DESKTOP.includes(names[i])));
  const logOther = others.map((i) => Float64Array.from(lat[i], Math.log));
  const basis = buildLatencyBasis(others.map((i) => sets[i]));
  for (const k of ks) {
    for (const seed of seeds) {
      const rng = new Rng(seed * 1000 + k);
      const order = rng.shuffle(Int32Array.from(codes.keys()));
      const train = order.subarray(0, k);
      const test = order.subarray(k);
      const truth = Float64Array.from(test, (i) => lat[d][i]);
      const yTrain = Float64Array.from(train, (i) => lat[d][i]);
      const score = (method: string, pred: Float64Array) => rows.push({ device: names[d], k, seed, method, spearman: spearman(pred, truth), kendall: kendallTau(pred, truth), within10: withinShare(pred, truth, 0.1) });
      score('flops', predictLinear(fitFlops(Int32Array.from(train, (i) => codes[i]), yTrain), Int32Array.from(test, (i) => codes[i])));
      score('layerwise', predictLinear(fitLayerwise(Int32Array.from(train, (i) => codes[i]), yTrain), Int32Array.from(test, (i) => codes[i])));
      // basis: log y = w . log x_others + b, ridge (the devices are highly collinear)
      {
        const cols = others.length + 1;
        const X = new Float64Array(k * cols);
        for (let r = 0; r < k; r++) {
          for (let j = 0; j < others.length; j++) X[r * cols + j] = logOther[j][train[r]];
          X[r * cols + others.length] = 1;
        }
        const w = leastSquares(X, Float64Array.from(yTrain, Math.log), k, cols, 0.05);
        const pred = Float64Array.from(test, (i) => {
          let s = w[others.length];
          for (let j = 0; j < others.length; j++) s += w[j] * logOther[j][i];
          return Math.exp(s);
        });
        score('basis', pred);
      }
      {
        const kc = Int32Array.from(train, (i) => codes[i]);
        const ks_ = Float64Array.from(yTrain, (x) => x / 1e3);
        const tc = Int32Array.from(test, (i) => codes[i]);
        score('adapt-loo', Float64Array.from(predictAdapted(adaptLatency(basis, kc, ks_, { lambda: 'loo' }), tc), (x) => x * 1e3));
        score('adapt', Float64Array.from(predictAdapted(adaptLatency(basis, kc, ks_), tc), (x) => x * 1e3));
      }
      // nearest: the other device ranking the K cells best, mapped by a log-linear fit
      {
        let best = others[0];
        let bestRho = -Infinity;
        for (const j of others) {
          const rho = spearman(Float64Array.from(train, (i) => lat[j][i]), yTrain);
          if (rho > bestRho) {
            bestRho = rho;
            best = j;
          }
        }
        const X = new Float64Array(k * 2);
        for (let r = 0; r < k; r++) {
          X[r * 2] = Math.log(lat[best][train[r]]);
          X[r * 2 + 1] = 1;
        }
        const w = leastSquares(X, Float64Array.from(yTrain, Math.log), k, 2);
        score('nearest', Float64Array.from(test, (i) => Math.exp(w[0] * Math.log(lat[best][i]) + w[1])));
      }
    }
  }
}

console.log(`# few-shot latency, leave-one-device-out over ${names.length} LatBench devices (${codes.length} common cells), ${seeds.length} seeds, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log('\nMedian over held-out devices of the per-device median (over seeds) Spearman:\n');
console.log(`| K | ${methods.join(' | ')} |`);
console.log(`|---|${methods.map(() => '---').join('|')}|`);
for (const k of ks) {
  const cell = (m: string) => median(names.map((n) => median(rows.filter((r) => r.device === n && r.k === k && r.method === m).map((r) => r.spearman)))).toFixed(3);
  console.log(`| ${k} | ${methods.map(cell).join(' | ')} |`);
}
console.log('\nPer device, K = 10 (median over seeds: Spearman / within +-10%):\n');
console.log(`| device | ${methods.join(' | ')} |`);
console.log(`|---|${methods.map(() => '---').join('|')}|`);
for (const n of names) console.log(`| ${n} | ${methods.map((m) => { const rs = rows.filter((r) => r.device === n && r.k === 10 && r.method === m); return `${median(rs.map((r) => r.spearman)).toFixed(3)} / ${(100 * median(rs.map((r) => r.within10))).toFixed(0)}%`; }).join(' | ')} |`);
writeFileAtomic(values.out!, JSON.stringify({ bench: 'latency-fewshot', provenance: provenance(), data: { dir: dataDir, files: dataFiles(sets.map((x) => x.source)) }, devices: names, common_cells: codes.length, ks, seeds, rows }, null, 0));
