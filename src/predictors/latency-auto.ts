// `--predictor auto`: which latency predictor suits a device is an empirical question (the GCN wins
// on the desktop CPU/GPU by a wide margin and is level with the layer-wise sum on five LatBench
// devices; on this machine's own NB101 and DARTS timings the linear fits lead), so fit every
// candidate on the same split and keep the one the validation cells rank best. The test cells play
// no part in the choice. For a fair choice the FLOPs and layer-wise fits are fitted on the training
// cells only (the GCN's validation cells are its early-stopping signal: a slight edge, said in the
// docs); the chosen fit is then refitted on training + validation, as a single fit would be.

import type { RegressionMetrics } from '../eval/metrics.js';
import type { LatencyDataset } from '../data/latbench.js';
import { trainLatencyPredictor, type LatencyExperiment, type LatencyPredictorKind, type LatencyPrior, type LatencyTrainOptions } from './latency.js';
import { trainSpaceLatencyPredictor, type SpaceLatencyDataset, type SpaceLatencyExperiment, type SpaceLatencyKind, type SpaceLatencyTrainOptions } from './space-latency.js';

export interface AutoCandidate {
  /**
   * How reports name it: the kind, `+layerwise` for a GCN on the layer-wise sum's residual, `+costs`
   * when that GCN also sees each op's fitted cost as a node feature (node-costs.ts).
   */
  name: string;
  kind: LatencyPredictorKind;
  prior?: LatencyPrior;
  nodeCosts?: boolean;
}

const LINEAR_CANDIDATES: readonly AutoCandidate[] = [
  { name: 'layerwise', kind: 'layerwise' },
  { name: 'flops', kind: 'flops' },
];

/**
 * NB201: the GCN alone and on the layer-wise residual with per-op costs, the layer-wise and the FLOPs
 * fits. The costs replaced the plain residual GCN: on the design devices it ranked better with them on
 * three of four, level on the fourth (they did not help the GCN alone): BENCHMARKS.md, "Per-op costs
 * as node features".
 */
export const NB201_AUTO_CANDIDATES: readonly AutoCandidate[] = [
  { name: 'gcn', kind: 'gcn', prior: 'none' },
  { name: 'gcn+layerwise+costs', kind: 'gcn', prior: 'layerwise', nodeCosts: true },
  ...LINEAR_CANDIDATES,
];

/** NB101 and DARTS datasets: the GCN alone and on the layer-wise residual (no costs: NB201 only), and the two fits. */
export const SPACE_AUTO_CANDIDATES: readonly AutoCandidate[] = [{ name: 'gcn', kind: 'gcn', prior: 'none' }, { name: 'gcn+layerwise', kind: 'gcn', prior: 'layerwise' }, ...LINEAR_CANDIDATES];

export interface CandidateFigures {
  valid_spearman: number | null;
  valid_within10: number | null;
  train_seconds: number;
}

const figures = (m: RegressionMetrics | null, seconds: number): CandidateFigures => ({ valid_spearman: m?.spearman ?? null, valid_within10: m?.within10 ?? null, train_seconds: seconds });

/** The best by validation Spearman, then within +-10%; ties to the earlier candidate (the list's order). */
export function chooseCandidate(c: readonly { name: string; figures: CandidateFigures }[]): string {
  const score = (f: CandidateFigures) => [f.valid_spearman ?? -Infinity, f.valid_within10 ?? -Infinity];
  let best = c[0];
  for (const x of c.slice(1)) {
    const [a, b] = [score(x.figures), score(best.figures)];
    if (a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])) best = x;
  }
  return best.name;
}

export interface AutoResult<E> {
  chosen: AutoCandidate;
  experiment: E;
  candidates: Record<string, CandidateFigures>;
  /** Stopped by the caller's signal: the candidates fitted so far were compared, the rest not tried. */
  interrupted: boolean;
}

/** Fit candidates in order until the signal stops one; the choice among those fitted. */
function fitAll<E extends { validMetrics: RegressionMetrics | null; trainSeconds: number }>(list: readonly AutoCandidate[], fit: (c: AutoCandidate) => E, refit: (c: AutoCandidate) => E, stopped: () => boolean, onCandidate?: (name: string) => void): AutoResult<E> {
  const runs: { c: AutoCandidate; e: E; figures: CandidateFigures }[] = [];
  for (const c of list) {
    onCandidate?.(c.name);
    const e = fit(c);
    runs.push({ c, e, figures: figures(e.validMetrics, e.trainSeconds) });
    if (stopped()) break;
  }
  const name = chooseCandidate(runs.map((r) => ({ name: r.c.name, figures: r.figures })));
  const win = runs.find((r) => r.c.name === name)!;
  const linear = win.c.kind === 'flops' || win.c.kind === 'layerwise';
  return { chosen: win.c, experiment: linear ? refit(win.c) : win.e, candidates: Object.fromEntries(runs.map((r) => [r.c.name, r.figures])), interrupted: stopped() };
}

/** NB201: every candidate on the seed's split; the chosen one's experiment (its test metrics untouched by the choice). */
export function trainAutoLatencyPredictor(ds: LatencyDataset, opts: Omit<LatencyTrainOptions, 'kind' | 'prior' | 'fitOn'>, onCandidate?: (name: string) => void): AutoResult<LatencyExperiment> {
  return fitAll(
    NB201_AUTO_CANDIDATES,
    (c) => trainLatencyPredictor(ds, { ...opts, kind: c.kind, prior: c.prior, nodeCosts: c.nodeCosts, fitOn: 'train' }),
    (c) => trainLatencyPredictor(ds, { ...opts, kind: c.kind }),
    () => !!opts.signal?.stopped,
    onCandidate,
  );
}

/** NB101 / DARTS datasets: the same choice among the GCN and the linear fits. */
export function trainAutoSpaceLatencyPredictor(ds: SpaceLatencyDataset, opts: Omit<SpaceLatencyTrainOptions, 'kind' | 'fitOn'>, onCandidate?: (name: string) => void): AutoResult<SpaceLatencyExperiment> {
  return fitAll(
    SPACE_AUTO_CANDIDATES,
    (c) => trainSpaceLatencyPredictor(ds, { ...opts, kind: c.kind as SpaceLatencyKind, prior: c.prior, fitOn: 'train' }),
    (c) => trainSpaceLatencyPredictor(ds, { ...opts, kind: c.kind as SpaceLatencyKind }),
    () => !!opts.signal?.stopped,
    onCandidate,
  );
}
