// Candidates for spaces too large to rank whole (DARTS: ~1e18 genotypes; the reference ranks a
// 10-million random sample). Instead of ranking a bigger random sample, spend the predictor's
// evaluations where it points: score a random start, then repeatedly score the unseen neighbours of
// the best-scored architectures not yet expanded (a predictor-guided best-first search), until the
// evaluation budget is spent. bench/darts-pool.ts measures it against plain random samples.

import { sampleDistinct, type SearchSpace } from '../spaces/space.js';
import type { Rng } from '../util/rng.js';

export interface GuidedPoolOptions {
  /** Random architectures scored first. */
  initial: number;
  /** Best unexpanded architectures whose neighbours are scored per step. */
  parents: number;
  /** Total architectures scored (the cost). */
  budget: number;
}

export interface ScoredPool<A> {
  archs: A[];
  keys: string[];
  /** Predictor scores, higher = better, in the order of `archs` (best first). */
  scores: Float64Array;
  /** Architectures scored in all. */
  scored: number;
}

/** Best-first predictor-guided pool (see the file comment); `exclude` keys are never proposed. */
export function guidedPool<A>(space: SearchSpace<A>, score: (archs: A[]) => Float64Array, rng: Rng, opts: GuidedPoolOptions, exclude: ReadonlySet<string> = new Set()): ScoredPool<A> {
  if (!(opts.initial >= 1 && opts.parents >= 1 && opts.budget >= opts.initial)) throw new Error('guided pool: needs initial >= 1, parents >= 1, budget >= initial');
  const all: { arch: A; key: string; score: number; expanded: boolean }[] = [];
  const seen = new Set<string>(exclude);
  const add = (batch: { arch: A; key: string }[]) => {
    if (!batch.length) return;
    const s = score(batch.map((b) => b.arch));
    batch.forEach((b, i) => all.push({ ...b, score: s[i], expanded: false }));
  };
  const randomBatch = (n: number) => sampleDistinct(space, rng, n, seen, 100 * n);
  add(randomBatch(opts.initial));
  while (all.length < opts.budget) {
    const left = opts.budget - all.length;
    const parents = all.filter((x) => !x.expanded).sort((a, b) => b.score - a.score).slice(0, opts.parents);
    let batch: { arch: A; key: string }[] = [];
    for (const p of parents) {
      p.expanded = true;
      for (const n of space.neighbours(p.arch)) {
        const key = space.key(n);
        if (seen.has(key)) continue;
        seen.add(key);
        batch.push({ arch: n, key });
      }
    }
    if (batch.length > left) batch = rng.shuffle(batch).slice(0, left);
    if (batch.length === 0) batch = randomBatch(Math.min(left, opts.initial));
    if (batch.length === 0) break;
    add(batch);
  }
  all.sort((a, b) => b.score - a.score);
  return { archs: all.map((x) => x.arch), keys: all.map((x) => x.key), scores: Float64Array.from(all, (x) => x.score), scored: all.length };
}

/**
 * A plain random sample of `n` distinct architectures, scored (the reference's way, at any size).
 * Only the `keep` best are returned (all scores are kept in `allScores` for percentiles).
 */
export function randomPool<A>(space: SearchSpace<A>, score: (archs: A[]) => Float64Array, rng: Rng, n: number, opts: { chunk?: number; keep?: number; exclude?: ReadonlySet<string> } = {}): ScoredPool<A> & { allScores: Float64Array } {
  const chunk = opts.chunk ?? 20000;
  const keep = opts.keep ?? n;
  const seen = new Set<string>(opts.exclude ?? []);
  let best: { arch: A; key: string; score: number }[] = [];
  const allScores = new Float64Array(n);
  let done = 0;
  while (done < n) {
    const batch = sampleDistinct(space, rng, Math.min(chunk, n - done), seen);
    const s = score(batch.map((b) => b.arch));
    allScores.set(s, done);
    done += batch.length;
    best = best.concat(batch.map((b, i) => ({ ...b, score: s[i] }))).sort((x, y) => y.score - x.score).slice(0, keep);
  }
  return { archs: best.map((x) => x.arch), keys: best.map((x) => x.key), scores: Float64Array.from(best, (x) => x.score), scored: n, allScores };
}
