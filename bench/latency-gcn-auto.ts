// When does `latency adapt --gcn` pay? The blend with a GCN trained on the K lifts the
// devices the base describes worst and costs the others a little (BENCHMARKS.md). This bench decides
// per device and K from the K alone: blend when the leave-one-out fit of the closed-form map over the
// K (loo_r2 in ln ms, or loo_rho) is below a threshold. It trains nothing: it joins the adapt rows of
// one few-shot bench file (run with --methods adapt, which records the leave-one-out statistics) with
// the adapt+gcn rows of another (the same seeds, K and choice), checks that both files' adapt rows
// agree bit for bit, and prints, per threshold, the medians and the worst device.
//   node dist/bench/latency-gcn-auto.js --loo results/bench/latency-fewshot-loo-design.json
//        --gcn results/bench/latency-fewshot-gcn-design.json [--stat loo_r2|loo_rho] [--tau 0.5,0.8,...]
//        [--check FILE]   (another file's adapt rows that must equal the --loo file's: e.g. the committed ones)
//        [--per-device K] (per device at that K, for the first --tau: adapt / adapt+gcn / the rule, and its share blended)
import { readFileSync } from 'node:fs';
import { benchArgs } from './bench-args.js';
import { median } from '../src/eval/metrics.js';

type Row = { device: string; k: number; seed: number; method: string; spearman: number; loo_r2?: number; loo_rho?: number };
const { values } = benchArgs(import.meta.url, {
  options: {
    loo: { type: 'string' },
    gcn: { type: 'string' },
    stat: { type: 'string', default: 'loo_r2' },
    tau: { type: 'string' },
    check: { type: 'string' },
    'per-device': { type: 'string' },
  },
});
if (!values.loo || !values.gcn) throw new Error('--loo FILE and --gcn FILE are required (results of bench/latency-fewshot.js)');
const stat = values.stat as 'loo_r2' | 'loo_rho';
if (stat !== 'loo_r2' && stat !== 'loo_rho') throw new Error('--stat must be loo_r2 or loo_rho');
const taus = (values.tau ?? (stat === 'loo_r2' ? '0.5,0.6,0.7,0.8,0.85,0.9,0.925,0.95,0.975' : '0.5,0.6,0.7,0.8,0.85,0.9,0.95')).split(',').map(Number);
const read = (f: string) => {
  const j = JSON.parse(readFileSync(f, 'utf8'));
  if (j.bench !== 'latency-fewshot' || !Array.isArray(j.rows)) throw new Error(`${f} is not a result of bench/latency-fewshot.js`);
  if (!j.complete) console.error(`note: ${f} is not complete`);
  return j as { rows: Row[]; devices: string[]; options: { choice: string }; provenance: { commit: string } };
};
const looFile = read(values.loo);
const gcnFile = read(values.gcn);
if (looFile.options.choice !== gcnFile.options.choice) throw new Error('the two files chose their cells differently');
const key = (r: Row) => `${r.device}|${r.k}|${r.seed}`;
const adapt = new Map(looFile.rows.filter((r) => r.method === 'adapt').map((r) => [key(r), r]));
const blend = new Map(gcnFile.rows.filter((r) => r.method === 'adapt+gcn').map((r) => [key(r), r]));
let checked = 0;
const others = [...gcnFile.rows, ...(values.check ? read(values.check).rows : [])];
for (const r of others.filter((x) => x.method === 'adapt')) {
  const a = adapt.get(key(r));
  if (!a) continue;
  if (a.spearman !== r.spearman) throw new Error(`adapt differs between the files at ${key(r)}: ${a.spearman} vs ${r.spearman}`);
  checked++;
}
const runs = [...adapt.values()].filter((a) => blend.has(key(a)));
if (runs.some((a) => a[stat] === undefined)) throw new Error(`${values.loo} lacks ${stat} on some adapt rows (run the few-shot bench with --methods adapt from a commit that records it)`);
console.log(`${runs.length} runs in both files; ${checked} adapt rows of the other files compared with the --loo file's, all identical; statistic ${stat}`);
const devices = looFile.devices.filter((d) => runs.some((r) => r.device === d));
const latbench = devices.filter((d) => !d.startsWith('ort-'));
const vm = devices.filter((d) => d.startsWith('ort-'));
const ks = [...new Set(runs.map((r) => r.k))].sort((a, b) => a - b);
/** Per device, the median over seeds of the chosen method's Spearman. */
const perDevice = (k: number, pick: (a: Row) => number) => new Map(devices.map((d) => [d, median(runs.filter((r) => r.device === d && r.k === k).map(pick))]));
const f3 = (x: number) => x.toFixed(3);
const summary = (label: string, pick: (a: Row) => number, used: (a: Row) => boolean) => {
  const cells = ks.map((k) => {
    const p = perDevice(k, pick);
    const lb = latbench.map((d) => p.get(d)!);
    const share = runs.filter((r) => r.k === k && used(r)).length / runs.filter((r) => r.k === k).length;
    return `${f3(median(lb))} / ${f3(Math.min(...lb))} / ${vm.length ? f3(median(vm.map((d) => p.get(d)!))) : '-'} / ${(100 * share).toFixed(0)}%`;
  });
  console.log(`| ${label} | ${cells.join(' | ')} |`);
};
console.log(`\nPer K: LatBench median / worst LatBench device / this VM's median / share of runs blended\n`);
console.log(`| rule | ${ks.map((k) => `K = ${k}`).join(' | ')} |`);
console.log(`|---|${ks.map(() => '---').join('|')}|`);
summary('adapt', (a) => a.spearman, () => false);
summary('adapt+gcn (always)', (a) => blend.get(key(a))!.spearman, () => true);
for (const t of taus) {
  const on = (a: Row) => (a[stat] as number) < t;
  summary(`${stat} < ${t}`, (a) => (on(a) ? blend.get(key(a))!.spearman : a.spearman), on);
}

if (values['per-device'] !== undefined) {
  const k = Number(values['per-device']);
  if (!ks.includes(k)) throw new Error(`--per-device ${values['per-device']}: the files have K = ${ks.join(', ')}`);
  const t = taus[0];
  const on = (a: Row) => (a[stat] as number) < t;
  const a = perDevice(k, (r) => r.spearman);
  const b = perDevice(k, (r) => blend.get(key(r))!.spearman);
  const c = perDevice(k, (r) => (on(r) ? blend.get(key(r))!.spearman : r.spearman));
  console.log(`\nK = ${k}, ${stat} < ${t}: median Spearman over seeds per device\n`);
  console.log('| device | adapt | adapt+gcn | rule | runs blended |');
  console.log('|---|---|---|---|---|');
  for (const d of devices) {
    const mine = runs.filter((r) => r.device === d && r.k === k);
    console.log(`| ${d} | ${f3(a.get(d)!)} | ${f3(b.get(d)!)} | ${f3(c.get(d)!)} | ${mine.filter(on).length} of ${mine.length} |`);
  }
}
