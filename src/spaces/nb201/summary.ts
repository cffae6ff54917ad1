// Whole-space statistics of NAS-Bench-201, computed from the cell definitions alone (no data files).

import { NB201_DATASETS, macroConfigFor, nb201Cost, type Nb201Dataset } from './cost.js';
import { ENC_FEATURES, ENC_NODES, NB201_SIZE, codeToVector, encodeInto, isValid, isomorphismKey } from './cell.js';

export interface Nb201SpaceSummary {
  space: 'nb201';
  total: number;
  valid: number;
  /** Isomorphism classes (NATS unique strings) among valid cells. */
  unique: number;
  /** Isomorphism classes among all cells, invalid included (the benchmark's 6,466). */
  unique_all: number;
  /** Distinct predictor graph encodings (the reference encoding merges some non-isomorphic cells). */
  distinct_encodings: number;
  nodes: number;
  features: number;
  /** Range over all cells per dataset, in millions. */
  params_m: Record<Nb201Dataset, { min: number; max: number }>;
  flops_m: Record<Nb201Dataset, { min: number; max: number }>;
}

export function nb201SpaceSummary(): Nb201SpaceSummary {
  let valid = 0;
  const uniqValid = new Set<string>();
  const uniqAll = new Set<string>();
  const encodings = new Set<string>();
  const adj = new Float32Array(ENC_NODES * ENC_NODES);
  const feat = new Float32Array(ENC_NODES * ENC_FEATURES);
  const params_m = {} as Nb201SpaceSummary['params_m'];
  const flops_m = {} as Nb201SpaceSummary['flops_m'];
  for (const d of NB201_DATASETS) {
    params_m[d] = { min: Infinity, max: -Infinity };
    flops_m[d] = { min: Infinity, max: -Infinity };
  }
  for (let c = 0; c < NB201_SIZE; c++) {
    const v = codeToVector(c);
    const key = isomorphismKey(v);
    uniqAll.add(key);
    if (isValid(v)) {
      valid++;
      uniqValid.add(key);
    }
    encodeInto(v, adj, 0, feat, 0);
    encodings.add(adj.join('') + feat.join(''));
    for (const d of NB201_DATASETS) {
      const cost = nb201Cost(v, macroConfigFor(d));
      const p = params_m[d];
      const f = flops_m[d];
      p.min = Math.min(p.min, cost.params / 1e6);
      p.max = Math.max(p.max, cost.params / 1e6);
      f.min = Math.min(f.min, cost.flops / 1e6);
      f.max = Math.max(f.max, cost.flops / 1e6);
    }
  }
  return {
    space: 'nb201',
    total: NB201_SIZE,
    valid,
    unique: uniqValid.size,
    unique_all: uniqAll.size,
    distinct_encodings: encodings.size,
    nodes: ENC_NODES,
    features: ENC_FEATURES,
    params_m,
    flops_m,
  };
}
