// Enumeration of the whole NAS-Bench-101 space: every DAG of 2..7 vertices and at most 9 edges whose
// vertices all lie on an input-output path, times every labelling of its interior vertices, one cell
// per isomorphism class. The benchmark's generator hashes all (matrix, labelling) pairs (millions of
// MD5 chains); here each class is found directly: a matrix is kept only if it is the smallest
// upper-triangular ordering of its graph, and a labelling only if it is the smallest under the
// graph's automorphisms. The count equals the benchmark's 423,624 distinct hashes (a test checks it),
// so isomorphism and the hash split the space the same way.

import type { Nb101Cell } from './cell.js';
import { NB101_MAX_EDGES, NB101_MAX_VERTICES } from './cell.js';

/** Pair index of edge (i, j), i < j, in row-major upper-triangle order for n vertices. */
export function pairIndex(n: number, i: number, j: number): number {
  return i * n - (i * (i + 1)) / 2 + (j - i - 1);
}

function permutations(k: number): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(k - 1)) for (let pos = 0; pos <= p.length; pos++) out.push([...p.slice(0, pos), k - 1, ...p.slice(pos)]);
  return out;
}

export interface Nb101Enumeration {
  count: number;
  /** Vertices per cell. */
  n: Uint8Array;
  /** Edge bits per cell (bit pairIndex(n, i, j)). */
  mask: Uint32Array;
  /** Interior ops per cell, base 3, vertex 1 the most significant digit. */
  labels: Uint16Array;
  /** Cells per vertex count (index 2..7). */
  perVertices: number[];
}

let cached: Nb101Enumeration | null = null;

/** All 423,624 cells (computed once per process; a few seconds). */
export function enumerateNb101(): Nb101Enumeration {
  if (cached) return cached;
  const ns: number[] = [];
  const masks: number[] = [];
  const labs: number[] = [];
  const perVertices = new Array<number>(NB101_MAX_VERTICES + 1).fill(0);
  for (let n = 2; n <= NB101_MAX_VERTICES; n++) {
    const P = (n * (n - 1)) / 2;
    const k = n - 2;
    const pi: [number, number][] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pi.push([i, j]);
    // per interior permutation: where each pair goes (-1 if it would point backwards) and the vertex map
    const perms = permutations(k).map((p) => {
      const vmap = [0, ...p.map((x) => x + 1), n - 1];
      const to = pi.map(([i, j]) => (vmap[i] < vmap[j] ? pairIndex(n, vmap[i], vmap[j]) : -1));
      return { vmap, to };
    });
    const rowMask = Array.from({ length: n }, (_, i) => pi.reduce((m, [a], b) => (a === i ? m | (1 << b) : m), 0));
    const colMask = Array.from({ length: n }, (_, j) => pi.reduce((m, [, b], x) => (b === j ? m | (1 << x) : m), 0));
    const nLab = 3 ** k;
    const pow3 = Array.from({ length: k }, (_, v) => 3 ** (k - 1 - v));
    for (let mask = 0; mask < 1 << P; mask++) {
      let bits = 0;
      for (let x = mask; x; x &= x - 1) bits++;
      if (bits > NB101_MAX_EDGES) continue;
      let full = true;
      for (let v = 0; v < n && full; v++) {
        if (v < n - 1 && !(mask & rowMask[v])) full = false;
        if (v > 0 && !(mask & colMask[v])) full = false;
      }
      if (!full) continue;
      const autos: number[][] = [];
      let canonical = true;
      for (const { vmap, to } of perms) {
        let m2 = 0;
        let ok = true;
        for (let x = mask; x; x &= x - 1) {
          const b = 31 - Math.clz32(x & -x);
          const t = to[b];
          if (t < 0) {
            ok = false;
            break;
          }
          m2 |= 1 << t;
        }
        if (!ok) continue;
        if (m2 < mask) {
          canonical = false;
          break;
        }
        if (m2 === mask) autos.push(vmap);
      }
      if (!canonical) continue;
      const digits = new Array<number>(k);
      for (let L = 0; L < nLab; L++) {
        for (let v = 0, r = L; v < k; v++) {
          digits[v] = Math.floor(r / pow3[v]) % 3;
        }
        let smallest = true;
        for (const vmap of autos) {
          let L2 = 0;
          for (let v = 0; v < k; v++) L2 += digits[v] * pow3[vmap[v + 1] - 1];
          if (L2 < L) {
            smallest = false;
            break;
          }
        }
        if (!smallest) continue;
        ns.push(n);
        masks.push(mask);
        labs.push(L);
        perVertices[n]++;
      }
    }
  }
  cached = { count: ns.length, n: Uint8Array.from(ns), mask: Uint32Array.from(masks), labels: Uint16Array.from(labs), perVertices };
  return cached;
}

