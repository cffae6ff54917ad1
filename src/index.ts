// Public API of brp-nas. Data flows one way: search space -> encoding -> predictor -> search -> report.

export { Rng } from './util/rng.js';

// Search space: NAS-Bench-201.
export {
  NB201_OPS,
  NB201_EDGES,
  NB201_SIZE,
  NB201_VALID,
  ENC_NODES,
  ENC_FEATURES,
  archStringToVector,
  vectorToArchString,
  vectorToCode,
  codeToVector,
  vectorToTupleString,
  tupleStringToVector,
  parseArch,
  isValid,
  liveEdges,
  isomorphismKey,
  prunedEdgeDag,
  encode,
  encodeInto,
  enumerate,
  allCodes,
  sampleCodes,
  randomVector,
  type Nb201Vector,
  type GraphEncoding,
} from './spaces/nb201.js';
export { NB201_DATASETS, macroConfigFor, nb201Cost, type Nb201Dataset, type Nb201MacroConfig, type Nb201Cost } from './spaces/nb201-cost.js';
export { Nb201Index } from './spaces/nb201-index.js';
export { nb201SpaceSummary, type Nb201SpaceSummary } from './spaces/nb201-summary.js';

// Benchmark data.
export { unpickle, PickleError, PyDict, PyTuple, NpArray, NpDtype } from './data/pickle.js';
export { resolveDataDir, readDataFile, DataError, DATA_ENV } from './data/files.js';
export { parseLatBench, loadLatBench, listLatBenchDevices, resolveLatBenchDevice, LATBENCH_ALIASES, type LatencyDataset } from './data/latbench.js';
export { loadNb201Benchmark, loadNb201Index, MAX_SEEDS, type Nb201Benchmark, type Nb201DatasetColumns, type LoadOptions } from './data/nb201-bench.js';
export { summarizeBenchmark, median, type DataSummary } from './data/summary.js';

// CLI (for embedding).
export { runCli } from './cli/main.js';
