// Train / validation / test splits of one device's measurements. `grouped` (the default) never lets
// a twin group (see spaces/nb201/twins.ts) straddle the labelled cells and the test set; `reference`
// is the authors' plain seeded permutation, which lets about a third of the test cells have a twin in
// the training set. Both train on the same cells for a given seed.

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
 * The reference split with the twins taken out of the evaluation: the training set is the
 * reference's (the first N of the same seeded permutation, so both splits train on the same cells);
 * the validation set is the next V cells of the permutation that have no twin among the training
 * cells; the test set is every other cell with no twin in the training or validation set. Twins of
 * labelled cells are left out of the test set (not moved into training), so the training data keep
 * the reference's distribution: moving whole groups into training would fill it with the few huge
 * groups (NB201 has groups of 535 cells) and starve it of variety.
 */
export function groupedSplitIndices(groups: ArrayLike<number>, nTrain: number, nValid: number, rng: Rng): Split {
  const n = groups.length;
  checkSizes(n, nTrain, nValid);
  const p = rng.permutation(n);
  const train = p.slice(0, nTrain);
  const labelled = new Set<number>();
  for (const i of train) labelled.add(groups[i]);
  const valid: number[] = [];
  const rest: number[] = [];
  for (let k = nTrain; k < n; k++) {
    const i = p[k];
    if (labelled.has(groups[i])) continue; // a twin of a training cell: in neither valid nor test
    if (valid.length < nValid) valid.push(i);
    else rest.push(i);
  }
  for (const i of valid) labelled.add(groups[i]);
  const test = rest.filter((i) => !labelled.has(groups[i]));
  if (valid.length < nValid) throw new Error(`only ${valid.length} cells without a training twin are left for ${nValid} validation cells`);
  if (test.length === 0) throw new Error(`${nTrain} training + ${nValid} validation models leave no test model without a twin among them out of ${n}`);
  return { train, valid: Int32Array.from(valid), test: Int32Array.from(test) };
}
