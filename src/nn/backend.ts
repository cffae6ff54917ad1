// Choosing a kernel backend: WebAssembly SIMD on one thread, or on two threads in Node (worker +
// shared memory), or the plain JS reference.

import { availableParallelism } from 'node:os';
import type { Kernels } from './kernels.js';
import { createJsKernels } from './kernels-js.js';
import { createParallelKernels } from './kernels-parallel.js';
import { createWasmKernels } from './kernels-wasm.js';

export interface BackendOptions {
  /** 1 or 2 (default: 2 when the machine has at least 2 cores). */
  threads?: number;
  backend?: 'wasm' | 'js';
}

export type DisposableKernels = Kernels & { dispose(): void };

export function defaultThreads(): number {
  return availableParallelism() >= 2 ? 2 : 1;
}

export function createKernels(opts: BackendOptions = {}): DisposableKernels {
  if (opts.backend === 'js') return Object.assign(createJsKernels(), { dispose() {} });
  const threads = opts.threads ?? defaultThreads();
  if (threads !== 1 && threads !== 2) throw new Error(`threads must be 1 or 2, got ${threads}`);
  if (threads === 2) return createParallelKernels();
  return Object.assign(createWasmKernels(), { dispose() {} });
}
