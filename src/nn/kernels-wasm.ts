// The WebAssembly SIMD kernels (compiled from assembly/kernels.ts at build time and embedded as
// base64, so the same module loads in Node and in a browser without file access).

import { WASM_KERNELS_BASE64, WASM_SHARED_KERNELS_BASE64 } from './generated/kernels-wasm.js';
import type { Kernels } from './kernels.js';
import { Heap } from './memory.js';

let cachedModule: WebAssembly.Module | null = null;

export function wasmBytes(b64 = WASM_KERNELS_BASE64): Uint8Array<ArrayBuffer> {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(b64, 'base64'));
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** The shared-memory build (imports env.memory), used by the parallel kernels. */
export function sharedWasmBytes(): Uint8Array<ArrayBuffer> {
  return wasmBytes(WASM_SHARED_KERNELS_BASE64);
}

/** The exports of the kernel module: the interface's kernels, plus the strided forms that take row strides. */
export type KernelExports = Omit<Kernels, 'name' | 'heap' | 'gemm_nn_csr' | 'gemm_tn_csc' | 'gemm_nt_csc' | 'sparse_bwd_adamw'> & {
  sparse_bwd_adamw(ptr: number, idx: number, val: number, dy: number, dx: number, w: number, m: number, v: number, M: number, K: number, N: number, ldx: number, lr: number, wd: number, b1: number, b2: number, eps: number, bc1: number, bc2: number): void;
  gemm_nn_csr(ptr: number, idx: number, val: number, b: number, c: number, M: number, N: number, ldb: number, ldc: number, acc: number): void;
  gemm_tn_csc(ptr: number, idx: number, val: number, b: number, c: number, K: number, N: number, ldb: number, ldc: number, acc: number): void;
  gemm_nt_csc(ptr: number, idx: number, a: number, b: number, c: number, M: number, K: number, N: number, ldc: number, acc: number): void;
};

function fromInstance(instance: WebAssembly.Instance, memory?: WebAssembly.Memory): Kernels {
  const ex = instance.exports as unknown as KernelExports & { memory: WebAssembly.Memory };
  return kernelsFromExports(ex, memory ?? ex.memory);
}

export function kernelsFromExports(ex: KernelExports, memory: WebAssembly.Memory): Kernels {
  const heap = new Heap(memory);
  return {
    name: 'wasm-simd',
    heap,
    gemm_nn: ex.gemm_nn,
    gemm_tn: ex.gemm_tn,
    gemm_nt: ex.gemm_nt,
    nz_rows: ex.nz_rows,
    nz_cols: ex.nz_cols,
    gemm_nn_csr: (ptr, idx, val, b, c, M, N, acc) => ex.gemm_nn_csr(ptr, idx, val, b, c, M, N, N, N, acc),
    gemm_tn_csc: (ptr, idx, val, b, c, K, N, acc) => ex.gemm_tn_csc(ptr, idx, val, b, c, K, N, N, N, acc),
    gemm_nt_csc: (ptr, idx, a, b, c, M, K, N, acc) => ex.gemm_nt_csc(ptr, idx, a, b, c, M, K, N, K, acc),
    sparse_bwd_adamw: (ptr, idx, val, dy, dx, w, m, v, M, K, N, lr, wd, b1, b2, eps, bc1, bc2) => ex.sparse_bwd_adamw(ptr, idx, val, dy, dx, w, m, v, M, K, N, K, lr, wd, b1, b2, eps, bc1, bc2),
    adj_fwd: ex.adj_fwd,
    adj_bwd: ex.adj_bwd,
    colsum: ex.colsum,
    ln_relu_drop_fwd: ex.ln_relu_drop_fwd,
    ln_relu_drop_bwd: ex.ln_relu_drop_bwd,
    dropout_mask: ex.dropout_mask,
    adj_row0: ex.adj_row0,
    adj_row0_bwd: ex.adj_row0_bwd,
    add_bias: ex.add_bias,
    adamw: ex.adamw,
  };
}

/** Synchronous instantiation (Node; browsers allow it off the main thread or for small modules). */
export function createWasmKernels(): Kernels {
  cachedModule ??= new WebAssembly.Module(wasmBytes());
  return fromInstance(new WebAssembly.Instance(cachedModule, {}));
}

/** Asynchronous instantiation, for browser main threads. */
export async function createWasmKernelsAsync(): Promise<Kernels> {
  cachedModule ??= await WebAssembly.compile(wasmBytes());
  return fromInstance(await WebAssembly.instantiate(cachedModule, {}));
}

/** Each instance has its own memory; one model (or one worker) per instance. */
export function wasmSimdSupported(): boolean {
  try {
    createWasmKernels();
    return true;
  } catch {
    return false;
  }
}
