// DARTS behind the search-space seam. The space cannot be enumerated (about 1e18 genotypes): searches
// rank a seeded sample or a given list.

import { drawDarts } from './draw.js';
import type { SearchSpace } from '../space.js';
import { DARTS_LAYER_FEATURES, dartsCost, dartsLayerFeatures } from './cost.js';
import { DARTS_ENC_FEATURES, DARTS_ENC_NODES, encodeDartsInto } from './encoding.js';
import { formatDarts, parseDarts, type Genotype } from './genotype.js';
import { dartsKey, dartsNeighbours } from './mutate.js';
import { randomGenotype } from './sample.js';

/**
 * Genotypes per cell when a node's two edges are unordered and their inputs distinct:
 * 7^8 op choices x (1 * 3 * 6 * 10) input pairs = 1,037,664,180.
 */
export const DARTS_PER_CELL = 7 ** 8 * (1 * 3 * 6 * 10);

export const dartsSpace: SearchSpace<Genotype> = {
  name: 'darts',
  title: 'DARTS',
  parse: parseDarts,
  format: formatDarts,
  key: dartsKey,
  encoding: { nodes: DARTS_ENC_NODES, features: DARTS_ENC_FEATURES },
  encodeInto: encodeDartsInto,
  sample: (rng) => randomGenotype({ choices: (p, k) => Array.from({ length: k }, () => p[rng.int(p.length)]), sample: (p, k) => rng.sample(p, k) }),
  neighbours: dartsNeighbours,
  size: () => ({
    total: DARTS_PER_CELL ** 2,
    counted: `(7^8 ops x 180 unordered input pairs)^2 = ${DARTS_PER_CELL}^2 normal-reduce pairs (about 1.08e18; node renumberings that give the same network are not merged; the reference counts ordered edge pairs, (7^8 x 2880)^2 = 2.8e20)`,
    enumerable: false,
  }),
  cost: (g) => dartsCost(g),
  layerFeatures: dartsLayerFeatures,
  layerFeatureNames: DARTS_LAYER_FEATURES,
  draw: drawDarts,
};
