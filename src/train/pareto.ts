// The accuracy-latency Pareto front of what a search trained: the candidates no other one beats on
// both (higher accuracy and lower latency).

export interface ParetoPoint {
  arch: string;
  accuracy: number;
  latency_ms: number;
}

/** The non-dominated points, by increasing latency (ties: the more accurate first, once). */
export function paretoFront<T extends ParetoPoint>(points: readonly T[]): T[] {
  const sorted = points.filter((p) => Number.isFinite(p.latency_ms) && Number.isFinite(p.accuracy)).sort((a, b) => a.latency_ms - b.latency_ms || b.accuracy - a.accuracy);
  const front: T[] = [];
  let best = -Infinity;
  for (const p of sorted) {
    if (p.accuracy > best) {
      front.push(p);
      best = p.accuracy;
    }
  }
  return front;
}
