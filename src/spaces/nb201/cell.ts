// The NAS-Bench-201 cell search space: 4 nodes, 6 edges, 5 operations per edge, 5^6 = 15,625 cells.
//
// Representations (all round-trip):
// - arch string  `|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|`
// - vector       6 op ids in string order, (e(0->1), e(0->2), e(1->2), e(0->3), e(1->3), e(2->3)) = LatBench key
// - code         sum(v[k] * 5^k): position 0 changes fastest, the reference device runner's iteration order
// - NB201 index  0..15624, the benchmark's own order; it exists only in the data files (see benchmark-index.ts)

import { Rng } from '../../util/rng.js';

export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export type Nb201OpName = (typeof NB201_OPS)[number];
export const OP_NONE = 0;
export const OP_SKIP = 1;
export const OP_CONV1 = 2;
export const OP_CONV3 = 3;
export const OP_POOL = 4;

/** Cell edges (from, to) in arch-string order. */
export const NB201_EDGES: readonly (readonly [number, number])[] = [
  [0, 1],
  [0, 2],
  [1, 2],
  [0, 3],
  [1, 3],
  [2, 3],
];
export const NB201_SIZE = 15625;
/** Number of cells whose input reaches the output. */
export const NB201_VALID = 15284;

export type Nb201Vector = readonly number[];

export function checkVector(v: Nb201Vector): void {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new Error(`NB201 vector must be an array of 6 op ids, got ${String(v)}`);
  if (v.length !== 6) throw new Error(`NB201 vector must have 6 op ids, got ${v.length}: [${Array.from(v).join(',')}]`);
  for (const x of v) {
    if (!Number.isInteger(x) || x < 0 || x > 4) throw new Error(`NB201 op id must be an integer 0..4, got ${x} in [${Array.from(v).join(',')}]`);
  }
}

/** Parse an arch string strictly; errors name what is wrong. */
export function archStringToVector(s: string): number[] {
  if (typeof s !== 'string') throw new Error(`NB201 arch string must be a string, got ${typeof s}`);
  const groups = s.trim().split('+');
  if (groups.length !== 3) throw new Error(`unknown NB201 arch string ${JSON.stringify(s)}: expected 3 node groups separated by '+', got ${groups.length}`);
  const out: number[] = [];
  groups.forEach((g, node) => {
    if (!g.startsWith('|') || !g.endsWith('|') || g.length < 2) throw new Error(`unknown NB201 arch string ${JSON.stringify(s)}: group ${JSON.stringify(g)} must be wrapped in '|'`);
    const parts = g.slice(1, -1).split('|');
    if (parts.length !== node + 1) throw new Error(`unknown NB201 arch string ${JSON.stringify(s)}: node ${node + 1} needs ${node + 1} inputs, got ${parts.length}`);
    parts.forEach((p, input) => {
      const m = /^([a-z0-9_]+)~(\d+)$/.exec(p);
      if (!m) throw new Error(`unknown NB201 arch string ${JSON.stringify(s)}: bad edge ${JSON.stringify(p)} (expected op~input)`);
      const op = NB201_OPS.indexOf(m[1] as Nb201OpName);
      if (op < 0) throw new Error(`unknown NB201 operation ${JSON.stringify(m[1])} in ${JSON.stringify(s)}; known: ${NB201_OPS.join(', ')}`);
      if (Number(m[2]) !== input) throw new Error(`unknown NB201 arch string ${JSON.stringify(s)}: edge ${JSON.stringify(p)} must read from node ${input}`);
      out.push(op);
    });
  });
  return out;
}

export function vectorToArchString(v: Nb201Vector): string {
  checkVector(v);
  const o = (k: number) => NB201_OPS[v[k]];
  return `|${o(0)}~0|+|${o(1)}~0|${o(2)}~1|+|${o(3)}~0|${o(4)}~1|${o(5)}~2|`;
}

