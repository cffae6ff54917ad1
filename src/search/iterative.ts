// Predictor-guided search with the iterative data selection of BRP-NAS (reference spec section 5,
// `--iter K --sample_best2`): first a random round; then, in each later round, retrain the predictor
// (warm-started) on everything measured so far, rank all candidates, and propose half the round from
// the predicted best and half at random from the top |C| / 2^i of the ranking.

import type { Rng } from '../util/rng.js';
import type { Observation, SearchStrategy } from './strategy.js';

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
   * Equivalence class of a cell (e.g. its isomorphism key). A predictor cannot tell members of a
   * class apart, so the predicted-best picks skip classes already measured or already picked.
   */
  classOf?: (code: number) => string;
  /**
   * In the last round take every pick from the predicted best instead of half at random: with no
   * later round to learn from the exploration, it only costs (default true; false = the reference).
   */
  exploitLastRound?: boolean;
}

export class IterativePredictorSearch implements SearchStrategy {
  private readonly trainedSet = new Set<number>();
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
    this.candidates = Int32Array.from(candidates);
    this.perRound = Math.max(2, Math.ceil(opts.budget / opts.rounds));
  }

  ask(max: number): number[] {
    if (this.queue.length === 0 && this.pending === 0) this.planRound();
    const out = this.queue.splice(0, max);
    this.pending += out.length;
    return out;
  }

  private planRound(): void {
    const left = this.opts.budget - this.codes.length;
    const want = Math.min(this.perRound, left, this.candidates.length - this.codes.length);
    if (want <= 0) return;
    const untrained = Array.from(this.candidates).filter((c) => !this.trainedSet.has(c));
    if (this.round === 0) {
      this.queue = this.rng.sample(untrained, want);
    } else {
      const t0 = performance.now();
      this.learner.fit(this.codes, this.values, this.round);
      const scores = this.learner.scores(this.candidates);
      this.modelSeconds += (performance.now() - t0) / 1000;
      const order = Array.from(this.candidates.keys()).sort((a, b) => scores[b] - scores[a]);
      const top: number[] = [];
      const last = this.codes.length + want >= this.opts.budget;
      const nTop = last && this.opts.exploitLastRound !== false ? want : Math.floor(want / 2);
      const classOf = this.opts.classOf;
      const usedClasses = new Set(classOf ? this.codes.map(classOf) : []);
      for (const i of order) {
        if (top.length >= nTop) break;
        const c = this.candidates[i];
        if (this.trainedSet.has(c)) continue;
        if (classOf) {
          const k = classOf(c);
          if (usedClasses.has(k)) continue;
          usedClasses.add(k);
        }
        top.push(c);
      }
      // the random half comes from the top |C| / 2^i of the ranking
      const cut = Math.floor(order.length / 2 ** Math.max(this.round, 1));
      const threshold = scores[order[Math.min(cut, order.length - 1)]];
      const taken = new Set(top);
      let pool = order.filter((i) => scores[i] > threshold).map((i) => this.candidates[i]).filter((c) => !this.trainedSet.has(c) && !taken.has(c));
      if (pool.length < want - top.length) pool = untrained.filter((c) => !taken.has(c));
      this.queue = [...top, ...this.rng.sample(pool, Math.min(pool.length, want - top.length))];
    }
    this.round++;
  }

  tell(observations: Observation[]): void {
    for (const o of observations) {
      if (this.trainedSet.has(o.code)) continue;
      this.trainedSet.add(o.code);
      this.codes.push(o.code);
      this.values.push(o.value);
      this.pending--;
    }
  }

  dispose(): void {
    this.learner.dispose?.();
  }
}
