// AdamW (PyTorch semantics), learning-rate schedules and early stopping, as the reference uses them
// (reference spec sections 3.4-3.7).

import type { Kernels } from './kernels.js';

export interface AdamWOptions {
  lr: number;
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/** The hyper-parameters of one AdamW step (for an update fused into a backward pass). */
export interface AdamWStep {
  lr: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Bias corrections 1 - beta^t. */
  bc1: number;
  bc2: number;
}

/** AdamW over a contiguous parameter block (params, grads, m, v at byte offsets). */
export class AdamW {
  lr: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  t = 0;

  constructor(
    private readonly k: Kernels,
    private readonly block: { p: number; g: number; m: number; v: number; offset?: number; count: number },
    opts: AdamWOptions,
  ) {
    this.lr = opts.lr;
    this.weightDecay = opts.weightDecay;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.reset();
  }

  /** Zero the moments and the step count (the reference builds a new optimizer per train() call). */
  reset(): void {
    const off = (this.block.offset ?? 0) * 4;
    this.k.heap.f32(this.block.m + off, this.block.count).fill(0);
    this.k.heap.f32(this.block.v + off, this.block.count).fill(0);
    this.t = 0;
  }

  /** One update from the current gradients. */
  step(): void {
    this.update(this.next(), 0, this.block.count);
  }

  /**
   * Start a step whose update is applied in parts: the returned hyper-parameters go to a fused
   * kernel for some parameters and to update() for the rest.
   */
  next(): AdamWStep {
    this.t++;
    return { lr: this.lr, weightDecay: this.weightDecay, beta1: this.beta1, beta2: this.beta2, eps: this.eps, bc1: 1 - this.beta1 ** this.t, bc2: 1 - this.beta2 ** this.t };
  }

  /** Apply step `s` to floats [from, from + count) of the block. */
  update(s: AdamWStep, from: number, count: number): void {
    const off = ((this.block.offset ?? 0) + from) * 4;
    const b = this.block;
    this.k.adamw(b.p + off, b.g + off, b.m + off, b.v + off, count, s.lr, s.weightDecay, s.beta1, s.beta2, s.eps, s.bc1, s.bc2);
  }
}

/** Cosine annealing to 0 over tMax epochs: the rate during epoch e. */
export function cosineLr(lr0: number, epoch: number, tMax: number): number {
  return (lr0 * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2;
}

/**
 * ReduceLROnPlateau(mode min, factor 0.5, threshold 0.01 relative, cooldown 0): halve the rate when
 * the number of consecutive non-improving epochs exceeds `patience`.
 */
export class PlateauScheduler {
  private best = Infinity;
  private bad = 0;
  constructor(
    public lr: number,
    private readonly patience: number,
    private readonly factor = 0.5,
    private readonly threshold = 0.01,
    private readonly minLr = 0,
  ) {}

  step(loss: number): number {
    if (loss < this.best * (1 - this.threshold)) {
      this.best = loss;
      this.bad = 0;
    } else {
      this.bad++;
    }
    if (this.bad > this.patience) {
      const next = Math.max(this.lr * this.factor, this.minLr);
      if (this.lr - next > 1e-8) this.lr = next;
      this.bad = 0;
    }
    return this.lr;
  }
}

/** Early stopping (mode min, min_delta 0): fires when `patience` calls in a row do not improve. */
export class EarlyStopping {
  private best: number | null = null;
  private bad = 0;
  constructor(private readonly patience: number) {}

  /** Returns true when training should stop. */
  step(loss: number): boolean {
    if (Number.isNaN(loss)) return true;
    if (this.best === null || loss < this.best) {
      this.best = loss;
      this.bad = 0;
      return false;
    }
    this.bad++;
    return this.patience > 0 && this.bad >= this.patience;
  }
}
