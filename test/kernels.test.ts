import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kernels } from '../src/nn/kernels.js';
import { createJsKernels } from '../src/nn/kernels-js.js';
import { createWasmKernels } from '../src/nn/kernels-wasm.js';
import { Rng } from '../src/util/rng.js';

// Run the same kernel call on the wasm and the JS reference backends with identical inputs.
function both(sizes: number[], fill: (i: number, rng: Rng) => number | null, call: (k: Kernels, p: number[]) => void) {
  const out: Float32Array[][] = [];
  for (const k of [createWasmKernels(), createJsKernels()]) {
    const rng = new Rng(99);
    const ptrs = sizes.map((n) => k.heap.alloc(n));
    ptrs.forEach((p, i) => {
      const v = k.heap.f32(p, sizes[i]);
      for (let j = 0; j < v.length; j++) {
        const x = fill(i, rng);
        v[j] = x === null ? rng.float() * 2 - 1 : x;
      }
    });
    call(k, ptrs);
    out.push(ptrs.map((p, i) => Float32Array.from(k.heap.f32(p, sizes[i]))));
  }
  return out;
}

function close(a: Float32Array, b: Float32Array, tol: number, what: string) {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  assert.ok(worst < tol, `${what}: worst relative error ${worst}`);
}

const shapes = [
  [9, 6, 600],
  [9, 600, 600],
  [18, 600, 600],
  [5, 7, 13],
  [1, 3, 8],
  [4, 5, 9],
  [13, 17, 21],
];

for (const [M, K, N] of shapes) {
  for (const acc of [0, 1]) {
    test(`gemm nn/tn/nt agree with the reference, ${M}x${K}x${N} acc=${acc}`, () => {
      let [w, j] = both([M * K, K * N, M * N], () => null, (k, [a, b, c]) => k.gemm_nn(a, b, c, M, K, N, acc));
      close(w[2], j[2], 1e-5, 'nn');
      [w, j] = both([M * K, M * N, K * N], () => null, (k, [a, b, c]) => k.gemm_tn(a, b, c, M, K, N, acc));
      close(w[2], j[2], 1e-5, 'tn');
      [w, j] = both([M * N, K * N, M * K], () => null, (k, [a, b, c]) => k.gemm_nt(a, b, c, M, K, N, acc));
      close(w[2], j[2], 1e-5, 'nt');
    });
  }
}

test('graph aggregation forward/backward, colsum, layernorm-relu-dropout and AdamW agree with the reference', () => {
  for (const [G, Nn, D] of [[2, 9, 600], [3, 5, 7]]) {
    const adj = (i: number, r: Rng) => (i === 0 ? (r.float() < 0.4 ? 1 : 0) : null);
    let [w, j] = both([G * Nn * Nn, G * Nn * D, G * Nn * D, D], adj, (k, [a, s, y, b]) => k.adj_fwd(a, s, y, b, G, Nn, D));
    close(w[2], j[2], 1e-5, 'adj_fwd');
    [w, j] = both([G * Nn * Nn, G * Nn * D, G * Nn * D], adj, (k, [a, dy, ds]) => k.adj_bwd(a, dy, ds, G, Nn, D));
    close(w[2], j[2], 1e-5, 'adj_bwd');
    [w, j] = both([G * Nn * D, D], () => null, (k, [x, o]) => k.colsum(x, o, G * Nn, D, 1));
    close(w[1], j[1], 1e-5, 'colsum');
    const M = G * Nn;
    const maskFill = (i: number, r: Rng) => (i === 6 ? (r.float() < 0.2 ? 0 : 1.25) : null);
    [w, j] = both([M * D, M * D, M * D, D, D, M, M * D], maskFill, (k, [x, xh, o, g, b, rs, mk]) => k.ln_relu_drop_fwd(x, xh, o, g, b, rs, mk, M, D, 1e-5));
    close(w[1], j[1], 1e-4, 'ln xhat');
    close(w[2], j[2], 1e-4, 'ln out');
    close(w[5], j[5], 1e-4, 'ln rstd');
    [w, j] = both([M * D, M * D, D, D, M, M * D, M * D, D, D], maskFill, (k, p) => {
      k.ln_relu_drop_bwd(p[0], p[1], p[2], p[3], p[4], 0, p[6], p[7], p[8], M, D);
    });
    close(w[6], j[6], 1e-4, 'ln dx');
    close(w[7], j[7], 1e-4, 'ln dgamma');
    close(w[8], j[8], 1e-4, 'ln dbeta');
  }
  const n = 1003;
  const pos = (i: number, r: Rng) => (i === 3 ? r.float() : null); // v >= 0
  const [w, j] = both([n, n, n, n], pos, (k, [p, g, m, v]) => k.adamw(p, g, m, v, n, 4e-4, 5e-4, 0.9, 0.999, 1e-8, 1 - 0.9 ** 3, 1 - 0.999 ** 3));
  for (const i of [0, 1, 2, 3]) close(w[i], j[i], 1e-5, `adamw ${i}`);
});

