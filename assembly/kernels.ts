// WebAssembly SIMD kernels for the GCN predictors (AssemblyScript). Every array is f32, row-major,
// addressed by a byte offset into linear memory that the JS side manages (src/nn/memory.ts).
// The JS reference implementation of each kernel is in src/nn/kernels-js.ts; tests compare the two.

// C (M x N) (+)= A (M x K) . B (K x N)
export function gemm_nn(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, acc: i32): void {
  gemm_nn_s(a, b, c, M, K, N, N, N, acc);
}

// Strided form: B rows are ldb floats apart and C rows ldc (a column block of a wider matrix).
export function gemm_nn_s(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, ldb: i32, ldc: i32, acc: i32): void {
  // Column strips outermost: the 8-column strip of B (K x 8) stays in L1/L2 while every row block
  // of A passes over it, so B (the weights) is streamed from memory once.
  const N8 = N & ~7;
  const bstride = <usize>ldb * 4;
  const cs = <usize>ldc * 4;
  for (let j = 0; j < N8; j += 8) {
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      const a0 = a + <usize>(i * K) * 4;
      const a1 = a0 + <usize>K * 4;
      const a2 = a1 + <usize>K * 4;
      const a3 = a2 + <usize>K * 4;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let bp = b + <usize>j * 4;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        const ko = <usize>k * 4;
        const x0 = f32x4.splat(load<f32>(a0 + ko));
        const x1 = f32x4.splat(load<f32>(a1 + ko));
        const x2 = f32x4.splat(load<f32>(a2 + ko));
        const x3 = f32x4.splat(load<f32>(a3 + ko));
        c00 = f32x4.add(c00, f32x4.mul(x0, b0));
        c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0));
        c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        c20 = f32x4.add(c20, f32x4.mul(x2, b0));
        c21 = f32x4.add(c21, f32x4.mul(x2, b1));
        c30 = f32x4.add(c30, f32x4.mul(x3, b0));
        c31 = f32x4.add(c31, f32x4.mul(x3, b1));
        bp += bstride;
      }
      const cp = c + <usize>(i * ldc + j) * 4;
      store4x2(cp, c00, c01, acc);
      store4x2(cp + cs, c10, c11, acc);
      store4x2(cp + 2 * cs, c20, c21, acc);
      store4x2(cp + 3 * cs, c30, c31, acc);
    }
    for (; i < M; i++) {
      const ar = a + <usize>(i * K) * 4;
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
      let bp = b + <usize>j * 4;
      for (let k = 0; k < K; k++) {
        const x = f32x4.splat(load<f32>(ar + <usize>k * 4));
        c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp)));
        c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
        bp += bstride;
      }
      store4x2(c + <usize>(i * ldc + j) * 4, c0, c1, acc);
    }
  }
  if (N8 < N) for (let i = 0; i < M; i++) gemmTailCols(a, b, c, i, K, N, N8, ldb, ldc, acc);
}

@inline function store4x2(p: usize, x: v128, y: v128, acc: i32): void {
  if (acc) {
    v128.store(p, f32x4.add(v128.load(p), x));
    v128.store(p, f32x4.add(v128.load(p, 16), y), 16);
  } else {
    v128.store(p, x);
    v128.store(p, y, 16);
  }
}

function gemmTailCols(a: usize, b: usize, c: usize, i: i32, K: i32, N: i32, from: i32, ldb: i32, ldc: i32, acc: i32): void {
  for (let j = from; j < N; j++) {
    let s: f32 = 0;
    for (let k = 0; k < K; k++) s += load<f32>(a + <usize>(i * K + k) * 4) * load<f32>(b + <usize>(k * ldb + j) * 4);
    const p = c + <usize>(i * ldc + j) * 4;
    store<f32>(p, acc ? load<f32>(p) + s : s);
  }
}

// C (K x N) (+)= A^T . B, with A (M x K), B (M x N): the weight gradient X^T . dY.
export function gemm_tn(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, acc: i32): void {
  gemm_tn_s(a, b, c, M, K, N, N, N, acc);
}

export function gemm_tn_s(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, ldb: i32, ldc: i32, acc: i32): void {
  const N8 = N & ~7;
  let i = 0;
  for (; i + 4 <= K; i += 4) {
    for (let j = 0; j < N8; j += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let bp = b + <usize>j * 4;
      let ap = a + <usize>i * 4;
      const bstep = <usize>ldb * 4;
      const astep = <usize>K * 4;
      for (let m = 0; m < M; m++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        const x0 = f32x4.splat(load<f32>(ap));
        const x1 = f32x4.splat(load<f32>(ap, 4));
        const x2 = f32x4.splat(load<f32>(ap, 8));
        const x3 = f32x4.splat(load<f32>(ap, 12));
        c00 = f32x4.add(c00, f32x4.mul(x0, b0));
        c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0));
        c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        c20 = f32x4.add(c20, f32x4.mul(x2, b0));
        c21 = f32x4.add(c21, f32x4.mul(x2, b1));
        c30 = f32x4.add(c30, f32x4.mul(x3, b0));
        c31 = f32x4.add(c31, f32x4.mul(x3, b1));
        bp += bstep;
        ap += astep;
      }
      const cp = c + <usize>(i * ldc + j) * 4;
      const cs = <usize>ldc * 4;
      store4x2(cp, c00, c01, acc);
      store4x2(cp + cs, c10, c11, acc);
      store4x2(cp + 2 * cs, c20, c21, acc);
      store4x2(cp + 3 * cs, c30, c31, acc);
    }
    for (let r = i; r < i + 4; r++) gemmTnTail(a, b, c, M, K, N, r, N8, ldb, ldc, acc);
  }
  for (; i < K; i++) {
    for (let j = 0; j < N8; j += 8) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
      for (let m = 0; m < M; m++) {
        const bp = b + <usize>(m * ldb + j) * 4;
        const x = f32x4.splat(load<f32>(a + <usize>(m * K + i) * 4));
        c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp)));
        c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
      }
      store4x2(c + <usize>(i * ldc + j) * 4, c0, c1, acc);
    }
    gemmTnTail(a, b, c, M, K, N, i, N8, ldb, ldc, acc);
  }
}

