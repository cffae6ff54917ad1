import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { IMAGE_DATASET_NAMES } from '../data/image-datasets.js';
import { nb201Space } from '../spaces/nb201/space.js';
import { findTorchPython, trainerScript } from '../train/torch-python.js';
import { MalformedResultError, parseTrainerOutput } from '../train/trainer-output.js';
import { DataError } from '../util/errors.js';
import { EXIT_INTERRUPTED, interruptSignal } from '../util/interrupt.js';
import { roundForDisplay } from '../util/eta.js';
import { COMMON_OPTIONS, UsageError, choiceFlag, intFlag, numFlag, parse } from './args.js';
import type { CliCommand } from './command.js';

const HELP = `Usage: brp-nas train --space nb201 --dataset fashion-mnist|cifar10 --arch ARCH --out DIR [--seed 0]
                     [--epochs 10] [--train-images N] [--val-images N] [--channels 16]
                     [--cells 5] [--batch 128] [--lr 0.1] [--threads 1] [--device auto|cpu|cuda]
                     [--dataset-dir DIR] [--no-test] [--json]

Train one architecture with the shipped PyTorch trainer (trainers/train.py) and print its result:
the validation accuracy (the validation images are a seeded part of the training set), the test
accuracy (the test set is read once, after training), the parameter count, the seconds, and the
trained network as ONNX (DIR/model.onnx: float32 [batch, C, H, W] in [0, 1], class scores out),
which 'brp-nas evaluate' checks. The network is the space's (NB201: the macro network with
--channels C and --cells N per stage), its parameters equal to the space's cost model. SGD with
Nesterov momentum, cosine learning rate, batch 128, on a GPU when torch sees one (--device auto;
the result says which device trained). --val-images defaults to a sixth of the
training set, --train-images to the rest. CIFAR-10 is read in its binary layout (the folder
cifar-10-batches-bin: --dataset-dir or $BRPNAS_CIFAR10). A checkpoint in DIR after every epoch: the
same command continues an interrupted training. brp-nas finds a Python that has torch
($BRPNAS_PYTHON, else python3, /usr/bin/python3, python) or says how to install it. The same
command is what a search's --trainer runs:
  --trainer "npx --no-install brp-nas train --space nb201 --dataset fashion-mnist --arch {arch} --out {out} --seed {seed} --epochs 1 --train-images 2000 --json"
--no-test leaves the test set unread (a search needs only validation accuracies; 'brp-nas evaluate'
tests the chosen model's file later); the result then has no test_accuracy.
--json prints the trainer's result line (last): accuracy, test_accuracy, params, seconds, epochs, onnx.`;

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'train one architecture on an image dataset with the shipped PyTorch trainer; its ONNX file and accuracies',
  async run(argv, io) {
    const { values: v } = parse('train', argv, { ...COMMON_OPTIONS, space: { type: 'string' }, dataset: { type: 'string' }, 'dataset-dir': { type: 'string' }, arch: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, epochs: { type: 'string' }, 'train-images': { type: 'string' }, 'val-images': { type: 'string' }, channels: { type: 'string' }, cells: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, threads: { type: 'string' }, device: { type: 'string' }, 'no-test': { type: 'boolean' } });
    if (v.help) {
      io.out(HELP);
      return 0;
    }
    choiceFlag(v.space, 'space', ['nb201'] as const, 'nb201', 'train');
    const dataset = choiceFlag(v.dataset, 'dataset', IMAGE_DATASET_NAMES, IMAGE_DATASET_NAMES[0], 'train');
    if (typeof v.arch !== 'string') throw new UsageError('train: --arch ARCH is required');
    if (typeof v.out !== 'string') throw new UsageError('train: --out DIR is required');
    let arch: string;
    try {
      arch = nb201Space.format(nb201Space.parse(v.arch));
    } catch (e) {
      throw new DataError(`--arch: ${(e as Error).message}`);
    }
    const nums: [string, string][] = [
      ['seed', String(intFlag(v.seed, 'seed', 0, 0, 2 ** 31 - 1, 'train'))],
      ['epochs', String(intFlag(v.epochs, 'epochs', 10, 1, 10000, 'train'))],
      ['channels', String(intFlag(v.channels, 'channels', 16, 1, 1024, 'train'))],
      ['cells', String(intFlag(v.cells, 'cells', 5, 1, 100, 'train'))],
      ['batch', String(intFlag(v.batch, 'batch', 128, 1, 65536, 'train'))],
      ['lr', String(numFlag(v.lr, 'lr', 0.1, 1e-6, 10, 'train'))],
      ['threads', String(intFlag(v.threads, 'threads', 1, 1, 256, 'train'))],
      ['device', choiceFlag(v.device, 'device', ['auto', 'cpu', 'cuda'] as const, 'auto', 'train')],
    ];
    // the split's sizes default to the trainer's (a sixth of the training set for validation)
    for (const k of ['train-images', 'val-images']) if (v[k] !== undefined) nums.push([k, String(intFlag(v[k], k, 1, 1, 1e7, 'train'))]);
    const { python } = findTorchPython();
    const args = [trainerScript(), '--space', 'nb201', '--dataset', dataset, '--arch', arch, '--out', resolve(v.out), ...nums.flatMap(([k, x]) => [`--${k}`, x]), ...(typeof v['dataset-dir'] === 'string' ? ['--dataset-dir', resolve(v['dataset-dir'])] : []), ...(v['no-test'] ? ['--no-test'] : [])];
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
