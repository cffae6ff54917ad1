// Layout of the control block shared by the main thread and the kernel worker.
export const CTRL = { SEQ: 0, DONE: 1, OP: 2, READY: 3, ARGS: 4, SIZE: 16 } as const;
export const OP = { STOP: 0, GEMM_NN: 1, GEMM_TN: 2, GEMM_NT: 3, ADAMW: 4, GEMM_NN_CSR: 5, GEMM_TN_CSC: 6, GEMM_NT_CSC: 7, SPARSE_BWD_ADAMW: 8 } as const;
