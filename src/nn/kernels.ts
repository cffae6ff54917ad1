// The one small kernel interface of the numeric core. All arguments are byte offsets into `heap`
// and sizes; arrays are f32 row-major. `acc` = 1 adds into the output instead of overwriting it.

import type { Heap } from './memory.js';

export interface Kernels {
  readonly name: 'wasm-simd' | 'js';
  readonly heap: Heap;
  /** C (MxN) (+)= A (MxK) . B (KxN) */
  gemm_nn(a: number, b: number, c: number, M: number, K: number, N: number, acc: number): void;
  /** C (KxN) (+)= A^T . B with A (MxK), B (MxN) */
  gemm_tn(a: number, b: number, c: number, M: number, K: number, N: number, acc: number): void;
  /** C (MxK) (+)= A . B^T with A (MxN), B (KxN) */
  gemm_nt(a: number, b: number, c: number, M: number, K: number, N: number, acc: number): void;
  /**
   * Compressed index of the nonzeros of X (MxK), for the sparse-input GEMMs below. Rows (CSR):
   * ptr[m]..ptr[m+1] (i32, M+1 entries) index the column numbers (i32) in idx and the values in
   * val; idx and val need room for M*K entries.
   */
  nz_rows(x: number, M: number, K: number, ptr: number, idx: number, val: number): void;
  /** The same by columns (CSC): ptr has K+1 entries, idx holds row numbers. */
  nz_cols(x: number, M: number, K: number, ptr: number, idx: number, val: number): void;
  /** C (MxN) (+)= X . B, X (MxK) given by nz_rows, B (KxN): gemm_nn skipping X's zeros, same bits. */
  gemm_nn_csr(ptr: number, idx: number, val: number, b: number, c: number, M: number, N: number, acc: number): void;
  /** C (KxN) (+)= X^T . B, X (MxK) given by nz_cols, B (MxN): gemm_tn skipping X's zeros, same bits. */
  gemm_tn_csc(ptr: number, idx: number, val: number, b: number, c: number, K: number, N: number, acc: number): void;
  /** C (MxK) (+)= A . B^T (A MxN, B KxN) where X (MxK, given by nz_cols) is nonzero; 0 (or kept) elsewhere. */
  gemm_nt_csc(ptr: number, idx: number, a: number, b: number, c: number, M: number, K: number, N: number, acc: number): void;
  /**
   * Backward through a sparse-input layer's weight W (KxN) fused with W's AdamW step: dX (MxK) =
   * dY.W^T at X's nonzeros (X given by nz_cols; 0 elsewhere), then W and its moments m, v are
   * updated with the gradient X^T.dY, which is never stored. Bitwise gemm_nt_csc, gemm_tn_csc and
   * adamw in turn.
   */
  sparse_bwd_adamw(ptr: number, idx: number, val: number, dy: number, dx: number, w: number, m: number, v: number, M: number, K: number, N: number, lr: number, wd: number, b1: number, b2: number, eps: number, bc1: number, bc2: number): void;
  /** Y[g,i,:] = sum_j A[g,i,j] S[g,j,:] + bias */
  adj_fwd(adj: number, s: number, y: number, bias: number, G: number, Nn: number, D: number): void;
  /** dS[g,j,:] = sum_i A[g,i,j] dY[g,i,:] */
  adj_bwd(adj: number, dy: number, ds: number, G: number, Nn: number, D: number): void;
  /** out[d] (+)= sum_m x[m,d] */
  colsum(x: number, out: number, M: number, D: number, acc: number): void;
  /** out = dropout(relu(LN(x)*gamma+beta)); saves xhat and 1/std per row; mask 0 = no dropout */
  ln_relu_drop_fwd(x: number, xhat: number, out: number, gamma: number, beta: number, rstd: number, mask: number, M: number, D: number, eps: number): void;
  /** backward of the above; dgamma/dbeta accumulate, dx overwritten */
  ln_relu_drop_bwd(dout: number, xhat: number, gamma: number, beta: number, rstd: number, mask: number, dx: number, dgamma: number, dbeta: number, M: number, D: number): void;
  /** mask[i] = 0 with probability p, else scale (xorshift32 stream from seed) */
  dropout_mask(mask: number, n: number, p: number, scale: number, seed: number): void;
  /** out[g,:] = sum_j A[g,0,j] X[g,j,:] (global-row aggregation) */
  adj_row0(adj: number, x: number, out: number, G: number, Nn: number, D: number): void;
  /** dX[g,j,:] = A[g,0,j] dOut[g,:] (overwrites) */
  adj_row0_bwd(adj: number, dout: number, dx: number, G: number, Nn: number, D: number): void;
  /** y[m,:] += b */
  add_bias(y: number, b: number, M: number, D: number): void;
  /** PyTorch AdamW step on n params (the gradient is read, not cleared) */
  adamw(p: number, g: number, m: number, v: number, n: number, lr: number, wd: number, b1: number, b2: number, eps: number, bc1: number, bc2: number): void;
}