function gemmTnTail(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, i: i32, from: i32, ldb: i32, ldc: i32, acc: i32): void {
  for (let j = from; j < N; j++) {
    let s: f32 = 0;
    for (let m = 0; m < M; m++) s += load<f32>(a + <usize>(m * K + i) * 4) * load<f32>(b + <usize>(m * ldb + j) * 4);
    const p = c + <usize>(i * ldc + j) * 4;
    store<f32>(p, acc ? load<f32>(p) + s : s);
  }
}

// C (M x K) (+)= A . B^T, with A (M x N), B (K x N): the input gradient dY . W^T.
// 2 x 4 tiles of dot products; inner loops step byte offsets (index arithmetic there costs 2x).
export function gemm_nt(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, acc: i32): void {
  gemm_nt_s(a, b, c, M, K, N, K, acc);
}

// Strided form: C rows are ldc floats apart (a column block of a wider C).
export function gemm_nt_s(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, ldc: i32, acc: i32): void {
  const rs = <usize>N * 4;
  const rs4 = <usize>(N & ~3) * 4;
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const b0 = b + <usize>(k * N) * 4;
    const b1 = b0 + rs;
    const b2 = b1 + rs;
    const b3 = b2 + rs;
    let m = 0;
    for (; m + 2 <= M; m += 2) {
      const a0 = a + <usize>(m * N) * 4;
      const a1 = a0 + rs;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      let t0 = f32x4.splat(0), t1 = f32x4.splat(0), t2 = f32x4.splat(0), t3 = f32x4.splat(0);
      for (let o: usize = 0; o < rs4; o += 16) {
        const x0 = v128.load(a0 + o);
        const x1 = v128.load(a1 + o);
        const w0 = v128.load(b0 + o);
        const w1 = v128.load(b1 + o);
        const w2 = v128.load(b2 + o);
        const w3 = v128.load(b3 + o);
        s0 = f32x4.add(s0, f32x4.mul(x0, w0));
        s1 = f32x4.add(s1, f32x4.mul(x0, w1));
        s2 = f32x4.add(s2, f32x4.mul(x0, w2));
        s3 = f32x4.add(s3, f32x4.mul(x0, w3));
        t0 = f32x4.add(t0, f32x4.mul(x1, w0));
        t1 = f32x4.add(t1, f32x4.mul(x1, w1));
        t2 = f32x4.add(t2, f32x4.mul(x1, w2));
        t3 = f32x4.add(t3, f32x4.mul(x1, w3));
      }
      let r0 = hsum4(s0, s1, s2, s3);
      let r1 = hsum4(t0, t1, t2, t3);
      if (rs4 < rs) {
        let u0: f32 = 0, u1: f32 = 0, u2: f32 = 0, u3: f32 = 0;
        let v0: f32 = 0, v1: f32 = 0, v2: f32 = 0, v3: f32 = 0;
        for (let o = rs4; o < rs; o += 4) {
          const x0 = load<f32>(a0 + o);
          const x1 = load<f32>(a1 + o);
          const w0 = load<f32>(b0 + o), w1 = load<f32>(b1 + o), w2 = load<f32>(b2 + o), w3 = load<f32>(b3 + o);
          u0 += x0 * w0; u1 += x0 * w1; u2 += x0 * w2; u3 += x0 * w3;
          v0 += x1 * w0; v1 += x1 * w1; v2 += x1 * w2; v3 += x1 * w3;
        }
        r0 = f32x4.add(r0, vec4(u0, u1, u2, u3));
        r1 = f32x4.add(r1, vec4(v0, v1, v2, v3));
      }
      const cp0 = c + <usize>(m * ldc + k) * 4;
      const cp1 = cp0 + <usize>ldc * 4;
      v128.store(cp0, acc ? f32x4.add(v128.load(cp0), r0) : r0);
      v128.store(cp1, acc ? f32x4.add(v128.load(cp1), r1) : r1);
    }
    if (m < M) {
      // the odd last row: 1 x 4 tile
      const a0 = a + <usize>(m * N) * 4;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      for (let o: usize = 0; o < rs4; o += 16) {
        const x0 = v128.load(a0 + o);
        s0 = f32x4.add(s0, f32x4.mul(x0, v128.load(b0 + o)));
        s1 = f32x4.add(s1, f32x4.mul(x0, v128.load(b1 + o)));
        s2 = f32x4.add(s2, f32x4.mul(x0, v128.load(b2 + o)));
        s3 = f32x4.add(s3, f32x4.mul(x0, v128.load(b3 + o)));
      }
      let r0 = hsum4(s0, s1, s2, s3);
      if (rs4 < rs) {
        let u0: f32 = 0, u1: f32 = 0, u2: f32 = 0, u3: f32 = 0;
        for (let o = rs4; o < rs; o += 4) {
          const x0 = load<f32>(a0 + o);
          u0 += x0 * load<f32>(b0 + o); u1 += x0 * load<f32>(b1 + o); u2 += x0 * load<f32>(b2 + o); u3 += x0 * load<f32>(b3 + o);
        }
        r0 = f32x4.add(r0, vec4(u0, u1, u2, u3));
      }
      const cp0 = c + <usize>(m * ldc + k) * 4;
      v128.store(cp0, acc ? f32x4.add(v128.load(cp0), r0) : r0);
    }
  }
  for (; k < K; k++) for (let m = 0; m < M; m++) ntScalar(a, b, c, m, k, N, ldc, acc);
}

