// The delivered model after the final training, beside hand-designed small CNNs of Fashion-MNIST's
// benchmark table (brp-nas train --baseline 2conv, 2conv-pool-bn), all trained with the same final
// recipe: the architecture a search selected (its result.json's `selected`, or --arch), then each
// network's ONNX file tested by brp-nas evaluate (onnxruntime-node, the 10,000 test images) and timed
// here (onnxruntime-node, one thread, batch 1). Each training is kept in --work (a rerun reuses it).
//   node dist/bench/final-training.js (--search STATE/result.json | --arch ARCH) [--space nb201]
//        [--network "--channels 8 --cells 1"] [--recipe "--epochs 5"] [--seed 0] [--work DIR] [--out results/bench/final-training]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchArgs, benchUsageError } from './bench-args.js';
import { loadImageSet } from '../src/data/image-datasets.js';
import { evaluateOnnx } from '../src/measure/evaluate-onnx.js';
import { ortLatencyProbe } from '../src/train/latency-probe.js';
import { writeFileAtomic } from '../src/util/atomic-write.js';
import { provenance } from '../src/util/provenance.js';

const { values } = benchArgs(import.meta.url, {
  options: {
    search: { type: 'string' },
    arch: { type: 'string' },
    space: { type: 'string', default: 'nb201' },
    network: { type: 'string', default: '--channels 8 --cells 1' },
    recipe: { type: 'string', default: '--epochs 5' },
    seed: { type: 'string', default: '0' },
    work: { type: 'string', default: '/tmp/brpnas-final-training' },
    out: { type: 'string', default: 'results/bench/final-training' },
  },
});
const arch = values.arch ?? (values.search ? JSON.parse(readFileSync(values.search, 'utf8')).selected?.arch : undefined);
if (typeof arch !== 'string') benchUsageError(import.meta.url, 'name the architecture: --search STATE/result.json (its selected model) or --arch ARCH');
const bin = join(resolve(new URL('../..', import.meta.url).pathname), 'bin/brp-nas.js');
mkdirSync(values.work!, { recursive: true });
mkdirSync(values.out!, { recursive: true });
const words = (s: string) => s.split(' ').filter(Boolean);
const recipe = words(values.recipe!);
// the hand-designed networks have their own width and depth: the training recipe is what all share
const nets = [
  { name: 'delivered (the search\'s pick)', args: ['--space', values.space!, '--arch', arch, ...words(values.network!), ...recipe] },
  { name: '2 conv < 100K parameters (2conv)', args: ['--baseline', '2conv', ...recipe] },
  { name: '2 conv + pooling + BN (2conv-pool-bn)', args: ['--baseline', '2conv-pool-bn', ...recipe] },
];
const testSet = loadImageSet('fashion-mnist', 'test');
const probe = ortLatencyProbe(1);
const rows = [];
for (const [i, n] of nets.entries()) {
  const dir = join(values.work!, `net${i}`);
  const done = join(dir, 'result.line');
  if (!existsSync(done)) {
    process.stderr.write(`# training ${n.name}\n`);
    const r = spawnSync(process.execPath, [bin, 'train', '--dataset', 'fashion-mnist', ...n.args, '--out', dir, '--seed', values.seed!, '--no-test', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`training ${n.name} failed (exit ${r.status})`);
    writeFileAtomic(done, String(r.stdout).trim().split('\n').pop()!);
  }
  const res = JSON.parse(readFileSync(done, 'utf8'));
  const test = await evaluateOnnx(readFileSync(res.onnx), testSet, res.onnx);
  const latency = await probe.measure('nb201', arch, res.onnx);
  rows.push({ name: n.name, args: n.args, validation: res.accuracy, test: test.accuracy, params: res.params, latency_ms: latency, train_seconds: res.seconds, epochs: res.epochs, train_images: res.train_images });
}
const lines = [`Final recipe \`${values.recipe}\`, the delivered network \`${values.network}\` (all training images but the 10,000 validation ones), seed ${values.seed}; commit ${provenance().commit.slice(0, 7)}${provenance().dirty ? ' (dirty)' : ''}; delivered architecture \`${arch}\`.`, '', '| network | test % (evaluate, ONNX) | validation % | parameters | latency ms (1 thread) | training s |', '|---|---|---|---|---|---|'];
for (const r of rows) lines.push(`| ${r.name} | ${r.test.toFixed(2)} | ${r.validation.toFixed(2)} | ${r.params} | ${r.latency_ms.toFixed(3)} | ${r.train_seconds.toFixed(0)} |`);
console.log(lines.join('\n'));
writeFileAtomic(join(values.out!, 'results.json'), JSON.stringify({ options: { arch, space: values.space, recipe: values.recipe, seed: Number(values.seed), dataset: 'fashion-mnist', search: values.search ?? null }, provenance: provenance(), report: lines.join('\n'), rows }, null, 1));
