// Architectures of any space as one packed graph set (the predictors' input), through the space's
// own encoding.

import type { GraphSet } from '../nn/graphs.js';
import type { SearchSpace } from './space.js';

/** Encode many architectures of a space into one packed graph set. */
export function encodeArchs<A>(space: SearchSpace<A>, archs: readonly A[]): GraphSet {
  const { nodes: N, features: F } = space.encoding;
  const adjacency = new Float32Array(archs.length * N * N);
  const featureData = new Float32Array(archs.length * N * F);
  archs.forEach((a, i) => space.encodeInto(a, adjacency, i * N * N, featureData, i * N * F));
  return { nodes: N, features: F, count: archs.length, adjacency, featureData };
}
