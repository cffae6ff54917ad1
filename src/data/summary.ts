// Summary of what was loaded from the data directory (the `data` command's report).

import type { Nb201Benchmark } from './nb201-bench.js';

export interface DataSummary {
  dataDir: string;
  sources: Record<string, { architectures: number; values?: number }>;
  latbench: Record<string, { count: number; median_ms: number; min_ms: number; max_ms: number }>;
}

import { median } from '../eval/metrics.js';

export { median };

export function summarizeBenchmark(b: Nb201Benchmark): DataSummary {
  const sources: DataSummary['sources'] = {};
  for (const s of b.sources) sources[s.file] = s.values === undefined ? { architectures: s.architectures } : { architectures: s.architectures, values: s.values };
  const latbench: DataSummary['latbench'] = {};
  for (const [dev, col] of b.latency) {
    const xs = Array.from(col).filter((x) => !Number.isNaN(x));
    latbench[dev] = {
      count: xs.length,
      median_ms: median(xs) * 1e3,
      min_ms: Math.min(...xs) * 1e3,
      max_ms: Math.max(...xs) * 1e3,
    };
  }
  return { dataDir: b.dataDir, sources, latbench };
}
