// The reference's DARTS graph encoding (spec section 1.4): both cells as one 30-node graph (normal at
// offset 0, reduce at 15, not connected to each other), plus a global node: N = 31. In a cell, nodes
// +0, +1 are the inputs; intermediate node j has two op nodes (+2+3j, +3+3j) feeding an addition
// node (+4+3j); +14 is the output, fed by the four addition nodes. An op node reading input s is fed
// by cell input s (s < 2) or by the addition node of intermediate s. skip_connect nodes are removed:
// their predecessor connects straight to their successor and the node keeps only its self-loop and
// no features. A 'none' op node (the search phase's zero op, in some datasets) is removed with its
// edges and not reconnected: it carries nothing (the reference asserts it never appears). Features F = 10: [max_pool, avg_pool, sep3, sep5, dil3, dil5, addition, input, output,
// global].

import type { DartsCell, Genotype } from './genotype.js';

export const DARTS_ENC_NODES = 31;
export const DARTS_ENC_FEATURES = 10;

/** Reference label ids. */
const SKIP = 1;
const ADDITION = 8;
const INPUT = 9;
const OUTPUT = 10;
/** Op id -> reference label (max_pool 2, avg_pool 3, skip 1, sep3 4, sep5 5, dil3 6, dil5 7, none 0). */
const OP_LABEL = [2, 3, 1, 4, 5, 6, 7, 0];
const ZERO = 0;

/** Labels (null = removed) and edges of one cell at `offset` in the 30-node DAG. */
function cellGraph(c: DartsCell, offset: number, labels: (number | null)[], edges: Set<number>): void {
  const V = 30;
  labels[offset] = labels[offset + 1] = INPUT;
  labels[offset + 14] = OUTPUT;
  const local: [number, number][] = [];
  for (let j = 0; j < 4; j++) {
    labels[offset + 4 + 3 * j] = ADDITION;
    for (let k = 0; k < 2; k++) {
      const e = 2 * j + k;
      const opNode = 2 + 3 * j + k;
      labels[offset + opNode] = OP_LABEL[c.ops[e]];
      const s = c.inputs[e];
      local.push([s < 2 ? s : 4 + 3 * (s - 2), opNode]);
      local.push([opNode, 4 + 3 * j]);
    }
    local.push([4 + 3 * j, 14]);
  }
  for (const [a, b] of local) edges.add((offset + a) * V + offset + b);
  // remove none nodes with their edges
  for (let x = offset; x < offset + 15; x++) {
    if (labels[x] !== ZERO) continue;
    for (let y = 0; y < V; y++) {
      edges.delete(y * V + x);
      edges.delete(x * V + y);
    }
    labels[x] = null;
  }
  // remove skip nodes, in node order
  for (let x = offset; x < offset + 15; x++) {
    if (labels[x] !== SKIP) continue;
    const preds: number[] = [];
    const succs: number[] = [];
    for (let y = 0; y < V; y++) {
      if (edges.has(y * V + x)) preds.push(y);
      if (edges.has(x * V + y)) succs.push(y);
    }
    for (const p of preds) edges.delete(p * V + x);
    for (const q of succs) edges.delete(x * V + q);
    for (const p of preds) for (const q of succs) edges.add(p * V + q);
    labels[x] = null;
  }
}

/** The 30 labels of the DAG (null = a removed skip node), for tests against the reference's vector. */
export function dartsLabels(g: Genotype): (number | null)[] {
  const labels = new Array<number | null>(30).fill(null);
  const edges = new Set<number>();
  cellGraph(g.normal, 0, labels, edges);
  cellGraph(g.reduce, 15, labels, edges);
  return labels;
}

export function encodeDartsInto(g: Genotype, adj: Float32Array, adjOffset: number, feat: Float32Array, featOffset: number): void {
  const N = DARTS_ENC_NODES;
  const F = DARTS_ENC_FEATURES;
  const labels = new Array<number | null>(30).fill(null);
  const edges = new Set<number>();
  cellGraph(g.normal, 0, labels, edges);
  cellGraph(g.reduce, 15, labels, edges);
  adj.fill(0, adjOffset, adjOffset + N * N);
  feat.fill(0, featOffset, featOffset + N * F);
  for (let j = 0; j < N; j++) adj[adjOffset + j] = 1; // global row, incl. its self-loop
  for (let i = 1; i < N; i++) adj[adjOffset + i * N + i] = 1;
  for (const e of edges) adj[adjOffset + (Math.floor(e / 30) + 1) * N + (e % 30) + 1] = 1;
  feat[featOffset + 9] = 1; // global (label 11)
  labels.forEach((l, i) => {
    if (l !== null) feat[featOffset + (i + 1) * F + (l - 2)] = 1;
  });
}
