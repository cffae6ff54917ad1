// Plain JS reference implementation of the kernel interface (for tests, and a fallback where
// WebAssembly SIMD is unavailable). Same memory layout and semantics as assembly/kernels.ts.

import type { Kernels } from './kernels.js';
import { Heap } from './memory.js';

export function createJsKernels(heap = new Heap(new WebAssembly.Memory({ initial: 1 }))): Kernels {
  const H = () => heap.all();
  const w = (p: number) => p >>> 2;
  let i32 = new Int32Array(heap.memory.buffer);
  const I32 = () => (i32.buffer === heap.memory.buffer ? i32 : (i32 = new Int32Array(heap.memory.buffer)));
  const kernels: Kernels = {
    name: 'js',
    heap,
    gemm_nn(a, b, c, M, K, N, acc) {
      const h = H();
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += h[w(a) + i * K + k] * h[w(b) + k * N + j];
          h[w(c) + i * N + j] = acc ? h[w(c) + i * N + j] + s : s;
        }
    },
    gemm_tn(a, b, c, M, K, N, acc) {
      const h = H();
      for (let i = 0; i < K; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let m = 0; m < M; m++) s += h[w(a) + m * K + i] * h[w(b) + m * N + j];
          h[w(c) + i * N + j] = acc ? h[w(c) + i * N + j] + s : s;
        }
    },
    gemm_nt(a, b, c, M, K, N, acc) {
      const h = H();
      for (let m = 0; m < M; m++)
        for (let k = 0; k < K; k++) {
          let s = 0;
          for (let n = 0; n < N; n++) s += h[w(a) + m * N + n] * h[w(b) + k * N + n];
          h[w(c) + m * K + k] = acc ? h[w(c) + m * K + k] + s : s;
        }
    },
    nz_rows(x, M, K, ptr, idx, val) {
      const h = H();
      const iv = I32();
      let n = 0;
      iv[w(ptr)] = 0;
      for (let m = 0; m < M; m++) {
        for (let k = 0; k < K; k++) {
          const v = h[w(x) + m * K + k];
          if (v !== 0) {
            iv[w(idx) + n] = k;
            h[w(val) + n++] = v;
          }
        }
        iv[w(ptr) + m + 1] = n;
      }
    },
    nz_cols(x, M, K, ptr, idx, val) {
      const h = H();
      const iv = I32();
      let n = 0;
      iv[w(ptr)] = 0;
      for (let k = 0; k < K; k++) {
        for (let m = 0; m < M; m++) {
          const v = h[w(x) + m * K + k];
          if (v !== 0) {
            iv[w(idx) + n] = m;
            h[w(val) + n++] = v;
          }
        }
        iv[w(ptr) + k + 1] = n;
      }
    },
    gemm_nn_csr(ptr, idx, val, b, c, M, N, acc) {
      const h = H();
      const iv = I32();
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let t = iv[w(ptr) + i]; t < iv[w(ptr) + i + 1]; t++) s += h[w(val) + t] * h[w(b) + iv[w(idx) + t] * N + j];
          h[w(c) + i * N + j] = acc ? h[w(c) + i * N + j] + s : s;
        }
    },
    gemm_tn_csc(ptr, idx, val, b, c, K, N, acc) {
      const h = H();
      const iv = I32();
      for (let k = 0; k < K; k++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let t = iv[w(ptr) + k]; t < iv[w(ptr) + k + 1]; t++) s += h[w(val) + t] * h[w(b) + iv[w(idx) + t] * N + j];
          h[w(c) + k * N + j] = acc ? h[w(c) + k * N + j] + s : s;
        }
    },
    gemm_nt_csc(ptr, idx, a, b, c, M, K, N, acc) {
      const h = H();
      const iv = I32();
      for (let k = 0; k < K; k++) {
        if (!acc) for (let m = 0; m < M; m++) h[w(c) + m * K + k] = 0;
        for (let t = iv[w(ptr) + k]; t < iv[w(ptr) + k + 1]; t++) {
          const m = iv[w(idx) + t];
          let s = 0;
          for (let n = 0; n < N; n++) s += h[w(a) + m * N + n] * h[w(b) + k * N + n];
          h[w(c) + m * K + k] = acc ? h[w(c) + m * K + k] + s : s;
        }
      }
    },
    sparse_bwd_adamw(ptr, idx, val, dy, dx, wt, m, v, M, K, N, lr, wd, b1, b2, eps, bc1, bc2) {
      kernels.gemm_nt_csc(ptr, idx, dy, wt, dx, M, K, N, 0);
      const h = H();
      const iv = I32();
      for (let k = 0; k < K; k++)
        for (let j = 0; j < N; j++) {
          let g = 0;
          for (let t = iv[w(ptr) + k]; t < iv[w(ptr) + k + 1]; t++) g += h[w(val) + t] * h[w(dy) + iv[w(idx) + t] * N + j];
          const i = k * N + j;
          const mi = b1 * h[w(m) + i] + (1 - b1) * g;
          const vi = b2 * h[w(v) + i] + (1 - b2) * g * g;
          h[w(m) + i] = mi;
          h[w(v) + i] = vi;
          h[w(wt) + i] = h[w(wt) + i] * (1 - lr * wd) - ((lr / bc1) * mi) / (Math.sqrt(vi) / Math.sqrt(bc2) + eps);
        }
    },
    adj_fwd(adj, s, y, bias, G, Nn, D) {
      const h = H();
      for (let g = 0; g < G; g++)
        for (let i = 0; i < Nn; i++)
          for (let d = 0; d < D; d++) {
            let t = h[w(bias) + d];
            for (let j = 0; j < Nn; j++) t += h[w(adj) + g * Nn * Nn + i * Nn + j] * h[w(s) + (g * Nn + j) * D + d];
            h[w(y) + (g * Nn + i) * D + d] = t;
          }
    },
    adj_bwd(adj, dy, ds, G, Nn, D) {
      const h = H();
      for (let g = 0; g < G; g++)
        for (let j = 0; j < Nn; j++)
          for (let d = 0; d < D; d++) {
            let t = 0;
            for (let i = 0; i < Nn; i++) t += h[w(adj) + g * Nn * Nn + i * Nn + j] * h[w(dy) + (g * Nn + i) * D + d];
            h[w(ds) + (g * Nn + j) * D + d] = t;
          }
    },
    colsum(x, out, M, D, acc) {
      const h = H();
      for (let d = 0; d < D; d++) {
        let t = acc ? h[w(out) + d] : 0;
        for (let m = 0; m < M; m++) t += h[w(x) + m * D + d];
        h[w(out) + d] = t;
      }
    },
    ln_relu_drop_fwd(x, xhat, out, gamma, beta, rstd, mask, M, D, eps) {
      const h = H();
      for (let m = 0; m < M; m++) {
        let mean = 0;
        for (let d = 0; d < D; d++) mean += h[w(x) + m * D + d];
        mean /= D;
        let q = 0;
        for (let d = 0; d < D; d++) q += (h[w(x) + m * D + d] - mean) ** 2;
        const rs = 1 / Math.sqrt(q / D + eps);
        h[w(rstd) + m] = rs;
        for (let d = 0; d < D; d++) {
          const xh = (h[w(x) + m * D + d] - mean) * rs;
          h[w(xhat) + m * D + d] = xh;
          let y = Math.max(0, xh * h[w(gamma) + d] + h[w(beta) + d]);
          if (mask) y *= h[w(mask) + m * D + d];
          h[w(out) + m * D + d] = y;
        }
      }
    },
    ln_relu_drop_bwd(dout, xhat, gamma, beta, rstd, mask, dx, dgamma, dbeta, M, D) {
      const h = H();
      for (let m = 0; m < M; m++) {
        let s1 = 0;
        let s2 = 0;
        const dh = new Float64Array(D);
        for (let d = 0; d < D; d++) {
          const xh = h[w(xhat) + m * D + d];
          const g = h[w(gamma) + d];
          const y = xh * g + h[w(beta) + d];
          let dz = y > 0 ? h[w(dout) + m * D + d] : 0;
          if (mask) dz *= h[w(mask) + m * D + d];
          h[w(dgamma) + d] += dz * xh;
          h[w(dbeta) + d] += dz;
          dh[d] = dz * g;
          s1 += dh[d];
          s2 += dh[d] * xh;
        }
        const rs = h[w(rstd) + m];
        for (let d = 0; d < D; d++) h[w(dx) + m * D + d] = rs * (dh[d] - s1 / D - h[w(xhat) + m * D + d] * (s2 / D));
      }
    },
    dropout_mask(mask, n, p, scale, seed) {
      const h = H();
      let s = seed >>> 0 || 0x9e3779b9;
      const threshold = Math.floor(p * 4294967296);
      for (let i = 0; i < n; i++) {
        s ^= s << 13;
        s >>>= 0;
        s ^= s >>> 17;
        s ^= s << 5;
        s >>>= 0;
        h[w(mask) + i] = s < threshold ? 0 : scale;
      }
    },
    adj_row0(adj, x, out, G, Nn, D) {
      const h = H();
      for (let g = 0; g < G; g++)
        for (let d = 0; d < D; d++) {
          let t = 0;
          for (let j = 0; j < Nn; j++) t += h[w(adj) + g * Nn * Nn + j] * h[w(x) + (g * Nn + j) * D + d];
          h[w(out) + g * D + d] = t;
        }
    },
    adj_row0_bwd(adj, dout, dx, G, Nn, D) {
      const h = H();
      for (let g = 0; g < G; g++)
        for (let j = 0; j < Nn; j++)
          for (let d = 0; d < D; d++) h[w(dx) + (g * Nn + j) * D + d] = h[w(adj) + g * Nn * Nn + j] * h[w(dout) + g * D + d];
    },
    add_bias(y, b, M, D) {
      const h = H();
      for (let m = 0; m < M; m++) for (let d = 0; d < D; d++) h[w(y) + m * D + d] += h[w(b) + d];
    },
    adamw(p, g, m, v, n, lr, wd, b1, b2, eps, bc1, bc2) {
      const h = H();
      for (let i = 0; i < n; i++) {
        const gi = h[w(g) + i];
        const mi = b1 * h[w(m) + i] + (1 - b1) * gi;
        const vi = b2 * h[w(v) + i] + (1 - b2) * gi * gi;
        h[w(m) + i] = mi;
        h[w(v) + i] = vi;
        h[w(p) + i] = h[w(p) + i] * (1 - lr * wd) - ((lr / bc1) * mi) / (Math.sqrt(vi) / Math.sqrt(bc2) + eps);
      }
    },
  };
  return kernels;
}
