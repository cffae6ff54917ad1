// The IDX format of MNIST and Fashion-MNIST (gzipped or plain): a magic number whose third byte is the
// element type (0x08: unsigned byte) and fourth the number of dimensions, the dimensions as
// big-endian 32-bit integers, then the data. Images are [count, rows, cols], labels [count].

import { gunzipSync } from 'node:zlib';
import { DataError } from '../util/errors.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parse IDX bytes (gunzipped first when they start with gzip's magic); errors name `source`. */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  let raw = bytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      raw = gunzipSync(bytes);
    } catch (e) {
      throw new DataError(`${source}: not a readable gzip file (${(e as Error).message})`);
    }
  }
  if (raw.length < 4) throw new DataError(`${source}: too short to be an IDX file (${raw.length} bytes)`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw[0] !== 0 || raw[1] !== 0) throw new DataError(`${source}: not an IDX file (its magic number starts ${raw[0]}, ${raw[1]}, not 0, 0)`);
  if (raw[2] !== 0x08) throw new DataError(`${source}: IDX element type 0x${raw[2].toString(16)} is not supported (only unsigned bytes, 0x08)`);
  const nd = raw[3];
  if (nd < 1 || nd > 4) throw new DataError(`${source}: ${nd} dimensions; expected 1 (labels) to 3 (images)`);
  if (raw.length < 4 + 4 * nd) throw new DataError(`${source}: truncated in its header`);
  const dims = Array.from({ length: nd }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * nd;
  if (raw.length - start !== size) throw new DataError(`${source}: ${raw.length - start} bytes of data where its header ${JSON.stringify(dims)} says ${size}${raw.length - start < size ? ' (truncated)' : ''}`);
  return { dims, data: raw.subarray(start) };
}

/** Images and labels of one split: images as bytes [count, channels, height, width], labels 0..classes-1. */
export interface ImageSet {
  name: string;
  count: number;
  /** channels, height, width */
  shape: [number, number, number];
  classes: number;
  images: Uint8Array;
  labels: Uint8Array;
}

/** An image set from IDX image and label arrays, checked against each other and the class count. */
export function idxImageSet(name: string, images: IdxArray, labels: IdxArray, classes: number, source: string): ImageSet {
  if (images.dims.length !== 3) throw new DataError(`${source}: the images have dimensions ${JSON.stringify(images.dims)}, not [count, rows, cols]`);
  if (labels.dims.length !== 1) throw new DataError(`${source}: the labels have dimensions ${JSON.stringify(labels.dims)}, not [count]`);
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) throw new DataError(`${source}: ${count} images but ${labels.dims[0]} labels`);
  for (let i = 0; i < count; i++) if (labels.data[i] >= classes) throw new DataError(`${source}: label ${labels.data[i]} of image ${i} is not a class (0-${classes - 1})`);
  return { name, count, shape: [1, rows, cols], classes, images: images.data, labels: labels.data };
}

/**
 * CIFAR-10's binary version (data_batch_N.bin, test_batch.bin): records of one label byte and
 * 3 x 32 x 32 pixel bytes (the red, green and blue planes), so the images come out as [C, H, W].
 */
export function parseCifarBin(bytes: Uint8Array, source: string, classes = 10): { images: Uint8Array; labels: Uint8Array; count: number } {
  const rec = 1 + 3 * 32 * 32;
  if (bytes.length === 0 || bytes.length % rec !== 0) throw new DataError(`${source}: ${bytes.length} bytes is not a whole number of CIFAR-10 records (${rec} bytes each)`);
  const count = bytes.length / rec;
  const images = new Uint8Array(count * (rec - 1));
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = bytes[i * rec];
    if (label >= classes) throw new DataError(`${source}: label ${label} of image ${i} is not a class (0-${classes - 1})`);
    labels[i] = label;
    images.set(bytes.subarray(i * rec + 1, (i + 1) * rec), i * (rec - 1));
  }
  return { images, labels, count };
}
