// NB201 on Fashion-MNIST with real training: each strategy x seed is one `brp-nas search --trainer
// "brp-nas train ..."` at the same budget and recipe, in its own state directory under --work (an
// interrupted bench resumes; a finished search answers from its result.json). The trainer leaves the
// test set unread (--no-test); afterwards brp-nas evaluates, on the 10,000 test images with
// onnxruntime-node, the ONNX file of every model that was a search's validation-selected one at some
// point (what its curve needs) and of a few hand-picked cells trained under the same recipe as
// reference points; every trained network is timed here (one thread, one network at a time: timing
// beside a training would time both). Writes --out/results.json (every candidate with its accuracies,
// parameters, seconds, finish time and latency; options, commit, seeds), curves against models and
// hours, and the Pareto front (SVG + PNG). The searches pick by one training (--final-retrain 0);
// the final pick under noise is measured beside it: the --retrain-k best of each search's first
// budget - K models trained again with seed + 1 (what `--final-retrain K` does inside a search, at the
// same number of trainings, except that the strategy planned for the whole budget).
//   node dist/bench/real-fashion.js [--strategies brp,rea,random] [--seeds 0,1,2] [--budget 50] [--workers 2]
//        [--recipe "--channels 8 --cells 1 --epochs 2 --train-images 3000 --val-images 2000 --no-test"]
//        [--retrain-k 3] [--work DIR (default /tmp/brpnas-real-fashion)] [--out results/bench/real-fashion] [--skip-latency]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchArgs } from './bench-args.js';
import { loadImageSet } from '../src/data/image-datasets.js';
import { meanSe as meanSeOf } from '../src/eval/metrics.js';
import { evaluateOnnx } from '../src/measure/evaluate-onnx.js';
import { ortLatencyProbe } from '../src/train/latency-probe.js';
import { paretoFront } from '../src/train/pareto.js';
import { plotBytes, renderSvg } from '../src/report/plots.js';
import { writeFileAtomic } from '../src/util/atomic-write.js';
import { provenance } from '../src/util/provenance.js';

const { values } = benchArgs(import.meta.url, {
  options: {
    strategies: { type: 'string', default: 'brp,rea,random' },
    seeds: { type: 'string', default: '0,1,2' },
    budget: { type: 'string', default: '50' },
    workers: { type: 'string', default: '2' },
    recipe: { type: 'string', default: '--channels 8 --cells 1 --epochs 2 --train-images 3000 --val-images 2000 --no-test' },
    work: { type: 'string', default: '/tmp/brpnas-real-fashion' },
    out: { type: 'string', default: 'results/bench/real-fashion' },
    'skip-latency': { type: 'boolean' },
    'retrain-k': { type: 'string', default: '3' },
  },
});
const root = resolve(new URL('../..', import.meta.url).pathname);
const bin = join(root, 'bin/brp-nas.js');
const strategies = values.strategies!.split(',');
const seeds = values.seeds!.split(',').map(Number);
const recipe = values.recipe!;
// reference cells: every edge a 3x3 convolution; the best cell of NB201's CIFAR-10 table; a ResNet-like cell
const HAND_PICKED: Record<string, string> = {
  'all 3x3 convolutions': '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
  'best on NB201 CIFAR-10': '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|',
  'ResNet-like': '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|none~2|',
};
mkdirSync(values.work!, { recursive: true });
mkdirSync(values.out!, { recursive: true });

function run(args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    const c = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('close', (code) => (code === 0 ? ok(out) : fail(new Error(`brp-nas ${args.slice(0, 3).join(' ')} ... exited ${code}`))));
  });
}

interface Trained { index: number; arch: string; accuracy: number; test_accuracy?: number; params: number; seconds: number; finished_at: string | null; onnx: string; latency_ms?: number }
interface SearchRun { strategy: string; seed: number; seconds: number; started_at: string; trained: Trained[]; failed: number; selected: { index: number; arch: string; accuracy: number; test_accuracy?: number }; retrainPick?: { index: number; arch: string; runs: number[]; test_accuracy?: number } }

