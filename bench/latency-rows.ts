// The latency benches' result files: one JSON row per line, appended as they finish (a missing file
// is no rows yet), and the paper configuration's GCN rows of the LatBench quality bench that the
// faster configurations are paired with.
import { existsSync, readFileSync } from 'node:fs';

/** Every row of a JSONL result file (none when it does not exist yet). */
export function readRows<T = Record<string, unknown>>(file: string): T[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T) : [];
}

export interface PaperRow {
  device: string;
  seed: number;
  spearman: number;
  within10: number;
  train_seconds: number;
}

/** The paper configuration's GCN rows on the grouped split (protocol 3 on), by `device|seed`: the same split as any run of that seed. */
export function paperGcnRows(file: string): Map<string, PaperRow> {
  const rows = readRows<PaperRow & { predictor: string; split?: string; protocol?: number }>(file);
  return new Map(rows.filter((r) => r.predictor === 'gcn' && r.split === 'grouped' && (r.protocol ?? 1) >= 3).map((r) => [`${r.device}|${r.seed}`, r]));
}
