// A new device's latency from K of its measurements, with known devices as a hardware basis: the new
// device's log-latency of a cell is fitted as a ridge-regularised linear map of the known devices'
// log-latencies of the same cell (HELP's idea of describing hardware by how it times reference
// networks, in closed form), with non-negative weights on the base devices. The ridge strength
// defaults to 0.01 (of the mean diagonal), chosen on the K-choice seeds 100-104 of
// bench/latency-fewshot.ts; choosing it by leave-one-out over the K measurements ('loo') did about
// as well. Issue 15 groundwork: NB201, base devices with (nearly) complete tables; cells a base
// device lacks are filled by its own layer-wise fit.

import type { LatencyDataset } from '../data/latency-dataset.js';
import { NB201_SIZE, codeToVector, isValid } from '../spaces/nb201.js';
import { encodeArtifact, decodeArtifact } from './artifact.js';
import { fitLayerwise, normalEquations, predictLinear } from './baselines.js';

export interface LatencyBasis {
  devices: string[];
  /** Per basis device, ln(ms) of every NB201 code (measured, else its layer-wise fit). */
  logMs: Float64Array[];
}

export interface AdaptedLatency {
  basis: LatencyBasis;
  /** One weight per basis device, then the intercept (ln ms). */
  weights: Float64Array;
  lambda: number;
  samples: number;
}

export const RIDGE_GRID = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3] as const;

export function buildLatencyBasis(sets: readonly LatencyDataset[]): LatencyBasis {
  if (sets.length === 0) throw new Error('a latency basis needs at least one device');
  const all = Int32Array.from({ length: NB201_SIZE }, (_, i) => i);
  const logMs = sets.map((s) => {
    for (const x of s.seconds) if (!(x > 0) || !Number.isFinite(x)) throw new Error(`${s.device}: latencies must be finite and positive`);
    const fill = predictLinear(fitLayerwise(s.codes, Float64Array.from(s.seconds, (x) => x * 1e3)), all);
    const out = Float64Array.from(fill, (x) => Math.log(Math.max(x, 1e-6)));
    s.codes.forEach((c, i) => (out[c] = Math.log(s.seconds[i] * 1e3)));
    return out;
  });
  return { devices: sets.map((s) => s.device), logMs };
}

function design(basis: LatencyBasis, codes: ArrayLike<number>): Float64Array {
  const D = basis.logMs.length;
  const cols = D + 1;
  const X = new Float64Array(codes.length * cols);
  for (let r = 0; r < codes.length; r++) {
    for (let j = 0; j < D; j++) X[r * cols + j] = basis.logMs[j][codes[r]];
    X[r * cols + D] = 1;
  }
  return X;
}

function predictLog(basis: LatencyBasis, w: Float64Array, code: number): number {
  const D = basis.logMs.length;
  let s = w[D];
  for (let j = 0; j < D; j++) s += w[j] * basis.logMs[j][code];
  return s;
}

export const DEFAULT_RIDGE = 0.01;

/**
 * Ridge regression with non-negative weights on every column but the last (the intercept), by
 * coordinate descent on the normal equations (the designs are small: one column per base device).
 * The ridge term is `lambda` times the mean diagonal of X'X, as in leastSquares. Non-negative,
 * because a device that times a cell slower should never make the new one predict it faster: with
 * few noisy measurements an unconstrained fit can invert the ranking.
 */
export function nonNegativeRidge(X: Float64Array, y: ArrayLike<number>, rows: number, cols: number, lambda: number): Float64Array {
  const { A, b } = normalEquations(X, y, rows, cols, lambda);
  const w = new Float64Array(cols);
  for (let sweep = 0; sweep < 10000; sweep++) {
    let change = 0;
    for (let j = 0; j < cols; j++) {
      let g = b[j];
      for (let k = 0; k < cols; k++) if (k !== j) g -= A[j * cols + k] * w[k];
      let next = g / A[j * cols + j];
      if (j < cols - 1 && next < 0) next = 0;
      change = Math.max(change, Math.abs(next - w[j]));
      w[j] = next;
    }
    if (change < 1e-12) break;
  }
  return w;
}