export function vectorToCode(v: Nb201Vector): number {
  checkVector(v);
  let c = 0;
  for (let k = 5; k >= 0; k--) c = c * 5 + v[k];
  return c;
}

export function codeToVector(code: number): number[] {
  if (!Number.isInteger(code) || code < 0 || code >= NB201_SIZE) throw new Error(`NB201 code must be an integer 0..${NB201_SIZE - 1}, got ${code}`);
  const v = new Array<number>(6);
  for (let k = 0; k < 6; k++) {
    v[k] = code % 5;
    code = Math.floor(code / 5);
  }
  return v;
}

/** The Python repr of the LatBench key, e.g. `(3, 3, 4, 1, 3, 1)`. */
export function vectorToTupleString(v: Nb201Vector): string {
  checkVector(v);
  return `(${Array.from(v).join(', ')})`;
}

export function tupleStringToVector(s: string): number[] {
  const m = /^\(\s*(\d)\s*,\s*(\d)\s*,\s*(\d)\s*,\s*(\d)\s*,\s*(\d)\s*,\s*(\d)\s*,?\s*\)$/.exec(s.trim());
  if (!m) throw new Error(`not an NB201 tuple key: ${JSON.stringify(s)} (expected e.g. "(3, 3, 4, 1, 3, 1)")`);
  const v = m.slice(1).map(Number);
  checkVector(v);
  return v;
}

/**
 * Parse any accepted architecture notation: an arch string, a tuple "(3, 3, 4, 1, 3, 1)",
 * a 6-digit op-id string "334131", or a vector array.
 */
export function parseArch(a: string | Nb201Vector): number[] {
  if (typeof a !== 'string') {
    checkVector(a);
    return Array.from(a);
  }
  const t = a.trim();
  if (t.startsWith('|')) return archStringToVector(t);
  if (t.startsWith('(')) return tupleStringToVector(t);
  if (/^[0-4]{6}$/.test(t)) return t.split('').map(Number);
  throw new Error(`unknown NB201 architecture ${JSON.stringify(a)}: expected an arch string "|op~0|+|...|", a tuple "(3, 3, 4, 1, 3, 1)" or six op digits "334131"`);
}

/** True when some path of non-`none` edges connects the cell input to its output. */
export function isValid(v: Nb201Vector): boolean {
  return cellReach(v).valid;
}

/**
 * The NB201 cell (InferCell) over any kind of value: node j = the sum over i < j of op(i -> j)(node i),
 * the output is node 3. `term` gives an edge's contribution from its source node, or null for none
 * (a `none` edge, or an edge the caller leaves out), edges in arch-string order; `sum` adds one
 * node's terms (an empty list: the caller's zero). The ONNX builder and the SynFlow computation walk
 * the cell with it.
 */
export function nb201CellOf<T>(v: Nb201Vector, input: T, term: (op: number, src: T, edge: number) => T | null, sum: (terms: T[]) => T): T {
  const nodes = [input];
  for (let j = 1; j <= 3; j++) {
    const terms: T[] = [];
    NB201_EDGES.forEach(([from, to], e) => {
      if (to !== j) return;
      const t = term(v[e], nodes[from], e);
      if (t !== null) terms.push(t);
    });
    nodes.push(sum(terms));
  }
  return nodes[3];
}

/** Forward reachability from node 0 and backward reachability from node 3 over non-`none` edges. */
function cellReach(v: Nb201Vector): { fwd: boolean[]; bwd: boolean[]; valid: boolean } {
  const fwd = [true, false, false, false];
  for (let e = 0; e < 6; e++) {
    const [i, j] = NB201_EDGES[e];
    if (v[e] !== OP_NONE && fwd[i]) fwd[j] = true;
  }
  const bwd = [false, false, false, true];
  for (let e = 5; e >= 0; e--) {
    const [i, j] = NB201_EDGES[e];
    if (v[e] !== OP_NONE && bwd[j]) bwd[i] = true;
  }
  return { fwd, bwd, valid: fwd[3] };
}

