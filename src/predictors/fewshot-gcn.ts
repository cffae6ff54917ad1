// The GCN half of `latency adapt --gcn`: the BRP-NAS latency GCN trained from scratch on the K
// measured cells alone (its schedule, all K for training, no validation cells), as a table of ln(ms)
// over every NB201 cell. The adapted base describes a new device through the known ones; the GCN
// learns the device's own structure-to-latency map, which helps where the known devices describe it
// worst (LatBench's desktop CPU and GPU, the edge TPU: BENCHMARKS.md, few-shot latency).

import { createKernels } from '../nn/backend.js';
import type { Kernels } from '../nn/kernels.js';
import { NB201_SIZE, type Nb201CellMode } from '../spaces/nb201/cell.js';
import { Rng } from '../util/rng.js';
import { InterruptedError, type StopSignal } from '../util/stop.js';
import { fitLatencyRegressor } from './latency.js';
import type { EpochInfo } from './regressor.js';
import { encodeNb201Codes } from '../spaces/nb201/graphs.js';

/** Floor of a GCN prediction (ms) before its logarithm: a regressor can predict zero or less. */
export const FEWSHOT_GCN_FLOOR_MS = 1e-6;

/** The ln(ms) table an adapted model keeps of the GCN's predicted seconds. */
export function gcnLogTable(seconds: Float64Array): Float32Array {
  if (seconds.length !== NB201_SIZE) throw new Error(`a GCN table has one latency per NB201 cell (${NB201_SIZE}), got ${seconds.length}`);
  return Float32Array.from(seconds, (s) => Math.log(Math.max(s * 1e3, FEWSHOT_GCN_FLOOR_MS)));
}

export interface FewshotGcnOptions {
  /** Kernels to train on (default: single-thread WebAssembly, disposed after); their heap is given back. */
  kernels?: Kernels;
  /** Polled every training step: a stop throws InterruptedError (a half-trained GCN is of no use here). */
  signal?: StopSignal;
  onEpoch?: (e: EpochInfo) => void;
}

/** Predicted seconds of every NB201 code (index = code) by a GCN trained on (codes, seconds), seeded. */
export function fitFewshotGcn(codes: ArrayLike<number>, seconds: ArrayLike<number>, cell: Nb201CellMode, seed: number, opts: FewshotGcnOptions = {}): Float64Array {
  const K = codes.length;
  if (K < 2 || K !== seconds.length) throw new Error(`the few-shot GCN needs at least 2 measured cells with a latency each, got ${K} and ${seconds.length}`);
  const created = opts.kernels ? undefined : createKernels({ threads: 1 });
  const kernels = opts.kernels ?? created!;
  // the GCN's parameters and buffers live in the kernels' heap (a bump allocator): a caller's
  // kernels get that memory back, or a loop of fits runs out of it
  const mark = kernels.heap.mark();
  try {
    // graphs 0..K-1 are the measured cells, then every code of the space
    const all = Int32Array.from({ length: K + NB201_SIZE }, (_, i) => (i < K ? codes[i] : i - K));
    const graphs = encodeNb201Codes(all, cell);
    const ids = Int32Array.from({ length: K }, (_, i) => i);
    const { regressor, report } = fitLatencyRegressor(graphs, { train: ids, valid: new Int32Array(0), test: new Int32Array(0) }, (idx) => Float64Array.from(idx, (i) => seconds[i]), new Rng(seed), { kernels, signal: opts.signal, onEpoch: opts.onEpoch }, 'thomas');
    if (report.interrupted) throw new InterruptedError();
    return regressor.predict(graphs, Int32Array.from({ length: NB201_SIZE }, (_, c) => K + c));
  } finally {
    kernels.heap.release(mark);
    created?.dispose();
  }
}
