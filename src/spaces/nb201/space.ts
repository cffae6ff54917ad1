// NAS-Bench-201 behind the search-space seam (architectures as 6-op vectors).

import { drawNb201 } from './draw.js';
import { nb201Cost, macroConfigFor } from './cost.js';
import { nb201Synflow } from './synflow.js';
import type { SearchSpace } from '../space.js';
import { ENC_FEATURES, ENC_NODES, NB201_SIZE, NB201_VALID, codeToVector, vectorToCode, encodeInto, isValid, isomorphismKey, parseArch, randomVector, vectorToArchString, type Nb201Vector } from './cell.js';

/** The 24 one-edge changes of a cell in a fixed order (edge 0..5, then op 0..4), valid or not. */
export function nb201Mutations(v: Nb201Vector): number[][] {
  const out: number[][] = [];
  for (let e = 0; e < 6; e++)
    for (let op = 0; op < 5; op++) {
      if (op === v[e]) continue;
      const w = Array.from(v);
      w[e] = op;
      out.push(w);
    }
  return out;
}

export const nb201Space: SearchSpace<number[]> = {
  name: 'nb201',
  title: 'NAS-Bench-201',
  parse: (s) => parseArch(s),
  format: (v) => vectorToArchString(v),
  key: (v) => isomorphismKey(v),
  encoding: { nodes: ENC_NODES, features: ENC_FEATURES },
  encodeInto: (v, adj, ao, feat, fo) => encodeInto(v, adj, ao, feat, fo),
  sample(rng) {
    for (;;) {
      const v = randomVector(rng);
      if (isValid(v)) return v;
    }
  },
  neighbours: (v) => nb201Mutations(v).filter(isValid),
  size: () => ({ total: NB201_SIZE, counted: `5^6 op assignments of the 6 edges (${NB201_VALID} connect input to output)`, enumerable: true }),
  enumerate: () => ({ count: NB201_SIZE, at: (i: number) => codeToVector(i), indexOf: (v: Nb201Vector) => vectorToCode(v) }),
  cost: (v) => {
    const c = nb201Cost(v, macroConfigFor('cifar10'));
    return { params: c.params, flops: c.flops };
  },
  // the CIFAR network, as cost() (a search over all cells uses the cached table, nb201SynflowByCode)
  synflow: (v) => Math.log10(nb201Synflow(v)),
  draw: drawNb201,
};