/**
 * Edges that carry a signal from the cell input to the cell output (non-`none`, source reachable
 * from the input, target reaching the output). Dead edges still exist in the PyTorch network but
 * are absent from a pruned inference graph.
 */
export function liveEdges(v: Nb201Vector): boolean[] {
  const { fwd, bwd, valid } = cellReach(v);
  return NB201_EDGES.map(([i, j], e) => valid && v[e] !== OP_NONE && fwd[i] && bwd[j]);
}

/**
 * NATS-Bench `to_unique_str(consider_zero=True)`: `none`, or any op on an input that is exactly '#',
 * -> '#'; skip -> the input's string; other op -> '(in)@op';
 * and a node is its sorted terms joined by '+'. Equal strings mean isomorphic cells; this is the key
 * the NAS-Bench-201 paper's "6,466 unique architectures" uses, verified against every row of the
 * benchmark CSV. It is conservative: some computationally equal cells keep different strings.
 */
export function isomorphismKey(v: Nb201Vector): string {
  checkVector(v);
  const nodes = ['0'];
  let e = 0;
  for (let j = 1; j <= 3; j++) {
    const terms: string[] = [];
    for (let i = 0; i < j; i++, e++) {
      const op = v[e];
      if (op === OP_NONE || nodes[i] === '#') terms.push('#');
      else if (op === OP_SKIP) terms.push(nodes[i]);
      else terms.push(`(${nodes[i]})@${NB201_OPS[op]}`);
    }
    terms.sort(); // code-point order, as Python's sorted() on ASCII strings
    nodes.push(terms.join('+'));
  }
  return nodes[3];
}

// ---------------------------------------------------------------------------------------------
// Graph encoding of the reference predictors (reference spec section 1.1).

export const ENC_NODES = 9;
export const ENC_FEATURES = 6;

export interface GraphEncoding {
  /** Row-major N x N, row = source; 0/1 with self-loops and an all-ones global row 0. */
  adjacency: Float32Array;
  /** Row-major N x F one-hot features; dead or removed nodes have all-zero rows. */
  features: Float32Array;
}

const TEMPLATE_EDGES: readonly (readonly [number, number])[] = [
  [0, 1], [0, 2], [0, 4], [1, 3], [1, 5], [2, 6], [3, 6], [4, 7], [5, 7], [6, 7],
];

/**
 * What a device runs of a cell: 'pruned', only the ops on input-output paths (LatBench, the reference
 * encoding), or 'full', every op, as the benchmark's PyTorch network and brp-nas's default ONNX
 * export do (a dead edge's convolution still costs time).
 */
export type Nb201CellMode = 'pruned' | 'full';
export const NB201_CELL_MODES: readonly Nb201CellMode[] = ['pruned', 'full'];

/**
 * Edge-as-node DAG with ops applied and dead nodes pruned (keep_dims): 8x8 row-major matrix and labels
 * (null = no feature; otherwise the op id 2..4, or 'input'/'output'). With cell 'full' the dead op
 * nodes stay (with their edges), because a whole-cell runtime executes them.
 */
