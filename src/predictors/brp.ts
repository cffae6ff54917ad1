// The binary relation predictor (BRP) of BRP-NAS: a shared GCN body embeds both graphs of a pair,
// Linear(2H -> 2) on the concatenated global-node embeddings, log-softmax; trained with KL
// divergence against the soft target softmax([t_a, t_b]) (reference spec sections 2.3 and 3.3).
//
// Training (our schedule, documented in the README): every optimizer step uses all ordered pairs of
// the training models. Each model is embedded once per step (one dropout mask per model and step),
// the head scores all n(n-1) pairs from the n embeddings, and the gradient flows back through n
// graphs. The reference instead takes minibatches of 64 pairs and re-embeds each graph per pair,
// which costs up to 90,600 steps per search; the full-pair step sees the same pairs and loss at
// about 1/100 of the cost.
//
// Ranking: the head is linear, so z0 - z1 = u.e_a + v.e_b + c for a pair (a, b). The reference sorts
// with this one-sided comparator, which is neither antisymmetric nor transitive, so its result
// depends on the input order. We symmetrise it: compare(a, b) = [f(a, b) - f(b, a)] / 2 =
// s_a - s_b with the score s = (u - v).e. The induced order is total and transitive, costs one
// embedding and one dot product per model plus a sort, and is what the comparator says on average
// over both argument orders.

import { Gcn, type GcnConfig } from '../nn/gcn.js';
import { pairHeadBackward, pairHeadParts } from '../nn/heads.js';
import type { GraphSet } from '../nn/graphs.js';
import type { Kernels } from '../nn/kernels.js';
import { AdamW, type AdamWStep, EarlyStopping, cosineLr } from '../nn/optim.js';
import type { Rng } from '../util/rng.js';
import { throwIfStopped, type StopSignal } from '../util/stop.js';

export interface BrpTrainConfig {
  /** Optimizer steps (each over all ordered pairs). */
  steps: number;
  lr: number;
  weightDecay: number;
  /** Cosine decay of the learning rate to 0 over `steps`. */
  cosine: boolean;
  /** Stop when the loss has not improved for this many steps (0 = never). */
  patience: number;
  /**
   * Models per step: a random subset of this many (all their ordered pairs) instead of all models,
   * for large training sets of large graphs (DARTS). Unset = all, as the searches train.
   */
  modelsPerStep?: number;
}

export const BRP_TRAIN_CONFIG: BrpTrainConfig = { steps: 150, lr: 3.5e-4, weightDecay: 5e-4, cosine: true, patience: 0 };

export interface BrpTrainReport {
  steps: number;
  loss: number;
  seconds: number;
}

/** Soft target of the reference: softmax([ta, tb]), first component. */
export function softTarget(ta: number, tb: number): number {
  const m = Math.max(ta, tb);
  const ea = Math.exp(ta - m);
  const eb = Math.exp(tb - m);
  return ea / (ea + eb);
}

function assertFiniteValues(y: ArrayLike<number>): void {
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) throw new Error(`training value ${y[i]} is not a finite number`);
}

/**
 * Graph nodes embedded in one pass, as before chunking existed (NB201's 15,625 cells, NB101 pools of
 * 20k); beyond that, chunks of CHUNK_ROWS nodes: the distinct rows of weakly shared graphs (NB101,
 * DARTS) must fit the kernels' heap.
 */
const ONE_PASS_ROWS = 32768 * 9;
const CHUNK_ROWS = 4096 * 8;

export class BinaryRelationPredictor {
  readonly model: Gcn;

  constructor(readonly kernels: Kernels, readonly config: GcnConfig) {
    if (config.head !== 'binary') throw new Error('BinaryRelationPredictor needs a binary head');
    this.model = new Gcn(kernels, config);
  }

  init(rng: Rng): void {
    this.model.init(rng);
  }

