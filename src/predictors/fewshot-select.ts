// Which K cells a user should measure on a new device for `latency adapt`. 'random': a seeded random
// choice. 'spread': the candidates sorted by the cost model's FLOPs (of the cells as the device runs
// them) and cut into K equal strata, one seeded random cell from each, so the few measurements span
// the fast-to-slow range the fit must extrapolate over. Both need no base model, so `measure
// --select` picks the same cells that `adapt` later expects to find measured.

import { flopsFeature } from './baselines.js';
import type { Nb201CellMode } from '../spaces/nb201/cell.js';
import type { Rng } from '../util/rng.js';

export const FEWSHOT_CHOICES = ['spread', 'random'] as const;
export type FewshotChoice = (typeof FEWSHOT_CHOICES)[number];

/**
 * K of the candidate codes, in the order they were chosen. The same (candidates, K, seed, cell)
 * always gives the same cells.
 */
export function chooseFewshotCells(candidates: Int32Array, k: number, rng: Rng, how: FewshotChoice, cell: Nb201CellMode = 'pruned'): Int32Array {
  if (!Number.isInteger(k) || k < 1) throw new Error(`choose at least 1 cell, got ${k}`);
  if (k > candidates.length) throw new Error(`cannot choose ${k} cells from ${candidates.length}`);
  if (how === 'random') return rng.shuffle(Int32Array.from(candidates)).subarray(0, k);
  // ties in FLOPs are broken by code, so the strata do not depend on the candidates' order
  const sorted = Array.from(candidates, (c) => [flopsFeature(c, cell), c] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = new Int32Array(k);
  for (let s = 0; s < k; s++) {
    const lo = Math.floor((s * sorted.length) / k);
    const hi = Math.floor(((s + 1) * sorted.length) / k);
    out[s] = sorted[lo + rng.int(hi - lo)][1];
  }
  return out;
}