/** Cell `id` of the enumeration. */
export function enumeratedCell(e: Nb101Enumeration, id: number): Nb101Cell {
  const n = e.n[id];
  const mask = e.mask[id];
  const matrix = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (mask & (1 << pairIndex(n, i, j))) matrix[i * n + j] = 1;
  const k = n - 2;
  const ops = new Uint8Array(k);
  let L = e.labels[id];
  for (let v = k - 1; v >= 0; v--) {
    ops[v] = L % 3;
    L = Math.floor(L / 3);
  }
  return { n, matrix, ops };
}

const permCache = new Map<number, number[][]>();
function vertexMaps(n: number): number[][] {
  let p = permCache.get(n);
  if (!p) {
    p = permutations(n - 2).map((q) => [0, ...q.map((x) => x + 1), n - 1]);
    permCache.set(n, p);
  }
  return p;
}

/** The cell's edges renumbered by `vmap`, or null when an edge would point backwards. */
function permutedEdges(c: Nb101Cell, vmap: number[]): [number, number][] | null {
  const { n } = c;
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (!c.matrix[i * n + j]) continue;
      if (vmap[i] > vmap[j]) return null;
      out.push([vmap[i], vmap[j]]);
    }
  return out;
}

/** The enumeration's representative of a cell's class: (n, mask, labels), all smallest. */
export function canonicalNb101(c: Nb101Cell): { n: number; mask: number; labels: number } {
  const { n } = c;
  const k = n - 2;
  let best = { mask: Infinity, labels: Infinity };
  for (const vmap of vertexMaps(n)) {
    const edges = permutedEdges(c, vmap);
    if (!edges) continue;
    let mask = 0;
    for (const [a, b] of edges) mask |= 1 << pairIndex(n, a, b);
    if (mask > best.mask) continue;
    let labels = 0;
    for (let v = 0; v < k; v++) labels += c.ops[v] * 3 ** (k - 1 - (vmap[v + 1] - 1));
    if (mask < best.mask || labels < best.labels) best = { mask, labels };
  }
  return { n, ...best };
}

/** The enumeration id of a cell (the enumeration is sorted by n, mask, labels). */
export function indexOfNb101(e: Nb101Enumeration, c: Nb101Cell): number {
  const t = canonicalNb101(c);
  const cmp = (i: number) => e.n[i] - t.n || e.mask[i] - t.mask || e.labels[i] - t.labels;
  let lo = 0;
  let hi = e.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = cmp(mid);
    if (d === 0) return mid;
    if (d < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  throw new Error(`NB101 cell not in the enumeration (a bug: every valid cell has a class)`);
}

/**
 * The same cell under every other vertex order that keeps the matrix upper-triangular. The graph and
 * its hash do not change, but the benchmark's channel split gives the output's remainder channels
 * to the first vertices, so the parameter count can depend on the order a table stored.
 */
export function vertexOrderings(c: Nb101Cell): Nb101Cell[] {
  const { n } = c;
  const out: Nb101Cell[] = [];
  for (const vmap of vertexMaps(n)) {
    const edges = permutedEdges(c, vmap);
    if (!edges) continue;
    const matrix = new Uint8Array(n * n);
    for (const [a, b] of edges) matrix[a * n + b] = 1;
    const ops = new Uint8Array(n - 2);
    for (let v = 1; v < n - 1; v++) ops[vmap[v] - 1] = c.ops[v - 1];
    out.push({ n, matrix, ops });
  }
  return out;
}
