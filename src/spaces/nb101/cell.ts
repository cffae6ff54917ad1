// NAS-Bench-101 cells (Ying et al. 2019) as the benchmark defines them: a DAG of up to 7 vertices
// and 9 edges given by a strictly upper-triangular adjacency matrix (row = source) and one op per
// vertex (input, then conv3x3-bn-relu / conv1x1-bn-relu / maxpool3x3, then output). As the
// benchmark's ModelSpec does, vertices off every input-output path are pruned before anything else;
// the limits apply to the pruned cell.
//
// Notations accepted by parseNb101 (and written by formatNb101):
// - JSON   {"matrix":[[0,1,...],...],"ops":["input","conv3x3-bn-relu",...,"output"]}  (ModelSpec)
// - compact `adj_upper:ops`, e.g. `100110100001001010101:02001`: the row-major upper triangle of the
//   matrix as bits and one digit per interior vertex (0 conv3x3, 1 conv1x1, 2 maxpool), the columns
//   of the data's nb101-cells.csv.

export const NB101_OPS = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'] as const;
export const NB101_MAX_VERTICES = 7;
export const NB101_MAX_EDGES = 9;
/** The published number of unique cells (distinct graph hashes). */
export const NB101_TOTAL = 423624;

/** A pruned, valid cell: n vertices, matrix n x n row-major (0/1), ops of the n - 2 interior vertices (0..2). */
export interface Nb101Cell {
  readonly n: number;
  readonly matrix: Uint8Array;
  readonly ops: Uint8Array;
}

export class Nb101SpecError extends Error {}

const fail = (m: string): never => {
  throw new Nb101SpecError(m);
};

export function edgeCount(c: Nb101Cell): number {
  let e = 0;
  for (const x of c.matrix) e += x;
  return e;
}

/**
 * Prune and check a raw spec: square, strictly upper-triangular 0/1 matrix; ops input ... output with
 * interior ops known; after pruning, input connected to output, at most 7 vertices and 9 edges.
 * `opIds` are -1 (input), 0..2, -2 (output).
 */
export function makeCell(matrix: readonly (readonly number[])[], opIds: readonly number[], what = 'NB101 cell'): Nb101Cell {
  const n0 = matrix.length;
  if (n0 < 2) fail(`${what}: needs at least 2 vertices (input and output), got ${n0}`);
  if (opIds.length !== n0) fail(`${what}: ${n0} x ${n0} matrix but ${opIds.length} ops`);
  matrix.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== n0) fail(`${what}: matrix row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries, expected ${n0} (the matrix must be square)`);
    row.forEach((x, j) => {
      if (x !== 0 && x !== 1) fail(`${what}: matrix entry [${i}][${j}] is ${JSON.stringify(x)}, expected 0 or 1`);
      if (x === 1 && j <= i) fail(`${what}: edge ${i}->${j} is not forward (the matrix must be strictly upper-triangular)`);
    });
  });
  if (opIds[0] !== -1) fail(`${what}: the first op must be input`);
  if (opIds[n0 - 1] !== -2) fail(`${what}: the last op must be output`);
  for (let v = 1; v < n0 - 1; v++) if (!(opIds[v] >= 0 && opIds[v] <= 2)) fail(`${what}: vertex ${v} must be one of ${NB101_OPS.join(', ')}`);
  // prune (ModelSpec._prune): keep vertices reachable from the input and reaching the output
  const fwd = new Uint8Array(n0);
  const bwd = new Uint8Array(n0);
  fwd[0] = 1;
  for (let i = 0; i < n0; i++) if (fwd[i]) for (let j = i + 1; j < n0; j++) if (matrix[i][j]) fwd[j] = 1;
  bwd[n0 - 1] = 1;
  for (let j = n0 - 1; j >= 0; j--) if (bwd[j]) for (let i = 0; i < j; i++) if (matrix[i][j]) bwd[i] = 1;
  if (!fwd[n0 - 1]) fail(`${what}: disconnected: no path from the input to the output`);
  const keep: number[] = [];
  for (let v = 0; v < n0; v++) if (fwd[v] && bwd[v]) keep.push(v);
  const n = keep.length;
  if (n > NB101_MAX_VERTICES) fail(`${what}: too many vertices: ${n} after pruning, at most ${NB101_MAX_VERTICES}`);
  const m = new Uint8Array(n * n);
  let edges = 0;
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) if (matrix[keep[a]][keep[b]]) {
    m[a * n + b] = 1;
    edges++;
  }
  if (edges > NB101_MAX_EDGES) fail(`${what}: too many edges: ${edges} after pruning, at most ${NB101_MAX_EDGES}`);
  const ops = Uint8Array.from(keep.slice(1, -1), (v) => opIds[v]);
  return { n, matrix: m, ops };
}

