// Predictor-guided search with the iterative data selection of BRP-NAS (reference spec section 5,
// `--iter K --sample_best2`): first a random round; then, in each later round, retrain the predictor
// (warm-started) on everything measured so far, rank all candidates, and propose half the round from
// the predicted best and half at random from the top |C| / 2^i of the ranking. Options (the sample-efficiency study, docs/research/search-design.md):
// the first round's size, a zero-cost score (e.g. the parameter count) that chooses the first
// round the way a trained predictor chooses the later ones, instead of all at random, and the random
// share of the later rounds (`explore`, the reference's half by default).

import type { Rng } from '../util/rng.js';
import { ClassSet, type ClassOf, type Observation, type SearchStrategy } from './strategy.js';

/** A predictor that learns from measured models and scores candidates (higher = better). */
export interface RankingLearner {
  fit(codes: number[], values: number[], round: number): void;
  scores(candidates: Int32Array): Float64Array;
  dispose?(): void;
}

export interface IterativeOptions {
  budget: number;
  rounds: number;
  /**
   * Equivalence class of a cell (e.g. its isomorphism key): every pick, predicted-best or random,
   * skips classes already proposed (the rule all strategies share).
   */
  classOf?: ClassOf;
  /**
   * In the last round take every pick from the predicted best instead of half at random: with no
   * later round to learn from the exploration, it only costs (default true; false = the reference).
   */
  exploitLastRound?: boolean;
  /** Models in the first round (default: budget / rounds, like every round); the rest share the other rounds. */
  first?: number;
  /** Scores (higher = better) that choose the first round as a predictor would; absent: a random first round. */
  warmScores?: (candidates: Int32Array) => Float64Array;
  /**
   * Share of each predictor round (after the first, before the last) proposed at random from the top
   * of the ranking, the rest from the predicted best (default 0.5, the reference's half and half).
   * The warm-started first round stays half and half: its score is a guess, not a trained predictor.
   */
  explore?: number;
  /**
   * Local exploitation: when set (with `neighbours`), each predictor round's predicted-best picks come
   * from the candidates one mutation away from the `local` best measured models (ranked by the
   * predictor), the global ranking only where those run out. The random share stays global.
   */
  local?: number;
  neighbours?: (id: number) => number[];
}

export class IterativePredictorSearch implements SearchStrategy {
  private readonly trainedSet = new Set<number>();
  private readonly proposed = new Set<number>();
  private readonly classes: ClassSet;
  private readonly codes: number[] = [];
  private readonly values: number[] = [];
  private queue: number[] = [];
  private round = 0;
  private pending = 0;
  private readonly perRound: number;
  private readonly candidates: Int32Array;
  /** Seconds spent fitting and ranking. */
  modelSeconds = 0;

  constructor(
    readonly name: string,
    candidates: ArrayLike<number>,
    private readonly rng: Rng,
    private readonly learner: RankingLearner,
    private readonly opts: IterativeOptions,
  ) {
    if (opts.rounds < 1 || opts.budget < 2) throw new Error('iterative search needs rounds >= 1 and budget >= 2');
    if (opts.first !== undefined && (!Number.isInteger(opts.first) || opts.first < 1 || opts.first > opts.budget)) throw new Error(`the first round must have between 1 and ${opts.budget} models, got ${opts.first}`);
    if (opts.explore !== undefined && !(opts.explore >= 0 && opts.explore <= 1)) throw new Error(`explore must be a share between 0 and 1, got ${opts.explore}`);
    if (opts.first !== undefined && opts.rounds < 2 && opts.first < opts.budget) throw new Error('a first round smaller than the budget needs at least 2 rounds');
    this.candidates = Int32Array.from(candidates);
    this.perRound = opts.first === undefined ? Math.max(2, Math.ceil(opts.budget / opts.rounds)) : Math.max(1, Math.ceil((opts.budget - opts.first) / Math.max(1, opts.rounds - 1)));
    this.classes = new ClassSet(opts.classOf);
  }