/** Fit the map from K measured cells (codes, seconds). `lambda`: a ridge strength (default 0.01), or 'loo'. */
export function adaptLatency(basis: LatencyBasis, codes: ArrayLike<number>, seconds: ArrayLike<number>, opts: { lambda?: number | 'loo' } = {}): AdaptedLatency {
  const K = codes.length;
  if (K !== seconds.length) throw new Error('codes and latencies differ in length');
  if (K < 2) throw new Error(`adapting needs at least 2 measured architectures, got ${K}`);
  const seen = new Set<number>();
  for (let i = 0; i < K; i++) {
    const c = codes[i];
    if (!Number.isInteger(c) || c < 0 || c >= NB201_SIZE || !isValid(codeToVector(c))) throw new Error(`measurement ${i + 1}: not a valid NB201 cell (code ${c})`);
    if (seen.has(c)) throw new Error(`measurement ${i + 1}: cell ${c} is measured twice`);
    seen.add(c);
    if (!(seconds[i] > 0) || !Number.isFinite(seconds[i])) throw new Error(`measurement ${i + 1}: latency ${seconds[i]} is not finite and positive`);
  }
  const cols = basis.logMs.length + 1;
  const X = design(basis, codes);
  const y = Float64Array.from(seconds, (s) => Math.log(s * 1e3));
  let lambda: number;
  if (opts.lambda === undefined) lambda = DEFAULT_RIDGE;
  else if (typeof opts.lambda === 'number') lambda = opts.lambda;
  else {
    // leave-one-out squared error in log space for each ridge strength of the grid
    let best = Infinity;
    lambda = RIDGE_GRID[0];
    for (const l of RIDGE_GRID) {
      let err = 0;
      for (let out = 0; out < K; out++) {
        const keep = Array.from({ length: K }, (_, i) => i).filter((i) => i !== out);
        const Xk = new Float64Array((K - 1) * cols);
        keep.forEach((i, r) => Xk.set(X.subarray(i * cols, (i + 1) * cols), r * cols));
        const w = nonNegativeRidge(Xk, keep.map((i) => y[i]), K - 1, cols, l);
        err += (predictLog(basis, w, codes[out]) - y[out]) ** 2;
      }
      if (err < best) {
        best = err;
        lambda = l;
      }
    }
  }
  return { basis, weights: nonNegativeRidge(X, y, K, cols, lambda), lambda, samples: K };
}

/** Predicted seconds for NB201 codes. */
export function predictAdapted(m: AdaptedLatency, codes: ArrayLike<number>): Float64Array {
  return Float64Array.from(codes, (c) => Math.exp(predictLog(m.basis, m.weights, c)) / 1e3);
}

/** The basis as an artifact ('latency-basis'): device names in the header, ln ms as float32 params. */
/** The basis tables as artifact parameters: device after device, every NB201 code. */
function basisParams(b: LatencyBasis): Float32Array {
  const params = new Float32Array(b.logMs.length * NB201_SIZE);
  b.logMs.forEach((x, j) => params.set(x, j * NB201_SIZE));
  return params;
}

export function basisToArtifact(b: LatencyBasis, meta: Record<string, unknown> = {}): Uint8Array {
  return encodeArtifact({ kind: 'latency-basis', space: 'nb201', devices: b.devices, cells: NB201_SIZE, meta }, basisParams(b));
}

function basisFrom(header: Record<string, unknown>, params: Float32Array, source: string): LatencyBasis {
  const devices = header.devices;
  if (!Array.isArray(devices) || devices.length === 0 || !devices.every((d) => typeof d === 'string')) throw new Error(`${source}: malformed basis (no device names)`);
  if (header.space !== 'nb201' || header.cells !== NB201_SIZE) throw new Error(`${source}: a basis of another space (${String(header.space)}); this brp-nas adapts NB201 bases`);
  if (params.length < devices.length * NB201_SIZE) throw new Error(`${source}: truncated basis`);
  const logMs = devices.map((_, j) => Float64Array.from(params.subarray(j * NB201_SIZE, (j + 1) * NB201_SIZE)));
  for (const x of logMs) for (const v of x) if (!Number.isFinite(v)) throw new Error(`${source}: the basis holds a non-finite latency`);
  return { devices: devices as string[], logMs };
}

export function loadLatencyBasis(bytes: Uint8Array, source = 'base'): LatencyBasis {
  const { header, params } = decodeArtifact(bytes, source);
  if (header.kind !== 'latency-basis') throw new Error(`${source}: holds a ${header.kind}, not a latency base (brp-nas latency pretrain --save)`);
  return basisFrom(header, params, source);
}

/** The basis without some devices (the one being adapted to must not describe itself). */
export function withoutDevices(b: LatencyBasis, drop: (name: string) => boolean): LatencyBasis {
  const keep = b.devices.map((d, j) => [d, j] as const).filter(([d]) => !drop(d));
  if (keep.length === 0) throw new Error('no basis device is left to adapt from');
  return { devices: keep.map(([d]) => d), logMs: keep.map(([, j]) => b.logMs[j]) };
}

/** An adapted model as a latency predictor: `latency predict` and `search --latency-model` load it. */
export class FewShotLatencyPredictor {
  readonly kind = 'fewshot' as const;
  constructor(readonly model: AdaptedLatency) {}
  predictSecondsOfCodes(codes: ArrayLike<number>): Float64Array {
    return predictAdapted(this.model, codes);
  }
  toArtifact(meta: Record<string, unknown> = {}): Uint8Array {
    const b = this.model.basis;
    return encodeArtifact({ kind: 'latency-fewshot', space: 'nb201', devices: b.devices, cells: NB201_SIZE, weights: Array.from(this.model.weights), lambda: this.model.lambda, samples: this.model.samples, meta }, basisParams(b));
  }
  static fromArtifact(header: Record<string, unknown>, params: Float32Array, source: string): FewShotLatencyPredictor {
    const basis = basisFrom(header, params, source);
    const w = header.weights;
    if (!Array.isArray(w) || w.length !== basis.devices.length + 1 || !w.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new Error(`${source}: malformed adapted model`);
    return new FewShotLatencyPredictor({ basis, weights: Float64Array.from(w as number[]), lambda: Number(header.lambda), samples: Number(header.samples) });
  }
}
