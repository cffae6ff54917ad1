import { MAX_SEEDS, loadNb201Benchmark, type Nb201Benchmark } from '../data/nb201-bench.js';
import { resolveDataDir } from '../data/files.js';
import { NB201_DATASETS, macroConfigFor, nb201Cost } from '../spaces/nb201/cost.js';
import { nb201SpaceSummary } from '../spaces/nb201/summary.js';
import { isValid, isomorphismKey, parseArch, vectorToArchString, vectorToCode, vectorToTupleString } from '../spaces/nb201/cell.js';
import { COMMON_OPTIONS, UsageError, parse } from './args.js';
import type { CliCommand, CliIo } from './command.js';
import { nb101SpaceSummary } from '../spaces/nb101/summary.js';
import { DARTS_PER_CELL, dartsSpace } from '../spaces/darts/space.js';
import { DARTS_OPS, compactDarts, formatDarts, parseDarts } from '../spaces/darts/genotype.js';
import { dartsKey } from '../spaces/darts/mutate.js';
import { DARTS_EVAL_NETWORK, dartsCost } from '../spaces/darts/cost.js';
import { compactNb101, formatNb101, parseNb101 } from '../spaces/nb101/cell.js';
import { nb101Hash } from '../spaces/nb101/hash.js';
import { nb101Cost } from '../spaces/nb101/cost.js';
import { enumerateNb101, indexOfNb101 } from '../spaces/nb101/enumerate.js';
import { NB101_POOL_FILE, loadNb101Pool } from '../data/nb101-pool.js';
import { join } from 'node:path';
import { cellSvg } from '../report/cell-svg.js';
import { plotBytes } from '../report/plots.js';
import { SPACE_NAMES, getSpace } from '../spaces/registry.js';
import { writeFileAtomic } from '../util/atomic-write.js';

function dartsSpaceCommand(values: Record<string, unknown>, io: CliIo): number {
  if (typeof values.arch === 'string') {
    const g = parseDarts(values.arch);
    const info = { arch: formatDarts(g), compact: compactDarts(g), key: dartsKey(g), cost: { eval_network: dartsCost(g, DARTS_EVAL_NETWORK), nb301_network: dartsCost(g, { ...DARTS_EVAL_NETWORK, channels: 32, layers: 8, opAffine: false }) } };
    if (values.json) io.out(JSON.stringify(info));
    else {
      io.out(`${info.arch}\n  compact ${info.compact}\n  key ${info.key}`);
      io.out(`  evaluation network (36 channels, 20 cells): params ${(info.cost.eval_network.params / 1e6).toFixed(3)} M  FLOPs ${(info.cost.eval_network.flops / 1e6).toFixed(1)} M`);
      io.out(`  NB301 training network (32 channels, 8 cells, as NASLib counts): params ${(info.cost.nb301_network.params / 1e6).toFixed(3)} M`);
    }
    return 0;
  }
  const size = dartsSpace.size();
  const s = { space: 'darts', total: size.total, counted: size.counted, enumerable: false, per_cell: DARTS_PER_CELL, ops: DARTS_OPS, nodes: dartsSpace.encoding.nodes, features: dartsSpace.encoding.features };
  if (values.json) io.out(JSON.stringify(s));
  else {
    io.out(`DARTS: about ${s.total.toExponential(3)} genotypes: ${s.counted}`);
    io.out(`  ops: ${DARTS_OPS.join(', ')}; predictor graphs: ${s.nodes} nodes x ${s.features} features; not enumerable (searches rank a seeded sample)`);
  }
  return 0;
}

