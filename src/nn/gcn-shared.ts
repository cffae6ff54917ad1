// Eval-mode inference with shared work (see embedShared): the same layers as Gcn.forward, run once
// per distinct row instead of once per graph node.

import { LN_EPS, type GcnWeights } from './gcn-params.js';
import type { GraphSet } from './graphs.js';
import type { Kernels } from './kernels.js';
import type { Heap } from './memory.js';
import { throwIfStopped, type StopSignal } from '../util/stop.js';

/**
 * Eval-mode embeddings of graphs `ids` (count x H, row-major), computed with shared work: a node's
 * output at layer l depends only on the layer-(l-1) outputs of the nodes it aggregates, so rows
 * are identified by what they aggregate, and each distinct row goes through X.W, LayerNorm and
 * ReLU once. Identical graphs and shared sub-structures (most non-global nodes) cost nothing
 * extra. Exact: the same arithmetic as forward(), up to float summation order.
 */
export function embedShared(model: GcnWeights, set: GraphSet, ids: ArrayLike<number>, opts: { sparseSums?: boolean; signal?: StopSignal } = {}): Float32Array {
  // sparseSums: the row sums run as a sparse-times-dense kernel (wasm SIMD, threads) instead of JS
  // loops: several times faster on weakly shared graphs (NB101), but rounds differently, so it is
  // kept off where results must stay bit-identical to earlier ones (NB201's one-pass ranking).
  const sparse = opts.sparseSums === true;
  const { nodes: N, features: F, hidden: H, layers: L } = model.cfg;
  if (set.nodes !== N || set.features !== F) throw new Error(`graphs have ${set.nodes} nodes x ${set.features} features, the model expects ${N} x ${F}`);
  const k = model.k;
  const heap = k.heap;
  // buffers a kernel writes in full need no zero-fill (the one-pass path keeps its buffers as they were)
  const raw = (n: number) => (sparse ? heap.allocRaw(n) : heap.alloc(n));
  const mark = heap.mark();
  const count = ids.length;
  try {
    // Layer-0 inputs: distinct feature rows.
    let rowId = new Int32Array(count * N);
    const firstRows: number[] = [];
    {
      const keyOf = new Map<string | number, number>();
      const fd = set.featureData;
      for (let g = 0; g < count; g++) {
        const base = ids[g] * N * F;
        for (let i = 0; i < N; i++) {
          // 0/1 rows (one-hot features) key by their bits; anything else by its text
          let key: string | number = 0;
          const at = base + i * F;
          for (let f = 0; f < F; f++) {
            const x = fd[at + f];
            if (x === 1 && F <= 30) key = (key as number) | (1 << f);
            else if (x !== 0 || F > 30) {
              key = fd.subarray(at, at + F).join(',');
              break;
            }
          }
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
      // a whole pool's ranking takes seconds (NB101: about 3 s for 20,001 cells): a stop is heard
      // between the steps of each layer, which changes no arithmetic
      throwIfStopped(opts.signal);
      const S = heap.alloc(uniq * H);
      if (l === 0) k.gemm_nn(rows, model.ptr(`gc${l}.weight`), S, uniq, din, H, 0);
      else {
        const ptr = raw(uniq + 1);
        const idx = raw(uniq * din);
        const val = raw(uniq * din);
        k.nz_rows(rows, uniq, din, ptr, idx, val);
        k.gemm_nn_csr(ptr, idx, val, model.ptr(`gc${l}.weight`), S, uniq, H, 0);
      }
      throwIfStopped(opts.signal);
      const sums = new RowSums();
      const nextId = new Int32Array(count * N);
      for (let g = 0; g < count; g++) for (let i = 0; i < N; i++) nextId[g * N + i] = sums.add(adjacency, ids[g] * N * N + i * N, N, rowId, g * N);
      throwIfStopped(opts.signal);
      const nu = sums.count;
      const Y = raw(nu * H);
      const xhat = raw(nu * H);
      const rstd = raw(nu);
      const out = raw(nu * H);
      if (sparse) {
        const bias = heap.f32(model.ptr(`gc${l}.bias`), H);
        const y = heap.f32(Y, nu * H);
        for (let r = 0; r < nu; r++) y.set(bias, r * H);
        sums.multiply(k, heap, S, Y, H, 1);
      } else sums.compute(heap.all(), Y >>> 2, S >>> 2, H, model.ptr(`gc${l}.bias`) >>> 2);
      throwIfStopped(opts.signal);
      k.ln_relu_drop_fwd(Y, xhat, out, model.ptr(`ln${l}.weight`), model.ptr(`ln${l}.bias`), rstd, 0, nu, H, LN_EPS);
      rows = out;
      uniq = nu;
      rowId = nextId;
      din = H;
    }
    // Last layer: the global row, (sum_j A[0,j] X_j) . W, once per distinct graph.
    throwIfStopped(opts.signal);
    const l = L - 1;
    const sums = new RowSums();
    const graphId = new Int32Array(count);
    for (let g = 0; g < count; g++) graphId[g] = sums.add(adjacency, ids[g] * N * N, N, rowId, g * N);
    const ng = sums.count;
    const xagg = raw(ng * din);
    if (sparse) sums.multiply(k, heap, rows, xagg, din, 0);
    else sums.compute(heap.all(), xagg >>> 2, rows >>> 2, din);
    throwIfStopped(opts.signal);
    const Y = raw(ng * H);
    k.gemm_nn(xagg, model.ptr(`gc${l}.weight`), Y, ng, din, H, 0);
    k.add_bias(Y, model.ptr(`gc${l}.bias`), ng, H);
    const xhat = raw(ng * H);
    const rstd = raw(ng);
    const emb = raw(ng * H);
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
    // key: the (member, weight) pairs in a canonical order (insertion sort: at most N pairs)
    const m = members.slice();
    const w = weights.slice();
    for (let a = 1; a < m.length; a++) {
      const mv = m[a];
      const wv = w[a];
      let b = a - 1;
      while (b >= 0 && (m[b] > mv || (m[b] === mv && w[b] > wv))) {
        m[b + 1] = m[b];
        w[b + 1] = w[b];
        b--;
      }
      m[b + 1] = mv;
      w[b + 1] = wv;
    }
    let key = '';
    for (let t = 0; t < m.length; t++) key += w[t] === 1 ? `${m[t]},` : `${m[t]}*${w[t]},`;
    let id = this.keyOf.get(key);
    if (id === undefined) {
      id = this.recipes.length;
      this.keyOf.set(key, id);
      this.recipes.push({ members, weights });
    }
    return id;
  }

  /** dst (+)= R . src with R the sums as a sparse matrix (rows = sums), by the kernels; byte pointers. */
  multiply(k: Kernels, heap: Heap, src: number, dst: number, width: number, acc: 0 | 1): void {
    const M = this.recipes.length;
    let nnz = 0;
    for (const r of this.recipes) nnz += r.members.length;
    const ptr = heap.allocRaw(M + 1);
    const idx = heap.allocRaw(nnz);
    const val = heap.allocRaw(nnz);
    const iv = heap.allI32();
    const fv = heap.all();
    let n = 0;
    iv[ptr >>> 2] = 0;
    this.recipes.forEach(({ members, weights }, r) => {
      for (let t = 0; t < members.length; t++) {
        iv[(idx >>> 2) + n] = members[t];
        fv[(val >>> 2) + n++] = weights[t];
      }
      iv[(ptr >>> 2) + r + 1] = n;
    });
    k.gemm_nn_csr(ptr, idx, val, src, dst, M, width, acc);
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
