// A GCN (or MLP) regressor: GCN body + Linear(H->1) head, trained as the reference trains its
// latency predictor (reference spec section 3): summed L1 loss, AdamW, plateau or cosine schedule,
// early stopping on the validation loss after epoch 20. Targets are min-max normalised on the
// training set (the authors' data were normalised; the code's raw-seconds path has no scaling).

import { Gcn, type GcnConfig } from '../nn/gcn.js';
import { regressionHeadBackward, regressionHeadForward, regressionHeadOn } from '../nn/heads.js';
import type { GraphSet } from '../nn/graphs.js';
import type { Kernels } from '../nn/kernels.js';
import { AdamW, type AdamWStep, EarlyStopping, PlateauScheduler, cosineLr } from '../nn/optim.js';
import type { Rng } from '../util/rng.js';
import type { StopSignal } from '../util/stop.js';

export interface RegressorTrainConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  scheduler: 'plateau' | 'cosine';
  lrPatience: number;
  /** Early-stopping patience in epochs (0 = never). */
  esPatience: number;
  loss: 'l1' | 'mse';
  /** Keep the weights of the best validation epoch (the reference keeps the last epoch's by accident). */
  restoreBest: boolean;
  /** The reference's schedulers and early stopping only look at epochs after this index. */
  schedulerStartEpoch: number;
}

/** The reference's lat_gcn_nasbench201_desktop training configuration. */
export const LATENCY_TRAIN_CONFIG: RegressorTrainConfig = {
  epochs: 250,
  batchSize: 1,
  lr: 4e-4,
  weightDecay: 5e-4,
  scheduler: 'plateau',
  lrPatience: 10,
  esPatience: 35,
  loss: 'l1',
  restoreBest: true,
  schedulerStartEpoch: 20,
};

export interface EpochInfo {
  epoch: number;
  trainLoss: number;
  validLoss: number;
  lr: number;
  seconds: number;
}

export interface TrainReport {
  epochs: number;
  bestEpoch: number;
  bestValidLoss: number;
  steps: number;
  seconds: number;
  history: EpochInfo[];
  stoppedEarly: boolean;
  /** Stopped by the caller's StopSignal (Ctrl-C); the best weights so far are restored. */
  interrupted: boolean;
}

export interface Normalisation {
  min: number;
  max: number;
}

/**
 * Graph nodes embedded in one pass, as before chunking existed (NB201's 15,625 cells, NB101 pools of
 * 20k); beyond that, chunks of CHUNK_ROWS nodes: the distinct rows of weakly shared graphs (NB101,
 * DARTS) must fit the kernels' heap.
 */
const ONE_PASS_ROWS = 32768 * 9;
const CHUNK_ROWS = 4096 * 8;

export class GcnRegressor {
  readonly model: Gcn;
  norm: Normalisation = { min: 0, max: 1 };
  private pred = new Float64Array(1);
  private dy = new Float64Array(1);

  constructor(readonly kernels: Kernels, readonly config: GcnConfig) {
    if (config.head !== 'regression') throw new Error('GcnRegressor needs a regression head');
    this.model = new Gcn(kernels, config);
  }

  init(rng: Rng, bodyInit: 'thomas' | 'torch-linear' = 'thomas'): void {
    this.model.init(rng, bodyInit);
  }

  /**
   * Training-mode forward and backward on graphs `ids` with normalised targets `y`: sets the
   * parameter gradients of the summed loss and returns the loss. With `step`, the body applies
   * that AdamW step to its fused weights itself (Gcn.backward), and their gradients are not set.
   */
  accumulateGradients(set: GraphSet, ids: ArrayLike<number>, y: ArrayLike<number>, loss: 'l1' | 'mse', rng: Rng, step?: AdamWStep): number {
    const B = ids.length;
    if (this.pred.length < B) {
      this.pred = new Float64Array(B);
      this.dy = new Float64Array(B);
    }
    this.model.load(set, ids);
    this.model.forward(B, true, rng);
    regressionHeadForward(this.model, B, this.pred);
    let total = 0;
    for (let i = 0; i < B; i++) {
      const r = this.pred[i] - y[i];
      if (loss === 'l1') {
        total += Math.abs(r);
        this.dy[i] = r > 0 ? 1 : r < 0 ? -1 : 0;
      } else {
        total += r * r;
        this.dy[i] = 2 * r;
      }
    }
    regressionHeadBackward(this.model, B, this.dy);
    this.model.backward(step);
    return total;
  }

  /** Normalised predictions for graphs `ids` of the set (eval mode, shared-work forward). */
  predictNormalised(set: GraphSet, ids: ArrayLike<number>, signal?: StopSignal): Float64Array {
    const n = ids.length;
    if (n <= 32768 && n * set.nodes <= ONE_PASS_ROWS) return regressionHeadOn(this.model, this.model.embedShared(set, ids, { signal }), n);
    const chunk = Math.max(1, Math.floor(CHUNK_ROWS / set.nodes));
    // in chunks: the embeddings of a whole large space would not fit (NB101: 423,624 x H floats)
    const out = new Float64Array(n);
    for (let from = 0; from < n; from += chunk) {
      const part = Array.prototype.slice.call(ids, from, Math.min(n, from + chunk)) as number[];
      out.set(regressionHeadOn(this.model, this.model.embedShared(set, part, { sparseSums: true, signal }), part.length), from);
    }
    return out;
  }

