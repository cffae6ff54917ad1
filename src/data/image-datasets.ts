// Image datasets a trained network is evaluated on, by name: where their files are found and how
// they are read. Fashion-MNIST comes from Debian's dataset-fashion-mnist package (IDX files);
// CIFAR-10 in its standard binary layout (cifar-10-batches-bin) from wherever a user keeps it. A user
// with the files elsewhere points at them with a directory.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../util/errors.js';
import { idxImageSet, parseCifarBin, parseIdx, type ImageSet } from './idx.js';

export interface ImageDatasetDef {
  name: string;
  title: string;
  classes: number;
  /** channels, height, width */
  shape: [number, number, number];
  /** Where the files are when no directory is given (and the environment variable that moves it). */
  defaultDir: string;
  env: string;
  /** How to get the files, said when they are missing. */
  install: string;
  format: 'idx' | 'cifar-bin';
  /** idx: images and labels of each split; cifar-bin: the training batches and the test batch. */
  files: { train: string[]; test: string[] };
}

export const IMAGE_DATASETS: Record<string, ImageDatasetDef> = {
  'fashion-mnist': {
    name: 'fashion-mnist',
    title: 'Fashion-MNIST',
    classes: 10,
    shape: [1, 28, 28],
    defaultDir: '/usr/share/datasets/fashion-mnist',
    env: 'BRPNAS_FASHION_MNIST',
    install: "Debian's dataset-fashion-mnist package (sudo apt-get install dataset-fashion-mnist)",
    format: 'idx',
    files: { train: ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'], test: ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'] },
  },
  cifar10: {
    name: 'cifar10',
    title: 'CIFAR-10',
    classes: 10,
    shape: [3, 32, 32],
    defaultDir: 'cifar-10-batches-bin',
    env: 'BRPNAS_CIFAR10',
    install: "the binary version of CIFAR-10 (cifar-10-binary.tar.gz, unpacked: the folder cifar-10-batches-bin); give its folder with --dataset-dir or $BRPNAS_CIFAR10",
    format: 'cifar-bin',
    files: { train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'], test: ['test_batch.bin'] },
  },
};

export const IMAGE_DATASET_NAMES = Object.keys(IMAGE_DATASETS);

export function imageDataset(name: string): ImageDatasetDef {
  const d = IMAGE_DATASETS[name];
  if (!d) throw new DataError(`unknown dataset ${JSON.stringify(name)}; known: ${IMAGE_DATASET_NAMES.join(', ')}`);
  return d;
}

/** The dataset's directory: `dir` if given, else its environment variable, else its default. */
export function imageDatasetDir(d: ImageDatasetDef, dir?: string, env: NodeJS.ProcessEnv = process.env): string {
  return dir ?? env[d.env] ?? d.defaultDir;
}

/** One split of a dataset (the test split is read only for final reports). */
export function loadImageSet(name: string, split: 'train' | 'test', dir?: string): ImageSet {
  const d = imageDataset(name);
  const base = imageDatasetDir(d, dir);
  const read = (f: string) => {
    const path = join(base, f);
    if (!existsSync(path)) throw new DataError(`${path} is missing: ${d.title} comes from ${d.install}, or give its directory`);
    return { bytes: readFileSync(path), path };
  };
  if (d.format === 'cifar-bin') {
    const parts = d.files[split].map((f) => {
      const { bytes, path } = read(f);
      return parseCifarBin(bytes, path, d.classes);
    });
    const per = d.shape[0] * d.shape[1] * d.shape[2];
    const count = parts.reduce((a, p) => a + p.count, 0);
    const images = new Uint8Array(count * per);
    const labels = new Uint8Array(count);
    let at = 0;
    for (const p of parts) {
      images.set(p.images, at * per);
      labels.set(p.labels, at);
      at += p.count;
    }
    return { name: `${d.name}-${split}`, count, shape: d.shape, classes: d.classes, images, labels };
  }
  const [imgFile, lblFile] = d.files[split];
  const img = read(imgFile);
  const lbl = read(lblFile);
  const set = idxImageSet(`${d.name}-${split}`, parseIdx(img.bytes, img.path), parseIdx(lbl.bytes, lbl.path), d.classes, `${base} (${split})`);
  const [c, h, w] = d.shape;
  if (set.shape[0] !== c || set.shape[1] !== h || set.shape[2] !== w) throw new DataError(`${img.path}: images of ${set.shape.join('x')}, not ${d.title}'s ${d.shape.join('x')}`);
  return set;
}
