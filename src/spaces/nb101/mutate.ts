// Neighbours and random cells of NAS-Bench-101. A neighbour differs by one edge or one op of the
// benchmark's 7-vertex form: the cell is padded to 7 vertices (unused vertices off every path), so
// adding an edge to an unused vertex can grow the cell, and removing one can shrink it; every
// candidate is pruned and checked, and duplicates (same graph hash) are dropped.
// Random cells follow the benchmark's random_spec: a uniformly random 7 x 7 upper-triangular
// matrix and random ops, redrawn until the pruned cell is valid.

import type { Rng } from '../../util/rng.js';
import { makeCell, Nb101SpecError, type Nb101Cell } from './cell.js';
import { nb101Hash } from './hash.js';

const V = 7;

/** The cell as a 7-vertex matrix (row-major) and op ids (-1 input, 0..2, -2 output; unused vertices 0). */
export function padNb101(c: Nb101Cell): { matrix: number[][]; ops: number[] } {
  const { n } = c;
  const pos = (v: number) => (v === n - 1 ? V - 1 : v);
  const matrix = Array.from({ length: V }, () => new Array<number>(V).fill(0));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (c.matrix[i * n + j]) matrix[pos(i)][pos(j)] = 1;
  const ops = new Array<number>(V).fill(0);
  ops[0] = -1;
  ops[V - 1] = -2;
  for (let v = 1; v < n - 1; v++) ops[v] = c.ops[v - 1];
  return { matrix, ops };
}

function tryCell(matrix: number[][], ops: number[]): Nb101Cell | null {
  try {
    return makeCell(matrix, ops);
  } catch (e) {
    if (e instanceof Nb101SpecError) return null;
    throw e;
  }
}

/** All valid cells one edit away, in a fixed order (edges row-major, then ops), distinct by hash. */
export function nb101Neighbours(c: Nb101Cell): Nb101Cell[] {
  const self = nb101Hash(c);
  const { matrix, ops } = padNb101(c);
  const used = new Set<number>();
  for (let v = 1; v < c.n - 1; v++) used.add(v);
  const seen = new Set<string>([self]);
  const out: Nb101Cell[] = [];
  const consider = (m: number[][], o: number[]) => {
    const x = tryCell(m, o);
    if (!x) return;
    const h = nb101Hash(x);
    if (seen.has(h)) return;
    seen.add(h);
    out.push(x);
  };
  for (let i = 0; i < V; i++)
    for (let j = i + 1; j < V; j++) {
      const m = matrix.map((r) => r.slice());
      m[i][j] ^= 1;
      // an edge that brings an unused vertex into the cell may give it any op
      const fresh = [i, j].filter((v) => v > 0 && v < V - 1 && !used.has(v));
      if (fresh.length === 0 || m[i][j] === 0) consider(m, ops);
      else for (let op = 0; op < 3; op++) consider(m, ops.map((x, v) => (fresh.includes(v) ? op : x)));
    }
  for (let v = 1; v < c.n - 1; v++)
    for (let op = 0; op < 3; op++) {
      if (op === c.ops[v - 1]) continue;
      const o = ops.slice();
      o[v] = op;
      consider(matrix, o);
    }
  return out;
}

/** A random valid cell as the benchmark's random_spec draws it. */
export function randomNb101(rng: Rng): Nb101Cell {
  for (;;) {
    const matrix = Array.from({ length: V }, (_, i) => Array.from({ length: V }, (_, j) => (j > i ? rng.int(2) : 0)));
    const ops = [-1, ...Array.from({ length: V - 2 }, () => rng.int(3)), -2];
    const c = tryCell(matrix, ops);
    if (c) return c;
  }
}
