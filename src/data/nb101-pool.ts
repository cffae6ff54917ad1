// A NAS-Bench-101 pool as data: a CSV with the columns of the shared nb101/nb101-cells.csv (hash,
// n_vertices, adj_upper, ops, and accuracy columns as fractions; see ../shared/data/README.md 3.8).
// Every row is rebuilt into a cell and its hash recomputed, so a table whose specs and hashes
// disagree is refused, with the line.

import { makeCell, upperToMatrix, type Nb101Cell } from '../spaces/nb101/cell.js';
import { nb101Hash } from '../spaces/nb101/hash.js';
import { readDataText } from './files.js';
import { DataError } from '../util/errors.js';

export const NB101_POOL_FILE = 'nb101/nb101-cells.csv';
/** Accuracy columns a search can reveal (fractions in the file). */
export const NB101_REVEAL_COLUMNS = ['val108_1run', 'test108_mean3', 'val36_1run', 'val12_1run', 'val4_1run'] as const;
export type Nb101RevealColumn = (typeof NB101_REVEAL_COLUMNS)[number];
const REQUIRED = ['hash', 'n_vertices', 'adj_upper', 'ops'] as const;
const NUMERIC = [...NB101_REVEAL_COLUMNS, 'params'] as const;

export interface Nb101Pool {
  path: string;
  cells: Nb101Cell[];
  hashes: string[];
  /** Per numeric column present in the file: one value per row, NaN where empty. */
  columns: Map<string, Float64Array>;
  /** 1-based file line of each row. */
  lines: Int32Array;
}

export function loadNb101Pool(path: string, opts: { need?: string[] } = {}): Nb101Pool {
  const text = readDataText(path);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new DataError(`${path}: empty file`);
  const header = lines[0].replace(/\r$/, '').split(',');
  const col = new Map(header.map((h, i) => [h.trim(), i]));
  for (const c of [...REQUIRED, ...(opts.need ?? [])]) if (!col.has(c)) throw new DataError(`${path}:1: missing column ${JSON.stringify(c)} (the header needs ${[...REQUIRED, ...(opts.need ?? [])].join(', ')}; found ${header.join(', ')})`);
  const numeric = NUMERIC.filter((c) => col.has(c));
  const columns = new Map(numeric.map((c) => [c as string, new Float64Array(lines.length - 1).fill(NaN)]));
  const cells: Nb101Cell[] = [];
  const hashes: string[] = [];
  const lineNo = new Int32Array(lines.length - 1);
  const seen = new Map<string, number>();
  for (let r = 1; r < lines.length; r++) {
    const where = `${path}:${r + 1}`;
    const f = lines[r].replace(/\r$/, '').split(',');
    if (f.length !== header.length) throw new DataError(`${where}: ${f.length} fields, the header has ${header.length}`);
    const get = (c: string) => f[col.get(c)!].trim();
    const hash = get('hash');
    if (!/^[0-9a-f]{32}$/.test(hash)) throw new DataError(`${where}: hash ${JSON.stringify(hash)} is not 32 hex digits`);
    const n = Number(get('n_vertices'));
    if (!Number.isInteger(n) || n < 2 || n > 7) throw new DataError(`${where}: n_vertices ${JSON.stringify(get('n_vertices'))} is not an integer 2..7`);
    const adj = get('adj_upper');
    const ops = get('ops');
    if (!/^[01]*$/.test(adj) || adj.length !== (n * (n - 1)) / 2) throw new DataError(`${where}: adj_upper ${JSON.stringify(adj)} must be ${(n * (n - 1)) / 2} bits for ${n} vertices`);
    if (!/^[0-2]*$/.test(ops) || ops.length !== n - 2) throw new DataError(`${where}: ops ${JSON.stringify(ops)} must be ${n - 2} digits 0..2 for ${n} vertices`);
    let cell: Nb101Cell;
    try {
      cell = makeCell(upperToMatrix(adj, n), [-1, ...ops.split('').map(Number), -2]);
    } catch (e) {
      throw new DataError(`${where}: ${(e as Error).message}`);
    }
    if (cell.n !== n) throw new DataError(`${where}: the cell is not pruned (${n} vertices given, ${cell.n} on an input-output path)`);
    const h = nb101Hash(cell);
    if (h !== hash) throw new DataError(`${where}: hash ${hash} does not match the cell (its graph hash is ${h})`);
    if (seen.has(hash)) throw new DataError(`${where}: cell ${hash} already on line ${seen.get(hash)}`);
    seen.set(hash, r + 1);
    for (const c of numeric) {
      const s = get(c);
      if (s === '') continue;
      const x = Number(s);
      if (!Number.isFinite(x)) throw new DataError(`${where}: ${c} ${JSON.stringify(s)} is not a number`);
      if (c !== 'params' && (x < 0 || x > 1)) throw new DataError(`${where}: ${c} ${x} is not an accuracy fraction in [0, 1]`);
      columns.get(c)![cells.length] = x;
    }
    lineNo[cells.length] = r + 1;
    cells.push(cell);
    hashes.push(hash);
  }
  return { path, cells, hashes, columns, lines: lineNo };
}
