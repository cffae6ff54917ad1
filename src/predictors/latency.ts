// Latency predictors for one device: the GCN of BRP-NAS and its baselines (MLP on the flattened
// encoding, FLOPs with a linear fit, layer-wise sum), all trained on the same seeded split:
// N training models, V validation models, the rest of the device's measurements as the test set.

import type { LatencyDataset } from '../data/latency-dataset.js';
import { regressionMetrics, type RegressionMetrics } from '../eval/metrics.js';
import type { GcnConfig } from '../nn/gcn.js';
import { flattenGraphs, type GraphSet } from '../nn/graphs.js';
import type { Kernels } from '../nn/kernels.js';
import { createWasmKernels } from '../nn/kernels-wasm.js';
import { Rng } from '../util/rng.js';
import type { StopSignal } from '../util/stop.js';
import { twinGroups } from '../spaces/nb201/twins.js';
import { NB201_CELL_MODES, isValid, parseArch, vectorToArchString, vectorToCode, type Nb201CellMode, type Nb201Vector } from '../spaces/nb201/cell.js';
import { groupedSplitIndices, splitIndices, type Split, type SplitKind } from './split.js';
import { decodeArtifact, encodeArtifact } from './artifact.js';
import { FewShotLatencyPredictor } from './fewshot.js';
import { fitFlops, fitLayerwise, predictLinear, type LinearModel } from './baselines.js';
import { GcnRegressor, LATENCY_TRAIN_CONFIG, type EpochInfo, type RegressorTrainConfig, type TrainReport } from './regressor.js';
import { encodeNb201Codes } from '../spaces/nb201/graphs.js';
import { checkCostScale, costScale, withNb201NodeCosts } from './node-costs.js';

export const LATENCY_PREDICTORS = ['gcn', 'mlp', 'flops', 'layerwise'] as const;
export type LatencyPredictorKind = (typeof LATENCY_PREDICTORS)[number];

export interface LatencyPredictor {
  /** How it was made: trained on one device, or adapted from a base in a few measurements ('fewshot'). */
  readonly kind: LatencyPredictorKind | 'fewshot';
  /**
   * Predicted latency in milliseconds of NB201 cells as users write them (arch strings, tuples,
   * six op digits or vectors). A disconnected cell has no network to time and is refused.
   */
  predictMs(archs: readonly (string | Nb201Vector)[]): Float64Array;
  /** Predicted latency in seconds for NB201 cells given by vector code (internal, no validity check). */
  predictSecondsOfCodes(codes: ArrayLike<number>): Float64Array;
  /** The versioned single-file artifact. */
  toArtifact(meta?: Record<string, unknown>): Uint8Array;
}

/** predictMs on top of predictSecondsOfCodes, shared by every predictor kind. */
function predictMsOf(p: Pick<LatencyPredictor, 'predictSecondsOfCodes'>, archs: readonly (string | Nb201Vector)[]): Float64Array {
  const codes = archs.map((a) => {
    const v = parseArch(a);
    if (!isValid(v)) throw new Error(`${vectorToArchString(v)} is a disconnected cell (no path from input to output): it is not a network and has no latency`);
    return vectorToCode(v);
  });
  return Float64Array.from(p.predictSecondsOfCodes(codes), (s) => s * 1e3);
}

class NeuralLatencyPredictor implements LatencyPredictor {
  constructor(
    readonly kind: 'gcn' | 'mlp',
    readonly regressor: GcnRegressor,
    /** The encoding it was trained on: what its device runs of a cell. */
    readonly cell: Nb201CellMode = 'pruned',
    /** A linear fit the network's output is added to (it learned the residual), if any. */
    readonly prior: LinearModel | null = null,
    /** With a prior: the divisor of the per-op costs the GCN sees as node features (node-costs.ts), if it does. */
    readonly costScale: number | null = null,
  ) {}