@inline function vec4(a: f32, b: f32, c: f32, d: f32): v128 {
  return f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(a), 1, b), 2, c), 3, d);
}

@inline function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  // returns [sum(a), sum(b), sum(c), sum(d)]
  const ab_lo = i32x4.shuffle(a, b, 0, 4, 1, 5);
  const ab_hi = i32x4.shuffle(a, b, 2, 6, 3, 7);
  const cd_lo = i32x4.shuffle(c, d, 0, 4, 1, 5);
  const cd_hi = i32x4.shuffle(c, d, 2, 6, 3, 7);
  const ab = f32x4.add(ab_lo, ab_hi); // [a0+a2, b0+b2, a1+a3, b1+b3]
  const cd = f32x4.add(cd_lo, cd_hi);
  const x = i32x4.shuffle(ab, cd, 0, 1, 4, 5); // [a02, b02, c02, d02]
  const y = i32x4.shuffle(ab, cd, 2, 3, 6, 7); // [a13, b13, c13, d13]
  return f32x4.add(x, y);
}

function ntScalar(a: usize, b: usize, c: usize, m: i32, k: i32, N: i32, ldc: i32, acc: i32): void {
  let s: f32 = 0;
  for (let n = 0; n < N; n++) s += load<f32>(a + <usize>(m * N + n) * 4) * load<f32>(b + <usize>(k * N + n) * 4);
  const p = c + <usize>(m * ldc + k) * 4;
  store<f32>(p, acc ? load<f32>(p) + s : s);
}

// ---- Sparse-input GEMMs -------------------------------------------------------------------------
// A hidden layer's input is a ReLU + dropout output, about 60% exact zeros in training. These
// kernels skip the zero entries through a compressed index of the input (nz_rows / nz_cols) and
// otherwise form each output element from the same products in the same order as the dense
// kernels, so the results are bitwise the same (a skipped product is an exact zero).

// CSR index of X (M x K): ptr[m]..ptr[m+1] index the k (idx) and values (val) of row m's nonzeros.
// idx/val need room for M*K entries. Branch-free: every entry is written, the cursor moves on
// nonzeros (a NaN counts as nonzero, so it propagates as in the dense product).
export function nz_rows(x: usize, M: i32, K: i32, ptr: usize, idx: usize, val: usize): void {
  let n: usize = 0;
  store<i32>(ptr, 0);
  for (let m = 0; m < M; m++) {
    const xr = x + <usize>(m * K) * 4;
    for (let k = 0; k < K; k++) {
      const v = load<f32>(xr + <usize>k * 4);
      store<i32>(idx + n * 4, k);
      store<f32>(val + n * 4, v);
      n += <usize>(v != 0);
    }
    store<i32>(ptr + <usize>(m + 1) * 4, <i32>n);
  }
}

// CSC index of X (M x K): ptr[k]..ptr[k+1] index the rows m (idx) and values (val) of column k.
export function nz_cols(x: usize, M: i32, K: i32, ptr: usize, idx: usize, val: usize): void {
  let n: usize = 0;
  store<i32>(ptr, 0);
  for (let k = 0; k < K; k++) {
    for (let m = 0; m < M; m++) {
      const v = load<f32>(x + <usize>(m * K + k) * 4);
      store<i32>(idx + n * 4, m);
      store<f32>(val + n * 4, v);
      n += <usize>(v != 0);
    }
    store<i32>(ptr + <usize>(k + 1) * 4, <i32>n);
  }
}

// C (M x N) (+)= X . B with X given by its CSR index (nz_rows), B (K x N) rows ldb apart, C rows
// ldc apart. One row of C at a time over a 32-column strip (8 independent accumulators).
export function gemm_nn_csr(ptr: usize, idx: usize, val: usize, b: usize, c: usize, M: i32, N: i32, ldb: i32, ldc: i32, acc: i32): void {
  const bs = <usize>ldb * 4;
  let j = 0;
  for (; j + 32 <= N; j += 32) for (let i = 0; i < M; i++) sparseStrip32(ptr, idx, val, i, b + <usize>j * 4, bs, c + <usize>(i * ldc + j) * 4, acc);
  for (; j + 8 <= N; j += 8) for (let i = 0; i < M; i++) sparseStrip8(ptr, idx, val, i, b + <usize>j * 4, bs, c + <usize>(i * ldc + j) * 4, acc);
  for (; j < N; j++) for (let i = 0; i < M; i++) sparseDot1(ptr, idx, val, i, b + <usize>j * 4, bs, c + <usize>(i * ldc + j) * 4, acc);
}

