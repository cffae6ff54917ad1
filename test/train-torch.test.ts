// The shipped PyTorch trainer through brp-nas train, and through a search's --trainer: real training
// on Fashion-MNIST at a tiny size (one epoch on 1,000 images, 4 channels, one cell per stage).

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nb201Cost } from '../src/spaces/nb201/cost.js';
import { parseArch } from '../src/spaces/nb201/cell.js';
import { execFileSync } from 'node:child_process';
import { dartsCost } from '../src/spaces/darts/cost.js';
import { nb101Cost } from '../src/spaces/nb101/cost.js';
import { getSpace } from '../src/spaces/registry.js';
import { findTorchPython, trainerScript } from '../src/train/torch-python.js';
import { Rng } from '../src/util/rng.js';
import { ROOT, cli, spawnCli } from './helpers.js';

const ARCH = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
const TINY = ['--epochs', '1', '--train-images', '1000', '--val-images', '500', '--channels', '4', '--cells', '1'];

test('brp-nas train: the network brp-nas means (parameters equal the cost model), a result line, an ONNX file whose test accuracy evaluate reproduces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-train-'));
  try {
    const r = cli(['train', '--space', 'nb201', '--dataset', 'fashion-mnist', '--arch', ARCH, '--out', dir, '--seed', '3', ...TINY, '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out.trim().split('\n').pop()!);
    for (const k of ['accuracy', 'test_accuracy', 'params', 'seconds', 'onnx']) assert.ok(k in j, k);
    assert.equal(j.params, nb201Cost(parseArch(ARCH), { channels: 4, cellsPerStage: 1, numClasses: 10, inputSize: 28, inputChannels: 1 }).params);
    assert.ok(j.accuracy > 10 && j.accuracy <= 100 && j.test_accuracy > 10, `${j.accuracy}% / ${j.test_accuracy}%: above chance after an epoch`);
    assert.equal(j.onnx, join(dir, 'model.onnx'));
    assert.match(j.device, /^(cpu|cuda)/, 'the result says which device trained');
    assert.ok(existsSync(join(dir, 'checkpoint.pt')));
    const e = cli(['evaluate', '--model', j.onnx, '--dataset', 'fashion-mnist', '--json']);
    assert.equal(e.code, 0, e.err);
    assert.ok(Math.abs(JSON.parse(e.out).accuracy - j.test_accuracy) <= 0.1, `evaluate ${JSON.parse(e.out).accuracy}% against the trainer's ${j.test_accuracy}%`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the trainer builds the network each space means: NB101 and DARTS parameter counts equal the cost models (random cells, two input shapes)', () => {
  const rng = new Rng(11);
  const rows: { space: string; arch: string; channels: number; cells: number; inChannels: number; params: number }[] = [];
  for (let i = 0; i < 5; i++) {
    for (const inChannels of [1, 3]) {
      const size = inChannels === 1 ? 28 : 32;
      const nb101 = getSpace('nb101');
      const a = nb101.format(nb101.sample(rng));
      rows.push({ space: 'nb101', arch: a, channels: 8, cells: 1 + (i % 2), inChannels, params: nb101Cost(nb101.parse(a) as never, { stemChannels: 8, stacks: 3, cellsPerStack: 1 + (i % 2), numClasses: 10, inputSize: size, inputChannels: inChannels }).params });
      const darts = getSpace('darts');
      const d = darts.format(darts.sample(rng));
      rows.push({ space: 'darts', arch: d, channels: 4, cells: 5 + i, inChannels, params: dartsCost(darts.parse(d) as never, { channels: 4, layers: 5 + i, numClasses: 10, inputSize: size, inputChannels: inChannels, auxiliary: false }).params });
    }
  }
  // the trainer's own network builder, run on a batch of the input's shape (a network that does not fit fails here)
  const py = `import sys, json, torch
sys.argv = ['x']; sys.path.insert(0, ${JSON.stringify(join(ROOT, 'trainers'))})
import train as T
for line in sys.stdin:
    r = json.loads(line)
    size = 28 if r['inChannels'] == 1 else 32
    net = T.space_network(r['space'], r['arch'], r['channels'], r['cells'], r['inChannels'], 10)
    assert tuple(net(torch.zeros(2, r['inChannels'], size, size)).shape) == (2, 10)
    print(sum(p.numel() for p in net.parameters()))`;
  const out = execFileSync(findTorchPython().python, ['-c', py], { input: rows.map((r) => JSON.stringify(r)).join('\n') }).toString().trim().split('\n').map(Number);
  assert.deepEqual(out, rows.map((r) => r.params));
  assert.ok(existsSync(trainerScript()));
});

test('brp-nas train --space nb101 and --space darts: trained, exported, and the file evaluate reads reproduces the trainer\'s test accuracy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-train-'));
  try {
    const archs = { nb101: '{"matrix":[[0,1,1,0],[0,0,0,1],[0,0,0,1],[0,0,0,0]],"ops":["input","conv3x3-bn-relu","maxpool3x3","output"]}', darts: getSpace('darts').format(getSpace('darts').sample(new Rng(2))) };
    for (const [space, arch] of Object.entries(archs)) {
      const r = cli(['train', '--space', space, '--dataset', 'fashion-mnist', '--arch', arch, '--out', join(dir, space), '--epochs', '1', '--train-images', '500', '--val-images', '200', '--channels', '4', '--cells', space === 'darts' ? '3' : '1', '--json']);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out.trim().split('\n').pop()!);
      const def = getSpace(space);
      const want = space === 'nb101' ? nb101Cost(def.parse(arch) as never, { stemChannels: 4, stacks: 3, cellsPerStack: 1, numClasses: 10, inputSize: 28, inputChannels: 1 }).params : dartsCost(def.parse(arch) as never, { channels: 4, layers: 3, numClasses: 10, inputSize: 28, inputChannels: 1, auxiliary: false }).params;
      assert.equal(j.params, want, space);
      const e = cli(['evaluate', '--model', j.onnx, '--dataset', 'fashion-mnist', '--json']);
      assert.equal(e.code, 0, e.err);
      assert.ok(Math.abs(JSON.parse(e.out).accuracy - j.test_accuracy) <= 0.1, `${space}: evaluate ${JSON.parse(e.out).accuracy}% against the trainer's ${j.test_accuracy}%`);
    }
    // an architecture of another space is refused before Python runs
    const bad = cli(['train', '--space', 'darts', '--dataset', 'fashion-mnist', '--arch', ARCH, '--out', join(dir, 'bad'), '--json']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--arch/);
    assert.ok(!existsSync(join(dir, 'bad')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('brp-nas train says what is wrong before Python does: no torch, a bad architecture, the trainer failing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-train-bad-'));
  try {
    const none = cli(['train', '--space', 'nb201', '--dataset', 'fashion-mnist', '--arch', ARCH, '--out', dir, ...TINY], { BRPNAS_PYTHON: '/nonexistent/python3' });
    assert.equal(none.code, 1);
    assert.match(none.err, /training needs a Python with PyTorch, and none was found: \/nonexistent\/python3 \(not found\); install it/);
    const arch = cli(['train', '--space', 'nb201', '--dataset', 'fashion-mnist', '--arch', '|bogus~0|', '--out', dir, ...TINY]);
    assert.equal(arch.code, 1);
    assert.doesNotMatch(arch.err, /Traceback/);
    const badDevice = cli(['train', '--space', 'nb201', '--dataset', 'fashion-mnist', '--arch', ARCH, '--out', dir, '--device', 'tpu', ...TINY]);
    assert.equal(badDevice.code, 2);
    const missing = cli(['train', '--space', 'nb201', '--dataset', 'fashion-mnist', '--arch', ARCH, '--out', dir, '--dataset-dir', dir, ...TINY]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /is missing/);
    assert.match(missing.err, /the trainer .* failed with exit 1; its messages are above/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a search trains real networks through brp-nas train (--trainer), and its result names the selected model and its ONNX file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-train-search-'));
  try {
    const trainer = `${process.execPath} ${join(ROOT, 'bin/brp-nas.js')} train --space nb201 --dataset fashion-mnist --arch {arch} --out {out} --seed {seed} ${TINY.join(' ')} --json`;
    const r = await spawnCli(['search', '--space', 'nb201', '--strategy', 'random', '--budget', '3', '--seed', '5', '--trainer', trainer, '--workers', '2', '--measure-latency', '--state', join(dir, 'state'), '--json', '--quiet']).done;
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.trained, 3);
    const sel = j.per_run[0].selected;
    const saved = JSON.parse(readFileSync(join(dir, 'state/result.json'), 'utf8'));
    const cand = saved.candidates.find((c: { arch: string }) => c.arch === sel.arch);
    assert.ok(existsSync(cand.metrics.onnx), 'the selected model\'s ONNX file exists');
    assert.equal(sel.test, cand.metrics.test_accuracy, 'the selected model\'s test accuracy is what its trainer reported');
    assert.equal(j.selected.arch, sel.arch);
    assert.equal(j.selected.onnx, cand.metrics.onnx);
    assert.equal(j.selected.accuracy, cand.accuracy);
    // a command trainer's test accuracy is its own report (a table trainer's is the benchmark's mean)
    assert.match(j.oracle.note, /as the trainer reported it/);
    assert.doesNotMatch(j.oracle.note, /table/);
    // --measure-latency timed the trained networks themselves (their ONNX files), here
    for (const c of saved.candidates) {
      assert.ok(c.latency_ms > 0, `${c.arch}: latency ${c.latency_ms}`);
      assert.equal(c.metrics.latency_network, 'the trained network (onnx)');
    }
    const pareto = JSON.parse(readFileSync(join(dir, 'state/pareto.json'), 'utf8'));
    assert.match(pareto.cost, /^latency_ms/);
    // the finished search answers again in words: the selected model, its measured latency, its file
    const text = cli(['search', '--space', 'nb201', '--strategy', 'random', '--budget', '3', '--seed', '5', '--trainer', trainer, '--workers', '2', '--measure-latency', '--state', join(dir, 'state')]);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /selected: .* latency [\d.]+ ms \(measured\)/);
    assert.ok(text.out.includes(`model: ${cand.metrics.onnx}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CIFAR-10 in its binary layout (made-up batches): brp-nas train builds the 3x32x32 network the cost model counts, evaluate reproduces its test accuracy; a torn batch is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-cifar-'));
  try {
    // 5 training batches of 40 records and a test batch of 30: a label byte, then 3 x 1024 pixels
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const batch = (n: number) => {
      const b = Buffer.alloc(n * 3073);
      for (let i = 0; i < n; i++) {
        const label = Math.floor(rand() * 10);
        b[i * 3073] = label;
        for (let j = 1; j < 3073; j++) b[i * 3073 + j] = j <= 1024 ? label * 25 : Math.floor(rand() * 256);
      }
      return b;
    };
    for (let k = 1; k <= 5; k++) writeFileSync(join(dir, `data_batch_${k}.bin`), batch(40));
    writeFileSync(join(dir, 'test_batch.bin'), batch(30));
    const out = join(dir, 'run');
    const r = cli(['train', '--space', 'nb201', '--dataset', 'cifar10', '--dataset-dir', dir, '--arch', ARCH, '--out', out, '--epochs', '1', '--channels', '4', '--cells', '1', '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out.trim().split('\n').pop()!);
    assert.equal(j.params, nb201Cost(parseArch(ARCH), { channels: 4, cellsPerStage: 1, numClasses: 10, inputSize: 32, inputChannels: 3 }).params);
    assert.equal(j.train_images, 200 - Math.floor(200 / 6), 'a sixth of the training set is the validation set');
    const e = cli(['evaluate', '--model', j.onnx, '--dataset', 'cifar10', '--dataset-dir', dir, '--json']);
    assert.equal(e.code, 0, e.err);
    assert.equal(JSON.parse(e.out).count, 30);
    assert.ok(Math.abs(JSON.parse(e.out).accuracy - j.test_accuracy) <= 0.1, `evaluate ${JSON.parse(e.out).accuracy}% against the trainer's ${j.test_accuracy}%`);
    writeFileSync(join(dir, 'test_batch.bin'), batch(30).subarray(0, 3073 * 2 + 100));
    const torn = cli(['evaluate', '--model', j.onnx, '--dataset', 'cifar10', '--dataset-dir', dir]);
    assert.equal(torn.code, 1);
    assert.match(torn.err, /test_batch\.bin: 6246 bytes is not a whole number of CIFAR-10 records \(3073 bytes each\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Ctrl-C in brp-nas train stops the trainer: exit 130, the way to continue said', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-train-int-'));
  try {
    const child = spawnCli(['train', '--space', 'nb201', '--dataset', 'fashion-mnist', '--arch', ARCH, '--out', dir, '--epochs', '50', '--train-images', '20000', '--val-images', '500', '--channels', '8', '--cells', '1']);
    // SIGINT a few seconds in, while the trainer loads data or trains its first epoch (50 would take minutes)
    const sent = new Promise<number>((ok) => setTimeout(() => (child.kill('SIGINT'), ok(performance.now())), 5000));
    const r = await child.done;
    const seconds = (performance.now() - (await sent)) / 1000;
    assert.equal(r.code, 130, r.err);
    assert.match(r.err, /interrupted; the checkpoint in .* lets the same command continue/);
    assert.ok(seconds < 60, `stopped ${seconds.toFixed(2)} s after SIGINT`);
    assert.equal(r.out, '', 'no result is printed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a checkpoint continues only the same training: another training\'s or a torn one is said and trained over, never a traceback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-train-ckpt-'));
  try {
    const base = ['train', '--space', 'nb201', '--dataset', 'fashion-mnist', '--arch', ARCH, '--out', dir, '--seed', '3', '--epochs', '1', '--val-images', '300', '--channels', '4', '--cells', '1', '--no-test', '--json'];
    const first = cli([...base, '--train-images', '400']);
    assert.equal(first.code, 0, first.err);
    // the same command after the last epoch's checkpoint (a run killed before it printed): the result again, no epoch trained
    const again = cli([...base, '--train-images', '400']);
    assert.equal(again.code, 0, again.err);
    assert.equal(JSON.parse(again.out.trim().split('\n').pop()!).accuracy, JSON.parse(first.out.trim().split('\n').pop()!).accuracy);
    // other options: the checkpoint is not resumed
    const other = cli([...base, '--train-images', '500']);
    assert.equal(other.code, 0, other.err);
    assert.match(other.err, /not resumed \(it is of another training/);
    assert.equal(JSON.parse(other.out.trim().split('\n').pop()!).train_images, 500);
    writeFileSync(join(dir, 'checkpoint.pt'), 'torn');
    const torn = cli([...base, '--train-images', '500']);
    assert.equal(torn.code, 0, torn.err);
    assert.match(torn.err, /checkpoint\.pt not resumed/);
    assert.doesNotMatch(torn.err, /Traceback/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('brp-nas train --device cuda: trains on the GPU where torch sees one; elsewhere one line, exit 1, nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brp-train-'));
  try {
    const py = findTorchPython();
    const hasGpu = execFileSync(py!.python, ['-c', 'import torch; print(torch.cuda.is_available())'], { encoding: 'utf8' }).trim() === 'True';
    const out = join(dir, 'run');
    const r = cli(['train', '--space', 'nb201', '--dataset', 'fashion-mnist', '--arch', ARCH, '--out', out, '--seed', '1', ...TINY, '--device', 'cuda', '--json']);
    if (hasGpu) {
      assert.equal(r.code, 0, r.err);
      assert.match(JSON.parse(r.out.trim().split('\n').pop()!).device, /^cuda/);
    } else {
      assert.equal(r.code, 1);
      assert.match(r.err, /--device cuda: this torch \(.*\) sees no GPU/);
      assert.ok(!existsSync(join(out, 'model.onnx')), 'nothing trained');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
