import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { IMAGE_DATASET_NAMES } from '../data/image-datasets.js';
import { getSpace } from '../spaces/registry.js';
import { findTorchPython, trainerScript } from '../train/torch-python.js';
import { MalformedResultError, parseTrainerOutput } from '../train/trainer-output.js';
import { DataError } from '../util/errors.js';
import { EXIT_INTERRUPTED, interruptSignal } from '../util/interrupt.js';
import { roundForDisplay } from '../util/eta.js';
import { COMMON_OPTIONS, UsageError, choiceFlag, intFlag, numFlag, parse } from './args.js';
import type { CliCommand } from './command.js';

const HELP = `Usage: brp-nas train --space nb201|nb101|darts --dataset fashion-mnist|cifar10 --arch ARCH|--baseline NAME
                     --out DIR [--seed 0] [--epochs 10] [--train-images N] [--val-images N] [--channels C]
                     [--cells N] [--batch 128] [--lr 0.1] [--threads 1] [--device auto|cpu|cuda]
                     [--dataset-dir DIR] [--no-test] [--json]

Train one architecture with the shipped PyTorch trainer (trainers/train.py) and print its result:
the validation accuracy (the validation images are a seeded part of the training set), the test
accuracy (the test set is read once, after training), the parameter count, the seconds, and the
trained network as ONNX (DIR/model.onnx: float32 [batch, C, H, W] in [0, 1], class scores out),
which 'brp-nas evaluate' checks. The network is the space's, its parameters equal to the space's
cost model: NB201's macro network (--channels C, default 16; --cells per stage, default 5); NB101's
benchmark network (--channels: the stem's, default 128; --cells per stack, default 3); DARTS's
evaluation network without the auxiliary head and drop path (--channels C, default 36; --cells in
all, default 20, the reductions at a third and two thirds). SGD with
Nesterov momentum, cosine learning rate, batch 128, on a GPU when torch sees one (--device auto;
the result says which device trained). --val-images defaults to a sixth of the
training set, --train-images to the rest. CIFAR-10 is read in its binary layout (the folder
cifar-10-batches-bin: --dataset-dir or $BRPNAS_CIFAR10). A checkpoint in DIR after every epoch: the
same command continues an interrupted training. brp-nas finds a Python that has torch
($BRPNAS_PYTHON, else python3, /usr/bin/python3, python) or says how to install it. The same
command is what a search's --trainer runs:
  --trainer "npx --no-install brp-nas train --space nb201 --dataset fashion-mnist --arch {arch} --out {out} --seed {seed} --epochs 1 --train-images 2000 --json"
--baseline 2conv|2conv-pool-bn trains a hand-designed CNN of Fashion-MNIST's benchmark table instead
(2conv: two 5x5 conv-ReLU-maxpool layers of 32 and 64 channels, a linear classifier, 83,466
parameters on Fashion-MNIST; 2conv-pool-bn: two 3x3 conv-BN-ReLU-maxpool layers, dropout, a hidden
layer of 128): reference points for a search's model under the same recipe.
--no-test leaves the test set unread (a search needs only validation accuracies; 'brp-nas evaluate'
tests the chosen model's file later); the result then has no test_accuracy.
--json prints the trainer's result line (last): accuracy, test_accuracy, params, seconds, epochs, onnx.`;

/** The spaces the shipped trainer builds networks of. */
const TRAIN_SPACES = ['nb201', 'nb101', 'darts'] as const;

