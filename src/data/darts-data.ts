// The DARTS data of the shared folder (../shared/data/README.md 3.9): NASLib's 725 NB301 genotypes
// with the NB301 surrogate's predicted validation accuracy (not a real training), params, FLOPs and
// 12 zero-cost proxy scores; and CDP's 100 genotypes with the best test accuracy of a real short
// training (50 epochs, 8 cells, C = 16). Say which labels a result used.

import { unzipSync } from 'fflate';
import { checkCell, parseDarts, type DartsCell, type Genotype } from '../spaces/darts/genotype.js';
import { readDataFile, readDataText } from './files.js';
import { PyDict, PyTuple, unpickle } from './pickle.js';
import { DataError } from '../util/errors.js';

export const DARTS_FILES = { naslib: 'darts/naslib-zc-nasbench301.json', cdp: 'darts/cdp-darts-dataset.pth.tar' } as const;

export interface DartsLabelled {
  source: string;
  genotypes: Genotype[];
  /** The label, in percent. */
  accuracy: Float64Array;
  /** What the label is. */
  label: string;
  /** Other per-genotype scores (NASLib: params, flops and the zero-cost proxies). */
  scores: Map<string, Float64Array>;
}

/** NASLib's zc_nasbench301.json: 725 genotypes with surrogate accuracies and proxy scores. */
export function loadNaslibDarts(path: string): DartsLabelled {
  let obj: unknown;
  try {
    obj = JSON.parse(readDataText(path));
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const rows = (obj as { cifar10?: Record<string, Record<string, unknown>> }).cifar10;
  if (!rows || typeof rows !== 'object') throw new DataError(`${path}: expected {"cifar10": {genotype: {...}}}`);
  const genotypes: Genotype[] = [];
  const acc: number[] = [];
  const scores = new Map<string, number[]>();
  for (const [key, r] of Object.entries(rows)) {
    let g: Genotype;
    try {
      g = parseDarts(String(r.arch ?? key));
    } catch (e) {
      throw new DataError(`${path}: entry ${key}: ${(e as Error).message}`);
    }
    const a = Number(r.val_accuracy);
    if (!Number.isFinite(a)) throw new DataError(`${path}: entry ${key}: val_accuracy ${JSON.stringify(r.val_accuracy)} is not a number`);
    genotypes.push(g);
    acc.push(a);
    for (const [name, v] of Object.entries(r)) {
      const score = (v as { score?: unknown } | null)?.score;
      if (typeof score !== 'number') continue;
      if (!scores.has(name)) scores.set(name, []);
      scores.get(name)!.push(score);
    }
  }
  for (const [name, v] of scores) if (v.length !== genotypes.length) throw new DataError(`${path}: score ${name} is missing for ${genotypes.length - v.length} entries`);
  return { source: path, genotypes, accuracy: Float64Array.from(acc), label: 'NB301 v1.0 surrogate-predicted validation accuracy (%), not a real training', scores: new Map([...scores].map(([k, v]) => [k, Float64Array.from(v)])) };
}

/** CDP's op ids (0 none, 1 sep_conv_5x5, 2 dil_conv_5x5, 3 sep_conv_3x3, 4 dil_conv_3x3, 5 max_pool, 6 avg_pool, 7 skip) -> ours. */
const CDP_OP = [7, 4, 6, 3, 5, 0, 1, 2];

/** CDP's tiny_darts dataset (a torch zip whose archive/data.pkl is plain lists and dicts). */
export function loadCdpDarts(path: string): DartsLabelled {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(readDataFile(path));
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${path}: not a zip archive (${(e as Error).message})`);
  }
  const name = Object.keys(files).find((f) => f.endsWith('/data.pkl'));
  if (!name) throw new DataError(`${path}: no data.pkl in the archive (found ${Object.keys(files).join(', ')})`);
  const obj = unpickle(files[name], `${path}:${name}`);
  if (!(obj instanceof PyDict)) throw new DataError(`${path}: expected a dict with dataset and best_acc_list`);
  const items = (x: unknown): unknown[] => (x instanceof PyTuple ? x.items : Array.isArray(x) ? x : []);
  const ds = items(obj.get('dataset'));
  const acc = items(obj.get('best_acc_list'));
  if (ds.length === 0 || ds.length !== acc.length) throw new DataError(`${path}: ${ds.length} genotypes but ${acc.length} accuracies`);
  const genotypes = ds.map((d, i) => {
    const cells = items(d).map((c): DartsCell => {
      const edges = items(c).map((e) => items(e) as number[]);
      if (edges.length !== 8) throw new DataError(`${path}: genotype ${i} has a cell with ${edges.length} edges, expected 8`);
      return { inputs: edges.map((e) => e[0]), ops: edges.map((e) => CDP_OP[e[1]] ?? -1) };
    });
    if (cells.length !== 2) throw new DataError(`${path}: genotype ${i} has ${cells.length} cells, expected 2 (normal, reduce)`);
    try {
      cells.forEach((c, k) => checkCell(c, k === 0 ? 'normal cell' : 'reduce cell'));
    } catch (e) {
      throw new DataError(`${path}: genotype ${i}: ${(e as Error).message}`);
    }
    return { normal: cells[0], reduce: cells[1] };
  });
  const accuracy = Float64Array.from(acc, (a, i) => {
    if (typeof a !== 'number' || !Number.isFinite(a)) throw new DataError(`${path}: accuracy ${i} is ${JSON.stringify(a)}, not a number`);
    return a;
  });
  return { source: path, genotypes, accuracy, label: 'best CIFAR-10 test accuracy (%) of a real short training (50 epochs, 8 cells, C = 16; CDP)', scores: new Map() };
}
