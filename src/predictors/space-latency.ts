// Latency predictors for the spaces beyond NB201 (NB101, DARTS): the GCN of BRP-NAS on the space's
// graph encoding, a FLOPs fit and a layer-wise model (a linear fit over the space's per-layer
// features, i.e. a fitted lookup table), trained on a measured dataset of the space. A dataset's
// architectures are distinct networks (one row per key), so a seeded random split keeps isomorphic
// twins on one side by construction. NB201 keeps its own path (latency.ts: LatBench, grouped split).

import { regressionMetrics, type RegressionMetrics } from '../eval/metrics.js';
import type { GcnConfig } from '../nn/gcn.js';
import type { Kernels } from '../nn/kernels.js';
import { getSpace } from '../spaces/registry.js';
import type { SearchSpace } from '../spaces/space.js';
import { Rng } from '../util/rng.js';
import { decodeArtifact, encodeArtifact } from './artifact.js';
import { leastSquares } from './baselines.js';
import { fitLatencyRegressor, restoreRegressor, type LatencyTrainOptions } from './latency.js';
import type { GcnRegressor, TrainReport } from './regressor.js';
import { splitIndices, type Split } from './split.js';
import type { SpaceLatencyDataset } from '../data/latency-dataset.js';
export type { SpaceLatencyDataset } from '../data/latency-dataset.js';
import { encodeArchs } from '../spaces/graphs.js';

export const SPACE_LATENCY_PREDICTORS = ['gcn', 'flops', 'layerwise'] as const;
export type SpaceLatencyKind = (typeof SPACE_LATENCY_PREDICTORS)[number];

export interface SpaceLatencyPredictor {
  readonly kind: SpaceLatencyKind;
  readonly space: SearchSpace;
  /** Predicted milliseconds of architectures written in the space's notation. */
  predictMs(archs: readonly string[]): Float64Array;
  predictSeconds(archs: readonly unknown[]): Float64Array;
  toArtifact(meta?: Record<string, unknown>): Uint8Array;
}

function features<A>(space: SearchSpace<A>, kind: 'flops' | 'layerwise', a: A): number[] {
  if (kind === 'flops') return [space.cost(a).flops / 1e6, 1];
  if (!space.layerFeatures) throw new Error(`${space.title} has no layer-wise features`);
  return [...space.layerFeatures(a), 1];
}

/** A fitted linear model's seconds for one architecture (weights end with the intercept). */
const linearSum = (space: SearchSpace, kind: 'flops' | 'layerwise', weights: readonly number[], a: unknown) => features(space, kind, a).reduce((s, x, j) => s + x * weights[j], 0);

class LinearSpacePredictor implements SpaceLatencyPredictor {
  constructor(
    readonly kind: 'flops' | 'layerwise',
    readonly space: SearchSpace,
    readonly weights: number[],
  ) {}
  predictSeconds(archs: readonly unknown[]): Float64Array {
    return Float64Array.from(archs, (a) => linearSum(this.space, this.kind, this.weights, a));
  }
  predictMs(archs: readonly string[]): Float64Array {
    return Float64Array.from(this.predictSeconds(archs.map((a) => this.space.parse(a))), (s) => s * 1e3);
  }
  toArtifact(meta: Record<string, unknown> = {}): Uint8Array {
    return encodeArtifact({ kind: `latency-${this.kind}`, space: this.space.name, linear: { kind: this.kind, weights: this.weights, features: this.kind === 'flops' ? ['mflops', 'intercept'] : [...(this.space.layerFeatureNames ?? []), 'intercept'] }, meta });
  }
}

class GcnSpacePredictor implements SpaceLatencyPredictor {
  readonly kind = 'gcn';
  constructor(
    readonly space: SearchSpace,
    readonly regressor: GcnRegressor,
    /** The layer-wise fit the network's output is added to (it learned the residual), if any. */
    readonly prior: number[] | null = null,
  ) {}
  predictSeconds(archs: readonly unknown[]): Float64Array {
    const out = this.regressor.predict(encodeArchs(this.space, archs), Int32Array.from(archs.keys()));
    if (this.prior) for (let i = 0; i < out.length; i++) out[i] += linearSum(this.space, 'layerwise', this.prior, archs[i]);
    return out;
  }
  predictMs(archs: readonly string[]): Float64Array {
    return Float64Array.from(this.predictSeconds(archs.map((a) => this.space.parse(a))), (s) => s * 1e3);
  }
  toArtifact(meta: Record<string, unknown> = {}): Uint8Array {
    return encodeArtifact({ kind: 'latency-gcn', space: this.space.name, ...(this.prior ? { prior: { kind: 'layerwise', weights: this.prior } } : {}), gcn: this.regressor.config, norm: this.regressor.norm, params: this.regressor.model.params, meta }, Float32Array.from(this.regressor.model.paramView()));
  }
}

