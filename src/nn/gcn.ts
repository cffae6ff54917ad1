// The GCN body of the BRP-NAS predictors (reference spec section 2), with hand-written forward and
// backward passes over the kernel interface. Per layer l:
//   X <- Dropout_p( ReLU( LayerNorm( A . (X W_l) + b_l ) ) )
// A is the 0/1 adjacency (row = source, self-loops, global row all ones), used unnormalised; the
// embedding of a graph is its global node's row (node 0) after the last layer.
// Parameters live contiguously in the kernel heap (body first, then the head; layout and init in
// gcn-params.ts), as do their gradients and the AdamW moments, so one optimizer call updates
// everything. This module holds the training buffers and the forward and backward passes; eval-mode
// shared-work inference is in gcn-shared.ts, the heads in heads.ts.

import type { Rng } from '../util/rng.js';
import type { StopSignal } from '../util/stop.js';
import type { GraphSet } from './graphs.js';
import type { Kernels } from './kernels.js';
import type { AdamWStep } from './optim.js';
import { embedShared } from './gcn-shared.js';
import { LN_EPS, gcnParamLayout, initGcnParams, resetHeadParams, type GcnConfig, type ParamInfo } from './gcn-params.js';

export type { GcnConfig, ParamInfo } from './gcn-params.js';

/** Largest dY (floats) for which backward(step) fuses a weight's update into its gradient (~512 KB). */
const FUSE_MAX_DY = 131072;

interface LayerBuffers {
  out: number; // M x H, the layer output (input of the next layer)
  xhat: number; // M x H
  rstd: number; // M
  mask: number; // M x H (dropout)
}

export class Gcn {
  readonly params: ParamInfo[];
  readonly paramCount: number;
  readonly bodyParamCount: number;
  /** Byte offsets of the parameter, gradient and moment blocks. */
  readonly p: number;
  readonly g: number;
  readonly m: number;
  readonly v: number;
  private capacity = 0;
  private adj = 0;
  private feat = 0;
  private layerBuf: LayerBuffers[] = [];
  private scratchS = 0;
  private scratchY = 0;
  private dOut = 0;
  private dY = 0;
  private dS = 0;
  private emb = 0;
  private xagg = 0;
  private dEmb = 0;
  // compressed index of a hidden layer's sparse input (see the sparse-input kernels)
  private nzPtr = 0;
  private nzIdx = 0;
  private nzVal = 0;
  private lastGraphs = 0;
  private lastTrain = false;

  constructor(readonly k: Kernels, readonly cfg: GcnConfig) {
    const layout = gcnParamLayout(cfg);
    this.params = layout.params;
    this.bodyParamCount = layout.bodyParamCount;
    this.paramCount = layout.paramCount;
    this.p = k.heap.alloc(this.paramCount);
    this.g = k.heap.alloc(this.paramCount);
    this.m = k.heap.alloc(this.paramCount);
    this.v = k.heap.alloc(this.paramCount);
  }

  param(name: string): ParamInfo {
    const p = this.params.find((x) => x.name === name);
    if (!p) throw new Error(`no parameter ${name}`);
    return p;
  }

  /** Byte offset of a parameter's values (or gradient with grad=true). */
  ptr(name: string, grad = false): number {
    return (grad ? this.g : this.p) + this.param(name).offset * 4;
  }

  /** Views of all parameters / gradients (invalid after the heap grows). */
  paramView(): Float32Array {
    return this.k.heap.f32(this.p, this.paramCount);
  }
  gradView(): Float32Array {
    return this.k.heap.f32(this.g, this.paramCount);
  }

  /** The reference initialisation (see initGcnParams). */
  init(rng: Rng, bodyInit: 'thomas' | 'torch-linear' = 'thomas'): void {
    initGcnParams(this.paramView(), this.params, rng, bodyInit);
  }

  /** Re-initialise the head as PyTorch does (used for transfer from another predictor). */
  resetHead(rng: Rng): void {
    resetHeadParams(this.paramView(), this.params, rng);
  }

  /** Make room for batches of up to `graphs` graphs. */
  reserve(graphs: number): void {
    if (graphs <= this.capacity) return;
    const { nodes: N, features: F, hidden: H, layers: L } = this.cfg;
    const M = graphs * N;
    const heap = this.k.heap;
    this.adj = heap.alloc(graphs * N * N);
    this.feat = heap.alloc(M * F);
    this.layerBuf = [];
    for (let l = 0; l < L; l++) this.layerBuf.push({ out: heap.alloc(M * H), xhat: heap.alloc(M * H), rstd: heap.alloc(M), mask: heap.alloc(M * H) });
    this.scratchS = heap.alloc(M * H);
    this.scratchY = heap.alloc(M * H);
    this.dOut = heap.alloc(M * H);
    this.dY = heap.alloc(M * H);
    this.dS = heap.alloc(M * H);
    this.emb = heap.alloc(graphs * H);
    this.xagg = heap.alloc(graphs * Math.max(H, F));
    this.dEmb = heap.alloc(graphs * H);
    this.nzPtr = heap.alloc(Math.max(M, H) + 1);
    this.nzIdx = heap.alloc(M * H);
    this.nzVal = heap.alloc(M * H);
    this.capacity = graphs;
  }

