// Zero-cost scores of a search's candidates (no training): what a warm-started first round is chosen
// by, and what a pretrained BRP first learns to rank by.

import type { SearchDomain } from './domain.js';
import type { ZeroCostName } from './options.js';

/** The named zero-cost score of each id (higher = expected better); an error when the space has none. */
export function zeroCostScores(domain: SearchDomain, name: ZeroCostName, ids: ArrayLike<number>): Float64Array {
  switch (name) {
    case 'params':
      return Float64Array.from(ids, (id) => domain.params(id));
    case 'synflow': {
      const f = domain.synflow;
      if (!f) throw new Error(`the ${domain.space.title} space has no SynFlow score (only nb201 has): use params`);
      return Float64Array.from(ids, (id) => f(id));
    }
    default:
      throw new Error(`unknown zero-cost score ${JSON.stringify(name)}`);
  }
}