const trainer = `node ${bin} train --space nb201 --dataset fashion-mnist --arch {arch} --out {out} --seed {seed} ${recipe} --json`;
const searches: SearchRun[] = [];
for (const seed of seeds) {
  for (const strategy of strategies) {
    const state = join(values.work!, `${strategy}-seed${seed}`);
    process.stderr.write(`# ${strategy}, seed ${seed}: ${state}\n`);
    const out = JSON.parse(await run(['search', '--space', 'nb201', '--strategy', strategy, '--budget', values.budget!, '--seed', String(seed), '--workers', values.workers!, '--state', state, '--final-retrain', '0', '--trainer', trainer, '--json', '--quiet']));
    const full = JSON.parse(readFileSync(out.result, 'utf8'));
    const trained: Trained[] = full.candidates.filter((c: { status: string }) => c.status === 'trained').map((c: { index: number; arch: string; accuracy: number; metrics: Record<string, number | string>; finished_at: string | null }) => ({ index: c.index, arch: c.arch, accuracy: c.accuracy, params: Number(c.metrics.params), seconds: Number(c.metrics.seconds), finished_at: c.finished_at, onnx: String(c.metrics.onnx) }));
    const journalStart = JSON.parse(readFileSync(join(state, 'journal.jsonl'), 'utf8').split('\n')[0]).at as string;
    searches.push({ strategy, seed, seconds: out.seconds, started_at: journalStart, trained, failed: out.failed, selected: { index: trained.findIndex((t) => t.arch === out.selected.arch), arch: out.selected.arch, accuracy: out.selected.accuracy } });
  }
}

// the final pick under noise: the K best of the first budget - K trained again with seed + 1, the best mean picked
const K = Number(values['retrain-k']);
for (const s of searches) {
  if (K === 0) break;
  const first = s.trained.slice(0, s.trained.length - K);
  const top = first.map((t, i) => ({ t, i })).sort((a, b) => b.t.accuracy - a.t.accuracy || a.i - b.i).slice(0, K);
  let best: { index: number; arch: string; runs: number[] } | null = null;
  for (const { t, i } of top) {
    const dir = join(values.work!, `${s.strategy}-seed${s.seed}-retrain`, String(t.index));
    const done = join(dir, 'result.json');
    if (!existsSync(done)) writeFileAtomic(done, (await run(['train', '--space', 'nb201', '--dataset', 'fashion-mnist', '--arch', t.arch, '--out', dir, '--seed', String(s.seed + 1), ...recipe.split(' '), '--json'])).trim().split('\n').pop()!);
    const again = JSON.parse(readFileSync(done, 'utf8')).accuracy as number;
    const runs = [t.accuracy, again];
    if (!best || (runs[0] + runs[1]) / 2 > (best.runs[0] + best.runs[1]) / 2) best = { index: i, arch: t.arch, runs };
  }
  s.retrainPick = best!;
}

// hand-picked cells, three training seeds each
const hand: { name: string; arch: string; seed: number; accuracy: number; test_accuracy?: number; params: number; seconds: number; onnx: string; latency_ms?: number }[] = [];
for (const [name, arch] of Object.entries(HAND_PICKED)) {
  for (const seed of seeds) {
    const dir = join(values.work!, 'hand', `${name.replace(/[^a-z0-9]+/gi, '-')}-seed${seed}`);
    const done = join(dir, 'result.json');
    let line: string;
    if (existsSync(done)) line = readFileSync(done, 'utf8');
    else {
      line = (await run(['train', '--space', 'nb201', '--dataset', 'fashion-mnist', '--arch', arch, '--out', dir, '--seed', String(seed), ...recipe.split(' '), '--json'])).trim().split('\n').pop()!;
      writeFileAtomic(done, line);
    }
    const r = JSON.parse(line);
    hand.push({ name, arch, seed, accuracy: r.accuracy, params: r.params, seconds: r.seconds, onnx: r.onnx });
  }
}

// test accuracy (onnxruntime-node on the 10,000 test images) of every model a curve or table shows,
// cached in --work: a validation-selected model at some step of a search, and the hand-picked ones
const testSet = loadImageSet('fashion-mnist', 'test');
const evalCache = join(values.work!, 'test-accuracy.json');
const evals: Record<string, number> = existsSync(evalCache) ? JSON.parse(readFileSync(evalCache, 'utf8')) : {};
const testOf = async (onnx: string) => {
  if (evals[onnx] === undefined) {
    evals[onnx] = (await evaluateOnnx(readFileSync(onnx), testSet, onnx)).accuracy;
    writeFileAtomic(evalCache, JSON.stringify(evals));
  }
  return evals[onnx];
};
for (const s of searches) {
  let best = -Infinity;
  for (const t of s.trained) {
    if (t.accuracy > best) {
      best = t.accuracy;
      t.test_accuracy = await testOf(t.onnx);
    }
  }
  s.selected.test_accuracy = s.trained[s.selected.index].test_accuracy;
  if (s.retrainPick) s.retrainPick.test_accuracy = await testOf(s.trained[s.retrainPick.index].onnx);
}
for (const h of hand) h.test_accuracy = await testOf(h.onnx);

