// NB201 cells as packed graph encodings (the GCN's input), by vector code.

import type { GraphSet } from '../../nn/graphs.js';
import { ENC_FEATURES, ENC_NODES, NB201_SIZE, codeToVector, encodeInto, type Nb201CellMode } from './cell.js';

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