  /** Normalised predictions with the plain batched forward (reference path for tests and benchmarks). */
  predictNormalisedBatched(set: GraphSet, ids: ArrayLike<number>, chunk = 256): Float64Array {
    const out = new Float64Array(ids.length);
    const tmp = new Float64Array(chunk);
    for (let s = 0; s < ids.length; s += chunk) {
      const part = Array.prototype.slice.call(ids, s, Math.min(ids.length, s + chunk)) as number[];
      this.model.load(set, part);
      this.model.forward(part.length, false);
      regressionHeadForward(this.model, part.length, tmp);
      out.set(tmp.subarray(0, part.length), s);
    }
    return out;
  }

  /** Predictions in the target's own unit. */
  predict(set: GraphSet, ids: ArrayLike<number>): Float64Array {
    const y = this.predictNormalised(set, ids);
    const span = this.norm.max - this.norm.min;
    for (let i = 0; i < y.length; i++) y[i] = y[i] * span + this.norm.min;
    return y;
  }

  /**
   * Train on graphs `trainIds` with targets `trainY` (target unit), validating on `validIds`.
   * `onEpoch` sees every epoch (progress); returning false from it stops training. `signal` is
   * polled every step: when it says stop, training ends mid-epoch with the best weights so far.
   */
  train(
    set: GraphSet,
    trainIds: ArrayLike<number>,
    trainY: ArrayLike<number>,
    validIds: ArrayLike<number>,
    validY: ArrayLike<number>,
    cfg: RegressorTrainConfig,
    rng: Rng,
    onEpoch?: (e: EpochInfo) => boolean | void,
    signal?: StopSignal,
  ): TrainReport {
    if (trainIds.length !== trainY.length || validIds.length !== validY.length) throw new Error('ids and targets differ in length');
    if (trainIds.length < 2) throw new Error('need at least 2 training graphs');
    for (const y of [...Array.from(trainY), ...Array.from(validY)]) if (!Number.isFinite(y)) throw new Error(`target ${y} is not a finite number`);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < trainY.length; i++) {
      min = Math.min(min, trainY[i]);
      max = Math.max(max, trainY[i]);
    }
    if (!(max > min)) max = min + 1;
    this.norm = { min, max };
    const span = max - min;
    const yn = Float64Array.from(trainY, (y) => (y - min) / span);
    const vn = Float64Array.from(validY, (y) => (y - min) / span);

    const model = this.model;
    model.reserve(Math.max(cfg.batchSize, Math.min(256, Math.max(validIds.length, 1))));
    const opt = new AdamW(this.kernels, { p: model.p, g: model.g, m: model.m, v: model.v, count: model.paramCount }, { lr: cfg.lr, weightDecay: cfg.weightDecay });
    model.zeroGrad();
    const unfused = model.unfusedRanges();
    const plateau = new PlateauScheduler(cfg.lr, cfg.lrPatience);
    const stopper = new EarlyStopping(cfg.esPatience);
    const order = Int32Array.from({ length: trainIds.length }, (_, i) => i);
    const batchIds = new Int32Array(cfg.batchSize);
    const batchY = new Float64Array(cfg.batchSize);
    const history: EpochInfo[] = [];
    let best = { loss: Infinity, epoch: -1, params: null as Float32Array | null };
    let steps = 0;
    let stoppedEarly = false;
    let interrupted = false;
    const t0 = performance.now();
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const te = performance.now();
      if (cfg.scheduler === 'cosine') opt.lr = cosineLr(cfg.lr, epoch, cfg.epochs);
      rng.shuffle(order);
      let trainLoss = 0;
      for (let s = 0; s < order.length; s += cfg.batchSize) {
        if (signal?.stopped) {
          interrupted = true;
          break;
        }
        const B = Math.min(cfg.batchSize, order.length - s);
        for (let i = 0; i < B; i++) {
          batchIds[i] = trainIds[order[s + i]];
          batchY[i] = yn[order[s + i]];
        }
        // the weight updates are fused into the backward pass; the optimizer does the rest
        const step = opt.next();
        trainLoss += this.accumulateGradients(set, batchIds.subarray(0, B), batchY.subarray(0, B), cfg.loss, rng, step);
        for (const [from, count] of unfused) opt.update(step, from, count);
        steps++;
      }
      if (interrupted) break;
      let validLoss = 0;
      if (validIds.length) {
        const vp = this.predictNormalised(set, validIds);
        for (let i = 0; i < vp.length; i++) validLoss += cfg.loss === 'l1' ? Math.abs(vp[i] - vn[i]) : (vp[i] - vn[i]) ** 2;
      } else {
        validLoss = trainLoss;
      }
      if (validLoss < best.loss) {
        best = { loss: validLoss, epoch, params: cfg.restoreBest ? Float32Array.from(model.paramView()) : null };
      }
      const info: EpochInfo = { epoch, trainLoss: trainLoss / order.length, validLoss, lr: opt.lr, seconds: (performance.now() - te) / 1000 };
      history.push(info);
      const keepGoing = onEpoch?.(info);
      if (cfg.scheduler === 'plateau' && epoch > cfg.schedulerStartEpoch) opt.lr = plateau.step(validLoss);
      if (epoch > cfg.schedulerStartEpoch && stopper.step(validLoss)) {
        stoppedEarly = true;
        break;
      }
      if (keepGoing === false) break;
    }
    if (cfg.restoreBest && best.params) model.paramView().set(best.params);
    return { epochs: history.length, bestEpoch: best.epoch, bestValidLoss: best.loss, steps, seconds: (performance.now() - t0) / 1000, history, stoppedEarly, interrupted };
  }
}
