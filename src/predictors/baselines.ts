// Non-neural latency baselines on the same split as the GCN: FLOPs with a linear fit, and a
// layer-wise model that sums a fitted latency per (cell position, operation) over the live edges.

import { macroConfigFor, nb201Cost } from '../spaces/nb201/cost.js';
import { codeToVector, liveEdges, type Nb201CellMode } from '../spaces/nb201/cell.js';

/**
 * The ridge-regularised normal equations of a rows x cols design: A = X'X + ridge * mean(diag X'X) I,
 * b = X'y (the ridge scales with the design, so one strength suits any units).
 */
function normalEquations(X: Float64Array, y: ArrayLike<number>, rows: number, cols: number, ridge: number): { A: Float64Array; b: Float64Array } {
  const A = new Float64Array(cols * cols);
  const b = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < cols; i++) {
      const xi = X[r * cols + i];
      if (xi === 0) continue;
      b[i] += xi * y[r];
      for (let j = 0; j < cols; j++) A[i * cols + j] += xi * X[r * cols + j];
    }
  }
  let trace = 0;
  for (let i = 0; i < cols; i++) trace += A[i * cols + i];
  for (let i = 0; i < cols; i++) A[i * cols + i] += ridge * (trace / cols + 1e-30);
  return { A, b };
}

/** Least squares with a small ridge term (keeps collinear designs solvable); rows x cols design. */
export function leastSquares(X: Float64Array, y: ArrayLike<number>, rows: number, cols: number, ridge = 1e-9): Float64Array {
  const { A, b } = normalEquations(X, y, rows, cols, ridge);
  // Cholesky solve
  const L = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * cols + j];
      for (let k = 0; k < j; k++) s -= L[i * cols + k] * L[j * cols + k];
      if (i === j) {
        if (!(s > 0)) throw new Error('least squares: the design matrix is singular');
        L[i * cols + i] = Math.sqrt(s);
      } else L[i * cols + j] = s / L[j * cols + j];
    }
  }
  const z = new Float64Array(cols);
  for (let i = 0; i < cols; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * cols + k] * z[k];
    z[i] = s / L[i * cols + i];
  }
  const w = new Float64Array(cols);
  for (let i = cols - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < cols; k++) s -= L[k * cols + i] * w[k];
    w[i] = s / L[i * cols + i];
  }
  return w;
}

export interface LinearModel {
  kind: string;
  weights: number[];
  /** What the device runs of a cell (absent: 'pruned', as LatBench and models saved before 'full'). */
  cell?: Nb201CellMode;
}

/**
 * FLOPs of the network a device runs, CIFAR-100 head as LatBench: the pruned inference graph
 * (default, what LatBench timed), or every op of the cell ('full').
 */
export function flopsFeature(code: number, cell: Nb201CellMode = 'pruned'): number {
  const c = nb201Cost(codeToVector(code), macroConfigFor('cifar100'));
  return cell === 'full' ? c.flops : c.flopsEffective;
}

export function fitFlops(codes: ArrayLike<number>, y: ArrayLike<number>, cell: Nb201CellMode = 'pruned'): LinearModel {
  const X = new Float64Array(codes.length * 2);
  for (let i = 0; i < codes.length; i++) {
    X[i * 2] = flopsFeature(codes[i], cell) / 1e6;
    X[i * 2 + 1] = 1;
  }
  return { kind: 'flops', weights: Array.from(leastSquares(X, y, codes.length, 2)), ...(cell === 'full' ? { cell } : {}) };
}

const LAYERWISE_COLS = 6 * 4 + 1;

/**
 * One indicator per (position, op) for the edges the device runs (live edges; with cell 'full' every
 * edge but 'none'), plus an intercept (the fixed stem/head cost).
 */
export function layerwiseFeatures(code: number, out = new Float64Array(LAYERWISE_COLS), cell: Nb201CellMode = 'pruned'): Float64Array {
  out.fill(0);
  const v = codeToVector(code);
  const live = cell === 'full' ? v.map((op) => op !== 0) : liveEdges(v);
  for (let k = 0; k < 6; k++) if (live[k]) out[k * 4 + (v[k] - 1)] = 1;
  out[LAYERWISE_COLS - 1] = 1;
  return out;
}

export function fitLayerwise(codes: ArrayLike<number>, y: ArrayLike<number>, cell: Nb201CellMode = 'pruned'): LinearModel {
  const X = new Float64Array(codes.length * LAYERWISE_COLS);
  for (let i = 0; i < codes.length; i++) layerwiseFeatures(codes[i], X.subarray(i * LAYERWISE_COLS, (i + 1) * LAYERWISE_COLS), cell);
  return { kind: 'layerwise', weights: Array.from(leastSquares(X, y, codes.length, LAYERWISE_COLS)), ...(cell === 'full' ? { cell } : {}) };
}

export function predictLinear(model: LinearModel, codes: ArrayLike<number>): Float64Array {
  const out = new Float64Array(codes.length);
  const f = new Float64Array(LAYERWISE_COLS);
  const cell = model.cell ?? 'pruned';
  for (let i = 0; i < codes.length; i++) {
    if (model.kind === 'flops') out[i] = model.weights[0] * (flopsFeature(codes[i], cell) / 1e6) + model.weights[1];
    else if (model.kind === 'layerwise') {
      layerwiseFeatures(codes[i], f, cell);
      let s = 0;
      for (let j = 0; j < LAYERWISE_COLS; j++) s += f[j] * model.weights[j];
      out[i] = s;
    } else throw new Error(`unknown linear model kind ${model.kind}`);
  }
  return out;
}
