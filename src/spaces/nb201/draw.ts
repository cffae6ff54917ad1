// An NB201 cell as a drawing: four nodes, an op on each of the six edges; `none` edges are absent
// (they carry nothing), edges that reach no output are marked dead.

import type { CellDrawing } from '../space.js';
import { NB201_EDGES, NB201_OPS, OP_NONE, liveEdges, type Nb201Vector } from './cell.js';

export function drawNb201(v: Nb201Vector): CellDrawing[] {
  const live = liveEdges(v);
  const edges = NB201_EDGES.flatMap(([i, j], e) => (v[e] === OP_NONE ? [] : [{ from: String(i), to: String(j), op: NB201_OPS[v[e]], dead: !live[e] }]));
  const nodes = [0, 1, 2, 3].map((i) => ({ id: String(i), label: i === 0 ? 'input' : i === 3 ? 'output' : `node ${i}`, role: i === 0 ? ('input' as const) : i === 3 ? ('output' as const) : ('node' as const) }));
  return [{ title: 'cell', ops: NB201_OPS.slice(1), nodes, edges }];
}
