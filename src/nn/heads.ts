// The predictors' heads on top of the GCN body's embeddings: their forward and backward passes,
// reading and writing the kernel heap at the model's parameter, gradient and embedding addresses.
// The losses stay with the predictors; a head turns dLoss/dOutput into its parameter gradients and
// the embedding gradient that Gcn.backward takes.

import type { Gcn } from './gcn.js';

/** Regression head, Linear(H -> 1): out[g] = e_g . w + b over the G embeddings at the model's buffer. */
export function regressionHeadForward(model: Gcn, G: number, out: Float64Array): void {
  const H = model.cfg.hidden;
  const heap = model.k.heap.all();
  const e = model.embPtr >>> 2;
  const w = model.ptr('fc.weight') >>> 2;
  const b = heap[model.ptr('fc.bias') >>> 2];
  for (let g = 0; g < G; g++) {
    let s = b;
    const eg = e + g * H;
    for (let h = 0; h < H; h++) s += heap[eg + h] * heap[w + h];
    out[g] = s;
  }
}

/** Regression head over embeddings held outside the heap (n x H rows of E, eval mode). */
export function regressionHeadOn(model: Gcn, E: Float32Array, n: number): Float64Array {
  const H = model.cfg.hidden;
  const heap = model.k.heap.all();
  const w = heap.subarray(model.ptr('fc.weight') >>> 2, (model.ptr('fc.weight') >>> 2) + H);
  const b = heap[model.ptr('fc.bias') >>> 2];
  const out = new Float64Array(n);
  for (let g = 0; g < n; g++) {
    let s = b;
    for (let h = 0; h < H; h++) s += E[g * H + h] * w[h];
    out[g] = s;
  }
  return out;
}

/** Given dLoss/dOutput per graph: set the head's gradients and fill the embedding gradient. */
export function regressionHeadBackward(model: Gcn, G: number, dy: Float64Array): void {
  const H = model.cfg.hidden;
  const heap = model.k.heap.all();
  const e = model.embPtr >>> 2;
  const de = model.embGradPtr >>> 2;
  const w = model.ptr('fc.weight') >>> 2;
  const gw = model.ptr('fc.weight', true) >>> 2;
  const gb = model.ptr('fc.bias', true) >>> 2;
  heap.fill(0, gw, gw + H);
  heap[gb] = 0;
  for (let g = 0; g < G; g++) {
    const d = dy[g];
    heap[gb] += d;
    for (let h = 0; h < H; h++) {
      heap[gw + h] += d * heap[e + g * H + h];
      heap[de + g * H + h] = d * heap[w + h];
    }
  }
}

/**
 * Pair head, Linear(2H -> 2) on [e_a, e_b]: z_k(a, b) = A_k[a] + B_k[b] + c_k. Returns each model's
 * contribution as the first (A) and the second (B) element of a pair, and the biases.
 */
export interface PairParts {
  A0: Float64Array;
  A1: Float64Array;
  B0: Float64Array;
  B1: Float64Array;
  c0: number;
  c1: number;
}

export function pairHeadParts(model: Gcn, E: Float32Array, n: number): PairParts {
  const H = model.cfg.hidden;
  const heap = model.k.heap.all();
  const w = model.ptr('fc.weight') >>> 2; // (2H x 2) row-major
  const b = model.ptr('fc.bias') >>> 2;
  const A0 = new Float64Array(n);
  const A1 = new Float64Array(n);
  const B0 = new Float64Array(n);
  const B1 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let a0 = 0;
    let a1 = 0;
    let b0 = 0;
    let b1 = 0;
    for (let h = 0; h < H; h++) {
      const e = E[i * H + h];
      a0 += e * heap[w + h * 2];
      a1 += e * heap[w + h * 2 + 1];
      b0 += e * heap[w + (H + h) * 2];
      b1 += e * heap[w + (H + h) * 2 + 1];
    }
    A0[i] = a0;
    A1[i] = a1;
    B0[i] = b0;
    B1[i] = b1;
  }
  return { A0, A1, B0, B1, c0: heap[b], c1: heap[b + 1] };
}

/** dLoss/d(A_k[i]), dLoss/d(B_k[i]) per model and dLoss/dc_k, summed over the pairs. */
export interface PairGrads {
  dA0: Float64Array;
  dA1: Float64Array;
  dB0: Float64Array;
  dB1: Float64Array;
  db0: number;
  db1: number;
}

/** Set the pair head's gradients and fill the embedding gradient of the n models (rows of E). */
export function pairHeadBackward(model: Gcn, E: Float32Array, n: number, d: PairGrads): void {
  const H = model.cfg.hidden;
  const heap = model.k.heap.all();
  const w = model.ptr('fc.weight') >>> 2;
  const gw = model.ptr('fc.weight', true) >>> 2;
  const gb = model.ptr('fc.bias', true) >>> 2;
  const de = model.embGradPtr >>> 2;
  const { dA0, dA1, dB0, dB1 } = d;
  heap.fill(0, gw, gw + 4 * H);
  heap[gb] = d.db0;
  heap[gb + 1] = d.db1;
  for (let i = 0; i < n; i++) {
    for (let h = 0; h < H; h++) {
      const e = E[i * H + h];
      heap[gw + h * 2] += e * dA0[i];
      heap[gw + h * 2 + 1] += e * dA1[i];
      heap[gw + (H + h) * 2] += e * dB0[i];
      heap[gw + (H + h) * 2 + 1] += e * dB1[i];
      heap[de + i * H + h] = dA0[i] * heap[w + h * 2] + dA1[i] * heap[w + h * 2 + 1] + dB0[i] * heap[w + (H + h) * 2] + dB1[i] * heap[w + (H + h) * 2 + 1];
    }
  }
}
