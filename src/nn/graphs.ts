// Packed graph encodings: many graphs' adjacency and feature matrices in two flat arrays, the input
// format of the GCN body. The numeric core knows no search space: each space encodes its own
// architectures (e.g. spaces/nb201/graphs.ts).

export interface GraphSet {
  nodes: number;
  features: number;
  count: number;
  /** count x nodes x nodes */
  adjacency: Float32Array;
  /** count x nodes x features */
  featureData: Float32Array;
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

/** Whether node n of graph g has any feature (an encoding leaves removed nodes' rows empty). */
export function nodeShown(set: GraphSet, g: number, n: number): boolean {
  const at = (g * set.nodes + n) * set.features;
  for (let j = 0; j < set.features; j++) if (set.featureData[at + j] !== 0) return true;
  return false;
}

/** The set with one more feature per node: costs[g * nodes + n] for node n of graph g. */
export function withNodeCosts(set: GraphSet, costs: Float32Array): GraphSet {
  if (costs.length !== set.count * set.nodes) throw new Error(`node costs: ${costs.length} values for ${set.count} graphs of ${set.nodes} nodes`);
  const F = set.features + 1;
  const featureData = new Float32Array(set.count * set.nodes * F);
  for (let r = 0; r < set.count * set.nodes; r++) {
    featureData.set(set.featureData.subarray(r * set.features, (r + 1) * set.features), r * F);
    featureData[r * F + set.features] = costs[r];
  }
  return { ...set, features: F, featureData };
}
