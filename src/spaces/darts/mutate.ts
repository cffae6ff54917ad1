// Canonical keys and neighbours of DARTS genotypes. Two genotypes build the same network when they
// differ only in the order of a node's two edges or in the numbering of intermediate nodes (the cell
// sums each node's two edges and concatenates all four nodes); the key is the smallest spelling over
// those relabellings (4! orders per cell, the ones that keep inputs earlier). Neighbours change one
// edge's op or one edge's input (NASLib's / NB301's mutation), distinct by key.

import { DARTS_OPS, type DartsCell, type Genotype } from './genotype.js';

const PERMS: number[][] = (() => {
  const out: number[][] = [];
  const rec = (p: number[], rest: number[]) => {
    if (!rest.length) out.push(p);
    for (const x of rest) rec([...p, x], rest.filter((y) => y !== x));
  };
  rec([], [0, 1, 2, 3]);
  return out;
})();

function cellKey(c: DartsCell): string {
  let best: string | null = null;
  for (const perm of PERMS) {
    // perm[j] = new position of intermediate node j; node ids 0, 1 stay
    const map = (s: number) => (s < 2 ? s : 2 + perm[s - 2]);
    const nodes: string[] = new Array(4);
    let ok = true;
    for (let j = 0; j < 4 && ok; j++) {
      const edges = [0, 1].map((k) => {
        const s = map(c.inputs[2 * j + k]);
        if (s >= 2 + perm[j]) ok = false; // an input must come earlier in the new order
        return `${s}${c.ops[2 * j + k]}`;
      });
      nodes[perm[j]] = edges.sort().join('.');
    }
    if (!ok) continue;
    const k = nodes.join('|');
    if (best === null || k < best) best = k;
  }
  return best!;
}

export function dartsKey(g: Genotype): string {
  return `${cellKey(g.normal)}/${cellKey(g.reduce)}`;
}

function mutations(c: DartsCell): DartsCell[] {
  const out: DartsCell[] = [];
  for (let e = 0; e < 8; e++) {
    for (let op = 0; op < DARTS_OPS.length; op++) {
      if (op === c.ops[e]) continue;
      const ops = c.ops.slice();
      ops[e] = op;
      out.push({ ops, inputs: c.inputs });
    }
    const node = 2 + (e >> 1);
    const other = c.inputs[e ^ 1];
    for (let s = 0; s < node; s++) {
      // two distinct inputs per node, as the space is sampled
      if (s === c.inputs[e] || s === other) continue;
      const inputs = c.inputs.slice();
      inputs[e] = s;
      out.push({ ops: c.ops, inputs });
    }
  }
  return out;
}

export function dartsNeighbours(g: Genotype): Genotype[] {
  const seen = new Set([dartsKey(g)]);
  const out: Genotype[] = [];
  const add = (x: Genotype) => {
    const k = dartsKey(x);
    if (seen.has(k)) return;
    seen.add(k);
    out.push(x);
  };
  for (const normal of mutations(g.normal)) add({ normal, reduce: g.reduce });
  for (const reduce of mutations(g.reduce)) add({ normal: g.normal, reduce });
  return out;
}
