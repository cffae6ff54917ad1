// What `measure` needs of a search space: a seeded order of its architectures, each with the id a
// dataset file records (NB201: its vector code; other spaces: the space's key, e.g. the NB101
// graph hash) and a builder of its ONNX network.

import type { OnnxNetwork } from '../onnx/graph-builder.js';
import { enumerateNb101, enumeratedCell } from '../spaces/nb101/enumerate.js';
import { formatNb101 } from '../spaces/nb101/cell.js';
import { nb101Hash } from '../spaces/nb101/hash.js';
import { buildNb101Onnx } from '../spaces/nb101/onnx.js';
import { allCodes, codeToVector, vectorToArchString } from '../spaces/nb201.js';
import { Rng } from '../util/rng.js';
import { buildNb201Onnx, type OnnxNetworkOptions } from './onnx-nb201.js';

export interface MeasureItem {
  arch: string;
  /** NB201 only: the vector code. */
  code?: number;
  /** Other spaces: the space's key (isomorphic architectures share it). */
  key?: string;
  build(): OnnxNetwork;
}

export interface MeasureOrder {
  /** Architectures that can be measured. */
  count: number;
  /** The i-th architecture of the seeded order. */
  at(i: number): MeasureItem;
}

export const MEASURE_SPACES = ['nb201', 'nb101'] as const;
export type MeasureSpaceName = (typeof MEASURE_SPACES)[number];

/** The id a dataset row is known by (NB201 code, or the key). */
export const itemId = (x: { code?: number; key?: string }): number | string => x.code ?? x.key!;

/**
 * The architectures of a space in a seeded random order: NB201's 15,284 valid cells (network options
 * apply), or all 423,624 NB101 cells (the benchmark's CIFAR-10 network at the given batch size).
 */
export function measureOrder(space: MeasureSpaceName, seed: number, network: OnnxNetworkOptions = {}): MeasureOrder {
  if (space === 'nb201') {
    const order = new Rng(seed).shuffle(allCodes({ validOnly: true }));
    return {
      count: order.length,
      at: (i) => {
        const code = order[i];
        return { arch: vectorToArchString(codeToVector(code)), code, build: () => buildNb201Onnx(codeToVector(code), network) };
      },
    };
  }
  const e = enumerateNb101();
  const order = new Rng(seed).shuffle(Int32Array.from({ length: e.count }, (_, i) => i));
  return {
    count: order.length,
    at: (i) => {
      const c = enumeratedCell(e, order[i]);
      return { arch: formatNb101(c), key: nb101Hash(c), build: () => buildNb101Onnx(c, { batch: network.batch, seed: network.seed }) };
    },
  };
}
