// A new device's latency from K of its measurements, with known devices as a hardware basis (HELP's
// idea of describing hardware by how it times reference networks, in closed form). The new device's
// ln(ms) of a cell is fitted as a linear map of columns that every cell has:
//   - each base device's ln(ms) as it ran the cell (pruned cells for LatBench, whole cells for a
//     `measure --cell full` file), measured where it was, else its own layer-wise fit;
//   - each base device's ln(ms) had it run the other kind of cell, from its layer-wise per-(edge, op)
//     costs, because a device that times whole cells pays for dead edges that LatBench never timed;
//   - the cost model's ln(MFLOPs), of the pruned and of the whole cell.
// The fit is a ridge regression on centred columns with non-negative weights, shrunk toward a prior:
// the plain mean of the base devices as they ran (what the base predicts with no adaptation), and an
// unpenalised intercept (the device's speed). Non-negative, because a device that times a cell slower
// should never make the new one predict it faster. The ridge strength 0.1 (of the mean centred
// column variance) and this column set were chosen on the K-choice seeds 100-104 of
// bench/latency-fewshot.ts (leave-one-device-out over LatBench, and the project's own measured
// devices); an uncentred ridge toward zero, the basis without the whole-cell and FLOPs columns, and
// choosing among column sets by leave-one-out error all did worse there.

import type { LatencyDataset } from '../data/latency-dataset.js';
import { NB201_SIZE, codeToVector, isValid, type Nb201CellMode } from '../spaces/nb201/cell.js';
import { macroConfigFor, nb201Cost } from '../spaces/nb201/cost.js';
import { spearman } from '../eval/metrics.js';
import { encodeArtifact, decodeArtifact } from './artifact.js';
import { fitLayerwise, predictLinear } from './baselines.js';

export const BASIS_FORMAT_VERSION = 2;

export interface LatencyBasis {
  devices: string[];
  /** What each base device ran of a cell (LatBench: pruned). */
  cells: Nb201CellMode[];
  /** Per base device, ln(ms) of every NB201 code as it ran cells (measured, else its layer-wise fit). */
  logMs: Float64Array[];
  /** Per base device, ln(ms) of every code had it run the other kind of cell (layer-wise). */
  otherMs: Float64Array[];
}

export interface AdaptedLatency {
  basis: LatencyBasis;
  /** One weight per column (see columns()), then the intercept (ln ms). */
  weights: Float64Array;
  lambda: number;
  samples: number;
  /**
   * `latency adapt --gcn`: ln(ms) of every NB201 code by a GCN trained on the K alone (see
   * fewshot-gcn.ts); the prediction is then the geometric mean of the map's and the GCN's.
   */
  gcnLogMs?: Float32Array;
}

export const DEFAULT_RIDGE = 0.1;

const ALL_CODES = Int32Array.from({ length: NB201_SIZE }, (_, i) => i);

/** ln(ms) table of a fitted layer-wise model for cells run as `cell`. */
function layerwiseTable(codes: Int32Array, ms: Float64Array, fitCell: Nb201CellMode, predictCell: Nb201CellMode): Float64Array {
  const model = { ...fitLayerwise(codes, ms, fitCell), cell: predictCell };
  return Float64Array.from(predictLinear(model, ALL_CODES), (x) => Math.log(Math.max(x, 1e-6)));
}

export function buildLatencyBasis(sets: readonly LatencyDataset[]): LatencyBasis {
  if (sets.length === 0) throw new Error('a latency basis needs at least one device');
  const logMs: Float64Array[] = [];
  const otherMs: Float64Array[] = [];
  for (const s of sets) {
    for (const x of s.seconds) if (!(x > 0) || !Number.isFinite(x)) throw new Error(`${s.device}: latencies must be finite and positive`);
    const cell = s.cell ?? 'pruned';
    const other: Nb201CellMode = cell === 'pruned' ? 'full' : 'pruned';
    const ms = Float64Array.from(s.seconds, (x) => x * 1e3);
    const own = layerwiseTable(s.codes, ms, cell, cell);
    s.codes.forEach((c, i) => (own[c] = Math.log(ms[i])));
    logMs.push(own);
    otherMs.push(layerwiseTable(s.codes, ms, cell, other));
  }
  return { devices: sets.map((s) => s.device), cells: sets.map((s) => s.cell ?? 'pruned'), logMs, otherMs };
}

