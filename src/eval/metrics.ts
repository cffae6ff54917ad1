// Prediction-quality metrics: relative-error bands, RMSE, Spearman's rho and Kendall's tau-b.

/** Share of predictions within +-x relative error of the truth: |pred - truth| <= x * |truth|. */
export function withinShare(pred: ArrayLike<number>, truth: ArrayLike<number>, x: number): number {
  check(pred, truth);
  let hits = 0;
  for (let i = 0; i < pred.length; i++) if (Math.abs(pred[i] - truth[i]) <= x * Math.abs(truth[i])) hits++;
  return hits / pred.length;
}

export function rmse(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  check(pred, truth);
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i] - truth[i]) ** 2;
  return Math.sqrt(s / pred.length);
}

/** Quantiles in [0, 1]: (rank - 1) / (n - 1), ties sharing their mean rank; a single value is 0.5. */
export function quantiles(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  return Float64Array.from(ranks(x), (r) => (n > 1 ? (r - 1) / (n - 1) : 0.5));
}

/** Ranks 1..n with ties given their average rank. */
export function ranks(x: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(x.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && x[idx[j + 1]] === x[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  check(a, b);
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(ranks(a), ranks(b));
}

/** Kendall's tau-b in O(n log n) (Knight's algorithm), handling ties in either variable. */
export function kendallTau(a: ArrayLike<number>, b: ArrayLike<number>): number {
  check(a, b);
  const n = a.length;
  if (n < 2) return NaN;
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i] - a[j] || b[i] - b[j]);
  const pairs = (n * (n - 1)) / 2;
  // ties in a, and joint ties in (a, b)
  let tiesA = 0;
  let tiesAB = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && a[idx[j + 1]] === a[idx[i]]) j++;
    const t = j - i + 1;
    tiesA += (t * (t - 1)) / 2;
    for (let k = i; k <= j; ) {
      let l = k;
      while (l + 1 <= j && b[idx[l + 1]] === b[idx[k]]) l++;
      const u = l - k + 1;
      tiesAB += (u * (u - 1)) / 2;
      k = l + 1;
    }
    i = j + 1;
  }
  // count discordant pairs = inversions of b in a-order, by merge sort
  const arr = Float64Array.from(idx, (i) => b[i]);
  const tmp = new Float64Array(n);
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (arr[i] <= arr[j]) tmp[k++] = arr[i++];
        else {
          tmp[k++] = arr[j++];
          swaps += mid - i;
        }
      }
      while (i < mid) tmp[k++] = arr[i++];
      while (j < hi) tmp[k++] = arr[j++];
    }
    arr.set(tmp);
  }
  let tiesB = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && arr[j + 1] === arr[i]) j++;
    const t = j - i + 1;
    tiesB += (t * (t - 1)) / 2;
    i = j + 1;
  }
  const concordMinusDiscord = pairs - tiesA - tiesB + tiesAB - 2 * swaps;
  const denom = Math.sqrt((pairs - tiesA) * (pairs - tiesB));
  return denom > 0 ? concordMinusDiscord / denom : NaN;
}

export interface RegressionMetrics {
  within1: number;
  within5: number;
  within10: number;
  rmse: number;
  spearman: number;
  kendall: number;
  count: number;
}

export function regressionMetrics(pred: ArrayLike<number>, truth: ArrayLike<number>): RegressionMetrics {
  return {
    within1: withinShare(pred, truth, 0.01),
    within5: withinShare(pred, truth, 0.05),
    within10: withinShare(pred, truth, 0.1),
    rmse: rmse(pred, truth),
    spearman: spearman(pred, truth),
    kendall: kendallTau(pred, truth),
    count: pred.length,
  };
}

function check(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`metric inputs differ in length: ${a.length} vs ${b.length}`);
  if (a.length === 0) throw new Error('metric inputs are empty');
}

/** Median of the values (NaN for none). */
export function median(xs: ArrayLike<number>): number {
  const a = Float64Array.from(xs).sort();
  if (a.length === 0) return NaN;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/** Share (%) of the ascending-sorted values at or below v (100 = v is at least the largest). */
export function percentileOf(sortedAscending: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = sortedAscending.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedAscending[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return (100 * lo) / sortedAscending.length;
}

export interface PairedDifference {
  n: number;
  /** Mean of a[i] - b[i]. */
  mean: number;
  /** Its standard error (sample standard deviation / sqrt(n); NaN for one pair). */
  se: number;
  /** Pairs where a is higher, lower, equal. */
  higher: number;
  lower: number;
  equal: number;
}

/**
 * Paired differences a[i] - b[i] (e.g. two searches' run i, which share a seed): the mean, its
 * standard error, and the sign counts, for judging whether two configurations differ beyond noise.
 */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>): PairedDifference {
  check(a, b);
  const n = a.length;
  const d = Array.from({ length: n }, (_, i) => a[i] - b[i]);
  if (d.some((x) => !Number.isFinite(x))) throw new Error('paired values must be finite numbers');
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : NaN;
  return { n, mean, se: sd / Math.sqrt(n), higher: d.filter((x) => x > 0).length, lower: d.filter((x) => x < 0).length, equal: d.filter((x) => x === 0).length };
}

/** Mean and standard error of the mean (sample standard deviation / sqrt(n); 0 for a single value). */
export function meanSe(xs: readonly number[]): [number, number] {
  const n = xs.length;
  const m = xs.reduce((a, b) => a + b, 0) / n;
  const v = n > 1 ? xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1) : 0;
  return [m, Math.sqrt(v / n)];
}
