// Packed graph encodings: many graphs' adjacency and feature matrices in two flat arrays, the input
// format of the GCN body.

import { ENC_FEATURES, ENC_NODES, NB201_SIZE, codeToVector, encodeInto, type Nb201CellMode } from '../spaces/nb201.js';

export interface GraphSet {
  nodes: number;
  features: number;
  count: number;
  /** count x nodes x nodes */
  adjacency: Float32Array;
  /** count x nodes x features */
  featureData: Float32Array;
}

/** Encode NB201 cells given by vector code (graph i = codes[i]); `cell` 'full' keeps dead ops. */
export function encodeNb201Codes(codes: ArrayLike<number>, cell: Nb201CellMode = 'pruned'): GraphSet {
  const N = ENC_NODES;
  const F = ENC_FEATURES;
  const adjacency = new Float32Array(codes.length * N * N);
  const featureData = new Float32Array(codes.length * N * F);
  for (let i = 0; i < codes.length; i++) encodeInto(codeToVector(codes[i]), adjacency, i * N * N, featureData, i * N * F, cell);
  return { nodes: N, features: F, count: codes.length, adjacency, featureData };
}

/** Graph encodings of all NB201 cells, indexed by vector code (built once, shared). */
let allNb201: GraphSet | null = null;
export function nb201GraphsByCode(): GraphSet {
  allNb201 ??= encodeNb201Codes(Int32Array.from({ length: NB201_SIZE }, (_, i) => i));
  return allNb201;
}

/**
 * The MLP baseline's input: each graph flattened to one node whose features are the concatenated
 * features and adjacency (54 + 81 = 135 values for NB201), with a single self-loop.
 */
export function flattenGraphs(set: GraphSet): GraphSet {
  const width = set.nodes * set.features + set.nodes * set.nodes;
  const featureData = new Float32Array(set.count * width);
  for (let i = 0; i < set.count; i++) {
    featureData.set(set.featureData.subarray(i * set.nodes * set.features, (i + 1) * set.nodes * set.features), i * width);
    featureData.set(set.adjacency.subarray(i * set.nodes * set.nodes, (i + 1) * set.nodes * set.nodes), i * width + set.nodes * set.features);
  }
  return { nodes: 1, features: width, count: set.count, adjacency: new Float32Array(set.count).fill(1), featureData };
}
