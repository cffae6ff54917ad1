// Worker thread of the parallel kernels: shares the wasm heap with the main thread and runs the
// half of a split kernel that the main thread hands it through a shared control block.

import { workerData } from 'node:worker_threads';
import { CTRL, OP } from './parallel-protocol.js';

const { module, memory, ctrl: ctrlBuf, fargs: fargsBuf } = workerData as {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: SharedArrayBuffer;
  fargs: SharedArrayBuffer;
};
const ctrl = new Int32Array(ctrlBuf);
const f = new Float64Array(fargsBuf);
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, (...a: number[]) => void>;
Atomics.store(ctrl, CTRL.READY, 1);
Atomics.notify(ctrl, CTRL.READY);

let last = 0;
const SPIN = 20000;
for (;;) {
  let spins = 0;
  while (Atomics.load(ctrl, CTRL.SEQ) === last) {
    if (++spins > SPIN) {
      Atomics.wait(ctrl, CTRL.SEQ, last, 1000);
      spins = 0;
    }
  }
  last = Atomics.load(ctrl, CTRL.SEQ);
  const op = ctrl[CTRL.OP];
  const a = (i: number) => ctrl[CTRL.ARGS + i];
  switch (op) {
    case OP.STOP:
      Atomics.store(ctrl, CTRL.DONE, last);
      Atomics.notify(ctrl, CTRL.DONE);
      process.exit(0);
    // falls through (process.exit does not return)
    case OP.GEMM_NN:
      ex.gemm_nn_s(a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8));
      break;
    case OP.GEMM_TN:
      ex.gemm_tn_s(a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8));
      break;
    case OP.GEMM_NT:
      ex.gemm_nt_s(a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7));
      break;
    case OP.GEMM_NN_CSR:
      ex.gemm_nn_csr(a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9));
      break;
    case OP.GEMM_TN_CSC:
      ex.gemm_tn_csc(a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9));
      break;
    case OP.GEMM_NT_CSC:
      ex.gemm_nt_csc(a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9));
      break;
    case OP.SPARSE_BWD_ADAMW:
      ex.sparse_bwd_adamw(a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
      break;
    case OP.ADAMW:
      ex.adamw(a(0), a(1), a(2), a(3), a(4), f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
      break;
  }
  Atomics.store(ctrl, CTRL.DONE, last);
  Atomics.notify(ctrl, CTRL.DONE);
}