// C (K x N) (+)= X^T . B with X (M x K) given by its CSC index (nz_cols), B (M x N) rows ldb apart:
// the weight gradient of a layer with a sparse input. Row k of C sums over column k's nonzeros.
export function gemm_tn_csc(ptr: usize, idx: usize, val: usize, b: usize, c: usize, K: i32, N: i32, ldb: i32, ldc: i32, acc: i32): void {
  const bs = <usize>ldb * 4;
  for (let k = 0; k < K; k++) {
    const crow = c + <usize>(k * ldc) * 4;
    let j = 0;
    for (; j + 32 <= N; j += 32) sparseStrip32(ptr, idx, val, k, b + <usize>j * 4, bs, crow + <usize>j * 4, acc);
    for (; j + 8 <= N; j += 8) sparseStrip8(ptr, idx, val, k, b + <usize>j * 4, bs, crow + <usize>j * 4, acc);
    for (; j < N; j++) sparseDot1(ptr, idx, val, k, b + <usize>j * 4, bs, crow + <usize>j * 4, acc);
  }
}

// The building blocks of the two above: entry r of the compressed index (a row for CSR, a column
// for CSC) times the rows of B it names, over 32, 8 or 1 columns of B starting at bj (rows bs bytes
// apart), stored (or added, acc) at cp. Products are summed in index order, as the dense kernels do.
@inline function sparseStrip32(ptr: usize, idx: usize, val: usize, r: i32, bj: usize, bs: usize, cp: usize, acc: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  const end = <usize>load<i32>(ptr + <usize>(r + 1) * 4) * 4;
  for (let t = <usize>load<i32>(ptr + <usize>r * 4) * 4; t < end; t += 4) {
    const x = f32x4.splat(load<f32>(val + t));
    const bp = bj + <usize>load<i32>(idx + t) * bs;
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
    c2 = f32x4.add(c2, f32x4.mul(x, v128.load(bp, 32)));
    c3 = f32x4.add(c3, f32x4.mul(x, v128.load(bp, 48)));
    c4 = f32x4.add(c4, f32x4.mul(x, v128.load(bp, 64)));
    c5 = f32x4.add(c5, f32x4.mul(x, v128.load(bp, 80)));
    c6 = f32x4.add(c6, f32x4.mul(x, v128.load(bp, 96)));
    c7 = f32x4.add(c7, f32x4.mul(x, v128.load(bp, 112)));
  }
  store4x2(cp, c0, c1, acc);
  store4x2(cp + 32, c2, c3, acc);
  store4x2(cp + 64, c4, c5, acc);
  store4x2(cp + 96, c6, c7, acc);
}

@inline function sparseStrip8(ptr: usize, idx: usize, val: usize, r: i32, bj: usize, bs: usize, cp: usize, acc: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  const end = <usize>load<i32>(ptr + <usize>(r + 1) * 4) * 4;
  for (let t = <usize>load<i32>(ptr + <usize>r * 4) * 4; t < end; t += 4) {
    const x = f32x4.splat(load<f32>(val + t));
    const bp = bj + <usize>load<i32>(idx + t) * bs;
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
  }
  store4x2(cp, c0, c1, acc);
}

@inline function sparseDot1(ptr: usize, idx: usize, val: usize, r: i32, bj: usize, bs: usize, cp: usize, acc: i32): void {
  let s: f32 = 0;
  const end = <usize>load<i32>(ptr + <usize>(r + 1) * 4) * 4;
  for (let t = <usize>load<i32>(ptr + <usize>r * 4) * 4; t < end; t += 4) s += load<f32>(val + t) * load<f32>(bj + <usize>load<i32>(idx + t) * bs);
  store<f32>(cp, acc ? load<f32>(cp) + s : s);
}

// C (M x K) (+)= A . B^T (A: M x N, B: K x N) only where X (M x K, CSC index) is nonzero; elsewhere
// C is 0 (or kept with acc). The input gradient of a layer whose input is X = ReLU/dropout output:
// the gradient at X's zeros is multiplied by zero downstream, so it is not computed. Each computed
// element equals gemm_nt_s's (same lane sums, same horizontal reduction).
export function gemm_nt_csc(ptr: usize, idx: usize, a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, ldc: i32, acc: i32): void {
  const K4 = K & ~3;
  for (let k = 0; k < K; k++) ntCscRow(ptr, idx, a, b, c, M, N, ldc, acc, k, k >= K4);
}