  /** Copy graphs ids[0..] of the set into the input buffers. */
  load(set: GraphSet, ids: ArrayLike<number>): void {
    const { nodes: N, features: F } = this.cfg;
    if (set.nodes !== N || set.features !== F) throw new Error(`graphs have ${set.nodes} nodes x ${set.features} features, the model expects ${N} x ${F}`);
    const adjacency = set.adjacency;
    const features = set.featureData;
    this.reserve(ids.length);
    const a = this.k.heap.f32(this.adj, ids.length * N * N);
    const f = this.k.heap.f32(this.feat, ids.length * N * F);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const rows = adjacency.subarray(id * N * N, (id + 1) * N * N);
      // the last layer's backward skips the zeros of sum_j A[0,j] X_j, exact only for A >= 0
      for (let j = 0; j < rows.length; j++) if (!(rows[j] >= 0)) throw new Error(`graph ${id}: adjacency entry ${rows[j]} is not a non-negative number`);
      a.set(rows, i * N * N);
      f.set(features.subarray(id * N * F, (id + 1) * N * F), i * N * F);
    }
  }

  /**
   * Body forward over the G loaded graphs; returns the byte offset of the G x H embeddings.
   * In training mode dropout masks are drawn from `rng`.
   */
  forward(G: number, train: boolean, rng?: Rng): number {
    const { nodes: N, features: F, hidden: H, layers: L, dropout } = this.cfg;
    const k = this.k;
    const M = G * N;
    const useDrop = train && dropout > 0;
    if (useDrop && !rng) throw new Error('Gcn.forward: training with dropout needs an rng');
    let input = this.feat;
    let din = F;
    for (let l = 0; l < L - 1; l++) {
      const buf = this.layerBuf[l];
      if (l === 0) k.gemm_nn(input, this.ptr(`gc${l}.weight`), this.scratchS, M, din, H, 0);
      else {
        // the input is the previous layer's ReLU/dropout output: skip its zeros (same result)
        k.nz_rows(input, M, din, this.nzPtr, this.nzIdx, this.nzVal);
        k.gemm_nn_csr(this.nzPtr, this.nzIdx, this.nzVal, this.ptr(`gc${l}.weight`), this.scratchS, M, H, 0);
      }
      k.adj_fwd(this.adj, this.scratchS, this.scratchY, this.ptr(`gc${l}.bias`), G, N, H);
      if (useDrop) k.dropout_mask(buf.mask, M * H, dropout, 1 / (1 - dropout), rng!.u32());
      k.ln_relu_drop_fwd(this.scratchY, buf.xhat, buf.out, this.ptr(`ln${l}.weight`), this.ptr(`ln${l}.bias`), buf.rstd, useDrop ? buf.mask : 0, M, H, LN_EPS);
      input = buf.out;
      din = H;
    }
    // Last layer: only the global node's row is read out, and row 0 of A.(XW) is (A[0,:].X).W, so
    // the layer runs on one aggregated row per graph instead of N rows.
    const l = L - 1;
    const last = this.layerBuf[l];
    k.adj_row0(this.adj, input, this.xagg, G, N, din);
    k.gemm_nn(this.xagg, this.ptr(`gc${l}.weight`), this.scratchY, G, din, H, 0);
    k.add_bias(this.scratchY, this.ptr(`gc${l}.bias`), G, H);
    if (useDrop) k.dropout_mask(last.mask, G * H, dropout, 1 / (1 - dropout), rng!.u32());
    k.ln_relu_drop_fwd(this.scratchY, last.xhat, this.emb, this.ptr(`ln${l}.weight`), this.ptr(`ln${l}.bias`), last.rstd, useDrop ? last.mask : 0, G, H, LN_EPS);
    this.lastGraphs = G;
    this.lastTrain = useDrop;
    return this.emb;
  }

  /** Byte offset of the embedding-gradient buffer (G x H) that the head fills before backward(). */
  get embGradPtr(): number {
    return this.dEmb;
  }

  get embPtr(): number {
    return this.emb;
  }

  /**
   * The parameters whose AdamW update backward(step) applies itself (the weights of the layers with
   * a ReLU/dropout input, l >= 1), as [offset, size] float ranges of the parameter block; and the
   * ranges left for the optimizer.
   */
  fusedRanges(): [number, number][] {
    return this.params.filter((p) => /^gc[1-9]\d*\.weight$/.test(p.name)).map((p) => [p.offset, p.size]);
  }
  unfusedRanges(): [number, number][] {
    const out: [number, number][] = [];
    let at = 0;
    for (const [off, size] of this.fusedRanges()) {
      if (off > at) out.push([at, off - at]);
      at = off + size;
    }
    if (at < this.paramCount) out.push([at, this.paramCount - at]);
    return out;
  }

  /**
   * Backpropagate dEmb (G x H at embGradPtr) through the body. The body's gradients are set, not
   * accumulated (so the optimizer need not clear them); the head sets its own.
   * With `step`, the weights of fusedRanges() get their AdamW update here, layer by layer (for small
   * batches from gradients that are never stored: it saves a read of W and the write and read of its
   * gradient per layer); the same bits as storing them all and updating after. The caller updates
   * unfusedRanges() afterwards.
   */
  backward(step?: AdamWStep): void {
    const { nodes: N, features: F, hidden: H, layers: L } = this.cfg;
    const k = this.k;
    const G = this.lastGraphs;
    const M = G * N;
    const grads = k.heap.f32(this.g, this.bodyParamCount);
    for (const info of this.params) if (info.name.startsWith('ln')) grads.fill(0, info.offset, info.offset + info.size);
    // Last layer (global rows only, see forward).
    const l = L - 1;
    const last = this.layerBuf[l];
    const lastDin = L === 1 ? F : H;
    k.ln_relu_drop_bwd(this.dEmb, last.xhat, this.ptr(`ln${l}.weight`), this.ptr(`ln${l}.bias`), last.rstd, this.lastTrain ? last.mask : 0, this.dY, this.ptr(`ln${l}.weight`, true), this.ptr(`ln${l}.bias`, true), G, H);
    k.colsum(this.dY, this.ptr(`gc${l}.bias`, true), G, H, 0);
    if (L === 1) {
      k.gemm_tn(this.xagg, this.dY, this.ptr(`gc${l}.weight`, true), G, lastDin, H, 0);
      return;
    }
    // The aggregated input sum_j A[0,j] X_j (A >= 0, X >= 0) is zero exactly where every X_j is,
    // so its gradient is needed only at its nonzeros, as for the other layers below.
    this.weightBackward(this.xagg, this.dY, this.dS, l, G, lastDin, step);
    k.adj_row0_bwd(this.adj, this.dS, this.dOut, G, N, H);
    for (let l = L - 2; l >= 0; l--) {
      const buf = this.layerBuf[l];
      const input = l === 0 ? this.feat : this.layerBuf[l - 1].out;
      const din = l === 0 ? F : H;
      k.ln_relu_drop_bwd(this.dOut, buf.xhat, this.ptr(`ln${l}.weight`), this.ptr(`ln${l}.bias`), buf.rstd, this.lastTrain ? buf.mask : 0, this.dY, this.ptr(`ln${l}.weight`, true), this.ptr(`ln${l}.bias`, true), M, H);
      k.colsum(this.dY, this.ptr(`gc${l}.bias`, true), M, H, 0);
      k.adj_bwd(this.adj, this.dY, this.dS, G, N, H);
      if (l === 0) {
        k.gemm_tn(input, this.dS, this.ptr(`gc${l}.weight`, true), M, din, H, 0);
        continue;
      }
      this.weightBackward(input, this.dS, this.dOut, l, M, din, step);
    }
  }

  /**
   * Weight gradient and input gradient of layer l >= 1, whose input X (M x din) is a ReLU/dropout
   * output: X's zeros add nothing to the weight gradient, and the gradient flowing back to them is
   * zeroed by the ReLU/dropout backward, so neither is computed. With `step`, the weight's AdamW
   * update is fused in.
   */
  private weightBackward(x: number, dy: number, dx: number, l: number, M: number, din: number, step?: AdamWStep): void {
    const k = this.k;
    const H = this.cfg.hidden;
    k.nz_cols(x, M, din, this.nzPtr, this.nzIdx, this.nzVal);
    // The fused kernel reads dY once per weight row, which pays while dY stays in L2 (batch-1
    // steps); with large batches (BRP steps over 100 models) the separate kernels are faster.
    if (step && M * H <= FUSE_MAX_DY) {
      const off = this.param(`gc${l}.weight`).offset * 4;
      k.sparse_bwd_adamw(this.nzPtr, this.nzIdx, this.nzVal, dy, dx, this.p + off, this.m + off, this.v + off, M, din, H, step.lr, step.weightDecay, step.beta1, step.beta2, step.eps, step.bc1, step.bc2);
      return;
    }
    k.gemm_tn_csc(this.nzPtr, this.nzIdx, this.nzVal, dy, this.ptr(`gc${l}.weight`, true), din, H, 0);
    k.gemm_nt_csc(this.nzPtr, this.nzIdx, dy, this.ptr(`gc${l}.weight`), dx, M, din, H, 0);
    if (step) {
      const { offset, size } = this.param(`gc${l}.weight`);
      k.adamw(this.p + offset * 4, this.g + offset * 4, this.m + offset * 4, this.v + offset * 4, size, step.lr, step.weightDecay, step.beta1, step.beta2, step.eps, step.bc1, step.bc2);
    }
  }

  /** Eval-mode embeddings of graphs `ids` with shared work (see gcn-shared.ts). */
  embedShared(set: GraphSet, ids: ArrayLike<number>, opts: { sparseSums?: boolean; signal?: StopSignal } = {}): Float32Array {
    return embedShared(this, set, ids, opts);
  }

  zeroGrad(): void {
    this.gradView().fill(0);
  }
}
