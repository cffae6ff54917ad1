import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kernels } from '../src/nn/kernels.js';
import { type ParallelKernels, createParallelKernels } from '../src/nn/kernels-parallel.js';
import { AdamW, cosineLr } from '../src/nn/optim.js';
import { BRP_TRAIN_CONFIG, BinaryRelationPredictor } from '../src/predictors/brp.js';
import { createWasmKernels } from '../src/nn/kernels-wasm.js';
import { GcnRegressor, LATENCY_TRAIN_CONFIG } from '../src/predictors/regressor.js';
import { Rng } from '../src/util/rng.js';
import { encodeNb201Codes } from '../src/spaces/nb201/graphs.js';

test('two-thread kernels give bitwise the same results as one thread', () => {
  const pk = createParallelKernels();
  try {
    for (const [M, K, N] of [[9, 600, 600], [1, 600, 600], [37, 100, 200], [9, 6, 600], [13, 60, 44]]) {
      const outs: Float32Array[][] = [];
      for (const k of [createWasmKernels(), pk] as Kernels[]) {
        const r = new Rng(5);
        const alloc = (n: number) => {
          const p = k.heap.alloc(n);
          const v = k.heap.f32(p, n);
          for (let i = 0; i < n; i++) v[i] = r.float() - 0.5;
          return p;
        };
        const a = alloc(M * K);
        const b = alloc(K * N);
        const c = alloc(M * N);
        const d = alloc(M * N);
        const e = alloc(K * N);
        const f = alloc(M * K);
        k.gemm_nn(a, b, c, M, K, N, 1);
        k.gemm_tn(a, d, e, M, K, N, 0);
        k.gemm_nt(d, b, f, M, K, N, 1);
        // the sparse-input forms, on a copy of A with ~60% zeros
        const xs = alloc(M * K);
        const X = k.heap.f32(xs, M * K);
        for (let i = 0; i < X.length; i++) if (r.float() < 0.6) X[i] = 0;
        const ptr = k.heap.alloc(Math.max(M, K) + 1);
        const idx = k.heap.alloc(M * K);
        const val = k.heap.alloc(M * K);
        const c2 = alloc(M * N);
        const e2 = alloc(K * N);
        const f2 = alloc(M * K);
        k.nz_rows(xs, M, K, ptr, idx, val);
        k.gemm_nn_csr(ptr, idx, val, b, c2, M, N, 0);
        k.nz_cols(xs, M, K, ptr, idx, val);
        k.gemm_tn_csc(ptr, idx, val, d, e2, K, N, 1);
        k.gemm_nt_csc(ptr, idx, d, b, f2, M, K, N, 0);
        const n = 70001;
        const p = alloc(n);
        const g = alloc(n);
        const m = alloc(n);
        const v = k.heap.alloc(n);
        k.adamw(p, g, m, v, n, 1e-3, 5e-4, 0.9, 0.999, 1e-8, 0.1, 0.001);
        outs.push([c, e, f, p, m, v, c2, e2, f2].map((ptr, i) => Float32Array.from(k.heap.f32(ptr, [M * N, K * N, M * K, n, n, n, M * N, K * N, M * K][i]))));
      }
      outs[0].forEach((x, i) => assert.deepEqual(outs[1][i], x, `output ${i} for ${M}x${K}x${N}`));
    }
  } finally {
    pk.dispose();
  }
});

