// The --transfer model of a search, read once for the CLI (simulated and real) and the search bench.

import { createHash } from 'node:crypto';
import { readInputFile } from '../data/files.js';
import { latencyBody } from '../predictors/latency.js';

/** The GCN body of the latency predictor at `path`, and the file's sha256 (results name what they started from). */
export function readTransferModel(path: string): { body: Float32Array; file: string; sha256: string } {
  const bytes = readInputFile(path, 'transfer model');
  return { body: latencyBody(bytes, path), file: path, sha256: createHash('sha256').update(bytes).digest('hex') };
}