function nb101Space(values: Record<string, unknown>, io: CliIo): number {
  if (typeof values.arch === 'string') {
    const c = parseNb101(values.arch);
    const hash = nb101Hash(c);
    let row: Record<string, number | null> | null = null;
    let dataProblem: string | null = null;
    try {
      const pool = loadNb101Pool(join(resolveDataDir(values.data as string | undefined), NB101_POOL_FILE));
      const i = pool.hashes.indexOf(hash);
      if (i >= 0) row = Object.fromEntries([...pool.columns].map(([k, col]) => [k, Number.isNaN(col[i]) ? null : col[i]]));
    } catch (e) {
      dataProblem = (e as Error).message;
    }
    const info = { arch: formatNb101(c), compact: compactNb101(c), hash, id: indexOfNb101(enumerateNb101(), c), vertices: c.n, edges: c.matrix.reduce((a, b) => a + b, 0), cost: nb101Cost(c), pool_row: row, ...(dataProblem ? { data_problem: dataProblem } : {}) };
    if (values.json) io.out(JSON.stringify(info));
    else {
      io.out(`${info.arch}\n  compact ${info.compact}  hash ${hash}  enumeration id ${info.id}  ${info.vertices} vertices, ${info.edges} edges`);
      io.out(`  params ${(info.cost.params / 1e6).toFixed(3)} M  FLOPs ${(info.cost.flops / 1e6).toFixed(1)} M (the benchmark's CIFAR-10 network)`);
      io.out(row ? `  in the pool: ${Object.entries(row).map(([k, x]) => `${k} ${x ?? '-'}`).join('  ')}` : dataProblem ? `  pool: unavailable (${dataProblem})` : '  not in the pool table');
    }
    return 0;
  }
  const s = nb101SpaceSummary();
  if (values.json) io.out(JSON.stringify(s));
  else {
    io.out(`NAS-Bench-101: ${s.total} cells (${s.counted})`);
    io.out(`  cells by vertex count: ${Object.entries(s.per_vertices).map(([n, x]) => `${n}: ${x}`).join(', ')}`);
    io.out(`  predictor graphs: ${s.nodes} nodes x ${s.features} features; params ${s.params_m.min.toFixed(3)}-${s.params_m.max.toFixed(3)} M, FLOPs ${s.flops_m.min.toFixed(0)}-${s.flops_m.max.toFixed(0)} M`);
  }
  return 0;
}

const HELP = `Usage: brp-nas space nb201|nb101|darts [--arch ARCH [--draw FILE.svg|FILE.png]] [--json] [--data DIR]

Summarise the NAS-Bench-201 search space: cells, valid cells, isomorphism classes, distinct
predictor encodings, parameter and FLOP ranges. With --arch, describe one cell instead
(ARCH: an arch string "|nor_conv_3x3~0|+|...|", a tuple "(3, 3, 4, 1, 3, 1)" or digits "334131");
with the data directory, also its NB201 index, its benchmark accuracies (validation per seed, mean,
test; per dataset) and its LatBench latency on every device.

nb101: the NAS-Bench-101 space (423,624 cells, enumerated); --arch takes a ModelSpec JSON
{"matrix": [[...]], "ops": [...]} or the compact adj_upper:ops form, and shows its graph hash,
enumeration id, parameters and FLOPs, and its row of the data's nb101/nb101-cells.csv if present.

darts: the DARTS space (about 1e18 genotypes: how they are counted); --arch takes a DARTS
Genotype(normal=[...], ...) string or the NASLib compact [[(node, op) x 8], [(node, op) x 8]] and
shows its canonical key and its parameters and FLOPs on the evaluation and NB301 networks.

--draw FILE.svg (or .png) draws the --arch cell(s): nodes, and each op in its colour (DARTS: the
normal and the reduction cell; NB201: edges that reach no output dashed, none edges left out).`;

/** Write the drawing of --arch (SVG, or PNG by the extension), atomically. */
function drawArch(spaceName: string, arch: string, file: string, io: CliIo): void {
  if (!/\.(svg|png)$/i.test(file)) throw new UsageError(`space: --draw takes a .svg or .png file name, got ${JSON.stringify(file)}`);
  const space = getSpace(spaceName);
  const a = space.parse(arch);
  const shown = space.format(a);
  const svg = cellSvg(space.draw(a), { title: shown.length <= 100 ? `${space.title}: ${shown}` : space.title });
  writeFileAtomic(file, plotBytes(file, svg));
  io.err(`space: drew ${file}`);
}

