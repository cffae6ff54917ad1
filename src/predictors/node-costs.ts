// Each op node's fitted cost as one more input feature of a latency GCN. The GCN on the layer-wise
// residual (prior 'layerwise') learns what the sum of per-op costs misses; its one-hot labels say
// which op a node is but not what that op costs on this device, and its LayerNorms wash out sizes.
// Giving it the layer-wise fit's weight of each node's op (over the median training latency, so the
// feature is O(0.1) on any device) let it recover most of what the residual alone lost on the desktop
// CPU and GPU (design devices: BENCHMARKS.md, "Per-op costs as node features"). The same fit is the
// prior, so a saved model keeps only the scale. NB201 only: on DARTS the costs measured no gain for
// the residual GCN (the same section), and their code for other spaces was removed after commit e53c480.

import { median } from '../data/summary.js';
import { nodeShown, withNodeCosts, type GraphSet } from '../nn/graphs.js';
import { codeToVector } from '../spaces/nb201/cell.js';
import { layerwiseFeatures, type LinearModel } from './baselines.js';

/** The cost feature's divisor: the median latency of the training cells, in seconds. */
export function costScale(trainSeconds: ArrayLike<number>): number {
  const s = median(Array.from(trainSeconds));
  if (!(s > 0)) throw new Error(`node costs: the training latencies' median is ${s}, not a positive time`);
  return s;
}

/** NB201 cells: op node k + 2 of a cell's encoding (edge k) gets the weight of (edge k, its op) where the cell runs it. */
export function withNb201NodeCosts(set: GraphSet, codes: ArrayLike<number>, model: LinearModel, scale: number): GraphSet {
  const costs = new Float32Array(set.count * set.nodes);
  const f = new Float64Array(model.weights.length);
  for (let g = 0; g < set.count; g++) {
    layerwiseFeatures(codes[g], f, model.cell ?? 'pruned');
    const v = codeToVector(codes[g]);
    for (let k = 0; k < 6; k++) {
      const j = k * 4 + v[k] - 1;
      if (v[k] !== 0 && f[j] && nodeShown(set, g, k + 2)) costs[g * set.nodes + k + 2] = model.weights[j] / scale;
    }
  }
  return withNodeCosts(set, costs);
}

/** Whether a saved model's node-cost scale is usable. */
export function checkCostScale(x: unknown, source: string): number {
  const s = (x as { scale?: unknown } | null)?.scale;
  if (typeof s !== 'number' || !(s > 0) || !Number.isFinite(s)) throw new Error(`${source}: malformed node costs (a positive scale is needed)`);
  return s;
}
