// NAS-Bench-101 behind the search-space seam.

import { drawNb101 } from './draw.js';
import type { SearchSpace } from '../space.js';
import { NB101_TOTAL, formatNb101, parseNb101, type Nb101Cell } from './cell.js';
import { NB101_LAYER_FEATURES, nb101Cost, nb101LayerFeatures } from './cost.js';
import { NB101_ENC_FEATURES, NB101_ENC_NODES, encodeNb101Into } from './encoding.js';
import { enumerateNb101, enumeratedCell, indexOfNb101 } from './enumerate.js';
import { nb101Hash } from './hash.js';
import { nb101Neighbours, randomNb101 } from './mutate.js';

export const nb101Space: SearchSpace<Nb101Cell> = {
  name: 'nb101',
  title: 'NAS-Bench-101',
  parse: parseNb101,
  format: formatNb101,
  key: nb101Hash,
  encoding: { nodes: NB101_ENC_NODES, features: NB101_ENC_FEATURES },
  encodeInto: encodeNb101Into,
  sample: randomNb101,
  neighbours: nb101Neighbours,
  size: () => ({ total: NB101_TOTAL, counted: 'distinct graph hashes of DAGs with at most 7 vertices and 9 edges, every vertex on an input-output path, 3 ops per interior vertex (enumerated)', enumerable: true }),
  enumerate() {
    const e = enumerateNb101();
    return { count: e.count, at: (i: number) => enumeratedCell(e, i), indexOf: (c: Nb101Cell) => indexOfNb101(e, c) };
  },
  cost: (c) => nb101Cost(c),
  layerFeatures: (c) => nb101LayerFeatures(c),
  layerFeatureNames: NB101_LAYER_FEATURES,
  draw: drawNb101,
};