/** ln(MFLOPs) of every code, pruned and whole cell (the CIFAR-100 network, as LatBench). */
let flopsTables: [Float64Array, Float64Array] | null = null;
function costColumns(): [Float64Array, Float64Array] {
  if (!flopsTables) {
    const cfg = macroConfigFor('cifar100');
    const p = new Float64Array(NB201_SIZE);
    const f = new Float64Array(NB201_SIZE);
    for (let c = 0; c < NB201_SIZE; c++) {
      const k = nb201Cost(codeToVector(c), cfg);
      p[c] = Math.log(k.flopsEffective / 1e6);
      f[c] = Math.log(k.flops / 1e6);
    }
    flopsTables = [p, f];
  }
  return flopsTables;
}

/** The fit's columns: devices as they ran, devices the other way, the two FLOPs counts. */
function columns(b: LatencyBasis): Float64Array[] {
  return [...b.logMs, ...b.otherMs, ...costColumns()];
}

/** The prior weights: the mean of the base devices as they ran, nothing on the other columns. */
function prior(b: LatencyBasis): Float64Array {
  const D = b.devices.length;
  const w = new Float64Array(2 * D + 2);
  w.fill(1 / D, 0, D);
  return w;
}

function predictLog(cols: readonly Float64Array[], w: Float64Array, code: number): number {
  const D = cols.length;
  let s = w[D];
  for (let j = 0; j < D; j++) s += w[j] * cols[j][code];
  return s;
}

/**
 * Ridge regression of y on centred columns with non-negative weights shrunk toward `w0`, by
 * coordinate descent on the normal equations (one column per base device and kind, so small); the
 * intercept is unpenalised. The ridge term is `lambda` times the mean centred diagonal, so one
 * strength suits any units and any K. Returns the weights, then the intercept.
 */
export function centredNonNegativeRidge(cols: readonly Float64Array[], codes: ArrayLike<number>, y: ArrayLike<number>, w0: Float64Array, lambda: number): Float64Array {
  const K = codes.length;
  const D = cols.length;
  const X = cols.map((t) => Float64Array.from(codes, (c) => t[c]));
  const mx = X.map((x) => x.reduce((a, b) => a + b, 0) / K);
  let my = 0;
  for (let r = 0; r < K; r++) my += y[r] / K;
  const A = new Float64Array(D * D);
  const b = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    for (let j = i; j < D; j++) {
      let s = 0;
      for (let r = 0; r < K; r++) s += (X[i][r] - mx[i]) * (X[j][r] - mx[j]);
      A[i * D + j] = A[j * D + i] = s;
    }
    let s = 0;
    for (let r = 0; r < K; r++) s += (X[i][r] - mx[i]) * (y[r] - my);
    b[i] = s;
  }
  let trace = 0;
  for (let i = 0; i < D; i++) trace += A[i * D + i];
  const l = lambda * Math.max(trace / D, 1e-12);
  for (let i = 0; i < D; i++) {
    A[i * D + i] += l;
    b[i] += l * w0[i];
  }
  const w = new Float64Array(D + 1);
  w.set(w0.subarray(0, D));
  for (let sweep = 0; sweep < 10000; sweep++) {
    let change = 0;
    for (let j = 0; j < D; j++) {
      let g = b[j];
      for (let k = 0; k < D; k++) if (k !== j) g -= A[j * D + k] * w[k];
      const next = Math.max(0, g / A[j * D + j]);
      change = Math.max(change, Math.abs(next - w[j]));
      w[j] = next;
    }
    if (change < 1e-12) break;
  }
  let b0 = my;
  for (let j = 0; j < D; j++) b0 -= w[j] * mx[j];
  w[D] = b0;
  return w;
}

/** ln(ms) of each of the K by the map fitted to the other K - 1 (y: the K's ln ms). */
function looLogPredictions(cols: readonly Float64Array[], w0: Float64Array, codes: ArrayLike<number>, y: Float64Array, lambda: number): Float64Array {
  const K = codes.length;
  return Float64Array.from({ length: K }, (_, out) => {
    const keep = Array.from({ length: K }, (_, i) => i).filter((i) => i !== out);
    return predictLog(cols, centredNonNegativeRidge(cols, keep.map((i) => codes[i]), keep.map((i) => y[i]), w0, lambda), codes[out]);
  });
}