/** Hand-designed CNNs the shipped trainer builds (reference points from Fashion-MNIST's benchmark table). */
const BASELINES = ['2conv', '2conv-pool-bn'] as const;

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'train one architecture on an image dataset with the shipped PyTorch trainer; its ONNX file and accuracies',
  async run(argv, io) {
    const { values: v } = parse('train', argv, { ...COMMON_OPTIONS, space: { type: 'string' }, dataset: { type: 'string' }, 'dataset-dir': { type: 'string' }, arch: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, epochs: { type: 'string' }, 'train-images': { type: 'string' }, 'val-images': { type: 'string' }, channels: { type: 'string' }, cells: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, threads: { type: 'string' }, device: { type: 'string' }, 'no-test': { type: 'boolean' }, baseline: { type: 'string' } });
    if (v.help) {
      io.out(HELP);
      return 0;
    }
    const space = choiceFlag(v.space, 'space', TRAIN_SPACES, 'nb201', 'train');
    const dataset = choiceFlag(v.dataset, 'dataset', IMAGE_DATASET_NAMES, IMAGE_DATASET_NAMES[0], 'train');
    if ((typeof v.arch === 'string') === (v.baseline !== undefined)) throw new UsageError('train: one of --arch ARCH and --baseline NAME is required');
    if (typeof v.out !== 'string') throw new UsageError('train: --out DIR is required');
    const baseline = v.baseline === undefined ? null : choiceFlag(v.baseline, 'baseline', BASELINES, BASELINES[0], 'train');
    let arch = `baseline:${baseline}`;
    if (baseline === null) {
      try {
        const def = getSpace(space);
        arch = def.format(def.parse(v.arch as string));
      } catch (e) {
        throw new DataError(`--arch: ${(e as Error).message}`);
      }
    }
    const nums: [string, string][] = [
      ['seed', String(intFlag(v.seed, 'seed', 0, 0, 2 ** 31 - 1, 'train'))],
      ['epochs', String(intFlag(v.epochs, 'epochs', 10, 1, 10000, 'train'))],
      ['batch', String(intFlag(v.batch, 'batch', 128, 1, 65536, 'train'))],
      ['lr', String(numFlag(v.lr, 'lr', 0.1, 1e-6, 10, 'train'))],
      ['threads', String(intFlag(v.threads, 'threads', 1, 1, 256, 'train'))],
      ['device', choiceFlag(v.device, 'device', ['auto', 'cpu', 'cuda'] as const, 'auto', 'train')],
    ];
    // the split's sizes default to the trainer's (a sixth of the training set for validation), width and depth to the space's
    if (v.channels !== undefined) nums.push(['channels', String(intFlag(v.channels, 'channels', 16, 1, 1024, 'train'))]);
    if (v.cells !== undefined) nums.push(['cells', String(intFlag(v.cells, 'cells', 5, 1, 100, 'train'))]);
    for (const k of ['train-images', 'val-images']) if (v[k] !== undefined) nums.push([k, String(intFlag(v[k], k, 1, 1, 1e7, 'train'))]);
    const { python } = findTorchPython();
    const args = [trainerScript(), '--space', space, '--dataset', dataset, ...(baseline ? ['--baseline', baseline] : ['--arch', arch]), '--out', resolve(v.out), ...nums.flatMap(([k, x]) => [`--${k}`, x]), ...(typeof v['dataset-dir'] === 'string' ? ['--dataset-dir', resolve(v['dataset-dir'])] : []), ...(v['no-test'] ? ['--no-test'] : [])];
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => io.err(String(d).trimEnd()));
    const poll = setInterval(() => interruptSignal.stopped && child.kill('SIGTERM'), 200);
    const code = await new Promise<number | null>((ok) => child.on('close', ok));
    clearInterval(poll);
    if (interruptSignal.stopped) {
      io.err(`brp-nas train: interrupted; the checkpoint in ${resolve(v.out)} lets the same command continue`);
      return EXIT_INTERRUPTED;
    }
    if (code !== 0) throw new DataError(`the trainer (${python} ${args[0]}) failed with exit ${code}; its messages are above`);
    let result;
    try {
      result = parseTrainerOutput(stdout);
    } catch (e) {
      if (e instanceof MalformedResultError) throw new DataError(`the trainer's result: ${e.message}`);
      throw e;
    }
    const line = stdout.trim().split('\n').pop()!;
    if (v.json) io.out(line);
    else io.out(`${arch}: validation ${roundForDisplay(result.accuracy)}%, ${result.metrics.test_accuracy === undefined ? 'test set not read' : `test ${roundForDisplay(Number(result.metrics.test_accuracy))}%`}, ${result.metrics.params} parameters, ${roundForDisplay(Number(result.metrics.seconds))} s\n  model: ${result.metrics.onnx}`);
    return 0;
  },
};