// Column k of gemm_nt_csc. `scalar`: gemm_nt_s sums the last K % 4 rows of B as plain scalar dot
// products, so those rows are summed the same way here.
@inline function ntCscRow(ptr: usize, idx: usize, a: usize, b: usize, c: usize, M: i32, N: i32, ldc: i32, acc: i32, k: i32, scalar: bool): void {
  const rs = <usize>N * 4;
  const rs4 = <usize>(N & ~3) * 4;
  const cs = <usize>ldc * 4;
  const ck = c + <usize>k * 4;
  if (!acc) for (let m = 0; m < M; m++) store<f32>(ck + <usize>m * cs, 0);
  const start = <usize>load<i32>(ptr + <usize>k * 4) * 4;
  const end = <usize>load<i32>(ptr + <usize>(k + 1) * 4) * 4;
  const bk = b + <usize>k * rs;
  if (scalar) {
    for (let t = start; t < end; t += 4) {
      const ar = a + <usize>load<i32>(idx + t) * rs;
      let s: f32 = 0;
      for (let o: usize = 0; o < rs; o += 4) s += load<f32>(ar + o) * load<f32>(bk + o);
      const p = ck + <usize>load<i32>(idx + t) * cs;
      store<f32>(p, acc ? load<f32>(p) + s : s);
    }
    return;
  }
  // four rows at a time; a short last group repeats its last row (stored twice, same value)
  for (let t = start; t < end; t += 16) {
    const last = end - 4;
    const m0 = <usize>load<i32>(idx + t);
    const m1 = <usize>load<i32>(idx + min(t + 4, last));
    const m2 = <usize>load<i32>(idx + min(t + 8, last));
    const m3 = <usize>load<i32>(idx + min(t + 12, last));
    const a0 = a + m0 * rs, a1 = a + m1 * rs, a2 = a + m2 * rs, a3 = a + m3 * rs;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let o: usize = 0; o < rs4; o += 16) {
      const w = v128.load(bk + o);
      s0 = f32x4.add(s0, f32x4.mul(v128.load(a0 + o), w));
      s1 = f32x4.add(s1, f32x4.mul(v128.load(a1 + o), w));
      s2 = f32x4.add(s2, f32x4.mul(v128.load(a2 + o), w));
      s3 = f32x4.add(s3, f32x4.mul(v128.load(a3 + o), w));
    }
    let r = hsum4(s0, s1, s2, s3);
    if (rs4 < rs) {
      let u0: f32 = 0, u1: f32 = 0, u2: f32 = 0, u3: f32 = 0;
      for (let o = rs4; o < rs; o += 4) {
        const w = load<f32>(bk + o);
        u0 += load<f32>(a0 + o) * w; u1 += load<f32>(a1 + o) * w; u2 += load<f32>(a2 + o) * w; u3 += load<f32>(a3 + o) * w;
      }
      r = f32x4.add(r, vec4(u0, u1, u2, u3));
    }
    const p0 = ck + m0 * cs, p1 = ck + m1 * cs, p2 = ck + m2 * cs, p3 = ck + m3 * cs;
    if (acc) {
      // rows repeated in a short group must be added once
      store<f32>(p0, load<f32>(p0) + f32x4.extract_lane(r, 0));
      if (t + 4 < end) store<f32>(p1, load<f32>(p1) + f32x4.extract_lane(r, 1));
      if (t + 8 < end) store<f32>(p2, load<f32>(p2) + f32x4.extract_lane(r, 2));
      if (t + 12 < end) store<f32>(p3, load<f32>(p3) + f32x4.extract_lane(r, 3));
    } else {
      store<f32>(p0, f32x4.extract_lane(r, 0));
      store<f32>(p1, f32x4.extract_lane(r, 1));
      store<f32>(p2, f32x4.extract_lane(r, 2));
      store<f32>(p3, f32x4.extract_lane(r, 3));
    }
  }
}

// The backward pass through a sparse-input layer's weight W (K x N) fused with W's AdamW update,
// row by row: the input gradient dX = dY.W^T at X's nonzeros (gemm_nt_csc, from the old row), then
// the weight-gradient row (gemm_tn_csc) goes straight into AdamW (adamw) without being stored.
// Bitwise the same as the three kernels in turn; it saves writing and re-reading the gradient and
// a second pass over W, which is what a batch-1 step is bound by (memory traffic).
export function sparse_bwd_adamw(ptr: usize, idx: usize, val: usize, dy: usize, dx: usize, w: usize, m: usize, v: usize, M: i32, K: i32, N: i32, ldx: i32, lr: f32, wd: f32, b1: f32, b2: f32, eps: f32, bc1: f32, bc2: f32): void {
  const K4 = K & ~3;
  const decay = f32x4.splat(1 - lr * wd);
  const vb1 = f32x4.splat(b1);
  const vb1c = f32x4.splat(1 - b1);
  const vb2 = f32x4.splat(b2);
  const vb2c = f32x4.splat(1 - b2);
  const step = f32x4.splat(-lr / bc1);
  const isq = f32x4.splat(1 / Mathf.sqrt(bc2));
  const veps = f32x4.splat(eps);
  const bs = <usize>N * 4;
  for (let k = 0; k < K; k++) {
    ntCscRow(ptr, idx, dy, w, dx, M, N, ldx, 0, k, k >= K4);
    const start = <usize>load<i32>(ptr + <usize>k * 4) * 4;
    const end = <usize>load<i32>(ptr + <usize>(k + 1) * 4) * 4;
    const row = <usize>(k * N) * 4;
    let j = 0;
    for (; j + 16 <= N; j += 16) {
      let g0 = f32x4.splat(0), g1 = f32x4.splat(0), g2 = f32x4.splat(0), g3 = f32x4.splat(0);
      const bj = dy + <usize>j * 4;
      for (let t = start; t < end; t += 4) {
        const x = f32x4.splat(load<f32>(val + t));
        const bp = bj + <usize>load<i32>(idx + t) * bs;
        g0 = f32x4.add(g0, f32x4.mul(x, v128.load(bp)));
        g1 = f32x4.add(g1, f32x4.mul(x, v128.load(bp, 16)));
        g2 = f32x4.add(g2, f32x4.mul(x, v128.load(bp, 32)));
        g3 = f32x4.add(g3, f32x4.mul(x, v128.load(bp, 48)));
      }
      const o = row + <usize>j * 4;
      adamVec(w + o, m + o, v + o, g0, decay, vb1, vb1c, vb2, vb2c, step, isq, veps);
      adamVec(w + o + 16, m + o + 16, v + o + 16, g1, decay, vb1, vb1c, vb2, vb2c, step, isq, veps);
      adamVec(w + o + 32, m + o + 32, v + o + 32, g2, decay, vb1, vb1c, vb2, vb2c, step, isq, veps);
      adamVec(w + o + 48, m + o + 48, v + o + 48, g3, decay, vb1, vb1c, vb2, vb2c, step, isq, veps);
    }
    for (; j + 4 <= N; j += 4) {
      let g0 = f32x4.splat(0);
      const bj = dy + <usize>j * 4;
      for (let t = start; t < end; t += 4) g0 = f32x4.add(g0, f32x4.mul(f32x4.splat(load<f32>(val + t)), v128.load(bj + <usize>load<i32>(idx + t) * bs)));
      const o = row + <usize>j * 4;
      adamVec(w + o, m + o, v + o, g0, decay, vb1, vb1c, vb2, vb2c, step, isq, veps);
    }
    for (; j < N; j++) {
      let g: f32 = 0;
      for (let t = start; t < end; t += 4) g += load<f32>(val + t) * load<f32>(dy + (<usize>load<i32>(idx + t) * <usize>N + <usize>j) * 4);
      const o = row + <usize>j * 4;
      // the vector formula in one lane (adamw's vector path)
      const mv = b1 * load<f32>(m + o) + (1 - b1) * g;
      const vv = b2 * load<f32>(v + o) + (1 - b2) * (g * g);
      store<f32>(m + o, mv);
      store<f32>(v + o, vv);
      const denom = Mathf.sqrt(vv) * (1 / Mathf.sqrt(bc2)) + eps;
      store<f32>(w + o, load<f32>(w + o) * (1 - lr * wd) + (-lr / bc1) * mv / denom);
    }
  }
}