test('training with the weight updates fused into the backward pass reproduces plain backward + AdamW exactly', () => {
  const set = encodeNb201Codes(Array.from({ length: 40 }, (_, i) => i * 389));
  const ids = Array.from({ length: 30 }, (_, i) => i);
  const y = ids.map((i) => (i % 7) / 7);
  const cfg = { nodes: 9, features: 6, hidden: 64, layers: 4, dropout: 0.1, head: 'regression' as const };
  for (const k of [createWasmKernels(), createParallelKernels()] as Kernels[]) {
    // train() fuses; the manual loop below is the unfused reference (same rng use, same order)
    const fused = new GcnRegressor(k, cfg);
    const rng1 = new Rng(2);
    fused.init(rng1);
    fused.train(set, ids, y, [], [], { ...LATENCY_TRAIN_CONFIG, epochs: 2, batchSize: 3, scheduler: 'cosine', restoreBest: false }, rng1);
    const plain = new GcnRegressor(k, cfg);
    const rng2 = new Rng(2);
    plain.init(rng2);
    const m = plain.model;
    m.reserve(3);
    const opt = new AdamW(k, { p: m.p, g: m.g, m: m.m, v: m.v, count: m.paramCount }, { lr: LATENCY_TRAIN_CONFIG.lr, weightDecay: LATENCY_TRAIN_CONFIG.weightDecay });
    const yn = y.map((t) => (t - Math.min(...y)) / (Math.max(...y) - Math.min(...y)));
    const order = Int32Array.from(ids);
    for (let epoch = 0; epoch < 2; epoch++) {
      opt.lr = cosineLr(LATENCY_TRAIN_CONFIG.lr, epoch, 2);
      rng2.shuffle(order);
      for (let s = 0; s < order.length; s += 3) {
        const b = Array.from(order.subarray(s, s + 3));
        plain.accumulateGradients(set, b, b.map((i) => yn[i]), LATENCY_TRAIN_CONFIG.loss, rng2);
        opt.step();
      }
    }
    assert.deepEqual(Float32Array.from(fused.model.paramView()), Float32Array.from(m.paramView()), k.name);
    (k as ParallelKernels).dispose?.();
  }
});

// 12 models: the weight updates fused into the gradient kernel; 320 models (2,880 rows): too large
// a batch for that, so backward(step) updates each weight after its gradient instead
for (const n of [12, 320]) test(`BRP training with the weight updates in the backward pass reproduces plain backward + AdamW exactly (${n} models)`, () => {
  const set = encodeNb201Codes(Array.from({ length: n * 3 }, (_, i) => (i * 389 + 7) % 15625));
  const ids = Array.from({ length: n }, (_, i) => i * 3);
  const y = ids.map((i) => ((i * 7) % 11) / 11);
  const cfg = { nodes: 9, features: 6, hidden: 48, layers: 4, dropout: 0.2, head: 'binary' as const };
  const k = createWasmKernels();
  const fused = new BinaryRelationPredictor(k, cfg);
  const rng1 = new Rng(4);
  fused.init(rng1);
  const steps = n > 100 ? 2 : 5;
  fused.train(set, ids, y, { ...BRP_TRAIN_CONFIG, steps }, rng1);
  const plain = new BinaryRelationPredictor(k, cfg);
  const rng2 = new Rng(4);
  plain.init(rng2);
  const m = plain.model;
  m.reserve(ids.length);
  const opt = new AdamW(k, { p: m.p, g: m.g, m: m.m, v: m.v, count: m.paramCount }, { lr: BRP_TRAIN_CONFIG.lr, weightDecay: BRP_TRAIN_CONFIG.weightDecay });
  for (let s = 0; s < steps; s++) {
    opt.lr = cosineLr(BRP_TRAIN_CONFIG.lr, s, steps);
    plain.pairGradients(set, ids, y, rng2);
    opt.step();
  }
  assert.deepEqual(Float32Array.from(fused.model.paramView()), Float32Array.from(m.paramView()));
});

test('training with two threads reproduces single-thread training exactly', () => {
  const set = encodeNb201Codes(Array.from({ length: 40 }, (_, i) => i * 389));
  const ids = Array.from({ length: 30 }, (_, i) => i);
  const y = ids.map((i) => (i % 7) / 7);
  const run = (k: Kernels) => {
    const reg = new GcnRegressor(k, { nodes: 9, features: 6, hidden: 64, layers: 4, dropout: 0.1, head: 'regression' });
    const rng = new Rng(2);
    reg.init(rng);
    reg.train(set, ids, y, [30, 31, 32], [0.1, 0.2, 0.3], { ...LATENCY_TRAIN_CONFIG, epochs: 3, batchSize: 4 }, rng);
    return Float32Array.from(reg.model.paramView());
  };
  const pk = createParallelKernels();
  try {
    assert.deepEqual(run(pk), run(createWasmKernels()));
  } finally {
    pk.dispose();
  }
});

test('the two-thread kernels heap grows past 1 GiB (a budget-300 NB101 BRP round needs more than the old 1 GiB maximum)', () => {
  const pk = createParallelKernels();
  try {
    const n = (1.25 * 2 ** 30) / 4;
    const ptr = pk.heap.allocRaw(n);
    pk.heap.f32(ptr + (n - 1) * 4, 1)[0] = 3;
    assert.equal(pk.heap.f32(ptr + (n - 1) * 4, 1)[0], 3);
    assert.ok(pk.heap.all().length >= n);
  } finally {
    pk.dispose();
  }
});
