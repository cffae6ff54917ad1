// The latency measurement protocol and its statistics (reference spec section 8.3, plus warm-up and
// interleaving): per model, `rounds` rounds of `runsPerRound` back-to-back timed runs on a fresh
// random input; each round is reduced to the mean of its runs within [q25, q75] (numpy's linear
// percentiles), and the rounds' means are reduced the same way to one latency. Models of a group
// are interleaved round by round, so slow drifts of the machine hit them alike.

export interface MeasureProtocol {
  /** Untimed runs per model before timing. */
  warmup: number;
  rounds: number;
  runsPerRound: number;
  /** Models measured together, interleaved round by round. */
  interleave: number;
}

export const DEFAULT_PROTOCOL: MeasureProtocol = { warmup: 10, rounds: 20, runsPerRound: 10, interleave: 8 };

/** numpy.percentile with linear interpolation (position p * (n - 1) in the sorted values). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = p * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Mean of the values within [q25, q75], inclusive (the reference's calc_stats filter). With very few
 * values the band can hold none (two values: [1.25, 1.75] of [1, 2]), where numpy gives NaN; we
 * return the median then.
 */
export function iqrMean(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return NaN;
  const q1 = percentile(s, 0.25);
  const q3 = percentile(s, 0.75);
  let sum = 0;
  let n = 0;
  for (const x of s) {
    if (x >= q1 && x <= q3) {
      sum += x;
      n++;
    }
  }
  return n > 0 ? sum / n : percentile(s, 0.5);
}

export interface LatencyStats {
  /** The reference statistic: IQR-filtered mean of IQR-filtered round means (seconds). */
  latency: number;
  median: number;
  p10: number;
  p90: number;
  /** Coefficient of variation of the round means. */
  cv: number;
  runs: number;
}

/** Reduce rounds x runs timings (seconds) to the protocol's statistics. */
export function latencyStats(rounds: number[][]): LatencyStats {
  if (rounds.length === 0 || rounds.some((r) => r.length === 0)) throw new Error('latencyStats needs at least one run per round');
  for (const r of rounds) for (const x of r) if (!(Number.isFinite(x) && x >= 0)) throw new Error(`invalid timing ${x}`);
  const means = rounds.map(iqrMean);
  const all = Float64Array.from(rounds.flat()).sort();
  const m = means.reduce((a, b) => a + b, 0) / means.length;
  const sd = Math.sqrt(means.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, means.length - 1));
  return { latency: iqrMean(means), median: percentile(all, 0.5), p10: percentile(all, 0.1), p90: percentile(all, 0.9), cv: m > 0 ? sd / m : 0, runs: all.length };
}
