// Train / validation / test splits of one device's measurements. `grouped` (the default) keeps
// every twin group (see spaces/nb201-twins.ts) on one side; `reference` is the authors' plain seeded
// permutation, which lets about a third of the test cells have a twin in the training set.

import type { Rng } from '../util/rng.js';

export const SPLITS = ['grouped', 'reference'] as const;
export type SplitKind = (typeof SPLITS)[number];

export interface Split {
  train: Int32Array;
  valid: Int32Array;
  test: Int32Array;
}

function checkSizes(n: number, nTrain: number, nValid: number): void {
  if (!Number.isInteger(nTrain) || nTrain < 2) throw new Error(`training size must be an integer >= 2, got ${nTrain}`);
  if (!Number.isInteger(nValid) || nValid < 0) throw new Error(`validation size must be a non-negative integer, got ${nValid}`);
  if (nTrain + nValid >= n) throw new Error(`${nTrain} training + ${nValid} validation models leave no test models out of ${n}`);
}

/** The reference split: a seeded permutation; first N train, next V valid, the rest test. */
export function splitIndices(n: number, nTrain: number, nValid: number, rng: Rng): Split {
  checkSizes(n, nTrain, nValid);
  const p = rng.permutation(n);
  return { train: p.slice(0, nTrain), valid: p.slice(nTrain, nTrain + nValid), test: p.slice(nTrain + nValid) };
}

/**
 * A split that never separates a group: groups are visited in the order a seeded permutation of
 * the items first reaches them, and each goes whole to the training set if it fits, else to the
 * validation set if it fits, else to the test set. Sizes are exact unless the groups cannot fill them.
 */
export function groupedSplitIndices(groups: ArrayLike<number>, nTrain: number, nValid: number, rng: Rng): Split {
  const n = groups.length;
  checkSizes(n, nTrain, nValid);
  const members = new Map<number, number[]>();
  for (const i of rng.permutation(n)) {
    const g = groups[i];
    let m = members.get(g);
    if (!m) members.set(g, (m = []));
    m.push(i);
  }
  const train: number[] = [];
  const valid: number[] = [];
  const test: number[] = [];
  for (const m of members.values()) {
    if (train.length + m.length <= nTrain) train.push(...m);
    else if (valid.length + m.length <= nValid) valid.push(...m);
    else test.push(...m);
  }
  if (test.length === 0) throw new Error(`${nTrain} training + ${nValid} validation models leave no test group out of ${n}`);
  return { train: Int32Array.from(train), valid: Int32Array.from(valid), test: Int32Array.from(test) };
}
