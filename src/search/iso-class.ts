// The isomorphism class of an NB201 cell by code, memoised: the key every strategy deduplicates by.

import { codeToVector, isomorphismKey } from '../spaces/nb201/cell.js';

const isoKeys = new Map<number, string>();

export function isoClass(code: number): string {
  let k = isoKeys.get(code);
  if (k === undefined) {
    k = isomorphismKey(codeToVector(code));
    isoKeys.set(code, k);
  }
  return k;
}