  graphs(codes: ArrayLike<number>): GraphSet {
    const set = encodeNb201Codes(codes, this.cell);
    if (this.kind === 'mlp') return flattenGraphs(set);
    return this.prior && this.costScale ? withNb201NodeCosts(set, codes, this.prior, this.costScale) : set;
  }

  predictMs(archs: readonly (string | Nb201Vector)[]): Float64Array {
    return predictMsOf(this, archs);
  }

  predictSecondsOfCodes(codes: ArrayLike<number>): Float64Array {
    const out = this.regressor.predict(this.graphs(codes), Int32Array.from({ length: codes.length }, (_, i) => i));
    if (this.prior) {
      const base = predictLinear(this.prior, codes);
      for (let i = 0; i < out.length; i++) out[i] += base[i];
    }
    return out;
  }

  toArtifact(meta: Record<string, unknown> = {}): Uint8Array {
    return encodeArtifact({ kind: `latency-${this.kind}`, space: 'nb201', ...(this.cell === 'full' ? { cell: 'full' } : {}), ...(this.prior ? { prior: this.prior } : {}), ...(this.costScale ? { node_costs: { scale: this.costScale } } : {}), gcn: this.regressor.config, norm: this.regressor.norm, params: this.regressor.model.params, meta }, Float32Array.from(this.regressor.model.paramView()));
  }
}

class LinearLatencyPredictor implements LatencyPredictor {
  constructor(
    readonly kind: 'flops' | 'layerwise',
    readonly model: LinearModel,
  ) {}
  predictMs(archs: readonly (string | Nb201Vector)[]): Float64Array {
    return predictMsOf(this, archs);
  }
  predictSecondsOfCodes(codes: ArrayLike<number>): Float64Array {
    return predictLinear(this.model, codes);
  }
  toArtifact(meta: Record<string, unknown> = {}): Uint8Array {
    return encodeArtifact({ kind: `latency-${this.kind}`, space: 'nb201', linear: this.model, meta });
  }
}

/** Restore a predictor from its artifact bytes. */
export function loadLatencyPredictor(bytes: Uint8Array, source = 'model', kernels?: Kernels): LatencyPredictor & { meta: Record<string, unknown> } {
  const { header, params } = decodeArtifact(bytes, source);
  const meta = (header.meta ?? {}) as Record<string, unknown>;
  const kind = String(header.kind).replace(/^latency-/, '');
  if (kind === 'fewshot') {
    const f = FewShotLatencyPredictor.fromArtifact(header, params, source);
    return Object.assign({ kind: 'fewshot' as const, predictMs: (archs: readonly (string | Nb201Vector)[]) => predictMsOf(f, archs), predictSecondsOfCodes: (c: ArrayLike<number>) => f.predictSecondsOfCodes(c), toArtifact: (m?: Record<string, unknown>) => f.toArtifact(m) }, { meta });
  }
  if (header.kind === 'latency-basis') throw new Error(`${source}: holds a latency base (from latency pretrain): adapt it to a device first (brp-nas latency adapt --base ${source} --device ...)`);
  if (!header.kind.startsWith('latency-') || !(LATENCY_PREDICTORS as readonly string[]).includes(kind)) throw new Error(`${source}: holds a ${header.kind} predictor, not a latency predictor`);
  if (kind === 'flops' || kind === 'layerwise') {
    const lin = header.linear as LinearModel;
    if (!lin || !Array.isArray(lin.weights) || lin.kind !== kind) throw new Error(`${source}: malformed linear model`);
    return Object.assign(new LinearLatencyPredictor(kind, lin), { meta });
  }
  if (header.cell !== undefined && !(NB201_CELL_MODES as readonly unknown[]).includes(header.cell)) throw new Error(`${source}: unknown cell encoding ${JSON.stringify(header.cell)}`);
  const prior = header.prior as LinearModel | undefined;
  if (prior !== undefined && (!prior || prior.kind !== 'layerwise' || !Array.isArray(prior.weights) || !prior.weights.every(Number.isFinite))) throw new Error(`${source}: malformed layer-wise prior`);
  if (header.node_costs !== undefined && (kind !== 'gcn' || !prior)) throw new Error(`${source}: node costs belong to a GCN with a layer-wise prior`);
  const scale = header.node_costs === undefined ? null : checkCostScale(header.node_costs, source);
  return Object.assign(new NeuralLatencyPredictor(kind as 'gcn' | 'mlp', restoreRegressor(header, params, source, kernels), (header.cell as Nb201CellMode | undefined) ?? 'pruned', prior ?? null, scale), { meta });
}

