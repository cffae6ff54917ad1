// Zero-cost scores as input features of the predictors (issue 14): each named score of a candidate,
// as its quantile among the candidates (in [0, 1], ties sharing their mean), becomes one more feature
// column of the graph's global node (node 0, the row the GCN reads out); every other node has 0
// there. Only the global row changes, so the shared-work embedding still shares every other row
// (the global rows stop being shared from the first layer on: ranking NB201 takes about 1.26x as
// long, BENCHMARKS "Predicting the whole space").

import { quantiles } from '../eval/metrics.js';
import type { GraphSet } from '../nn/graphs.js';
import type { StopSignal } from '../util/stop.js';
import type { SearchDomain } from './domain.js';
import type { ScoreFeatures, ZeroCostName } from './options.js';
import { zeroCostScores } from './zero-cost.js';

/** The scores a --score-features value names, in column order. */
export function scoreFeatureNames(v: ScoreFeatures): ZeroCostName[] {
  return v === 'none' ? [] : (v.split('+') as ZeroCostName[]);
}

/**
 * `set` with one more feature per column: column c's value for graph ids[i] is `columns[c][i]`, on
 * node 0 only. Graphs not in `ids` get 0 there. `set` is not changed.
 */
export function withGlobalFeatures(set: GraphSet, ids: ArrayLike<number>, columns: readonly ArrayLike<number>[]): GraphSet {
  const { nodes: N, features: F, count } = set;
  const K = columns.length;
  const G = F + K;
  for (const c of columns) if (c.length !== ids.length) throw new Error(`a feature column has ${c.length} values for ${ids.length} graphs`);
  const featureData = new Float32Array(count * N * G);
  for (let g = 0; g < count; g++) for (let i = 0; i < N; i++) featureData.set(set.featureData.subarray((g * N + i) * F, (g * N + i + 1) * F), (g * N + i) * G);
  for (let j = 0; j < ids.length; j++) {
    const id = ids[j];
    if (!Number.isInteger(id) || id < 0 || id >= count) throw new Error(`graph id ${id} is outside the set's ${count} graphs`);
    for (let c = 0; c < K; c++) {
      const x = columns[c][j];
      if (!Number.isFinite(x)) throw new Error(`feature ${c} of graph ${id} is ${x}, not a finite number`);
      featureData[id * N * G + F + c] = x;
    }
  }
  return { nodes: N, features: G, count, adjacency: set.adjacency, featureData };
}

/**
 * The domain's graphs with the named zero-cost scores of the candidates as global-node features
 * (the graphs themselves when `v` is 'none'). A score that is not finite for some candidate (a
 * SynFlow of 0 has log -Infinity) ranks below every finite one.
 */
export function scoreFeatureGraphs(domain: SearchDomain, candidates: ArrayLike<number>, v: ScoreFeatures, signal?: StopSignal): GraphSet {
  const names = scoreFeatureNames(v);
  const set = domain.graphs();
  if (names.length === 0) return set;
  const columns = names.map((name) => {
    const s = zeroCostScores(domain, name, candidates, signal);
    let lo = Infinity;
    for (const x of s) if (Number.isFinite(x) && x < lo) lo = x;
    for (let i = 0; i < s.length; i++) if (!Number.isFinite(s[i])) s[i] = lo - 1;
    return quantiles(s);
  });
  return withGlobalFeatures(set, candidates, columns);
}
