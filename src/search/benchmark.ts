// The benchmark seam of a simulated search: which ids can be trained, what "training" one reveals to
// the strategy (seeded, noisy where the data have several runs), and the oracle value that only the
// report sees. Values are in percent.

import type { Nb201Benchmark } from '../data/nb201-bench.js';
import { MAX_SEEDS } from '../data/nb201-bench.js';
import type { Nb101Pool, Nb101RevealColumn } from '../data/nb101-pool.js';
import { nb101Space } from '../spaces/nb101/space.js';
import type { Nb201Dataset } from '../spaces/nb201/cost.js';
import { NB201_SIZE } from '../spaces/nb201/cell.js';
import type { Rng } from '../util/rng.js';
import { listDomain, nb201Domain, type SearchDomain } from './domain.js';

export interface SimBenchmark {
  readonly domain: SearchDomain;
  /** Ids a search may train, in a fixed order. */
  readonly candidates: Int32Array;
  /** What training `id` reveals (one draw per call when the data have several runs). */
  reveal(id: number, rng: Rng): number;
  /** What training `id` once more reveals, with a seed other than the one that revealed `seen`. */
  revealAgain(id: number, seen: number, rng: Rng): number;
  /** The value the report judges by (never shown to a strategy). */
  oracle(id: number): number;
  /** Said in every result: which pool, which column is revealed, which is the oracle. */
  readonly describe: { space: string; pool: string; reveal: string; oracle: string; unit: '%' };
}

/** NB201: training reveals one seed's validation accuracy; the oracle is the mean test accuracy. */
export function nb201SimBenchmark(bench: Nb201Benchmark, dataset: Nb201Dataset): SimBenchmark {
  const cols = bench.datasets[dataset];
  if (!cols) throw new Error(`unknown dataset ${dataset}`);
  const idx = bench.index.indexOfCode;
  const cand: number[] = [];
  for (let c = 0; c < NB201_SIZE; c++) if (bench.valid[idx[c]]) cand.push(c);
  return {
    domain: nb201Domain,
    candidates: Int32Array.from(cand),
    reveal(code, rng) {
      const i = idx[code];
      return cols.valSeeds[i * MAX_SEEDS + rng.int(cols.valSeedCount[i])];
    },
    revealAgain(code, seen, rng) {
      const i = idx[code];
      const seeds = Array.from(cols.valSeeds.subarray(i * MAX_SEEDS, i * MAX_SEEDS + cols.valSeedCount[i]));
      const at = seeds.indexOf(seen);
      if (at >= 0) seeds.splice(at, 1);
      // a cell the table trained with one seed has no other training to draw
      return seeds.length ? seeds[rng.int(seeds.length)] : seen;
    },
    oracle: (code) => cols.test[idx[code]],
    describe: { space: 'nb201', pool: `all ${cand.length} valid NAS-Bench-201 cells`, reveal: `${dataset} validation accuracy of one training seed (drawn per run)`, oracle: `${dataset} test accuracy, mean over seeds`, unit: '%' },
  };
}

/**
 * NB101 pool: the candidates are the table's cells that have the column; training reveals that
 * column (one value per cell, no noise to draw) and the report judges by the same column.
 */
export function nb101SimBenchmark(pool: Nb101Pool, column: Nb101RevealColumn): SimBenchmark {
  const values = pool.columns.get(column);
  if (!values) throw new Error(`${pool.path}: no column ${column}`);
  const rows: number[] = [];
  values.forEach((v, i) => !Number.isNaN(v) && rows.push(i));
  if (rows.length === 0) throw new Error(`${pool.path}: no cell has a value in column ${column}`);
  const domain = listDomain(nb101Space, rows.map((i) => pool.cells[i]), rows.map((i) => pool.hashes[i]));
  const pct = Float64Array.from(rows, (i) => values[i] * 100);
  return {
    domain,
    candidates: Int32Array.from(rows.keys()),
    reveal: (id) => pct[id],
    revealAgain: (id) => pct[id],
    oracle: (id) => pct[id],
    describe: { space: 'nb101', pool: `${pool.path}: the ${rows.length} cells with ${column}`, reveal: `${column} (%)`, oracle: `${column} (%), the revealed value itself`, unit: '%' },
  };
}
