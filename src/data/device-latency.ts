// A device's latencies from whichever file holds them: a LatBench pickle (by device name or path)
// or a dataset measured by `brp-nas measure` (.jsonl).

import { parseLatencyJsonl, parseMeasuredDataset } from './measured-dataset.js';
import { readDataFile } from './files.js';
import { parseLatBench, resolveLatBenchDevice } from './latbench.js';
import type { LatencyDataset, SpaceLatencyDataset } from './latency-dataset.js';
import { DataError } from '../util/errors.js';

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

/**
 * A device's latencies of any space: NB201 (LatBench pickles, measured NB201 files) as a
 * LatencyDataset, other spaces' measured files as a SpaceLatencyDataset.
 */
export function loadDeviceLatency(spec: string, dataDir: string): { nb201: LatencyDataset } | { other: SpaceLatencyDataset } {
  const path = resolveLatBenchDevice(spec, dataDir);
  if (path.endsWith('.jsonl')) {
    const bytes = readDataFile(path);
    try {
      return parseMeasuredDataset(bytes, path);
    } catch (e) {
      throw new DataError((e as Error).message);
    }
  }
  return { nb201: loadLatBench(spec, dataDir) };
}
