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

function fromInstance(instance: WebAssembly.Instance, memory?: WebAssembly.Memory): Kernels {
  const ex = instance.exports as unknown as Omit<Kernels, 'name' | 'heap'> & { memory: WebAssembly.Memory };
  return kernelsFromExports(ex, memory ?? ex.memory);
}

export function kernelsFromExports(ex: Omit<Kernels, 'name' | 'heap'>, memory: WebAssembly.Memory): Kernels {
  const heap = new Heap(memory);
  return {
    name: 'wasm-simd',
    heap,
    gemm_nn: ex.gemm_nn,
    gemm_tn: ex.gemm_tn,
    gemm_nt: ex.gemm_nt,
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
