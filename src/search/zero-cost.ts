// Zero-cost scores of a search's candidates (no training): what a warm-started first round is chosen
// by, and what a pretrained BRP first learns to rank by.

import type { SearchDomain } from './domain.js';
import type { ZeroCostName } from './options.js';
import type { StopSignal } from '../util/stop.js';

/**
 * The named zero-cost score of each id (higher = expected better); an error when the space has none.
 * A stop from `signal` throws InterruptedError (SynFlow of a whole space takes tens of seconds).
 */
export function zeroCostScores(domain: SearchDomain, name: ZeroCostName, ids: ArrayLike<number>, signal?: StopSignal): Float64Array {
  switch (name) {
    case 'params':
      return Float64Array.from(ids, (id) => domain.params(id));
    case 'synflow': {
      if (!domain.synflow) throw new Error(`the ${domain.space.title} space has no SynFlow score (only nb201 has): use params`);
      return domain.synflow(ids, signal);
    }
    default:
      throw new Error(`unknown zero-cost score ${JSON.stringify(name)}`);
  }
}