@inline function adamVec(pp: usize, mp: usize, vp: usize, gv: v128, decay: v128, vb1: v128, vb1c: v128, vb2: v128, vb2c: v128, step: v128, isq: v128, veps: v128): void {
  const mv = f32x4.add(f32x4.mul(vb1, v128.load(mp)), f32x4.mul(vb1c, gv));
  const vv = f32x4.add(f32x4.mul(vb2, v128.load(vp)), f32x4.mul(vb2c, f32x4.mul(gv, gv)));
  v128.store(mp, mv);
  v128.store(vp, vv);
  const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), isq), veps);
  const pv = f32x4.mul(v128.load(pp), decay);
  v128.store(pp, f32x4.add(pv, f32x4.div(f32x4.mul(step, mv), denom)));
}

// y[0..D) += w * x[0..D) (the row update shared by the aggregation kernels).
@inline function axpy(y: usize, x: usize, w: f32, D: i32): void {
  const D4 = D & ~3;
  const wv = f32x4.splat(w);
  for (let d = 0; d < D4; d += 4) {
    const o = <usize>d * 4;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(wv, v128.load(x + o))));
  }
  for (let d = D4; d < D; d++) store<f32>(y + <usize>d * 4, load<f32>(y + <usize>d * 4) + w * load<f32>(x + <usize>d * 4));
}

// Graph aggregation, per graph g: Y[g,i,:] = sum_j A[g,i,j] * S[g,j,:] + bias. A is G x Nn x Nn.
export function adj_fwd(adj: usize, s: usize, y: usize, bias: usize, G: i32, Nn: i32, D: i32): void {
  const D4 = D & ~3;
  for (let g = 0; g < G; g++) {
    const A = adj + <usize>(g * Nn * Nn) * 4;
    const S = s + <usize>(g * Nn * D) * 4;
    const Y = y + <usize>(g * Nn * D) * 4;
    for (let i = 0; i < Nn; i++) {
      const yr = Y + <usize>(i * D) * 4;
      for (let d = 0; d < D4; d += 4) v128.store(yr + <usize>d * 4, v128.load(bias + <usize>d * 4));
      for (let d = D4; d < D; d++) store<f32>(yr + <usize>d * 4, load<f32>(bias + <usize>d * 4));
      for (let j = 0; j < Nn; j++) {
        const w = load<f32>(A + <usize>(i * Nn + j) * 4);
        if (w == 0) continue;
        axpy(yr, S + <usize>(j * D) * 4, w, D);
      }
    }
  }
}

// Backward of the aggregation: dS[g,j,:] = sum_i A[g,i,j] * dY[g,i,:].
export function adj_bwd(adj: usize, dy: usize, ds: usize, G: i32, Nn: i32, D: i32): void {
  for (let g = 0; g < G; g++) {
    const A = adj + <usize>(g * Nn * Nn) * 4;
    const DY = dy + <usize>(g * Nn * D) * 4;
    const DS = ds + <usize>(g * Nn * D) * 4;
    for (let j = 0; j < Nn; j++) {
      const dr = DS + <usize>(j * D) * 4;
      memory.fill(dr, 0, <usize>D * 4);
      for (let i = 0; i < Nn; i++) {
        const w = load<f32>(A + <usize>(i * Nn + j) * 4);
        if (w == 0) continue;
        axpy(dr, DY + <usize>(i * D) * 4, w, D);
      }
    }
  }
}

// out[d] (+)= sum over M rows of x[m, d].
export function colsum(x: usize, out: usize, M: i32, D: i32, acc: i32): void {
  if (!acc) memory.fill(out, 0, <usize>D * 4);
  const D4 = D & ~3;
  for (let m = 0; m < M; m++) {
    const r = x + <usize>(m * D) * 4;
    for (let d = 0; d < D4; d += 4) {
      const o = <usize>d * 4;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(r + o)));
    }
    for (let d = D4; d < D; d++) store<f32>(out + <usize>d * 4, load<f32>(out + <usize>d * 4) + load<f32>(r + <usize>d * 4));
  }
}

