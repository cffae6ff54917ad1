// The --transfer model of a search, read once for the CLI (simulated and real) and the search bench.

import { createHash } from 'node:crypto';
import { readInputFile } from '../data/files.js';
import { decodeArtifact } from '../predictors/artifact.js';
import { latencyBody } from '../predictors/latency.js';
import { BRP_LEARNER_DEFAULTS } from '../search/learners.js';
import { DataError } from '../util/errors.js';

/** The GCN body of the latency predictor at `path`, and the file's sha256 (results name what they started from). */
export function readTransferModel(path: string): { body: Float32Array; file: string; sha256: string } {
  const bytes = readInputFile(path, 'transfer model');
  // the search's BRP predictor has the paper's width: say how to get a body that fits
  const gcn = decodeArtifact(bytes, path).header.gcn as { hidden?: number; layers?: number } | undefined;
  if (gcn && (gcn.hidden !== BRP_LEARNER_DEFAULTS.hidden || gcn.layers !== BRP_LEARNER_DEFAULTS.layers)) {
    throw new DataError(`--transfer ${path}: its GCN is ${gcn.layers} x ${gcn.hidden}; BRP-NAS's accuracy predictor is ${BRP_LEARNER_DEFAULTS.layers} x ${BRP_LEARNER_DEFAULTS.hidden}: train the latency predictor with --predictor gcn --schedule paper to transfer it`);
  }
  return { body: latencyBody(bytes, path), file: path, sha256: createHash('sha256').update(bytes).digest('hex') };
}
