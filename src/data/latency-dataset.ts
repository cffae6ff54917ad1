// One device's measured latencies, whatever file they came from (a LatBench pickle or a dataset
// measured by brp-nas).

export interface LatencyDataset {
  device: string;
  source: string;
  /** NB201 vector codes (see spaces/nb201.ts). */
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