test('dropout mask: same bits in both backends, drop rate near p', () => {
  const [w, j] = both([10000], () => 0, (k, [m]) => k.dropout_mask(m, 10000, 0.2, 1.25, 12345));
  assert.deepEqual(Array.from(w[0]), Array.from(j[0]));
  const dropped = w[0].filter((x) => x === 0).length;
  assert.ok(Math.abs(dropped / 10000 - 0.2) < 0.02, `${dropped}`);
  assert.ok(w[0].every((x) => x === 0 || x === 1.25));
});

test('global-row aggregation, its backward and bias add agree with the reference', () => {
  for (const [G, Nn, D] of [[3, 9, 600], [2, 4, 7]]) {
    const adj = (i: number, r: Rng) => (i === 0 ? (r.float() < 0.5 ? 1 : 0) : null);
    let [w, j] = both([G * Nn * Nn, G * Nn * D, G * D], adj, (k, [a, x, o]) => k.adj_row0(a, x, o, G, Nn, D));
    close(w[2], j[2], 1e-5, 'adj_row0');
    [w, j] = both([G * Nn * Nn, G * D, G * Nn * D], adj, (k, [a, d, x]) => k.adj_row0_bwd(a, d, x, G, Nn, D));
    close(w[2], j[2], 1e-6, 'adj_row0_bwd');
    [w, j] = both([G * D, D], () => null, (k, [y, b]) => k.add_bias(y, b, G, D));
    close(w[0], j[0], 1e-6, 'add_bias');
  }
});

// A ReLU/dropout-like input: about 60% exact zeros.
function sparseInput(k: Kernels, M: number, K: number, rng: Rng): number {
  const p = k.heap.alloc(M * K);
  const v = k.heap.f32(p, M * K);
  for (let i = 0; i < v.length; i++) v[i] = rng.float() < 0.6 ? 0 : rng.float() * 2;
  return p;
}

function filled(k: Kernels, n: number, rng: Rng): number {
  const p = k.heap.alloc(n);
  const v = k.heap.f32(p, n);
  for (let i = 0; i < n; i++) v[i] = rng.float() * 2 - 1;
  return p;
}

const sparseShapes = [
  [9, 600, 600],
  [900, 600, 600],
  [9, 37, 75],
  [5, 13, 41],
  [1, 9, 3],
  [6, 8, 32],
];

for (const [M, K, N] of sparseShapes) {
  for (const acc of [0, 1]) {
    test(`sparse-input GEMMs give the dense kernels' bits, ${M}x${K}x${N} acc=${acc}`, () => {
      for (const k of [createWasmKernels(), createJsKernels()]) {
        const rng = new Rng(M * 7 + K + N + acc);
        const x = sparseInput(k, M, K, rng);
        const wt = filled(k, K * N, rng);
        const dy = filled(k, M * N, rng);
        const ptr = k.heap.alloc(Math.max(M, K) + 1);
        const idx = k.heap.alloc(M * K);
        const val = k.heap.alloc(M * K);
        const outs = [0, 1].map(() => [filled(k, M * N, new Rng(1)), filled(k, K * N, new Rng(2)), filled(k, M * K, new Rng(3))]);
        const [dense, sparse] = outs;
        k.gemm_nn(x, wt, dense[0], M, K, N, acc);
        k.gemm_tn(x, dy, dense[1], M, K, N, acc);
        k.gemm_nt(dy, wt, dense[2], M, K, N, acc);
        k.nz_rows(x, M, K, ptr, idx, val);
        k.gemm_nn_csr(ptr, idx, val, wt, sparse[0], M, N, acc);
        k.nz_cols(x, M, K, ptr, idx, val);
        k.gemm_tn_csc(ptr, idx, val, dy, sparse[1], K, N, acc);
        k.gemm_nt_csc(ptr, idx, dy, wt, sparse[2], M, K, N, acc);
        const X = k.heap.f32(x, M * K);
        const c0 = new Rng(3);
        const before = Array.from({ length: M * K }, () => c0.float() * 2 - 1);
        // the input gradient: the dense value where X is nonzero, else 0 (or untouched with acc)
        const expectNt = Float32Array.from(k.heap.f32(dense[2], M * K), (d, i) => (X[i] !== 0 ? d : acc ? before[i] : 0));
        const got = sparse.map((p, i) => Float32Array.from(k.heap.f32(p, [M * N, K * N, M * K][i])));
        const want = [Float32Array.from(k.heap.f32(dense[0], M * N)), Float32Array.from(k.heap.f32(dense[1], K * N)), expectNt];
        const tol = k.name === 'js' ? 1e-5 : 0; // the JS reference sums in float64 in a different order
        ['nn_csr', 'tn_csc', 'nt_csc'].forEach((what, i) => {
          if (tol === 0) assert.deepEqual(got[i], want[i], `${k.name} ${what}`);
          else close(got[i], want[i], tol, `${k.name} ${what}`);
        });
      }
    });
  }
}