/** Restore a non-NB201 latency predictor from its artifact (the header names the space). */
export function loadSpaceLatencyPredictor(bytes: Uint8Array, source = 'model', kernels?: Kernels): SpaceLatencyPredictor & { meta: Record<string, unknown> } {
  const { header, params } = decodeArtifact(bytes, source);
  const meta = (header.meta ?? {}) as Record<string, unknown>;
  const space = getSpace(String(header.space));
  const kind = String(header.kind).replace(/^latency-/, '');
  if (kind === 'flops' || kind === 'layerwise') {
    const lin = header.linear as { weights?: unknown };
    if (!lin || !Array.isArray(lin.weights) || !lin.weights.every((w) => typeof w === 'number')) throw new Error(`${source}: malformed linear model`);
    return Object.assign(new LinearSpacePredictor(kind, space, lin.weights as number[]), { meta });
  }
  if (kind !== 'gcn') throw new Error(`${source}: holds a ${header.kind} predictor, not a latency predictor for ${space.name}`);
  const prior = header.prior as { kind?: unknown; weights?: unknown } | undefined;
  const width = (space.layerFeatureNames?.length ?? -1) + 1;
  if (prior !== undefined && (!prior || prior.kind !== 'layerwise' || !Array.isArray(prior.weights) || prior.weights.length !== width || !prior.weights.every(Number.isFinite))) throw new Error(`${source}: malformed layer-wise prior`);
  if (header.node_costs !== undefined) throw new Error(`${source}: node costs belong to NB201 latency GCNs, not ${space.title}'s`);
  const cfg = header.gcn as GcnConfig;
  if (cfg.nodes !== space.encoding.nodes || cfg.features !== space.encoding.features) throw new Error(`${source}: a ${cfg.nodes} x ${cfg.features} GCN does not fit ${space.title}'s ${space.encoding.nodes} x ${space.encoding.features} encoding`);
  return Object.assign(new GcnSpacePredictor(space, restoreRegressor(header, params, source, kernels), (prior?.weights as number[] | undefined) ?? null), { meta });
}

export interface SpaceLatencyExperiment {
  predictor: SpaceLatencyPredictor;
  device: string;
  seed: number;
  split: Split;
  testTrue: Float64Array;
  testPred: Float64Array;
  metrics: RegressionMetrics;
  /** The same metrics on the validation architectures (null with fewer than 2). */
  validMetrics: RegressionMetrics | null;
  trainSeconds: number;
  report?: TrainReport;
}

/** The NB201 trainer's options, with this module's predictor kinds and required split sizes. */
export type SpaceLatencyTrainOptions = Omit<LatencyTrainOptions, 'kind' | 'split' | 'train' | 'valid' | 'cell' | 'nodeCosts'> & { kind?: SpaceLatencyKind; train: number; valid: number };

/** Least squares of the space's layer features (or MFLOPs) on the given rows. */
function fitLinear(ds: SpaceLatencyDataset, kind: 'flops' | 'layerwise', idx: readonly number[]): number[] {
  const rows = idx.map((i) => features(ds.space, kind, ds.archs[i]));
  return Array.from(leastSquares(Float64Array.from(rows.flat()), idx.map((i) => ds.seconds[i]), rows.length, rows[0].length));
}

export function trainSpaceLatencyPredictor(ds: SpaceLatencyDataset, opts: SpaceLatencyTrainOptions): SpaceLatencyExperiment {
  const kind = opts.kind ?? 'gcn';
  const seed = opts.seed ?? 0;
  const rng = new Rng(seed);
  const split = splitIndices(ds.archs.length, opts.train, opts.valid, rng);
  const secondsOf = (idx: Int32Array) => Float64Array.from(idx, (i) => ds.seconds[i]);
  const t0 = performance.now();
  let predictor: SpaceLatencyPredictor;
  let report: TrainReport | undefined;
  if (kind === 'flops' || kind === 'layerwise') {
    const labelled = opts.fitOn === 'train' ? [...split.train] : [...split.train, ...split.valid];
    predictor = new LinearSpacePredictor(kind, ds.space, fitLinear(ds, kind, labelled));
  } else {
    // the prior sees the training architectures only: the validation ones stay an honest early-stopping signal
    const prior = opts.prior === 'layerwise' ? fitLinear(ds, 'layerwise', [...split.train]) : null;
    const targetOf = prior ? (idx: Int32Array) => Float64Array.from(idx, (i) => ds.seconds[i] - linearSum(ds.space, 'layerwise', prior, ds.archs[i])) : secondsOf;
    const fit = fitLatencyRegressor(encodeArchs(ds.space, ds.archs), split, targetOf, rng, opts, 'thomas');
    report = fit.report;
    predictor = new GcnSpacePredictor(ds.space, fit.regressor, prior);
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const testTrue = secondsOf(split.test);
  const testPred = predictor.predictSeconds(Array.from(split.test, (i) => ds.archs[i]));
  const validMetrics = split.valid.length >= 2 ? regressionMetrics(predictor.predictSeconds(Array.from(split.valid, (i) => ds.archs[i])), secondsOf(split.valid)) : null;
  return { predictor, device: ds.device, seed, split, testTrue, testPred, metrics: regressionMetrics(testPred, testTrue), validMetrics, trainSeconds, report };
}