/** A GCN regressor from an artifact's header (configuration, target normalisation) and parameters. */
export function restoreRegressor(header: Record<string, unknown>, params: Float32Array, source: string, kernels?: Kernels): GcnRegressor {
  const cfg = header.gcn as GcnConfig;
  const reg = new GcnRegressor(kernels ?? createWasmKernels(), cfg);
  if (reg.model.paramCount !== params.length) throw new Error(`${source}: ${params.length} parameters, the configuration needs ${reg.model.paramCount}`);
  reg.model.paramView().set(params);
  const norm = header.norm as { min: number; max: number };
  if (!norm || !Number.isFinite(norm.min) || !Number.isFinite(norm.max)) throw new Error(`${source}: missing target normalisation`);
  reg.norm = norm;
  return reg;
}

export interface LatencyTrainOptions {
  kind?: LatencyPredictorKind;
  seed?: number;
  /** 'grouped' (default) keeps twin cells on one side of the split; 'reference' is the authors' permutation. */
  split?: SplitKind;
  train?: number;
  valid?: number;
  hidden?: number;
  layers?: number;
  dropout?: number;
  config?: Partial<RegressorTrainConfig>;
  kernels?: Kernels;
  onEpoch?: (e: EpochInfo) => boolean | void;
  /** Polled every training step: a stop ends training with the best weights so far. */
  signal?: StopSignal;
  /** How the predictors see a cell; default: what the dataset says its device ran (LatBench: pruned). */
  cell?: Nb201CellMode;
  /**
   * gcn, mlp: 'layerwise' fits the layer-wise sum on the training cells first and trains the network
   * on what it leaves (the prediction is their sum); 'none' trains the network on the latencies.
   * Default: 'layerwise' for the GCN of a device that runs whole cells (its dead edges make latency
   * close to a sum of op costs, which the GCN alone learned worse than the sum; BENCHMARKS.md), else
   * 'none'.
   */
  prior?: LatencyPrior;
  /**
   * gcn with prior 'layerwise': the GCN also sees each op's cost in that fit as a node feature
   * (node-costs.ts). Default true: on the NB201 design devices it ranked at least as well as without
   * (BENCHMARKS.md); false is the GCN on the residual as it was before.
   */
  nodeCosts?: boolean;
  /**
   * What the FLOPs and layer-wise fits see: 'labelled' (default), the training and validation cells
   * (all the labelled cells the GCN sees); 'train', the training cells only, so the validation cells
   * can judge them beside the GCN (`--predictor auto`).
   */
  fitOn?: 'labelled' | 'train';
  /** The GCN's width and training schedule (LATENCY_SCHEDULES; default 'paper'); hidden and config override it. */
  schedule?: LatencySchedule;
}

/**
 * How a latency GCN trains. 'paper': the reference's configuration (4 x 600, batch 1, up to 250
 * epochs, plateau schedule, early stopping; about 200 s a LatBench device on one core here). 'fast':
 * 4 x 256, batch 1, 150 epochs on a cosine schedule, no early stopping, the best validation epoch
 * kept: under a minute, chosen on design devices and seeds against the paper's (BENCHMARKS.md,
 * "Fast latency training"). The library's default is 'paper' (results stay comparable); the CLI's
 * is 'fast'. A latency GCN that starts a BRP-NAS search (--transfer) must be 4 x 600: 'paper'.
 */
