// Ranking learners for the iterative search: the binary relation predictor (BRP-NAS) and a unary
// GCN accuracy regressor. Both keep one model across rounds (warm start) and get a fresh optimizer
// and schedule per round, as the reference does. The BRP's values are scaled to [0, 1] before the
// soft pair targets softmax([t_a, t_b]) are formed: by rank among the measured models (default), or
// min-max as the reference's normalised data files. Min-max squeezes the good models together when
// a few measured models are near chance (their soft targets approach 0.5); rank scaling keeps them
// apart, and made the search more robust (see BENCHMARKS.md).

import { quantiles } from '../eval/metrics.js';
import type { Kernels } from '../nn/kernels.js';
import type { GraphSet } from '../nn/graphs.js';
import { BinaryRelationPredictor, BRP_TRAIN_CONFIG, type BrpTrainConfig } from '../predictors/brp.js';
import { GcnRegressor, type RegressorTrainConfig } from '../predictors/regressor.js';
import type { Rng } from '../util/rng.js';
import type { RankingLearner } from './iterative.js';

import type { TargetScaling } from './options.js';
import { InterruptedError, type StopSignal } from '../util/stop.js';
export type { TargetScaling } from './options.js';

/** Scale measured values to [0, 1]: min-max (the reference), or by rank (ties share the mean rank). */
export function scaleTargets(values: number[], how: TargetScaling = 'minmax'): number[] {
  if (how === 'rank') return Array.from(quantiles(values));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values.map((v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5));
}

export interface BrpLearnerOptions {
  hidden: number;
  layers: number;
  dropout: number;
  /** Steps of round i (i >= 1) = stepsPerRound * i: the schedule grows with the data, like the reference's epochs. */
  stepsPerRound: number;
  /**
   * When set, a round's steps are this many per measured model instead (rounds of any size: with
   * the default rounds of 20, 3 per model is the per-round schedule above).
   */
  stepsPerModel?: number;
  train: Omit<BrpTrainConfig, 'steps'>;
  targets: TargetScaling;
  /**
   * Head-only warm-up steps before the first round's training (the reference's --warmup E, used
   * with --transfer; here full-pair steps). 0 = none.
   */
  warmupSteps?: number;
  /** Polled every training step; a stop throws InterruptedError. */
  signal?: StopSignal;
}

export const BRP_LEARNER_DEFAULTS: BrpLearnerOptions = {
  hidden: 600,
  layers: 4,
  dropout: 0.2,
  stepsPerRound: 60,
  train: { lr: BRP_TRAIN_CONFIG.lr, weightDecay: BRP_TRAIN_CONFIG.weightDecay, cosine: true, patience: 0 },
  targets: 'rank',
};

export class BrpLearner implements RankingLearner {
  readonly predictor: BinaryRelationPredictor;

  constructor(
    kernels: Kernels,
    /** Encodings of every id the search may fit or score (graph i = id i). */
    private readonly graphs: GraphSet,
    private readonly rng: Rng,
    private readonly opts: BrpLearnerOptions = BRP_LEARNER_DEFAULTS,
    /** Optional body to start from (transfer from a latency predictor): parameter values of the body. */
    initialBody?: Float32Array,
  ) {
    this.predictor = new BinaryRelationPredictor(kernels, { nodes: graphs.nodes, features: graphs.features, hidden: opts.hidden, layers: opts.layers, dropout: opts.dropout, head: 'binary' });
    this.predictor.init(rng);
    if (initialBody) {
      if (initialBody.length !== this.predictor.model.bodyParamCount) throw new Error(`transfer: the body has ${initialBody.length} parameters, this predictor needs ${this.predictor.model.bodyParamCount}`);
      this.predictor.model.paramView().set(initialBody, 0);
    }
  }

  fit(codes: number[], values: number[], round: number): void {
    // round 1 is the first training round (round 0 is random or zero-cost), the reference's iteration 0
    const targets = scaleTargets(values, this.opts.targets);
    if (round === 1 && (this.opts.warmupSteps ?? 0) > 0) this.predictor.warmUpHead(this.graphs, codes, targets, this.opts.warmupSteps!, this.opts.train.lr, this.rng, this.opts.signal);
    const steps = this.opts.stepsPerModel !== undefined ? Math.round(this.opts.stepsPerModel * codes.length) : this.opts.stepsPerRound * round;
    this.predictor.train(this.graphs, codes, targets, { ...this.opts.train, steps }, this.rng, undefined, this.opts.signal);
  }

  scores(candidates: Int32Array): Float64Array {
    return this.predictor.scores(this.graphs, candidates, this.opts.signal);
  }
}

export interface GcnLearnerOptions {
  hidden: number;
  layers: number;
  dropout: number;
  /** Epochs of round i = epochsPerRound * i; batch size = batchPerRound * i (reference acc_gcn_nasbench201 with --iter). */
  epochsPerRound: number;
  batchPerRound: number;
  lr: number;
  weightDecay: number;
  /** Polled every training step; a stop throws InterruptedError. */
  signal?: StopSignal;
}

export const GCN_LEARNER_DEFAULTS: GcnLearnerOptions = { hidden: 600, layers: 4, dropout: 0.2, epochsPerRound: 30, batchPerRound: 10, lr: 3.5e-4, weightDecay: 5e-4 };

export class GcnLearner implements RankingLearner {
  readonly regressor: GcnRegressor;

  constructor(
    kernels: Kernels,
    private readonly graphs: GraphSet,
    private readonly rng: Rng,
    private readonly opts: GcnLearnerOptions = GCN_LEARNER_DEFAULTS,
  ) {
    this.regressor = new GcnRegressor(kernels, { nodes: graphs.nodes, features: graphs.features, hidden: opts.hidden, layers: opts.layers, dropout: opts.dropout, head: 'regression' });
    this.regressor.init(rng);
  }

  fit(codes: number[], values: number[], round: number): void {
    const cfg: RegressorTrainConfig = {
      epochs: this.opts.epochsPerRound * round,
      batchSize: this.opts.batchPerRound * round,
      lr: this.opts.lr,
      weightDecay: this.opts.weightDecay,
      scheduler: 'cosine',
      lrPatience: 10,
      esPatience: 0,
      loss: 'l1',
      restoreBest: false,
      schedulerStartEpoch: 20,
    };
    // the reference validates on the training set for iterative runs
    const report = this.regressor.train(this.graphs, codes, values, codes, values, cfg, this.rng, undefined, this.opts.signal);
    if (report.interrupted) throw new InterruptedError();
  }

  scores(candidates: Int32Array): Float64Array {
    return this.regressor.predictNormalised(this.graphs, candidates, this.opts.signal);
  }
}
