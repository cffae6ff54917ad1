// A summary of the NAS-Bench-101 space (brp-nas space nb101): size and how it is counted, cells per
// vertex count, the predictor encoding's shape, parameter and FLOP ranges over all cells.

import { NB101_ENC_FEATURES, NB101_ENC_NODES } from './encoding.js';
import { enumerateNb101, enumeratedCell } from './enumerate.js';
import { nb101Cost } from './cost.js';
import { NB101_MAX_EDGES, NB101_MAX_VERTICES, NB101_OPS } from './cell.js';

export interface Nb101Summary {
  space: 'nb101';
  total: number;
  counted: string;
  per_vertices: Record<string, number>;
  ops: readonly string[];
  max_vertices: number;
  max_edges: number;
  nodes: number;
  features: number;
  params_m: { min: number; max: number };
  flops_m: { min: number; max: number };
  seconds: number;
}

export function nb101SpaceSummary(): Nb101Summary {
  const t0 = performance.now();
  const e = enumerateNb101();
  let pmin = Infinity;
  let pmax = -Infinity;
  let fmin = Infinity;
  let fmax = -Infinity;
  for (let i = 0; i < e.count; i++) {
    const c = nb101Cost(enumeratedCell(e, i));
    pmin = Math.min(pmin, c.params);
    pmax = Math.max(pmax, c.params);
    fmin = Math.min(fmin, c.flops);
    fmax = Math.max(fmax, c.flops);
  }
  return {
    space: 'nb101',
    total: e.count,
    counted: 'enumerated: every DAG of 2..7 vertices and at most 9 edges with all vertices on an input-output path, times every op labelling, one per isomorphism class (= distinct graph hashes)',
    per_vertices: Object.fromEntries(e.perVertices.map((x, n) => [String(n), x]).filter(([n]) => Number(n) >= 2)),
    ops: NB101_OPS,
    max_vertices: NB101_MAX_VERTICES,
    max_edges: NB101_MAX_EDGES,
    nodes: NB101_ENC_NODES,
    features: NB101_ENC_FEATURES,
    params_m: { min: pmin / 1e6, max: pmax / 1e6 },
    flops_m: { min: fmin / 1e6, max: fmax / 1e6 },
    seconds: (performance.now() - t0) / 1000,
  };
}
