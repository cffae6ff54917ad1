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
export { parseLatBench, listLatBenchDevices, resolveLatBenchDevice, LATBENCH_ALIASES, type LatencyDataset } from './data/latbench.js';
export { loadLatBench } from './data/device-latency.js';
export { loadNb201Benchmark, loadNb201Index, MAX_SEEDS, type Nb201Benchmark, type Nb201DatasetColumns, type LoadOptions } from './data/nb201-bench.js';
export { summarizeBenchmark, median, type DataSummary } from './data/summary.js';

// CLI (for embedding).
export { runCli } from './cli/main.js';

// Numeric core.
export type { Kernels } from './nn/kernels.js';
export { createKernels, defaultThreads, type DisposableKernels, type BackendOptions } from './nn/backend.js';
export { createWasmKernels, createWasmKernelsAsync } from './nn/kernels-wasm.js';
export { createJsKernels } from './nn/kernels-js.js';
export { Gcn, type GcnConfig, type ParamInfo } from './nn/gcn.js';
export { encodeNb201Codes, flattenGraphs, type GraphSet } from './nn/graphs.js';
export { AdamW, PlateauScheduler, EarlyStopping, cosineLr } from './nn/optim.js';

// Predictors.
export { GcnRegressor, LATENCY_TRAIN_CONFIG, type RegressorTrainConfig, type TrainReport, type EpochInfo } from './predictors/regressor.js';
export { BinaryRelationPredictor, BRP_TRAIN_CONFIG, softTarget, type BrpTrainConfig } from './predictors/brp.js';
export { splitIndices, groupedSplitIndices, SPLITS, type Split, type SplitKind } from './predictors/split.js';
export { twinGroups, encodingKey } from './spaces/nb201-twins.js';
export { trainLatencyPredictor, loadLatencyPredictor, latencyBody, LATENCY_PREDICTORS, type LatencyPredictor, type LatencyPredictorKind, type LatencyExperiment } from './predictors/latency.js';
export { fitFlops, fitLayerwise, predictLinear, leastSquares } from './predictors/baselines.js';
export { encodeArtifact, decodeArtifact } from './predictors/artifact.js';
export { regressionMetrics, withinShare, rmse, spearman, kendallTau, type RegressionMetrics } from './eval/metrics.js';

// Search.
export { ArchSearch, createStrategy, type ArchSearchOptions, type ArchInput, type Trial } from './search/arch-search.js';
export { SEARCH_OPTIONS, SEARCH_DEFAULTS, searchSettingsFrom, searchResultName, searchKey, type SearchSettings } from './search/options.js';
export type { SearchStrategy, Observation } from './search/strategy.js';
export { RandomSearch } from './search/random.js';
export { RegularizedEvolution, REA_DEFAULTS } from './search/rea.js';
export { IterativePredictorSearch, type RankingLearner } from './search/iterative.js';
export { BrpLearner, BRP_LEARNER_DEFAULTS, GcnLearner, GCN_LEARNER_DEFAULTS, scaleTargets, type BrpLearnerOptions, type GcnLearnerOptions } from './search/learners.js';
export { simulateSearch, STRATEGIES, type SimulationResult, type SimulationOptions, type RunDetail, type ArchValues } from './search/simulate.js';
export { InterruptedError, type StopSignal } from './util/stop.js';

// Measurement.
export { buildNb201Onnx, type OnnxNetwork, type OnnxNetworkOptions } from './measure/onnx-nb201.js';
export { latencyStats, iqrMean, DEFAULT_PROTOCOL, type MeasureProtocol } from './measure/protocol.js';
export { DatasetWriter, parseLatencyJsonl, latBenchPickle } from './measure/dataset.js';
export { measureGroupNode, machineInfo } from './measure/ort-node.js';
export { startBrowserRunner, findChromium } from './measure/browser.js';

// Reports.
export { scatterSvg, curvesSvg, groupedBarsSvg, type Bar } from './report/plots.js';