export function prunedEdgeDag(v: Nb201Vector, cell: Nb201CellMode = 'pruned'): { matrix: Uint8Array; labels: (number | 'input' | 'output' | null)[] } {
  checkVector(v);
  const n = 8;
  const M = new Uint8Array(n * n);
  for (const [s, d] of TEMPLATE_EDGES) M[s * n + d] = 1;
  const labels: (number | 'input' | 'output' | null)[] = ['input', null, null, null, null, null, null, 'output'];
  for (let k = 0; k < 6; k++) {
    const node = k + 1;
    const op = v[k];
    if (op === OP_NONE) {
      for (let i = 0; i < n; i++) M[i * n + node] = M[node * n + i] = 0;
    } else if (op === OP_SKIP) {
      const preds: number[] = [];
      const succs: number[] = [];
      for (let i = 0; i < n; i++) {
        if (M[i * n + node]) preds.push(i);
        if (M[node * n + i]) succs.push(i);
      }
      for (const p of preds) for (const s of succs) M[p * n + s] = 1;
      for (const p of preds) M[p * n + node] = 0;
      for (const s of succs) M[node * n + s] = 0;
    } else {
      labels[node] = op;
    }
  }
  // Prune: keep nodes reachable from the input and reaching the output.
  const fwd = new Uint8Array(n);
  const bwd = new Uint8Array(n);
  fwd[0] = 1;
  for (let i = 0; i < n; i++) if (fwd[i]) for (let j = 0; j < n; j++) if (M[i * n + j]) fwd[j] = 1;
  bwd[n - 1] = 1;
  for (let j = n - 1; j >= 0; j--) if (bwd[j]) for (let i = 0; i < n; i++) if (M[i * n + j]) bwd[i] = 1;
  const connected = fwd[n - 1] === 1;
  for (let x = 0; x < n; x++) {
    if (!connected || (cell === 'pruned' && !(fwd[x] && bwd[x]))) {
      for (let i = 0; i < n; i++) M[i * n + x] = M[x * n + i] = 0;
      labels[x] = null;
    }
  }
  return { matrix: M, labels };
}

/** Encode into caller-provided arrays at the given offsets (for packing many graphs). */
export function encodeInto(v: Nb201Vector, adj: Float32Array, adjOffset: number, feat: Float32Array, featOffset: number, cell: Nb201CellMode = 'pruned'): void {
  const { matrix: M, labels } = prunedEdgeDag(v, cell);
  const N = ENC_NODES;
  const F = ENC_FEATURES;
  adj.fill(0, adjOffset, adjOffset + N * N);
  feat.fill(0, featOffset, featOffset + N * F);
  for (let j = 0; j < N; j++) adj[adjOffset + j] = 1; // global row, incl. its self-loop
  for (let i = 0; i < 8; i++) {
    adj[adjOffset + (i + 1) * N + (i + 1)] = 1;
    for (let j = 0; j < 8; j++) if (M[i * 8 + j]) adj[adjOffset + (i + 1) * N + (j + 1)] = 1;
  }
  feat[featOffset + 0 * F + 5] = 1; // global
  feat[featOffset + 1 * F + 3] = 1; // input, always
  feat[featOffset + 8 * F + 4] = 1; // output, always
  for (let k = 0; k < 6; k++) {
    const lab = labels[k + 1];
    if (typeof lab === 'number') feat[featOffset + (k + 2) * F + (lab - 2)] = 1;
  }
}

export function encode(v: Nb201Vector): GraphEncoding {
  const adjacency = new Float32Array(ENC_NODES * ENC_NODES);
  const features = new Float32Array(ENC_NODES * ENC_FEATURES);
  encodeInto(v, adjacency, 0, features, 0);
  return { adjacency, features };
}

// ---------------------------------------------------------------------------------------------
// Enumeration and sampling.

/** All 15,625 vectors in code order (position 0 fastest). */
export function* enumerate(): Generator<number[]> {
  for (let c = 0; c < NB201_SIZE; c++) yield codeToVector(c);
}

/** Codes of all cells, optionally only the valid ones. */
export function allCodes(opts: { validOnly?: boolean } = {}): Int32Array {
  const out: number[] = [];
  for (let c = 0; c < NB201_SIZE; c++) if (!opts.validOnly || isValid(codeToVector(c))) out.push(c);
  return Int32Array.from(out);
}

/** n distinct codes drawn uniformly (valid cells only unless `includeInvalid`). */
export function sampleCodes(rng: Rng, n: number, opts: { includeInvalid?: boolean } = {}): number[] {
  const pool = Array.from(allCodes({ validOnly: !opts.includeInvalid }));
  return rng.sample(pool, n);
}

/** A uniformly random cell vector (may be invalid), one op at a time. */
export function randomVector(rng: Rng): number[] {
  return Array.from({ length: 6 }, () => rng.int(5));
}