// out = dropout(relu(layernorm(x) * gamma + beta)); keeps xhat and 1/std per row for the backward
// pass. mask (0 = none) holds 0 or 1/(1-p) per element.
export function ln_relu_drop_fwd(x: usize, xhat: usize, out: usize, gamma: usize, beta: usize, rstd: usize, mask: usize, M: i32, D: i32, eps: f32): void {
  const D4 = D & ~3;
  for (let m = 0; m < M; m++) {
    const xr = x + <usize>(m * D) * 4;
    let sv = f32x4.splat(0);
    for (let d = 0; d < D4; d += 4) sv = f32x4.add(sv, v128.load(xr + <usize>d * 4));
    let sum: f32 = f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1) + f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3);
    for (let d = D4; d < D; d++) sum += load<f32>(xr + <usize>d * 4);
    const mean = sum / <f32>D;
    const mv = f32x4.splat(mean);
    let qv = f32x4.splat(0);
    for (let d = 0; d < D4; d += 4) {
      const t = f32x4.sub(v128.load(xr + <usize>d * 4), mv);
      qv = f32x4.add(qv, f32x4.mul(t, t));
    }
    let q: f32 = f32x4.extract_lane(qv, 0) + f32x4.extract_lane(qv, 1) + f32x4.extract_lane(qv, 2) + f32x4.extract_lane(qv, 3);
    for (let d = D4; d < D; d++) {
      const t = load<f32>(xr + <usize>d * 4) - mean;
      q += t * t;
    }
    const rs: f32 = 1 / Mathf.sqrt(q / <f32>D + eps);
    store<f32>(rstd + <usize>m * 4, rs);
    const rv = f32x4.splat(rs);
    const hr = xhat + <usize>(m * D) * 4;
    const orow = out + <usize>(m * D) * 4;
    const mr = mask + <usize>(m * D) * 4;
    const zero = f32x4.splat(0);
    for (let d = 0; d < D4; d += 4) {
      const o = <usize>d * 4;
      const h = f32x4.mul(f32x4.sub(v128.load(xr + o), mv), rv);
      v128.store(hr + o, h);
      let yv = f32x4.max(f32x4.add(f32x4.mul(h, v128.load(gamma + o)), v128.load(beta + o)), zero);
      if (mask) yv = f32x4.mul(yv, v128.load(mr + o));
      v128.store(orow + o, yv);
    }
    for (let d = D4; d < D; d++) {
      const o = <usize>d * 4;
      const h = (load<f32>(xr + o) - mean) * rs;
      store<f32>(hr + o, h);
      let yv = h * load<f32>(gamma + o) + load<f32>(beta + o);
      if (yv < 0) yv = 0;
      if (mask) yv *= load<f32>(mr + o);
      store<f32>(orow + o, yv);
    }
  }
}

// Backward of ln_relu_drop_fwd. dgamma and dbeta accumulate; dx is overwritten.
export function ln_relu_drop_bwd(dout: usize, xhat: usize, gamma: usize, beta: usize, rstd: usize, mask: usize, dx: usize, dgamma: usize, dbeta: usize, M: i32, D: i32): void {
  const invD: f32 = 1 / <f32>D;
  const D4 = D & ~3;
  const zero = f32x4.splat(0);
  for (let m = 0; m < M; m++) {
    const dr = dout + <usize>(m * D) * 4;
    const hr = xhat + <usize>(m * D) * 4;
    const mr = mask + <usize>(m * D) * 4;
    const xr = dx + <usize>(m * D) * 4;
    // pass 1: dz = dout * mask * [y > 0]; dxhat = dz * gamma; parameter grads and row sums
    let s1v = f32x4.splat(0);
    let s2v = f32x4.splat(0);
    for (let d = 0; d < D4; d += 4) {
      const o = <usize>d * 4;
      const h = v128.load(hr + o);
      const g = v128.load(gamma + o);
      const y = f32x4.add(f32x4.mul(h, g), v128.load(beta + o));
      let dz = v128.and(v128.load(dr + o), f32x4.gt(y, zero));
      if (mask) dz = f32x4.mul(dz, v128.load(mr + o));
      v128.store(dgamma + o, f32x4.add(v128.load(dgamma + o), f32x4.mul(dz, h)));
      v128.store(dbeta + o, f32x4.add(v128.load(dbeta + o), dz));
      const dh = f32x4.mul(dz, g);
      v128.store(xr + o, dh);
      s1v = f32x4.add(s1v, dh);
      s2v = f32x4.add(s2v, f32x4.mul(dh, h));
    }
    let s1: f32 = f32x4.extract_lane(s1v, 0) + f32x4.extract_lane(s1v, 1) + f32x4.extract_lane(s1v, 2) + f32x4.extract_lane(s1v, 3);
    let s2: f32 = f32x4.extract_lane(s2v, 0) + f32x4.extract_lane(s2v, 1) + f32x4.extract_lane(s2v, 2) + f32x4.extract_lane(s2v, 3);
    for (let d = D4; d < D; d++) {
      const o = <usize>d * 4;
      const h = load<f32>(hr + o);
      const g = load<f32>(gamma + o);
      const y = h * g + load<f32>(beta + o);
      let dz: f32 = y > 0 ? load<f32>(dr + o) : 0;
      if (mask) dz *= load<f32>(mr + o);
      store<f32>(dgamma + o, load<f32>(dgamma + o) + dz * h);
      store<f32>(dbeta + o, load<f32>(dbeta + o) + dz);
      const dh = dz * g;
      store<f32>(xr + o, dh);
      s1 += dh;
      s2 += dh * h;
    }
    const rs = load<f32>(rstd + <usize>m * 4);
    const a = f32x4.splat(s1 * invD);
    const b = f32x4.splat(s2 * invD);
    const rv = f32x4.splat(rs);
    for (let d = 0; d < D4; d += 4) {
      const o = <usize>d * 4;
      v128.store(xr + o, f32x4.mul(rv, f32x4.sub(f32x4.sub(v128.load(xr + o), a), f32x4.mul(v128.load(hr + o), b))));
    }
    for (let d = D4; d < D; d++) {
      const o = <usize>d * 4;
      store<f32>(xr + o, rs * (load<f32>(xr + o) - s1 * invD - load<f32>(hr + o) * s2 * invD));
    }
  }
}

