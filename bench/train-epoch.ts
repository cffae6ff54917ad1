// Which Python's PyTorch to train with: one epoch of an NB201 network (16 channels, one cell per stage,
// batch 128, one thread) on 10,000 Fashion-MNIST images with the shipped trainer, under each Python
// found that has torch (python3, /usr/bin/python3), repeated; prints the seconds per epoch.
//   node dist/bench/train-epoch.js [--repeats 2] [--pythons python3,/usr/bin/python3]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs } from './bench-args.js';
import { trainerScript } from '../src/train/torch-python.js';

const { values } = benchArgs(import.meta.url, { options: { repeats: { type: 'string', default: '2' }, pythons: { type: 'string', default: 'python3,/usr/bin/python3' } } });
const arch = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
for (let r = 0; r < Number(values.repeats); r++) {
  for (const python of values.pythons.split(',')) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-train-'));
    const p = spawnSync(python, [trainerScript(), '--arch', arch, '--out', dir, '--epochs', '1', '--train-images', '10000', '--val-images', '1000', '--channels', '16', '--cells', '1', '--threads', '1'], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    if (p.status !== 0) {
      console.log(`${python}: no result (${(p.stderr || String(p.error)).trim().split('\n').pop()})`);
      continue;
    }
    const j = JSON.parse(p.stdout.trim().split('\n').pop()!);
    console.log(`${python} (torch ${j.torch}): ${j.epoch_seconds} s per epoch, ${j.seconds} s in all; validation ${j.accuracy}%, test ${j.test_accuracy}%`);
  }
}
