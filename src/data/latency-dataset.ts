// One device's measured latencies, whatever file they came from (a LatBench pickle or a dataset
// measured by brp-nas).

import type { SearchSpace } from '../spaces/space.js';

export interface LatencyDataset {
  device: string;
  source: string;
  /** NB201 vector codes (see spaces/nb201/cell.ts). */
  codes: Int32Array;
  /** Latency in seconds, same order as `codes`. */
  seconds: Float64Array;
  /**
   * What the device ran of each cell: 'pruned' (LatBench; absent means this) or 'full' (brp-nas
   * measure's default --cell full, the device lab): the predictors encode cells the same way.
   */
  cell?: 'pruned' | 'full';
  /** Notes about how the data were measured that a user should see (mixed sessions, noise). */
  notes?: string[];
}

/** One device's measured latencies of one space's architectures. */
export interface SpaceLatencyDataset {
  device: string;
  source: string;
  space: SearchSpace;
  archs: unknown[];
  seconds: Float64Array;
  notes?: string[];
}