export const LATENCY_SCHEDULES = {
  paper: { hidden: 600, config: {} as Partial<RegressorTrainConfig> },
  fast: { hidden: 256, config: { epochs: 150, scheduler: 'cosine', esPatience: 0 } as Partial<RegressorTrainConfig> },
} as const;
export type LatencySchedule = keyof typeof LATENCY_SCHEDULES;
export const LATENCY_SCHEDULE_NAMES = Object.keys(LATENCY_SCHEDULES) as LatencySchedule[];

export const LATENCY_PRIORS = ['none', 'layerwise'] as const;
export type LatencyPrior = (typeof LATENCY_PRIORS)[number];

/** The prior a network trains on when none is asked for (see LatencyTrainOptions.prior). */
export function defaultLatencyPrior(kind: LatencyPredictorKind, cell: Nb201CellMode): LatencyPrior {
  return kind === 'gcn' && cell === 'full' ? 'layerwise' : 'none';
}

export interface LatencyExperiment {
  predictor: LatencyPredictor;
  device: string;
  seed: number;
  splitKind: SplitKind;
  split: Split;
  /** Codes, measured and predicted seconds of the test models. */
  testCodes: Int32Array;
  testTrue: Float64Array;
  testPred: Float64Array;
  metrics: RegressionMetrics;
  /** The same metrics on the validation cells (null with fewer than 2). */
  validMetrics: RegressionMetrics | null;
  trainSeconds: number;
  report?: TrainReport;
  /** The GCN reads each op's fitted cost as a node feature (nodeCosts with a layer-wise prior). */
  nodeCosts: boolean;
}

/**
 * Train a latency regressor (the GCN, or the MLP on flattened graphs) on a split of `set`, with the
 * latency training schedule; every space's latency predictor trains through here.
 */
export function fitLatencyRegressor(set: GraphSet, split: Split, secondsOf: (idx: Int32Array) => Float64Array, rng: Rng, opts: Omit<LatencyTrainOptions, 'kind' | 'split' | 'seed' | 'train' | 'valid'>, init: 'thomas' | 'torch-linear'): { regressor: GcnRegressor; report: TrainReport } {
  const schedule = LATENCY_SCHEDULES[opts.schedule ?? 'paper'];
  const cfg: GcnConfig = { nodes: set.nodes, features: set.features, hidden: opts.hidden ?? schedule.hidden, layers: opts.layers ?? 4, dropout: opts.dropout ?? 0.002, head: 'regression' };
  const regressor = new GcnRegressor(opts.kernels ?? createWasmKernels(), cfg);
  const trainRng = rng.fork();
  regressor.init(trainRng, init);
  const report = regressor.train(set, split.train, secondsOf(split.train), split.valid, secondsOf(split.valid), { ...LATENCY_TRAIN_CONFIG, ...schedule.config, ...opts.config }, trainRng, opts.onEpoch, opts.signal);
  return { regressor, report };
}

/**
 * The split a latency training makes of a dataset: the first draw of its seed's stream (training
 * draws after it), so the same seed gives the same split to every predictor, and to anyone who
 * scores another model on the same held-out cells.
 */
export function latencySplit(ds: LatencyDataset, nTrain: number, nValid: number, kind: SplitKind, rng: Rng): Split {
  return kind === 'grouped' ? groupedSplitIndices(twinGroups(ds.codes), nTrain, nValid, rng) : splitIndices(ds.codes.length, nTrain, nValid, rng);
}

