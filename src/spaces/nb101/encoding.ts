// The reference's NB101 graph encoding (spec section 1.2): the pruned cell padded to 7 vertices with
// 'none' vertices inserted just before the output (zero rows and columns), a global node 0 with an
// edge to every node, self-loops everywhere: N = 8. Features F = 7, one hot slot per node in the
// order [none, conv3x3, conv1x1, maxpool, input, output, global]; padding nodes carry 'none'.

import type { Nb101Cell } from './cell.js';

export const NB101_ENC_NODES = 8;
export const NB101_ENC_FEATURES = 7;

export function encodeNb101Into(c: Nb101Cell, adj: Float32Array, adjOffset: number, feat: Float32Array, featOffset: number): void {
  const N = NB101_ENC_NODES;
  const F = NB101_ENC_FEATURES;
  const { n, matrix: M } = c;
  adj.fill(0, adjOffset, adjOffset + N * N);
  feat.fill(0, featOffset, featOffset + N * F);
  // padded position of pruned vertex v: interior and input keep theirs, the output goes to 6
  const pos = (v: number) => (v === n - 1 ? 6 : v);
  for (let j = 0; j < N; j++) adj[adjOffset + j] = 1; // global row, incl. its self-loop
  for (let p = 1; p < N; p++) adj[adjOffset + p * N + p] = 1;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (M[i * n + j]) adj[adjOffset + (pos(i) + 1) * N + (pos(j) + 1)] = 1;
  feat[featOffset + 0 * F + 6] = 1; // global
  feat[featOffset + 1 * F + 4] = 1; // input
  for (let v = 1; v < n - 1; v++) feat[featOffset + (v + 1) * F + 1 + c.ops[v - 1]] = 1;
  for (let p = n - 1; p < 6; p++) feat[featOffset + (p + 1) * F + 0] = 1; // padding: none
  feat[featOffset + 7 * F + 5] = 1; // output
}
