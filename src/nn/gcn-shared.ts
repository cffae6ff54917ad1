// Eval-mode inference with shared work (see embedShared): the same layers as Gcn.forward, run once
// per distinct row instead of once per graph node.

import { LN_EPS, type GcnWeights } from './gcn-params.js';
import type { GraphSet } from './graphs.js';

/**
 * Eval-mode embeddings of graphs `ids` (count x H, row-major), computed with shared work: a node's
 * output at layer l depends only on the layer-(l-1) outputs of the nodes it aggregates, so rows
 * are identified by what they aggregate, and each distinct row goes through X.W, LayerNorm and
 * ReLU once. Identical graphs and shared sub-structures (most non-global nodes) cost nothing
 * extra. Exact: the same arithmetic as forward(), up to float summation order.
 */
export function embedShared(model: GcnWeights, set: GraphSet, ids: ArrayLike<number>): Float32Array {
  const { nodes: N, features: F, hidden: H, layers: L } = model.cfg;
  if (set.nodes !== N || set.features !== F) throw new Error(`graphs have ${set.nodes} nodes x ${set.features} features, the model expects ${N} x ${F}`);
  const k = model.k;
  const heap = k.heap;
  const mark = heap.mark();
  const count = ids.length;
  try {
    // Layer-0 inputs: distinct feature rows.
    let rowId = new Int32Array(count * N);
    const firstRows: number[] = [];
    {
      const keyOf = new Map<string, number>();
      for (let g = 0; g < count; g++) {
        const base = ids[g] * N * F;
        for (let i = 0; i < N; i++) {
          const key = Array.prototype.join.call(set.featureData.subarray(base + i * F, base + (i + 1) * F), ',');
          let id = keyOf.get(key);
          if (id === undefined) {
            id = firstRows.length;
            keyOf.set(key, id);
            firstRows.push(base + i * F);
          }
          rowId[g * N + i] = id;
        }
      }
    }
    let uniq = firstRows.length;
    let rows = heap.alloc(uniq * F);
    {
      const R = heap.f32(rows, uniq * F);
      firstRows.forEach((src, r) => R.set(set.featureData.subarray(src, src + F), r * F));
    }
    let din = F;
    const adjacency = set.adjacency;
    // Layers 0..L-2 on distinct rows.
    for (let l = 0; l < L - 1; l++) {
      const S = heap.alloc(uniq * H);
      if (l === 0) k.gemm_nn(rows, model.ptr(`gc${l}.weight`), S, uniq, din, H, 0);
      else {
        const ptr = heap.alloc(uniq + 1);
        const idx = heap.alloc(uniq * din);
        const val = heap.alloc(uniq * din);
        k.nz_rows(rows, uniq, din, ptr, idx, val);
        k.gemm_nn_csr(ptr, idx, val, model.ptr(`gc${l}.weight`), S, uniq, H, 0);
      }
      const sums = new RowSums();
      const nextId = new Int32Array(count * N);
      for (let g = 0; g < count; g++) for (let i = 0; i < N; i++) nextId[g * N + i] = sums.add(adjacency, ids[g] * N * N + i * N, N, rowId, g * N);
      const nu = sums.count;
      const Y = heap.alloc(nu * H);
      const xhat = heap.alloc(nu * H);
      const rstd = heap.alloc(nu);
      const out = heap.alloc(nu * H);
      sums.compute(heap.all(), Y >> 2, S >> 2, H, model.ptr(`gc${l}.bias`) >> 2);
      k.ln_relu_drop_fwd(Y, xhat, out, model.ptr(`ln${l}.weight`), model.ptr(`ln${l}.bias`), rstd, 0, nu, H, LN_EPS);
      rows = out;
      uniq = nu;
      rowId = nextId;
      din = H;
    }
    // Last layer: the global row, (sum_j A[0,j] X_j) . W, once per distinct graph.
    const l = L - 1;
    const sums = new RowSums();
    const graphId = new Int32Array(count);
    for (let g = 0; g < count; g++) graphId[g] = sums.add(adjacency, ids[g] * N * N, N, rowId, g * N);
    const ng = sums.count;
    const xagg = heap.alloc(ng * din);
    sums.compute(heap.all(), xagg >> 2, rows >> 2, din);
    const Y = heap.alloc(ng * H);
    k.gemm_nn(xagg, model.ptr(`gc${l}.weight`), Y, ng, din, H, 0);
    k.add_bias(Y, model.ptr(`gc${l}.bias`), ng, H);
    const xhat = heap.alloc(ng * H);
    const rstd = heap.alloc(ng);
    const emb = heap.alloc(ng * H);
    k.ln_relu_drop_fwd(Y, xhat, emb, model.ptr(`ln${l}.weight`), model.ptr(`ln${l}.bias`), rstd, 0, ng, H, LN_EPS);
    const E = heap.f32(emb, ng * H);
    const result = new Float32Array(count * H);
    for (let g = 0; g < count; g++) result.set(E.subarray(graphId[g] * H, (graphId[g] + 1) * H), g * H);
    return result;
  } finally {
    heap.release(mark);
  }
}

/**
 * Distinct weighted row sums, sum_j A[j] * row(id_j): rows of A that pick the same (row id, weight)
 * pairs share one entry, so each distinct sum is computed once (eval-mode shared work).
 */
class RowSums {
  private readonly keyOf = new Map<string, number>();
  private readonly recipes: { members: number[]; weights: number[] }[] = [];

  get count(): number {
    return this.recipes.length;
  }

  /** Id of the sum for adjacency entries [a0, a0 + N) over rows rowId[base + j]. */
  add(adjacency: Float32Array, a0: number, N: number, rowId: Int32Array, base: number): number {
    const members: number[] = [];
    const weights: number[] = [];
    for (let j = 0; j < N; j++) {
      const a = adjacency[a0 + j];
      if (a !== 0) {
        members.push(rowId[base + j]);
        weights.push(a);
      }
    }
    const order = members.map((_, t) => t).sort((x, y) => members[x] - members[y] || weights[x] - weights[y]);
    const key = order.map((t) => `${members[t]}*${weights[t]}`).join(',');
    let id = this.keyOf.get(key);
    if (id === undefined) {
      id = this.recipes.length;
      this.keyOf.set(key, id);
      this.recipes.push({ members, weights });
    }
    return id;
  }

  /** dst[r, :] = bias (or 0) + the r-th sum of src rows; float indices into `all`, rows of `width`. */
  compute(all: Float32Array, dst: number, src: number, width: number, bias = -1): void {
    this.recipes.forEach(({ members, weights }, r) => {
      const yr = dst + r * width;
      for (let d = 0; d < width; d++) all[yr + d] = bias >= 0 ? all[bias + d] : 0;
      for (let t = 0; t < members.length; t++) {
        const sr = src + members[t] * width;
        const w = weights[t];
        for (let d = 0; d < width; d++) all[yr + d] += w * all[sr + d];
      }
    });
  }
}