/** ln(ms) of each of the K predicted by the map fitted to the other K - 1 (leave-one-out). */
export function adaptLooLogMs(basis: LatencyBasis, codes: ArrayLike<number>, seconds: ArrayLike<number>, lambda = DEFAULT_RIDGE): Float64Array {
  const K = codes.length;
  if (K < 3 || K !== seconds.length) throw new Error(`a leave-one-out fit needs at least 3 measured cells with a latency each, got ${K} and ${seconds.length}`);
  return looLogPredictions(columns(basis), prior(basis), codes, Float64Array.from(seconds, (s) => Math.log(s * 1e3)), lambda);
}

/**
 * `latency adapt --gcn auto` blends the GCN in when the map, fitted to K - 1 of the measured cells,
 * ranks the one left out below this Spearman over the K: the base then describes the device poorly,
 * which is where the GCN trained on the K helps (LatBench's desktop CPU and GPU, the edge TPU).
 * Chosen on the K-choice seeds 100-104 of bench/latency-fewshot.ts with bench/latency-gcn-auto.ts,
 * by a rule written before the statistic was computed: the threshold that most lifts the worst
 * LatBench device, averaged over K = 5-50, without lowering the LatBench median at any K by more
 * than 0.002. It was to become the default if a second, unseen set of seeds (200-204) agreed; there
 * it lowered the median by 0.0022 and 0.0027 at K = 5 and 10, so the default stays the map alone
 * (BENCHMARKS.md, few-shot latency).
 */
export const GCN_AUTO_LOO_SPEARMAN = 0.85;

/** When `latency adapt` blends the GCN in: by the leave-one-out rule, always, or never (the default). */
export const GCN_RULES = ['auto', 'always', 'never'] as const;
export type GcnRule = (typeof GCN_RULES)[number];
export const DEFAULT_GCN_RULE: GcnRule = 'never';

/** Whether `--gcn auto` blends the GCN in for these K measurements (never below 3 of them: no judgement). */
export function gcnAutoDecision(basis: LatencyBasis, codes: ArrayLike<number>, seconds: ArrayLike<number>, lambda = DEFAULT_RIDGE): { looSpearman: number | null; blend: boolean } {
  if (codes.length < 3) return { looSpearman: null, blend: false };
  const rho = spearman(adaptLooLogMs(basis, codes, seconds, lambda), Float64Array.from(seconds, (s) => Math.log(s)));
  return { looSpearman: rho, blend: rho < GCN_AUTO_LOO_SPEARMAN };
}

/**
 * Fit the map from K measured cells (codes, seconds). `lambda`: the ridge strength (default 0.1; a
 * strength chosen per device by leave-one-out over the K measured no better and was removed after
 * v0.1.0, docs/research/latency-fewshot.md).
 */
export function adaptLatency(basis: LatencyBasis, codes: ArrayLike<number>, seconds: ArrayLike<number>, opts: { lambda?: number } = {}): AdaptedLatency {
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
  const cols = columns(basis);
  const w0 = prior(basis);
  const y = Float64Array.from(seconds, (s) => Math.log(s * 1e3));
  const lambda = opts.lambda ?? DEFAULT_RIDGE;
  return { basis, weights: centredNonNegativeRidge(cols, codes, y, w0, lambda), lambda, samples: K };
}

/** Predicted seconds for NB201 codes. */
export function predictAdapted(m: AdaptedLatency, codes: ArrayLike<number>): Float64Array {
  const cols = columns(m.basis);
  const g = m.gcnLogMs;
  return Float64Array.from(codes, (c) => Math.exp(g ? (predictLog(cols, m.weights, c) + g[c]) / 2 : predictLog(cols, m.weights, c)) / 1e3);
}

/**
 * The base with no adaptation at all: the prior's mean of the base devices, scaled by the K
 * measurements' mean ratio (the baseline "pretrained, not adapted").
 */
export function unadaptedLatency(basis: LatencyBasis, codes: ArrayLike<number>, seconds: ArrayLike<number>): AdaptedLatency {
  const cols = columns(basis);
  const w = new Float64Array(cols.length + 1);
  w.set(prior(basis));
  let shift = 0;
  for (let i = 0; i < codes.length; i++) shift += (Math.log(seconds[i] * 1e3) - predictLog(cols, w, codes[i])) / codes.length;
  w[cols.length] = shift;
  return { basis, weights: w, lambda: Infinity, samples: codes.length };
}

