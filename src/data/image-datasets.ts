// Image datasets a trained network is evaluated on, by name: where their files are found and how
// they are read. Fashion-MNIST comes from Debian's dataset-fashion-mnist package (IDX files); a
// user with the files elsewhere points at them with a directory.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../util/errors.js';
import { idxImageSet, parseIdx, type ImageSet } from './idx.js';

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
  files: { trainImages: string; trainLabels: string; testImages: string; testLabels: string };
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
    files: { trainImages: 'train-images-idx3-ubyte.gz', trainLabels: 'train-labels-idx1-ubyte.gz', testImages: 't10k-images-idx3-ubyte.gz', testLabels: 't10k-labels-idx1-ubyte.gz' },
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
  const [imgFile, lblFile] = split === 'train' ? [d.files.trainImages, d.files.trainLabels] : [d.files.testImages, d.files.testLabels];
  const read = (f: string) => {
    const path = join(base, f);
    if (!existsSync(path)) throw new DataError(`${path} is missing: ${d.title} comes from ${d.install}, or give its directory`);
    return { bytes: readFileSync(path), path };
  };
  const img = read(imgFile);
  const lbl = read(lblFile);
  const set = idxImageSet(`${d.name}-${split}`, parseIdx(img.bytes, img.path), parseIdx(lbl.bytes, lbl.path), d.classes, `${base} (${split})`);
  const [c, h, w] = d.shape;
  if (set.shape[0] !== c || set.shape[1] !== h || set.shape[2] !== w) throw new DataError(`${img.path}: images of ${set.shape.join('x')}, not ${d.title}'s ${d.shape.join('x')}`);
  return set;
}
