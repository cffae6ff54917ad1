// Two-thread kernels for Node: the main thread and one worker share the wasm heap (a shared
// WebAssembly.Memory). The large kernels (the three GEMMs and AdamW) are split in halves, the
// worker takes one half and the main thread the other; everything else runs on the main thread.
// Results are bitwise identical to the single-thread kernels (each output element is computed by
// the same code in the same order).

import { Worker } from 'node:worker_threads';
import type { Kernels } from './kernels.js';
import { type KernelExports, kernelsFromExports, sharedWasmBytes } from './kernels-wasm.js';
import { CTRL, OP } from './parallel-protocol.js';

export interface ParallelKernels extends Kernels {
  /** Stop the worker thread. The kernels must not be used afterwards. */
  dispose(): void;
}

let sharedModule: WebAssembly.Module | null = null;

/** Work (multiply-adds) below which a GEMM is not worth splitting. */
const MIN_SPLIT_WORK = 60000;

export function createParallelKernels(): ParallelKernels {
  sharedModule ??= new WebAssembly.Module(sharedWasmBytes());
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const instance = new WebAssembly.Instance(sharedModule, { env: { memory } });
  const ex = instance.exports as unknown as KernelExports & Record<string, (...a: number[]) => void>;
  const base = kernelsFromExports(ex, memory);
  const ctrl = new Int32Array(new SharedArrayBuffer(CTRL.SIZE * 4));
  const fargs = new Float64Array(new SharedArrayBuffer(8 * 8));
  const worker = new Worker(new URL('./kernel-worker.js', import.meta.url), {
    workerData: { module: sharedModule, memory, ctrl: ctrl.buffer, fargs: fargs.buffer },
  });
  worker.unref();
  let failed: Error | null = null;
  worker.on('error', (e) => (failed = e));
  if (Atomics.wait(ctrl, CTRL.READY, 0, 20000) === 'timed-out' && Atomics.load(ctrl, CTRL.READY) !== 1) {
    void worker.terminate();
    throw new Error('parallel kernels: the worker thread did not start');
  }
  const nonzeros = (ptr: number, rows: number) => new Int32Array(memory.buffer, ptr + rows * 4, 1)[0];
  let seq = 0;
  let disposed = false;
  const dispatch = (op: number, args: number[]) => {
    if (disposed) throw new Error('parallel kernels used after dispose()');
    for (let i = 0; i < args.length; i++) ctrl[CTRL.ARGS + i] = args[i];
    ctrl[CTRL.OP] = op;
    seq++;
    Atomics.store(ctrl, CTRL.SEQ, seq);
    Atomics.notify(ctrl, CTRL.SEQ, 1);
  };
  const join = () => {
    let spins = 0;
    const t0 = Date.now();
    while (Atomics.load(ctrl, CTRL.DONE) !== seq) {
      if (++spins % 1000000 === 0) {
        if (failed) throw new Error(`parallel kernels: worker failed: ${(failed as Error).message}`);
        if (Date.now() - t0 > 30000) throw new Error('parallel kernels: the worker stopped responding');
      }
    }
  };
  return {
    ...base,
    name: 'wasm-simd',
    gemm_nn(a, b, c, M, K, N, acc) {
      const n1 = (N >> 4) << 3; // half of the columns, a multiple of 8
      if (M * K * N < MIN_SPLIT_WORK || n1 === 0) return base.gemm_nn(a, b, c, M, K, N, acc);
      dispatch(OP.GEMM_NN, [a, b + n1 * 4, c + n1 * 4, M, K, N - n1, N, N, acc]);
      ex.gemm_nn_s(a, b, c, M, K, n1, N, N, acc);
      join();
    },
    gemm_tn(a, b, c, M, K, N, acc) {
      const n1 = (N >> 4) << 3;
      // with very few rows the weight gradient is a pure memory write; two threads only contend
      if (M * K * N < MIN_SPLIT_WORK || n1 === 0 || M < 4) return base.gemm_tn(a, b, c, M, K, N, acc);
      dispatch(OP.GEMM_TN, [a, b + n1 * 4, c + n1 * 4, M, K, N - n1, N, N, acc]);
      ex.gemm_tn_s(a, b, c, M, K, n1, N, N, acc);
      join();
    },
    gemm_nt(a, b, c, M, K, N, acc) {
      const k1 = (K >> 3) << 2; // half of the rows of B, a multiple of 4
      if (M * K * N < MIN_SPLIT_WORK || k1 === 0) return base.gemm_nt(a, b, c, M, K, N, acc);
      dispatch(OP.GEMM_NT, [a, b + k1 * N * 4, c + k1 * 4, M, K - k1, N, K, acc]);
      ex.gemm_nt_s(a, b, c, M, k1, N, K, acc);
      join();
    },
    // sparse-input GEMMs: the work is the nonzero count (the index's last pointer) times N
    gemm_nn_csr(ptr, idx, val, b, c, M, N, acc) {
      const n1 = (N >> 4) << 3;
      if (nonzeros(ptr, M) * N < MIN_SPLIT_WORK || n1 === 0) return base.gemm_nn_csr(ptr, idx, val, b, c, M, N, acc);
      dispatch(OP.GEMM_NN_CSR, [ptr, idx, val, b + n1 * 4, c + n1 * 4, M, N - n1, N, N, acc]);
      ex.gemm_nn_csr(ptr, idx, val, b, c, M, n1, N, N, acc);
      join();
    },
    gemm_tn_csc(ptr, idx, val, b, c, K, N, acc) {
      // split by rows of C: each thread writes one contiguous half of the weight gradient
      const k1 = K >> 1;
      if (nonzeros(ptr, K) * N < MIN_SPLIT_WORK || k1 === 0) return base.gemm_tn_csc(ptr, idx, val, b, c, K, N, acc);
      dispatch(OP.GEMM_TN_CSC, [ptr + k1 * 4, idx, val, b, c + k1 * N * 4, K - k1, N, N, N, acc]);
      ex.gemm_tn_csc(ptr, idx, val, b, c, k1, N, N, N, acc);
      join();
    },
    gemm_nt_csc(ptr, idx, a, b, c, M, K, N, acc) {
      const k1 = (K >> 3) << 2;
      if (nonzeros(ptr, K) * N < MIN_SPLIT_WORK || k1 === 0) return base.gemm_nt_csc(ptr, idx, a, b, c, M, K, N, acc);
      dispatch(OP.GEMM_NT_CSC, [ptr + k1 * 4, idx, a, b + k1 * N * 4, c + k1 * 4, M, K - k1, N, K, acc]);
      ex.gemm_nt_csc(ptr, idx, a, b, c, M, k1, N, K, acc);
      join();
    },
    sparse_bwd_adamw(ptr, idx, val, dy, dx, w, m, v, M, K, N, lr, wd, b1, b2, eps, bc1, bc2) {
      // split by rows of W (a multiple of 4, as gemm_nt_csc): each thread updates one contiguous half
      const k1 = (K >> 3) << 2;
      if (K * N < MIN_SPLIT_WORK || k1 === 0) return base.sparse_bwd_adamw(ptr, idx, val, dy, dx, w, m, v, M, K, N, lr, wd, b1, b2, eps, bc1, bc2);
      fargs.set([lr, wd, b1, b2, eps, bc1, bc2]);
      const o = k1 * N * 4;
      dispatch(OP.SPARSE_BWD_ADAMW, [ptr + k1 * 4, idx, val, dy, dx + k1 * 4, w + o, m + o, v + o, M, K - k1, N, K]);
      ex.sparse_bwd_adamw(ptr, idx, val, dy, dx, w, m, v, M, k1, N, K, lr, wd, b1, b2, eps, bc1, bc2);
      join();
    },
    adamw(p, g, m, v, n, lr, wd, b1, b2, eps, bc1, bc2) {
      const n1 = (n >> 3) << 2;
      if (n < 65536) return base.adamw(p, g, m, v, n, lr, wd, b1, b2, eps, bc1, bc2);
      fargs.set([lr, wd, b1, b2, eps, bc1, bc2]);
      const o = n1 * 4;
      dispatch(OP.ADAMW, [p + o, g + o, m + o, v + o, n - n1]);
      base.adamw(p, g, m, v, n1, lr, wd, b1, b2, eps, bc1, bc2);
      join();
    },
    dispose() {
      if (disposed) return;
      dispatch(OP.STOP, []);
      disposed = true;
      void worker.terminate();
    },
  };
}