// latency of every trained network, one at a time on this machine (an arch's copies share one timing)
if (!values['skip-latency']) {
  const probe = ortLatencyProbe(1);
  const byArch = new Map<string, number>();
  const all = [...searches.flatMap((s) => s.trained), ...hand];
  let n = 0;
  for (const t of all) {
    if (!byArch.has(t.arch)) byArch.set(t.arch, await probe.measure('nb201', t.arch, t.onnx));
    t.latency_ms = byArch.get(t.arch)!;
    if (++n % 50 === 0) process.stderr.write(`latency: ${n} of ${all.length}\n`);
  }
}

const meanSe = (xs: number[]) => {
  const [mean, se] = meanSeOf(xs);
  return { mean, se };
};
const pm = (x: { mean: number; se: number }, d = 2) => `${x.mean.toFixed(d)} +- ${x.se.toFixed(d)}`;
// the validation-selected model's test accuracy after each model trained (in the order results came)
const selectedCurve = (s: SearchRun) => {
  let best = -Infinity;
  let test = NaN;
  return s.trained.map((t) => {
    if (t.accuracy > best) [best, test] = [t.accuracy, t.test_accuracy!];
    return test;
  });
};
const hoursOf = (s: SearchRun, t: Trained) => (t.finished_at ? (Date.parse(t.finished_at) - Date.parse(s.started_at)) / 3.6e6 : NaN);

const lines: string[] = [];
lines.push(`Budget ${values.budget} models, ${values.workers} workers, seeds ${seeds.join(', ')}; recipe \`${recipe}\`; commit ${provenance().commit.slice(0, 7)}${provenance().dirty ? ' (dirty)' : ''}.`, '');
lines.push(`| strategy | searches | validation-selected test % (mean +- s.e.) | its validation % | pick after retraining the ${K} best: test % | paired vs the validation pick | best validation % at 25 models | mean validation % of the first 10 (their mean parameters) | hours per search (mean) | workers busy training (trainer seconds / wall x workers) | failed |`);
lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
for (const strategy of strategies) {
  const ss = searches.filter((s) => s.strategy === strategy);
  const re = ss.filter((s) => s.retrainPick);
  const first10 = ss.flatMap((s) => s.trained.slice(0, 10));
  lines.push(`| ${strategy} | ${ss.length} | ${pm(meanSe(ss.map((s) => s.selected.test_accuracy!)))} | ${pm(meanSe(ss.map((s) => s.selected.accuracy)))} | ${re.length ? pm(meanSe(re.map((s) => s.retrainPick!.test_accuracy!))) : '-'} | ${re.length ? pm(meanSe(re.map((s) => s.retrainPick!.test_accuracy! - s.selected.test_accuracy!))) : '-'} | ${pm(meanSe(ss.map((s) => Math.max(...s.trained.slice(0, 25).map((t) => t.accuracy)))))} | ${meanSe(first10.map((t) => t.accuracy)).mean.toFixed(2)} (${Math.round(meanSe(first10.map((t) => t.params)).mean)}) | ${(meanSe(ss.map((s) => s.seconds)).mean / 3600).toFixed(2)} | ${(100 * ss.reduce((a, s) => a + s.trained.reduce((b, t) => b + t.seconds, 0), 0) / ss.reduce((a, s) => a + s.seconds * Number(values.workers), 0)).toFixed(0)}% | ${ss.reduce((a, s) => a + s.failed, 0)} |`);
}
lines.push('', '| hand-picked cell | validation % | test % (mean +- s.e. over seeds) | parameters | latency ms |', '|---|---|---|---|---|');
for (const name of Object.keys(HAND_PICKED)) {
  const hs = hand.filter((h) => h.name === name);
  lines.push(`| ${name} | ${pm(meanSe(hs.map((h) => h.accuracy)))} | ${pm(meanSe(hs.map((h) => h.test_accuracy!)))} | ${hs[0].params} | ${hs[0].latency_ms?.toFixed(3) ?? '-'} |`);
}
const totalHours = searches.reduce((a, s) => a + s.seconds, 0) / 3600;
lines.push('', `Total: ${searches.length} searches, ${searches.reduce((a, s) => a + s.trained.length, 0)} models trained, ${totalHours.toFixed(2)} hours of search wall-clock.`);
console.log(lines.join('\n'));

