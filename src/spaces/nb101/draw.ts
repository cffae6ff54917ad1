// An NB101 cell as a drawing: the ops sit on the vertices, the edges carry tensors.

import type { CellDrawing } from '../space.js';
import { NB101_OPS, type Nb101Cell } from './cell.js';

export function drawNb101(c: Nb101Cell): CellDrawing[] {
  const nodes = Array.from({ length: c.n }, (_, i) => {
    if (i === 0) return { id: '0', label: 'input', role: 'input' as const };
    if (i === c.n - 1) return { id: String(i), label: 'output', role: 'output' as const };
    const op = NB101_OPS[c.ops[i - 1]];
    return { id: String(i), label: op, role: 'node' as const, op };
  });
  const edges: { from: string; to: string }[] = [];
  for (let i = 0; i < c.n; i++) for (let j = i + 1; j < c.n; j++) if (c.matrix[i * c.n + j]) edges.push({ from: String(i), to: String(j) });
  return [{ title: 'cell', ops: NB101_OPS, nodes, edges }];
}