  ask(max: number): number[] {
    if (this.queue.length === 0 && this.pending === 0) this.planRound();
    const out = this.queue.splice(0, max);
    this.pending += out.length;
    for (const c of out) this.proposed.add(c);
    return out;
  }

  private planRound(): void {
    const left = this.opts.budget - this.codes.length;
    const want = Math.min(this.round === 0 && this.opts.first !== undefined ? this.opts.first : this.perRound, left);
    if (want <= 0) return;
    const fresh = (c: number) => !this.proposed.has(c) && !this.classes.has(c);
    /** Up to k random picks from `pool` (in a seeded order), one per new class. */
    const randomPicks = (pool: number[], k: number, into: number[]) => {
      for (const c of this.rng.shuffle(pool.slice())) {
        if (into.length >= k) break;
        // without classes (dedupe off) a cell this round took from the predicted best can come up again
        if (!into.includes(c) && this.classes.claim(c)) into.push(c);
      }
    };
    const picks: number[] = [];
    if (this.round === 0 && !this.opts.warmScores) {
      randomPicks(Array.from(this.candidates).filter(fresh), want, picks);
    } else {
      const t0 = performance.now();
      let scores: Float64Array;
      if (this.round === 0) scores = this.opts.warmScores!(this.candidates);
      else {
        this.learner.fit(this.codes, this.values, this.round);
        scores = this.learner.scores(this.candidates);
      }
      this.modelSeconds += (performance.now() - t0) / 1000;
      const order = Array.from(this.candidates.keys()).sort((a, b) => scores[b] - scores[a]);
      const last = this.codes.length + want >= this.opts.budget;
      // want - round(want / 2) is floor(want / 2): the reference's split
      const explore = this.round === 0 ? 0.5 : (this.opts.explore ?? 0.5);
      const nTop = last && this.opts.exploitLastRound !== false ? want : want - Math.round(want * explore);
      /** The predicted best fresh candidates that `allow` admits, until the round has nTop of them. */
      const takeBest = (allow: (c: number) => boolean) => {
        for (const i of order) {
          if (picks.length >= nTop) break;
          const c = this.candidates[i];
          if (allow(c) && !this.proposed.has(c) && this.classes.claim(c)) picks.push(c);
        }
      };
      if (this.round > 0 && this.opts.local && this.opts.neighbours) {
        // the neighbourhood of the best measured models first
        const best = Array.from(this.values.keys()).sort((a, b) => this.values[b] - this.values[a]).slice(0, this.opts.local);
        const near = new Set<number>();
        for (const b of best) for (const n of this.opts.neighbours(this.codes[b])) near.add(n);
        takeBest((c) => near.has(c));
      }
      takeBest(() => true);
      // the random half comes from the top |C| / 2^i of the ranking (all fresh candidates if too few)
      const cut = Math.floor(order.length / 2 ** Math.max(this.round, 1));
      const threshold = scores[order[Math.min(cut, order.length - 1)]];
      let pool = order.filter((i) => scores[i] > threshold).map((i) => this.candidates[i]).filter(fresh);
      if (pool.length < want - picks.length) pool = Array.from(this.candidates).filter(fresh);
      randomPicks(pool, want, picks);
    }
    this.queue = picks;
    this.round++;
  }

  tell(observations: Observation[]): void {
    for (const o of observations) {
      if (!this.proposed.has(o.code) || this.trainedSet.has(o.code)) throw new Error(`${this.name}: ${o.code} was not proposed, or was told already`);
      this.trainedSet.add(o.code);
      this.codes.push(o.code);
      this.values.push(o.value);
      this.pending--;
    }
  }

  forget(codes: number[]): void {
    this.pending -= codes.length;
  }

  dispose(): void {
    this.learner.dispose?.();
  }
}
