// What `measure` needs of a search space: a seeded order of its architectures, each with the id a
// dataset file records (NB201: its vector code; other spaces: the space's key, e.g. the NB101
// graph hash) and a builder of its ONNX network.

import type { OnnxNetwork } from '../onnx/graph-builder.js';
import { enumerateNb101, enumeratedCell } from '../spaces/nb101/enumerate.js';
import { compactNb101, formatNb101 } from '../spaces/nb101/cell.js';
import { nb101Hash } from '../spaces/nb101/hash.js';
import { buildNb101Onnx } from '../spaces/nb101/onnx.js';
import { allCodes, codeToVector, parseArch, vectorToArchString } from '../spaces/nb201/cell.js';
import { nb101Space } from '../spaces/nb101/space.js';
import { dartsSpace } from '../spaces/darts/space.js';
import { Rng } from '../util/rng.js';
import { compactDarts, formatDarts, type Genotype } from '../spaces/darts/genotype.js';
import { dartsKey } from '../spaces/darts/mutate.js';
import { buildDartsOnnx } from '../spaces/darts/onnx.js';
import { referenceSampler } from '../spaces/darts/sample.js';
import { buildNb201Onnx, type OnnxNetworkOptions } from '../spaces/nb201/onnx.js';
import { chooseFewshotCells, type FewshotChoice } from '../predictors/fewshot-select.js';

export interface MeasureItem {
  arch: string;
  /** A short form for progress lines (NB101 adj_upper:ops, DARTS compact). */
  label: string;
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

export const MEASURE_SPACES = ['nb201', 'nb101', 'darts'] as const;
/** DARTS has no end: at most this many genotypes of its seeded stream can be asked for. */
export const DARTS_MEASURE_MAX = 1_000_000;
export type MeasureSpaceName = (typeof MEASURE_SPACES)[number];

/** The id a dataset row is known by (NB201 code, or the key). */
export const itemId = (x: { code?: number; key?: string }): number | string => x.code ?? x.key!;

/**
 * The architectures of a space in a seeded random order: NB201's 15,284 valid cells (network options
 * apply), all 423,624 NB101 cells (the benchmark's CIFAR-10 network at the given batch size), or
 * DARTS genotypes as the reference samples them with this seed, each network once (the evaluation
 * network: 36 channels, 20 cells).
 */
export function measureOrder(space: MeasureSpaceName, seed: number, network: OnnxNetworkOptions = {}, select?: { how: FewshotChoice; count: number }): MeasureOrder {
  if (select && space !== 'nb201') throw new Error(`choosing cells for latency adapt (--select) applies to nb201, not ${space}`);
  if (space === 'nb201') {
    // --select: the K cells latency adapt would choose (random: this order's first K, so the same)
    const order = select ? chooseFewshotCells(allCodes({ validOnly: true }), select.count, new Rng(seed), select.how, network.cell ?? 'full') : new Rng(seed).shuffle(allCodes({ validOnly: true }));
    return {
      count: order.length,
      at: (i) => {
        const code = order[i];
        const arch = vectorToArchString(codeToVector(code));
        return { arch, label: arch, code, build: () => buildNb201Onnx(codeToVector(code), network) };
      },
    };
  }
  if (space === 'darts') {
    const next = referenceSampler(seed);
    const drawn: { g: Genotype; key: string }[] = [];
    const keys = new Set<string>();
    return {
      count: DARTS_MEASURE_MAX,
      at: (i) => {
        while (drawn.length <= i) {
          const g = next();
          const key = dartsKey(g);
          if (keys.has(key)) continue;
          keys.add(key);
          drawn.push({ g, key });
        }
        const { g, key } = drawn[i];
        return { arch: formatDarts(g), label: compactDarts(g), key, build: () => buildDartsOnnx(g, { batch: network.batch, seed: network.seed }) };
      },
    };
  }
  const e = enumerateNb101();
  const order = new Rng(seed).shuffle(Int32Array.from({ length: e.count }, (_, i) => i));
  return {
    count: order.length,
    at: (i) => {
      const c = enumeratedCell(e, order[i]);
      return { arch: formatNb101(c), label: compactNb101(c), key: nb101Hash(c), build: () => buildNb101Onnx(c, { batch: network.batch, seed: network.seed }) };
    },
  };
}

/** The ONNX network `measure` times for one architecture string of a space. */
export function buildSpaceOnnx(space: MeasureSpaceName, arch: string, network: OnnxNetworkOptions = {}): OnnxNetwork {
  if (space === 'nb201') return buildNb201Onnx(parseArch(arch), network);
  if (space === 'nb101') return buildNb101Onnx(nb101Space.parse(arch), { batch: network.batch, seed: network.seed });
  return buildDartsOnnx(dartsSpace.parse(arch), { batch: network.batch, seed: network.seed });
}