// curves: the selected model's test accuracy against models trained and against hours, one line per search
const rows = searches.flatMap((s) => selectedCurve(s).map((y, i) => ({ strategy: s.strategy, run: `${s.strategy} ${s.seed}`, models: i + 1, hours: hoursOf(s, s.trained[i]), y })));
const curveSpec = (x: 'models' | 'hours') => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  title: { text: `NB201 on Fashion-MNIST, real training: the validation-selected model's test accuracy`, subtitle: `one line per search (seeds ${seeds.join(', ')})${x === 'models' ? '; thick: the mean over seeds at each model count' : ''}` },
  width: 480, height: 320,
  layer: [
    { data: { values: rows.filter((r) => Number.isFinite(r[x])) }, mark: { type: 'line', interpolate: 'step-after', opacity: 0.35 }, encoding: { x: { field: x, type: 'quantitative', title: x === 'models' ? 'models trained' : 'hours since the search started' }, y: { field: 'y', type: 'quantitative', title: 'test accuracy %', scale: { zero: false } }, color: { field: 'strategy', type: 'nominal' }, detail: { field: 'run' } } },
    ...(x === 'models' ? [{ data: { values: rows }, mark: { type: 'line', strokeWidth: 3, interpolate: 'step-after' }, encoding: { x: { field: 'models', type: 'quantitative' }, y: { aggregate: 'mean', field: 'y', type: 'quantitative' }, color: { field: 'strategy', type: 'nominal' } } }] : []),
  ],
});
for (const x of ['models', 'hours'] as const) {
  const svg = await renderSvg(curveSpec(x));
  writeFileAtomic(join(values.out!, `curves-${x}.svg`), svg);
  writeFileAtomic(join(values.out!, `curves-${x}.png`), plotBytes('x.png', svg));
}
// the Pareto front of everything trained: validation accuracy against latency measured here
if (!values['skip-latency']) {
  const pts = searches.flatMap((s) => s.trained.map((t) => ({ strategy: s.strategy, latency_ms: t.latency_ms!, accuracy: t.accuracy, arch: t.arch })));
  const front = paretoFront(pts);
  const svg = await renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'Every model trained in the searches: validation accuracy against latency here', subtitle: 'dots: trained models by the strategy that trained them; red steps: the Pareto front of all of them; black: hand-picked cells' },
    width: 480, height: 320,
    layer: [
      { data: { values: pts }, mark: { type: 'circle', size: 25, opacity: 0.5 }, encoding: { x: { field: 'latency_ms', type: 'quantitative', title: 'latency (ms, onnxruntime-node, 1 thread)', scale: { zero: false } }, y: { field: 'accuracy', type: 'quantitative', title: 'validation accuracy %', scale: { zero: false } }, color: { field: 'strategy', type: 'nominal' } } },
      { data: { values: front }, mark: { type: 'line', interpolate: 'step-after', color: '#d62728' }, encoding: { x: { field: 'latency_ms', type: 'quantitative' }, y: { field: 'accuracy', type: 'quantitative' } } },
      { data: { values: hand }, mark: { type: 'point', shape: 'cross', size: 80, color: 'black' }, encoding: { x: { field: 'latency_ms', type: 'quantitative' }, y: { field: 'accuracy', type: 'quantitative' } } },
    ],
  });
  writeFileAtomic(join(values.out!, 'pareto.svg'), svg);
  writeFileAtomic(join(values.out!, 'pareto.png'), plotBytes('x.png', svg));
}
writeFileAtomic(join(values.out!, 'results.json'), JSON.stringify({ options: { strategies, seeds, budget: Number(values.budget), workers: Number(values.workers), recipe, retrain_k: K, final_retrain: 0, dataset: 'fashion-mnist', space: 'nb201' }, provenance: provenance(), report: lines.join('\n'), searches: searches.map((s) => ({ ...s, trained: s.trained.map(({ onnx: _o, ...t }) => t) })), hand: hand.map(({ onnx: _o, ...h }) => h) }, null, 1));