function opId(name: unknown, v: number, n: number, what: string): number {
  if (name === 'input') return -1;
  if (name === 'output') return -2;
  const i = NB101_OPS.indexOf(name as (typeof NB101_OPS)[number]);
  if (i < 0) fail(`${what}: unknown op ${JSON.stringify(name)} at vertex ${v} of ${n}; known: input, ${NB101_OPS.join(', ')}, output`);
  return i;
}

/** Parse the JSON ModelSpec form or the compact `adj_upper:ops` form. */
export function parseNb101(s: string): Nb101Cell {
  if (typeof s !== 'string') fail(`NB101 cell must be a string, got ${typeof s}`);
  const t = s.trim();
  const what = `NB101 cell ${JSON.stringify(t.length > 120 ? t.slice(0, 117) + '...' : t)}`;
  if (t.startsWith('{')) {
    let o: unknown;
    try {
      o = JSON.parse(t);
    } catch (e) {
      return fail(`${what}: not valid JSON (${(e as Error).message})`);
    }
    const { matrix, ops } = (o ?? {}) as { matrix?: unknown; ops?: unknown };
    if (!Array.isArray(matrix)) fail(`${what}: needs "matrix", an array of rows`);
    if (!Array.isArray(ops)) fail(`${what}: needs "ops", an array of op names`);
    const keys = Object.keys(o as object).filter((k) => k !== 'matrix' && k !== 'ops');
    if (keys.length) fail(`${what}: unknown field ${JSON.stringify(keys[0])} (expected matrix and ops)`);
    const mat = matrix as unknown[][];
    const names = ops as unknown[];
    return makeCell(mat as number[][], names.map((x, v) => opId(x, v, names.length, what)), what);
  }
  const m = /^([01]*):([0-2]*)$/.exec(t);
  if (!m) return fail(`unknown ${what}: expected JSON {"matrix": [[...]], "ops": [...]} or the compact form adj_upper:ops (e.g. 100110100001001010101:02001)`);
  const n = m[2].length + 2;
  if (m[1].length !== (n * (n - 1)) / 2) fail(`${what}: ${m[2].length} interior ops make ${n} vertices, whose upper triangle has ${(n * (n - 1)) / 2} entries; got ${m[1].length}`);
  return makeCell(upperToMatrix(m[1], n), [-1, ...m[2].split('').map(Number), -2], what);
}

export function upperToMatrix(bits: string, n: number): number[][] {
  const M = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) M[i][j] = bits.charCodeAt(k++) === 49 ? 1 : 0;
  return M;
}

export function matrixRows(c: Nb101Cell): number[][] {
  return Array.from({ length: c.n }, (_, i) => Array.from(c.matrix.subarray(i * c.n, (i + 1) * c.n)));
}

export function opNames(c: Nb101Cell): string[] {
  return ['input', ...Array.from(c.ops, (o) => NB101_OPS[o]), 'output'];
}

/** The compact `adj_upper:ops` form. */
export function compactNb101(c: Nb101Cell): string {
  let bits = '';
  for (let i = 0; i < c.n; i++) for (let j = i + 1; j < c.n; j++) bits += c.matrix[i * c.n + j] ? '1' : '0';
  return `${bits}:${Array.from(c.ops).join('')}`;
}

/** The JSON ModelSpec form (what the benchmark's API takes). */
export function formatNb101(c: Nb101Cell): string {
  return JSON.stringify({ matrix: matrixRows(c), ops: opNames(c) });
}