// Fill mask[0..n) with 0 (dropped, probability p) or scale, from a xorshift32 stream seeded per call.
export function dropout_mask(mask: usize, n: i32, p: f32, scale: f32, seed: u32): void {
  let s: u32 = seed == 0 ? 0x9e3779b9 : seed;
  const threshold = <u32>(<f64>p * 4294967296.0);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    store<f32>(mask + <usize>i * 4, s < threshold ? 0 : scale);
  }
}

// PyTorch AdamW: p *= 1 - lr*wd; m, v moments; p -= (lr/bc1) * m / (sqrt(v)/sqrt(bc2) + eps).
// The gradient is left as it is: backward passes overwrite it.
export function adamw(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, wd: f32, b1: f32, b2: f32, eps: f32, bc1: f32, bc2: f32): void {
  const decay = f32x4.splat(1 - lr * wd);
  const vb1 = f32x4.splat(b1);
  const vb1c = f32x4.splat(1 - b1);
  const vb2 = f32x4.splat(b2);
  const vb2c = f32x4.splat(1 - b2);
  const step = f32x4.splat(-lr / bc1);
  const isq = f32x4.splat(1 / Mathf.sqrt(bc2));
  const veps = f32x4.splat(eps);
  const n4 = n & ~3;
  const end4 = <usize>n4 * 4;
  for (let o: usize = 0; o < end4; o += 16) adamVec(p + o, m + o, v + o, v128.load(g + o), decay, vb1, vb1c, vb2, vb2c, step, isq, veps);
  for (let i = n4; i < n; i++) {
    const o = <usize>i * 4;
    const gv = load<f32>(g + o);
    const mv = b1 * load<f32>(m + o) + (1 - b1) * gv;
    const vv = b2 * load<f32>(v + o) + (1 - b2) * gv * gv;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    const denom = Mathf.sqrt(vv) / Mathf.sqrt(bc2) + eps;
    store<f32>(p + o, load<f32>(p + o) * (1 - lr * wd) - (lr / bc1) * mv / denom);
  }
}

// Global-row aggregation: out[g,:] = sum_j A[g,0,j] * X[g,j,:] (the only row the last layer needs).
export function adj_row0(adj: usize, x: usize, out: usize, G: i32, Nn: i32, D: i32): void {
  for (let g = 0; g < G; g++) {
    const A = adj + <usize>(g * Nn * Nn) * 4;
    const X = x + <usize>(g * Nn * D) * 4;
    const O = out + <usize>(g * D) * 4;
    memory.fill(O, 0, <usize>D * 4);
    for (let j = 0; j < Nn; j++) {
      const w = load<f32>(A + <usize>j * 4);
      if (w == 0) continue;
      axpy(O, X + <usize>(j * D) * 4, w, D);
    }
  }
}

// Backward of adj_row0: dX[g,j,:] = A[g,0,j] * dOut[g,:] (overwrites dX).
export function adj_row0_bwd(adj: usize, dout: usize, dx: usize, G: i32, Nn: i32, D: i32): void {
  const D4 = D & ~3;
  for (let g = 0; g < G; g++) {
    const A = adj + <usize>(g * Nn * Nn) * 4;
    const DO = dout + <usize>(g * D) * 4;
    for (let j = 0; j < Nn; j++) {
      const w = load<f32>(A + <usize>j * 4);
      const xr = dx + <usize>((g * Nn + j) * D) * 4;
      const wv = f32x4.splat(w);
      for (let d = 0; d < D4; d += 4) {
        const o = <usize>d * 4;
        v128.store(xr + o, f32x4.mul(wv, v128.load(DO + o)));
      }
      for (let d = D4; d < D; d++) store<f32>(xr + <usize>d * 4, w * load<f32>(DO + <usize>d * 4));
    }
  }
}

// y[m,:] += b for M rows.
export function add_bias(y: usize, b: usize, M: i32, D: i32): void {
  const D4 = D & ~3;
  for (let m = 0; m < M; m++) {
    const r = y + <usize>(m * D) * 4;
    for (let d = 0; d < D4; d += 4) {
      const o = <usize>d * 4;
      v128.store(r + o, f32x4.add(v128.load(r + o), v128.load(b + o)));
    }
    for (let d = D4; d < D; d++) store<f32>(r + <usize>d * 4, load<f32>(r + <usize>d * 4) + load<f32>(b + <usize>d * 4));
  }
}