  /**
   * One forward/backward over all ordered pairs of graphs `ids` with targets `y`; sets gradients
   * and returns the mean KL loss per pair. Training mode (dropout) when `rng` is given. With
   * `bodyBackward` false only the head's gradients are set (head-only warm-up). With `step`, the
   * body applies that AdamW step to its fused weights itself (Gcn.backward).
   */
  pairGradients(set: GraphSet, ids: ArrayLike<number>, y: ArrayLike<number>, rng: Rng, bodyBackward = true, step?: AdamWStep): number {
    const n = ids.length;
    const H = this.config.hidden;
    if (n < 2) throw new Error('need at least 2 models to form pairs');
    this.model.load(set, ids);
    const embPtr = this.model.forward(n, true, rng);
    const E = Float32Array.from(this.kernels.heap.f32(embPtr, n * H));
    const { A0, A1, B0, B1, c0, c1 } = pairHeadParts(this.model, E, n);
    // dz per pair: p - q; accumulate per-model sums for the gradients
    const dA0 = new Float64Array(n);
    const dA1 = new Float64Array(n);
    const dB0 = new Float64Array(n);
    const dB1 = new Float64Array(n);
    let db0 = 0;
    let db1 = 0;
    let loss = 0;
    const pairs = n * (n - 1);
    const scale = 1 / pairs;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        if (a === b) continue;
        const z0 = A0[a] + B0[b] + c0;
        const z1 = A1[a] + B1[b] + c1;
        const m = Math.max(z0, z1);
        const lse = m + Math.log(Math.exp(z0 - m) + Math.exp(z1 - m));
        const lp0 = z0 - lse;
        const lp1 = z1 - lse;
        const q0 = softTarget(y[a], y[b]);
        const q1 = 1 - q0;
        loss += ((q0 > 0 ? q0 * (Math.log(q0) - lp0) : 0) + (q1 > 0 ? q1 * (Math.log(q1) - lp1) : 0));
        const d0 = (Math.exp(lp0) - q0) * scale;
        const d1 = (Math.exp(lp1) - q1) * scale;
        dA0[a] += d0;
        dA1[a] += d1;
        dB0[b] += d0;
        dB1[b] += d1;
        db0 += d0;
        db1 += d1;
      }
    }
    pairHeadBackward(this.model, E, n, { dA0, dA1, dB0, dB1, db0, db1 });
    if (bodyBackward) this.model.backward(step);
    return loss / pairs;
  }

  /**
   * Head-only warm-up after a transfer (the reference's --warmup): `steps` full-pair steps of a
   * separate AdamW on the head alone, constant rate `lr`, no weight decay, dropout active, the
   * normal loss. The body is not changed. The reference also backpropagates into the body and
   * throws those gradients away; skipping that pass gives the same result.
   */
  warmUpHead(set: GraphSet, ids: ArrayLike<number>, y: ArrayLike<number>, steps: number, lr: number, rng: Rng, signal?: StopSignal): BrpTrainReport {
    const t0 = performance.now();
    assertFiniteValues(y);
    const model = this.model;
    model.reserve(ids.length);
    const head = { p: model.p, g: model.g, m: model.m, v: model.v, offset: model.bodyParamCount, count: model.paramCount - model.bodyParamCount };
    const opt = new AdamW(this.kernels, head, { lr, weightDecay: 0 });
    let loss = NaN;
    for (let s = 0; s < steps; s++) {
      throwIfStopped(signal);
      loss = this.pairGradients(set, ids, y, rng, false);
      opt.step();
    }
    return { steps, loss, seconds: (performance.now() - t0) / 1000 };
  }

  /**
   * Train (or continue training: the model is warm-started, the optimizer and schedule are new,
   * as in the reference's iterations) on graphs `ids` with values `y` (higher = better). A stop
   * from `signal` (polled every step) throws InterruptedError: a half-trained round is of no use.
   */
  train(set: GraphSet, ids: ArrayLike<number>, y: ArrayLike<number>, cfg: BrpTrainConfig, rng: Rng, onStep?: (step: number, loss: number) => void, signal?: StopSignal): BrpTrainReport {
    const t0 = performance.now();
    assertFiniteValues(y);
    this.model.reserve(ids.length);
    const model = this.model;
    const opt = new AdamW(this.kernels, { p: model.p, g: model.g, m: model.m, v: model.v, count: model.paramCount }, { lr: cfg.lr, weightDecay: cfg.weightDecay });
    const stopper = new EarlyStopping(cfg.patience);
    const unfused = model.unfusedRanges();
    let loss = NaN;
    let steps = 0;
    for (let s = 0; s < cfg.steps; s++) {
      throwIfStopped(signal);
      if (cfg.cosine) opt.lr = cosineLr(cfg.lr, s, cfg.steps);
      // the weight updates are fused into the backward pass; the optimizer does the rest
      const step = opt.next();
      if (cfg.modelsPerStep !== undefined && cfg.modelsPerStep < ids.length) {
        const pick = rng.sample(Array.from({ length: ids.length }, (_, i) => i), cfg.modelsPerStep);
        loss = this.pairGradients(set, pick.map((i) => ids[i]), pick.map((i) => y[i]), rng, true, step);
      } else loss = this.pairGradients(set, ids, y, rng, true, step);
      for (const [from, count] of unfused) opt.update(step, from, count);
      steps++;
      onStep?.(s, loss);
      if (cfg.patience > 0 && stopper.step(loss)) break;
    }
    return { steps, loss, seconds: (performance.now() - t0) / 1000 };
  }

  /**
   * Ranking scores (higher = predicted better) for graphs `ids`: s = (u - v).e, the symmetrised
   * comparator's score (see the file comment). Eval mode, shared-work embedding.
   */
  scores(set: GraphSet, ids: ArrayLike<number>, signal?: StopSignal): Float64Array {
    const n = ids.length;
    if (n <= 32768 && n * set.nodes <= ONE_PASS_ROWS) return this.scoresOf(set, ids, false, signal);
    const chunk = Math.max(1, Math.floor(CHUNK_ROWS / set.nodes));
    const s = new Float64Array(n);
    // in chunks: the embeddings of a whole large space would not fit (NB101: 423,624 x H floats)
    for (let from = 0; from < n; from += chunk) {
      const part = Array.prototype.slice.call(ids, from, Math.min(n, from + chunk)) as number[];
      s.set(this.scoresOf(set, part, true, signal), from);
    }
    return s;
  }

  private scoresOf(set: GraphSet, ids: ArrayLike<number>, sparseSums: boolean, signal?: StopSignal): Float64Array {
    const n = ids.length;
    const E = this.model.embedShared(set, ids, { sparseSums, signal });
    const { A0, A1, B0, B1 } = pairHeadParts(this.model, E, n);
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = (A0[i] - A1[i] - (B0[i] - B1[i])) / 2;
    return s;
  }

  /**
   * The one-sided comparator of the reference, f(a, b) = logP(a better) - logP(b better), for
   * checking how often it disagrees with itself when the arguments are swapped.
   */
  comparator(set: GraphSet, ids: ArrayLike<number>): (a: number, b: number) => number {
    const E = this.model.embedShared(set, ids);
    const { A0, A1, B0, B1, c0, c1 } = pairHeadParts(this.model, E, ids.length);
    return (a, b) => A0[a] + B0[b] + c0 - (A1[a] + B1[b] + c1);
  }
}