export function trainLatencyPredictor(ds: LatencyDataset, opts: LatencyTrainOptions = {}): LatencyExperiment {
  const kind = opts.kind ?? 'gcn';
  const seed = opts.seed ?? 0;
  const rng = new Rng(seed);
  const nTrain = opts.train ?? 900;
  const nValid = opts.valid ?? 100;
  const split = latencySplit(ds, nTrain, nValid, opts.split ?? 'grouped', rng);
  const codesOf = (idx: Int32Array) => Int32Array.from(idx, (i) => ds.codes[i]);
  const secondsOf = (idx: Int32Array) => Float64Array.from(idx, (i) => ds.seconds[i]);
  const cell = opts.cell ?? ds.cell ?? 'pruned';
  const t0 = performance.now();
  let predictor: LatencyPredictor;
  let report: TrainReport | undefined;
  let nodeCosts = false;
  if (kind === 'flops' || kind === 'layerwise') {
    // the baselines see every labelled cell the GCN sees: its training and its early-stopping cells
    const labelled = opts.fitOn === 'train' ? split.train : Int32Array.from([...split.train, ...split.valid]);
    const trCodes = codesOf(labelled);
    const model = kind === 'flops' ? fitFlops(trCodes, secondsOf(labelled), cell) : fitLayerwise(trCodes, secondsOf(labelled), cell);
    predictor = new LinearLatencyPredictor(kind, model);
  } else {
    let set = encodeNb201Codes(ds.codes, cell);
    if (kind === 'mlp') set = flattenGraphs(set);
    // the prior sees the training cells only: the validation cells stay an honest early-stopping signal
    const prior = (opts.prior ?? defaultLatencyPrior(kind, cell)) === 'layerwise' ? fitLayerwise(codesOf(split.train), secondsOf(split.train), cell) : null;
    const scale = prior && kind === 'gcn' && (opts.nodeCosts ?? true) ? costScale(secondsOf(split.train)) : null;
    if (scale) set = withNb201NodeCosts(set, ds.codes, prior!, scale);
    nodeCosts = scale !== null;
    const targetOf = prior
      ? (idx: Int32Array) => {
          const base = predictLinear(prior, codesOf(idx));
          return Float64Array.from(idx, (i, j) => ds.seconds[i] - base[j]);
        }
      : secondsOf;
    const fit = fitLatencyRegressor(set, split, targetOf, rng, opts, kind === 'mlp' ? 'torch-linear' : 'thomas');
    report = fit.report;
    predictor = new NeuralLatencyPredictor(kind, fit.regressor, cell, prior, scale);
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const testCodes = codesOf(split.test);
  const testTrue = secondsOf(split.test);
  const testPred = predictor.predictSecondsOfCodes(testCodes);
  const validMetrics = split.valid.length >= 2 ? regressionMetrics(predictor.predictSecondsOfCodes(codesOf(split.valid)), secondsOf(split.valid)) : null;
  return { predictor, device: ds.device, seed, splitKind: opts.split ?? 'grouped', split, testCodes, testTrue, testPred, metrics: regressionMetrics(testPred, testTrue), validMetrics, trainSeconds, report, nodeCosts };
}

/**
 * The GCN body parameters of a saved GCN latency predictor, for transfer into an accuracy predictor
 * (BRP-NAS section 4.3): GC layers and LayerNorms, without the head.
 */
export function latencyBody(bytes: Uint8Array, source = 'model'): Float32Array {
  const { header, params } = decodeArtifact(bytes, source);
  if (header.kind !== 'latency-gcn') throw new Error(`${source}: transfer needs a GCN latency predictor, this file holds ${header.kind}`);
  const cfg = header.gcn as GcnConfig;
  if (header.node_costs !== undefined) throw new Error(`${source}: this GCN reads per-op costs as a 7th node feature, which the accuracy predictor's encoding lacks: train the latency predictor with --predictor gcn --prior none to transfer it`);
  if (cfg.nodes !== 9 || cfg.features !== 6) throw new Error(`${source}: not an NB201 GCN (${cfg.nodes} nodes x ${cfg.features} features)`);
  const body = (header.params as { name: string; offset: number; size: number }[]).filter((p) => !p.name.startsWith('fc.'));
  const n = body.reduce((a, p) => Math.max(a, p.offset + p.size), 0);
  return params.slice(0, n);
}
