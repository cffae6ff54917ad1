// A DARTS genotype as drawings of its normal and reduction cells: the two cell inputs, four
// intermediate nodes with two op edges each, and the output that concatenates the four.

import type { CellDrawing } from '../space.js';
import { DARTS_OP_NAMES, DARTS_OPS, type DartsCell, type Genotype } from './genotype.js';

const NAMES = ['c_{k-2}', 'c_{k-1}', '0', '1', '2', '3'];

function drawCell(c: DartsCell, title: string): CellDrawing {
  const nodes = [
    { id: 'n0', label: NAMES[0], role: 'input' as const },
    { id: 'n1', label: NAMES[1], role: 'input' as const },
    ...[2, 3, 4, 5].map((k) => ({ id: `n${k}`, label: NAMES[k], role: 'node' as const })),
    { id: 'out', label: 'c_{k}', role: 'output' as const },
  ];
  const edges = [
    ...c.ops.map((op, e) => ({ from: `n${c.inputs[e]}`, to: `n${2 + (e >> 1)}`, op: DARTS_OP_NAMES[op] })),
    ...[2, 3, 4, 5].map((k) => ({ from: `n${k}`, to: 'out' })),
  ];
  return { title, ops: [...DARTS_OPS, 'none'], nodes, edges };
}

export function drawDarts(g: Genotype): CellDrawing[] {
  return [drawCell(g.normal, 'normal cell'), drawCell(g.reduce, 'reduction cell')];
}