test('the compressed index lists the nonzeros by row and by column', () => {
  const k = createWasmKernels();
  const x = k.heap.alloc(6);
  k.heap.f32(x, 6).set([0, 2, 0, 3, 0, Number.NaN]); // 2 x 3; NaN counts as nonzero
  const ptr = k.heap.alloc(4);
  const idx = k.heap.alloc(6);
  const val = k.heap.alloc(6);
  const ints = (p: number, n: number) => Array.from(new Int32Array(k.heap.memory.buffer, p, n));
  k.nz_rows(x, 2, 3, ptr, idx, val);
  assert.deepEqual(ints(ptr, 3), [0, 1, 3]);
  assert.deepEqual(ints(idx, 3), [1, 0, 2]);
  assert.deepEqual(Array.from(k.heap.f32(val, 3)), [2, 3, Number.NaN]);
  k.nz_cols(x, 2, 3, ptr, idx, val);
  assert.deepEqual(ints(ptr, 4), [0, 1, 2, 3]);
  assert.deepEqual(ints(idx, 3), [1, 0, 1]);
  assert.deepEqual(Array.from(k.heap.f32(val, 3)), [3, 2, Number.NaN]);
});

test('the fused sparse backward + AdamW kernel gives the bits of gemm_nt_csc, gemm_tn_csc and adamw in turn', () => {
  for (const [M, K, N] of [[9, 600, 600], [1, 600, 600], [7, 37, 75], [3, 13, 41]]) {
    const results: Float32Array[][] = [];
    for (const k of [createWasmKernels(), createJsKernels()]) {
      for (const fused of [false, true]) {
        const rng = new Rng(M + K + N);
        const x = sparseInput(k, M, K, rng);
        const dy = filled(k, M * N, rng);
        const w = filled(k, K * N, rng);
        const m = filled(k, K * N, rng);
        const v = k.heap.alloc(K * N);
        k.heap.f32(v, K * N).set(Array.from({ length: K * N }, () => rng.float()));
        const dx = filled(k, M * K, rng);
        const g = k.heap.alloc(K * N);
        const ptr = k.heap.alloc(Math.max(M, K) + 1);
        const idx = k.heap.alloc(M * K);
        const val = k.heap.alloc(M * K);
        k.nz_cols(x, M, K, ptr, idx, val);
        const hyper = [3e-4, 5e-4, 0.9, 0.999, 1e-8, 1 - 0.9 ** 5, 1 - 0.999 ** 5] as const;
        if (fused) k.sparse_bwd_adamw(ptr, idx, val, dy, dx, w, m, v, M, K, N, ...hyper);
        else {
          k.gemm_nt_csc(ptr, idx, dy, w, dx, M, K, N, 0);
          k.gemm_tn_csc(ptr, idx, val, dy, g, K, N, 0);
          k.adamw(w, g, m, v, K * N, ...hyper);
        }
        results.push([dx, w, m, v].map((p, i) => Float32Array.from(k.heap.f32(p, i === 0 ? M * K : K * N))));
      }
    }
    const [wasmSeq, wasmFused, jsSeq, jsFused] = results;
    wasmSeq.forEach((a, i) => assert.deepEqual(wasmFused[i], a, `wasm output ${i}, ${M}x${K}x${N}`));
    jsSeq.forEach((a, i) => close(jsFused[i], a, 1e-6, `js output ${i}`));
    wasmSeq.forEach((a, i) => close(a, jsSeq[i], 1e-4, `wasm vs js output ${i}`));
  }
});
