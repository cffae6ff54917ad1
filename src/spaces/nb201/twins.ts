// Twin groups of NB201 cells: cells a predictor cannot tell apart (equal graph encodings) or that
// compute the same function (equal isomorphism keys) belong to one group, closed transitively. A
// train/test split must keep each group on one side, or the test set holds near-copies of training
// cells and flatters the predictor.

import { ENC_FEATURES, ENC_NODES, codeToVector, encodeInto, isomorphismKey } from './cell.js';

/** The predictor's view of a cell as a string (its adjacency and one-hot features). */
export function encodingKey(code: number): string {
  const adj = new Float32Array(ENC_NODES * ENC_NODES);
  const feat = new Float32Array(ENC_NODES * ENC_FEATURES);
  encodeInto(codeToVector(code), adj, 0, feat, 0);
  let s = '';
  for (const x of adj) s += x ? '1' : '0';
  s += ':';
  for (const x of feat) s += x ? '1' : '0';
  return s;
}

/**
 * Group id per cell of `codes` (0-based, in order of first appearance): cells sharing an
 * encoding or an isomorphism key, transitively, share a group.
 */
export function twinGroups(codes: ArrayLike<number>): Int32Array {
  const n = codes.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (const keyOf of [encodingKey, (c: number) => isomorphismKey(codeToVector(c))]) {
    const first = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const k = keyOf(codes[i]);
      const f = first.get(k);
      if (f === undefined) first.set(k, i);
      else union(f, i);
    }
  }
  const id = new Map<number, number>();
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = find(i);
    let g = id.get(r);
    if (g === undefined) id.set(r, (g = id.size));
    out[i] = g;
  }
  return out;
}