/** The basis tables as artifact parameters: per device its own table then its other-cell table. */
function basisParams(b: LatencyBasis): Float32Array {
  const params = new Float32Array(2 * b.logMs.length * NB201_SIZE);
  b.logMs.forEach((x, j) => {
    params.set(x, 2 * j * NB201_SIZE);
    params.set(b.otherMs[j], (2 * j + 1) * NB201_SIZE);
  });
  return params;
}

function basisHeader(b: LatencyBasis): Record<string, unknown> {
  return { space: 'nb201', basis_version: BASIS_FORMAT_VERSION, devices: b.devices, device_cells: b.cells, cells: NB201_SIZE };
}

/** The basis as an artifact ('latency-basis'): device names and cell kinds in the header, ln ms as float32 params. */
export function basisToArtifact(b: LatencyBasis, meta: Record<string, unknown> = {}): Uint8Array {
  return encodeArtifact({ kind: 'latency-basis', ...basisHeader(b), meta }, basisParams(b));
}

function basisFrom(header: Record<string, unknown>, params: Float32Array, source: string): LatencyBasis {
  if (header.space !== 'nb201' || header.cells !== NB201_SIZE) throw new Error(`${source}: a base of another space (${String(header.space)}); this brp-nas adapts NB201 bases`);
  if (header.basis_version !== BASIS_FORMAT_VERSION) throw new Error(`${source}: a base of format version ${String(header.basis_version ?? 1)}; this brp-nas reads version ${BASIS_FORMAT_VERSION} (run latency pretrain again)`);
  const devices = header.devices;
  const cells = header.device_cells;
  if (!Array.isArray(devices) || devices.length === 0 || !devices.every((d) => typeof d === 'string')) throw new Error(`${source}: malformed base (no device names)`);
  if (!Array.isArray(cells) || cells.length !== devices.length || !cells.every((c) => c === 'pruned' || c === 'full')) throw new Error(`${source}: malformed base (device cell kinds)`);
  if (params.length !== 2 * devices.length * NB201_SIZE) throw new Error(`${source}: truncated base`);
  const table = (k: number) => Float64Array.from(params.subarray(k * NB201_SIZE, (k + 1) * NB201_SIZE));
  const logMs = devices.map((_, j) => table(2 * j));
  const otherMs = devices.map((_, j) => table(2 * j + 1));
  for (const x of [...logMs, ...otherMs]) for (const v of x) if (!Number.isFinite(v)) throw new Error(`${source}: the base holds a non-finite latency`);
  return { devices: devices as string[], cells: cells as Nb201CellMode[], logMs, otherMs };
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
  return { devices: keep.map(([d]) => d), cells: keep.map(([, j]) => b.cells[j]), logMs: keep.map(([, j]) => b.logMs[j]), otherMs: keep.map(([, j]) => b.otherMs[j]) };
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
    const g = this.model.gcnLogMs;
    const params = basisParams(b);
    // with --gcn, the GCN's table follows the basis tables
    let all = params;
    if (g) {
      all = new Float32Array(params.length + NB201_SIZE);
      all.set(params);
      all.set(g, params.length);
    }
    return encodeArtifact({ kind: 'latency-fewshot', ...basisHeader(b), weights: Array.from(this.model.weights), lambda: this.model.lambda, samples: this.model.samples, gcn: g !== undefined, meta }, all);
  }
  static fromArtifact(header: Record<string, unknown>, params: Float32Array, source: string): FewShotLatencyPredictor {
    const gcn = header.gcn === true;
    if (header.gcn !== undefined && typeof header.gcn !== 'boolean') throw new Error(`${source}: malformed adapted model (gcn)`);
    const basisLength = params.length - (gcn ? NB201_SIZE : 0);
    if (basisLength < 0) throw new Error(`${source}: truncated adapted model`);
    const basis = basisFrom(header, params.subarray(0, basisLength), source);
    let gcnLogMs: Float32Array | undefined;
    if (gcn) {
      gcnLogMs = Float32Array.from(params.subarray(basisLength));
      for (const x of gcnLogMs) if (!Number.isFinite(x)) throw new Error(`${source}: the GCN table holds a non-finite latency`);
    }
    const w = header.weights;
    if (!Array.isArray(w) || w.length !== columns(basis).length + 1 || !w.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new Error(`${source}: malformed adapted model`);
    return new FewShotLatencyPredictor({ basis, weights: Float64Array.from(w as number[]), lambda: Number(header.lambda), samples: Number(header.samples), ...(gcnLogMs ? { gcnLogMs } : {}) });
  }
}
