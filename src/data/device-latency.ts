// A device's latencies from whichever file holds them: a LatBench pickle (by device name or path)
// or a dataset measured by `brp-nas measure` (.jsonl).

import { parseLatencyJsonl } from '../measure/dataset.js';
import { DataError, readDataFile } from './files.js';
import { parseLatBench, resolveLatBenchDevice } from './latbench.js';
import type { LatencyDataset } from './latency-dataset.js';

/** Load a device's latencies: a LatBench pickle, or a dataset measured by `brp-nas measure` (.jsonl). */
export function loadLatBench(spec: string, dataDir: string): LatencyDataset {
  const path = resolveLatBenchDevice(spec, dataDir);
  const bytes = readDataFile(path);
  if (path.endsWith('.jsonl')) {
    try {
      return parseLatencyJsonl(bytes, path);
    } catch (e) {
      throw new DataError((e as Error).message);
    }
  }
  return parseLatBench(bytes, path);
}