export const spaceCommand: CliCommand = {
  name: 'space',
  summary: 'summarise a search space (nb201, nb101, darts) or describe one architecture',
  async run(argv, io) {
    const { values, positionals } = parse('space', argv, { ...COMMON_OPTIONS, arch: { type: 'string' }, draw: { type: 'string' } }, 1);
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const space = positionals[0];
    if (space === undefined) throw new UsageError('space: missing the search space name (nb201, nb101, darts)');
    if (!(SPACE_NAMES as string[]).includes(space)) throw new UsageError(`space: unknown search space ${JSON.stringify(space)}; known: ${SPACE_NAMES.join(', ')}`);
    if (typeof values.draw === 'string') {
      if (typeof values.arch !== 'string') throw new UsageError('space: --draw needs --arch ARCH (the architecture to draw)');
      drawArch(space, values.arch, values.draw, io);
    }
    if (space === 'nb101') return nb101Space(values, io);
    if (space === 'darts') return dartsSpaceCommand(values, io);
    if (typeof values.arch === 'string') {
      const v = parseArch(values.arch);
      let index: number | null = null;
      let bench: Nb201Benchmark | null = null;
      let dataProblem: string | null = null;
      try {
        bench = loadNb201Benchmark(resolveDataDir(values.data as string | undefined));
        index = bench.index.indexOf(v);
      } catch (e) {
        // the benchmark values need the data; the rest of the description does not
        dataProblem = (e as Error).message;
      }
      const accuracy = bench
        ? Object.fromEntries(
            NB201_DATASETS.map((d) => {
              const c = bench!.datasets[d];
              const seeds = Array.from(c.valSeeds.subarray(index! * MAX_SEEDS, index! * MAX_SEEDS + c.valSeedCount[index!]));
              return [d, { validation_seeds: seeds, validation_mean: c.valMean[index!], test: c.test[index!] }];
            }),
          )
        : null;
      const latency_ms = bench ? Object.fromEntries([...bench.latency].map(([dev, secs]) => [dev, Number.isFinite(secs[index!]) ? secs[index!] * 1e3 : null])) : null;
      const info = {
        arch: vectorToArchString(v),
        vector: v,
        tuple: vectorToTupleString(v),
        code: vectorToCode(v),
        index,
        valid: isValid(v),
        isomorphism_key: isomorphismKey(v),
        cost: Object.fromEntries(NB201_DATASETS.map((d) => [d, nb201Cost(v, macroConfigFor(d))])),
        accuracy,
        latency_ms,
        ...(dataProblem ? { data_problem: dataProblem } : {}),
      };
      if (values.json) io.out(JSON.stringify(info));
      else {
        io.out(`${info.arch}\n  vector ${info.tuple}  code ${info.code}  NB201 index ${index ?? '(data not found)'}  ${info.valid ? 'valid' : 'INVALID (input not connected to output)'}`);
        io.out(`  isomorphism key ${info.isomorphism_key}`);
        for (const d of NB201_DATASETS) {
          const c = info.cost[d];
          io.out(`  ${d.padEnd(10)} params ${(c.params / 1e6).toFixed(4)} M  FLOPs ${(c.flops / 1e6).toFixed(2)} M (pruned graph ${(c.flopsEffective / 1e6).toFixed(2)} M)`);
        }
        if (accuracy) {
          io.out('  benchmark accuracy (%): validation per seed, their mean, and mean test');
          for (const d of NB201_DATASETS) {
            const a = accuracy[d];
            io.out(`    ${d.padEnd(10)} validation ${a.validation_seeds.map((x) => x.toFixed(2)).join(' / ')}  mean ${a.validation_mean.toFixed(2)}  test ${a.test.toFixed(2)}`);
          }
          const lat = Object.entries(latency_ms!);
          if (lat.length) {
            io.out('  LatBench latency (ms):');
            const w = Math.max(...lat.map(([dev]) => dev.length));
            for (const [dev, ms] of lat) io.out(`    ${dev.padEnd(w)}  ${ms === null ? (info.valid ? 'not measured' : '- (invalid cell: not measured)') : ms.toFixed(3)}`);
          }
        } else io.out(`  benchmark accuracies and latencies: unavailable (${dataProblem})`);
      }
      return 0;
    }
    const s = nb201SpaceSummary();
    if (values.json) io.out(JSON.stringify(s));
    else {
      io.out(`NAS-Bench-201: ${s.total} cells, ${s.valid} valid (input reaches output), ${s.unique} isomorphism classes among valid cells (${s.unique_all} among all)`);
      io.out(`  predictor graphs: ${s.nodes} nodes x ${s.features} features, ${s.distinct_encodings} distinct encodings`);
      for (const d of NB201_DATASETS) {
        io.out(`  ${d.padEnd(10)} params ${s.params_m[d].min.toFixed(4)}-${s.params_m[d].max.toFixed(4)} M, FLOPs ${s.flops_m[d].min.toFixed(2)}-${s.flops_m[d].max.toFixed(2)} M`);
      }
    }
    return 0;
  },
};
