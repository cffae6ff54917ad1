// DARTS genotypes (Liu et al. 2019), the cell space of NAS-Bench-301 and of the reference's DARTS
// experiments: a normal and a reduction cell, each with 4 intermediate nodes (2..5) that sum two
// operations applied to earlier nodes (0, 1 = the two previous cells' outputs), all four concatenated.
//
// Notations accepted by parseDarts (formatDarts writes the first):
// - DARTS   Genotype(normal=[('sep_conv_3x3', 0), ...8], normal_concat=[2, 3, 4, 5], reduce=[...8],
//           reduce_concat=[2, 3, 4, 5])   (concat may be written range(2, 6), as in DARTS' genotypes.py)
// - NASLib / NB301 compact   [[(node, op) x 8], [(node, op) x 8]], op ids 0..6 in DARTS_OPS order.

export const DARTS_OPS = ['max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'] as const;
export type DartsOp = (typeof DARTS_OPS)[number];
/**
 * The search phase's zero op ('none' in DARTS' PRIMITIVES): never sampled and never in a derived
 * DARTS genotype, but some datasets (CDP's) keep it. Its edge contributes nothing.
 */
export const DARTS_NONE = 7;
/** Op names by id: DARTS_OPS, then 'none'. */
export const DARTS_OP_NAMES: readonly string[] = [...DARTS_OPS, 'none'];

/** One cell: for each of the 8 edges (two per intermediate node, in node order), the op and its input node. */
export interface DartsCell {
  readonly ops: readonly number[];
  readonly inputs: readonly number[];
}

export interface Genotype {
  readonly normal: DartsCell;
  readonly reduce: DartsCell;
}

export class DartsSpecError extends Error {}
const fail = (m: string): never => {
  throw new DartsSpecError(m);
};

export function checkCell(c: DartsCell, what: string): void {
  if (c.ops.length !== 8 || c.inputs.length !== 8) fail(`${what}: needs 8 edges (two per intermediate node), got ${c.ops.length}`);
  for (let e = 0; e < 8; e++) {
    const node = 2 + (e >> 1);
    if (!Number.isInteger(c.ops[e]) || c.ops[e] < 0 || c.ops[e] > DARTS_NONE) fail(`${what}: edge ${e} has op id ${c.ops[e]}; known: 0..6 (${DARTS_OPS.join(', ')}) and ${DARTS_NONE} (none)`);
    const s = c.inputs[e];
    if (!Number.isInteger(s) || s < 0 || s >= node) fail(`${what}: node ${node} takes input ${s}; it can only read nodes 0..${node - 1}`);
  }
}

function parsePairs(text: string, what: string, order: 'op-input' | 'input-op'): DartsCell {
  const ops: number[] = [];
  const inputs: number[] = [];
  const re = order === 'op-input' ? /\(\s*['"]([A-Za-z0-9_]+)['"]\s*,\s*(-?\d+)\s*\)\s*(,|$)/y : /\(\s*(-?\d+)\s*,\s*(-?\d+)\s*\)\s*(,|$)/y;
  // a trailing comma after the last pair is allowed (Python writes none, people do)
  const t = text.trim();
  let at = 0;
  while (at < t.length) {
    re.lastIndex = at;
    const m = re.exec(t);
    if (!m) fail(`${what}: cannot read ${JSON.stringify(t.slice(at, at + 30))} (expected ${order === 'op-input' ? "('op', input)" : '(input, op)'} pairs)`);
    if (order === 'op-input') {
      const op = DARTS_OP_NAMES.indexOf(m![1]);
      if (op < 0) fail(`${what}: unknown op ${JSON.stringify(m![1])}; known: ${DARTS_OP_NAMES.join(', ')}`);
      ops.push(op);
      inputs.push(Number(m![2]));
    } else {
      inputs.push(Number(m![1]));
      ops.push(Number(m![2]));
    }
    at = re.lastIndex;
    while (at < t.length && /\s/.test(t[at])) at++;
  }
  const cell = { ops, inputs };
  checkCell(cell, what);
  return cell;
}

function checkConcat(text: string, what: string): void {
  const t = text.replace(/\s+/g, '');
  if (t !== '[2,3,4,5]' && t !== 'range(2,6)') fail(`${what}: concat must be [2, 3, 4, 5] (all intermediate nodes), got ${text.trim()}`);
}

export function parseDarts(s: string): Genotype {
  if (typeof s !== 'string') fail(`DARTS genotype must be a string, got ${typeof s}`);
  const t = s.trim();
  const what = `DARTS genotype ${JSON.stringify(t.length > 100 ? t.slice(0, 97) + '...' : t)}`;
  if (t.startsWith('Genotype')) {
    const m = /^Genotype\(\s*normal\s*=\s*\[(.*?)\]\s*,\s*normal_concat\s*=\s*(\[[^\]]*\]|range\([^)]*\))\s*,\s*reduce\s*=\s*\[(.*?)\]\s*,\s*reduce_concat\s*=\s*(\[[^\]]*\]|range\([^)]*\))\s*\)$/s.exec(t);
    if (!m) return fail(`${what}: expected Genotype(normal=[...], normal_concat=[2, 3, 4, 5], reduce=[...], reduce_concat=[2, 3, 4, 5])`);
    checkConcat(m[2], `${what} (normal_concat)`);
    checkConcat(m[4], `${what} (reduce_concat)`);
    return { normal: parsePairs(m[1], `${what} (normal cell)`, 'op-input'), reduce: parsePairs(m[3], `${what} (reduce cell)`, 'op-input') };
  }
  const m = /^[[(][[(]((?:\(-?\d+,-?\d+\),?)*)[\])],[[(]((?:\(-?\d+,-?\d+\),?)*)[\])],?[\])]$/.exec(t.replace(/\s+/g, ''));
  if (!m) return fail(`unknown ${what}: expected Genotype(normal=[...], ...) or the compact [[(node, op) x 8], [(node, op) x 8]]`);
  return { normal: parsePairs(m[1], `${what} (normal cell)`, 'input-op'), reduce: parsePairs(m[2], `${what} (reduce cell)`, 'input-op') };
}

const pairs = (c: DartsCell) => c.ops.map((op, e) => `('${DARTS_OP_NAMES[op]}', ${c.inputs[e]})`).join(', ');

/** The DARTS Genotype repr. */
export function formatDarts(g: Genotype): string {
  return `Genotype(normal=[${pairs(g.normal)}], normal_concat=[2, 3, 4, 5], reduce=[${pairs(g.reduce)}], reduce_concat=[2, 3, 4, 5])`;
}

/** The NASLib / NB301 compact form (op 7 = none, which NASLib never writes). */
export function compactDarts(g: Genotype): string {
  const c = (x: DartsCell) => `[${x.ops.map((op, e) => `(${x.inputs[e]}, ${op})`).join(', ')}]`;
  return `[${c(g.normal)}, ${c(g.reduce)}]`;
}
