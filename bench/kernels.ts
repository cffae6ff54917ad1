// Per-kernel and per-phase timings of one batch-1 training step of the latency GCN (9 nodes,
// 4 layers, H=600), WebAssembly SIMD vs the JS reference where affordable.
import { Gcn } from '../src/nn/gcn.js';
import { createJsKernels } from '../src/nn/kernels-js.js';
import { createWasmKernels } from '../src/nn/kernels-wasm.js';
import { createParallelKernels } from '../src/nn/kernels-parallel.js';
import type { Kernels } from '../src/nn/kernels.js';
import { AdamW } from '../src/nn/optim.js';
import { Rng } from '../src/util/rng.js';
import { encodeNb201Codes } from '../src/spaces/nb201/graphs.js';

function time(fn: () => void, reps: number): number {
  for (let i = 0; i < Math.min(20, reps); i++) fn();
  const t = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t) / reps;
}

function kernelTimes(k: Kernels, reps: number) {
  const H = 600;
  const M = 9;
  const a = k.heap.alloc(M * H);
  const w = k.heap.alloc(H * H);
  const c = k.heap.alloc(M * H);
  const adj = k.heap.alloc(81);
  k.heap.f32(adj, 81).fill(1);
  const n = 1091401;
  const p = k.heap.alloc(n);
  const g = k.heap.alloc(n);
  const m = k.heap.alloc(n);
  const v = k.heap.alloc(n);
  const xh = k.heap.alloc(M * H);
  const rs = k.heap.alloc(M);
  const gam = k.heap.alloc(H);
  const bet = k.heap.alloc(H);
  // a ReLU output: about half exact zeros (the latency GCN's dropout is 0.002)
  const xs = k.heap.alloc(M * H);
  {
    const r = new Rng(3);
    const X = k.heap.f32(xs, M * H);
    for (let i = 0; i < X.length; i++) X[i] = r.float() < 0.5 ? 0 : r.float();
  }
  const ptr = k.heap.alloc(H + 1);
  const idx = k.heap.alloc(M * H);
  const val = k.heap.alloc(M * H);
  return {
    'gemm_nn 9x600x600': time(() => k.gemm_nn(a, w, c, M, H, H, 0), reps),
    'gemm_tn 9x600x600': time(() => k.gemm_tn(a, c, w, M, H, H, 1), reps),
    'gemm_nt 9x600x600': time(() => k.gemm_nt(c, w, a, M, H, H, 0), reps),
    'nz_rows+gemm_nn_csr 50% zeros': time(() => {
      k.nz_rows(xs, M, H, ptr, idx, val);
      k.gemm_nn_csr(ptr, idx, val, w, c, M, H, 0);
    }, reps),
    'nz_cols+gemm_tn_csc 50% zeros': time(() => {
      k.nz_cols(xs, M, H, ptr, idx, val);
      k.gemm_tn_csc(ptr, idx, val, c, w, H, H, 1);
    }, reps),
    'gemm_nt_csc 50% zeros': time(() => k.gemm_nt_csc(ptr, idx, c, w, a, M, H, H, 0), reps),
    'gemm_nn 1x600x600': time(() => k.gemm_nn(a, w, c, 1, H, H, 0), reps),
    'gemm_tn 1x600x600': time(() => k.gemm_tn(a, c, w, 1, H, H, 1), reps),
    'adj_fwd 9x600': time(() => k.adj_fwd(adj, a, c, gam, 1, 9, H), reps),
    'ln_relu_drop_fwd 9x600': time(() => k.ln_relu_drop_fwd(a, xh, c, gam, bet, rs, 0, M, H, 1e-5), reps),
    'ln_relu_drop_bwd 9x600': time(() => k.ln_relu_drop_bwd(a, xh, gam, bet, rs, 0, c, gam, bet, M, H), reps),
    'adamw 1.09M': time(() => k.adamw(p, g, m, v, n, 4e-4, 5e-4, 0.9, 0.999, 1e-8, 0.5, 0.5), Math.max(3, reps / 4)),
  };
}

function stepTimes(k: Kernels, reps: number) {
  const set = encodeNb201Codes(Array.from({ length: 100 }, (_, i) => i * 37 + 5));
  const model = new Gcn(k, { nodes: 9, features: 6, hidden: 600, layers: 4, dropout: 0.002, head: 'regression' });
  const rng = new Rng(1);
  model.init(rng);
  model.reserve(1);
  const opt = new AdamW(k, { p: model.p, g: model.g, m: model.m, v: model.v, count: model.paramCount }, { lr: 4e-4, weightDecay: 5e-4 });
  const unfused = model.unfusedRanges();
  let i = 0;
  const fwd = time(() => {
    model.load(set, [i++ % 100]);
    model.forward(1, true, rng);
  }, reps);
  const bwd = time(() => model.backward(), reps);
  const adam = time(() => opt.step(), reps);
  // as training runs it: the weight updates fused into the backward pass, AdamW on the rest
  const fused = time(() => {
    const s = opt.next();
    model.backward(s);
    for (const [from, count] of unfused) opt.update(s, from, count);
  }, reps);
  return { forward: fwd, backward: bwd, adamw: adam, step: fwd + bwd + adam, fused, fusedStep: fwd + fused };
}

const reps = Number(process.argv[2] ?? 300);
const wasm = createWasmKernels();
const rows: [string, number, number | null][] = [];
const kw = kernelTimes(wasm, reps);
const kj = kernelTimes(createJsKernels(), 3);
for (const name of Object.keys(kw) as (keyof typeof kw)[]) rows.push([name, kw[name], kj[name]]);
console.log('kernel                         wasm-simd ms   js ms   ratio');
for (const [n, a, b] of rows) console.log(`${n.padEnd(32)} ${a.toFixed(4).padStart(10)} ${b === null ? '' : b.toFixed(3).padStart(8)} ${b === null ? '' : (b / a).toFixed(1).padStart(6) + 'x'}`);
const par = createParallelKernels();
const kp = kernelTimes(par, reps);
console.log('\nkernel                         1 thread ms  2 threads ms  speed-up');
for (const name of Object.keys(kw) as (keyof typeof kw)[]) console.log(`${name.padEnd(32)} ${kw[name].toFixed(4).padStart(10)} ${kp[name].toFixed(4).padStart(12)} ${(kw[name] / kp[name]).toFixed(2).padStart(8)}x`);
for (const [label, k] of [['1 thread', wasm], ['2 threads', par]] as const) {
  const s = stepTimes(k, reps);
  console.log(`batch-1 training step, wasm-simd ${label}: forward ${s.forward.toFixed(3)} ms, backward ${s.backward.toFixed(3)} ms, AdamW ${s.adamw.toFixed(3)} ms, total ${s.step.toFixed(3)} ms = ${(1000 / s.step).toFixed(0)} steps/s`);
  console.log(`  with the fused update (as training runs): forward ${s.forward.toFixed(3)} ms, backward+update ${s.fused.toFixed(3)} ms, total ${s.fusedStep.toFixed(3)} ms = ${(1000 / s.fusedStep).toFixed(0)} steps/s (${(s.step / s.fusedStep).toFixed(2)}x)`);
}
par.dispose();
