import { resolve } from 'node:path';
import { readInputFile } from '../data/files.js';
import { IMAGE_DATASET_NAMES, loadImageSet } from '../data/image-datasets.js';
import { evaluateOnnx } from '../measure/evaluate-onnx.js';
import { interruptSignal } from '../util/interrupt.js';
import { COMMON_OPTIONS, UsageError, choiceFlag, intFlag, parse } from './args.js';
import type { CliCommand } from './command.js';

const HELP = `Usage: brp-nas evaluate --model FILE.onnx --dataset fashion-mnist|cifar10 [--dataset-dir DIR] [--batch 256] [--json]

The test-set accuracy of a trained network, computed here with onnxruntime-node (1 thread): the
file you deploy is checked, not the trainer's report. The model takes float32 [batch, channels,
height, width] with pixels scaled to [0, 1] (normalisation, if any, inside the model) and gives class
scores [batch, classes]; a model whose input or output does not fit the dataset is refused before
anything runs. Fashion-MNIST's IDX files are read from --dataset-dir, else $BRPNAS_FASHION_MNIST,
else /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist package); CIFAR-10's binary
batches (the folder cifar-10-batches-bin) from --dataset-dir, else $BRPNAS_CIFAR10.
--json prints {model, dataset, split, accuracy (%), correct, count, batch, seconds}.`;

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'the test accuracy of a trained ONNX network on an image dataset (Fashion-MNIST, CIFAR-10), computed with onnxruntime-node',
  async run(argv, io) {
    const { values: v } = parse('evaluate', argv, { ...COMMON_OPTIONS, model: { type: 'string' }, dataset: { type: 'string' }, 'dataset-dir': { type: 'string' }, batch: { type: 'string' } });
    if (v.help) {
      io.out(HELP);
      return 0;
    }
    if (typeof v.model !== 'string') throw new UsageError('evaluate: --model FILE.onnx is required');
    if (typeof v.dataset !== 'string') throw new UsageError(`evaluate: --dataset is required (${IMAGE_DATASET_NAMES.join(', ')})`);
    const dataset = choiceFlag(v.dataset, 'dataset', IMAGE_DATASET_NAMES, IMAGE_DATASET_NAMES[0], 'evaluate');
    const batch = intFlag(v.batch, 'batch', 256, 1, 65536, 'evaluate');
    const model = resolve(v.model);
    const bytes = readInputFile(model, 'model');
    const set = loadImageSet(dataset, 'test', typeof v['dataset-dir'] === 'string' ? v['dataset-dir'] : undefined);
    const r = await evaluateOnnx(bytes, set, model, { batch, signal: interruptSignal });
    const out = { model, dataset, split: 'test', ...r };
    if (v.json) io.out(JSON.stringify(out));
    else io.out(`${model} on ${dataset} (test, ${r.count} images): accuracy ${r.accuracy.toFixed(2)}% (${r.correct} correct), ${r.seconds.toFixed(1)} s`);
    return 0;
  },
};
