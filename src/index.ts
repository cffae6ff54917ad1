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
  NB201_CELL_MODES,
  type Nb201CellMode,
  type Nb201Vector,
  type GraphEncoding,
} from './spaces/nb201/cell.js';
export { NB201_DATASETS, macroConfigFor, nb201Cost, type Nb201Dataset, type Nb201MacroConfig, type Nb201Cost } from './spaces/nb201/cost.js';
export { nb201Synflow, nb201SynflowByCode } from './spaces/nb201/synflow.js';
export { Nb201Index } from './spaces/nb201/benchmark-index.js';
export { nb201SpaceSummary, type Nb201SpaceSummary } from './spaces/nb201/summary.js';

// Benchmark data.
export { unpickle, PickleError, PyDict, PyTuple, NpArray, NpDtype } from './data/pickle.js';
export { resolveDataDir, readDataFile, DATA_ENV } from './data/files.js';
export { DataError } from './util/errors.js';
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
export { flattenGraphs, type GraphSet } from './nn/graphs.js';
export { encodeNb201Codes } from './spaces/nb201/graphs.js';
export { AdamW, PlateauScheduler, EarlyStopping, cosineLr } from './nn/optim.js';

// Predictors.
export { GcnRegressor, LATENCY_TRAIN_CONFIG, type RegressorTrainConfig, type TrainReport, type EpochInfo } from './predictors/regressor.js';
export { BinaryRelationPredictor, BRP_TRAIN_CONFIG, softTarget, type BrpTrainConfig } from './predictors/brp.js';
export { splitIndices, groupedSplitIndices, SPLITS, type Split, type SplitKind } from './predictors/split.js';
export { twinGroups, encodingKey } from './spaces/nb201/twins.js';
export { trainLatencyPredictor, loadLatencyPredictor, latencyBody, LATENCY_PREDICTORS, LATENCY_PRIORS, defaultLatencyPrior, type LatencyPrior, type LatencyPredictor, type LatencyPredictorKind, type LatencyExperiment } from './predictors/latency.js';
export { fitFlops, fitLayerwise, predictLinear, leastSquares } from './predictors/baselines.js';
export { encodeArtifact, decodeArtifact } from './predictors/artifact.js';
export { regressionMetrics, withinShare, rmse, spearman, kendallTau, type RegressionMetrics } from './eval/metrics.js';

// Search spaces behind one interface (NB201 above; NB101 and DARTS).
export { SPACES, SPACE_NAMES, getSpace, type SpaceName } from './spaces/registry.js';
export type { SearchSpace, SpaceSize, SpaceCost, SpaceEnumeration, CellDrawing } from './spaces/space.js';
export { nb201Space } from './spaces/nb201/space.js';
export { nb101Space } from './spaces/nb101/space.js';
export { parseNb101, formatNb101, compactNb101, makeCell as makeNb101Cell, NB101_OPS, NB101_TOTAL, Nb101SpecError, type Nb101Cell } from './spaces/nb101/cell.js';
export { nb101Hash } from './spaces/nb101/hash.js';
export { nb101Cost, vertexChannels, NB101_NETWORK, type Nb101NetworkConfig } from './spaces/nb101/cost.js';
export { enumerateNb101, enumeratedCell, indexOfNb101, vertexOrderings } from './spaces/nb101/enumerate.js';
export { nb101Neighbours, randomNb101 } from './spaces/nb101/mutate.js';
export { buildNb101Onnx } from './spaces/nb101/onnx.js';
export { loadNb101Pool, NB101_POOL_FILE, NB101_REVEAL_COLUMNS, type Nb101Pool, type Nb101RevealColumn } from './data/nb101-pool.js';
export { dartsSpace, DARTS_PER_CELL } from './spaces/darts/space.js';
export { parseDarts, formatDarts, compactDarts, DARTS_OPS, DartsSpecError, type Genotype, type DartsCell } from './spaces/darts/genotype.js';
export { dartsCost, DARTS_EVAL_NETWORK, type DartsNetworkConfig } from './spaces/darts/cost.js';
export { dartsKey, dartsNeighbours } from './spaces/darts/mutate.js';
export { randomGenotype, referenceSampler } from './spaces/darts/sample.js';
export { buildDartsOnnx } from './spaces/darts/onnx.js';
export { PyRandom } from './util/py-random.js';

// Search.
export { nb201Domain, listDomain, enumerationDomain, type SearchDomain } from './search/domain.js';
export { encodeArchs } from './spaces/graphs.js';
export { nb201SimBenchmark, nb101SimBenchmark, type SimBenchmark } from './search/benchmark.js';
export { ArchSearch, createStrategy, type ArchSearchOptions, type ArchInput, type Trial } from './search/arch-search.js';
export { SEARCH_OPTIONS, SEARCH_DEFAULTS, ZERO_COST_SCORES, searchSettingsFrom, searchResultName, searchKey, type SearchSettings, type ZeroCostName } from './search/options.js';
export { zeroCostScores } from './search/zero-cost.js';
export type { SearchStrategy, Observation } from './search/strategy.js';
export { RandomSearch } from './search/random.js';
export { RegularizedEvolution, REA_DEFAULTS } from './search/rea.js';
export { IterativePredictorSearch, type RankingLearner } from './search/iterative.js';
export { BrpLearner, BRP_LEARNER_DEFAULTS, GcnLearner, GCN_LEARNER_DEFAULTS, scaleTargets, type BrpLearnerOptions, type GcnLearnerOptions } from './search/learners.js';
export { simulateSearch, STRATEGIES, type SimulationResult, type SimulationOptions, type RunDetail, type ArchValues } from './search/simulate.js';
export { InterruptedError, type StopSignal } from './util/stop.js';

// Measurement.
export { buildNb201Onnx, type OnnxNetwork, type OnnxNetworkOptions } from './spaces/nb201/onnx.js';
export { latencyStats, iqrMean, DEFAULT_PROTOCOL, type MeasureProtocol } from './measure/protocol.js';
export { DatasetWriter, parseLatencyJsonl, parseMeasuredDataset, latBenchPickle } from './data/measured-dataset.js';
export { measureGroupNode, machineInfo, type NetworkToMeasure, type MeasuredModel } from './measure/ort-node.js';
export { measureOrder, MEASURE_SPACES, type MeasureItem } from './measure/measure-space.js';
export { startBrowserRunner, findChromium } from './measure/browser.js';

// Reports.
export { scatterSvg, curvesSvg, groupedBarsSvg, type Bar } from './report/plots.js';
export { cellSvg } from './report/cell-svg.js';
export { runRealSearch, realSearchStreams, TrainerFailingError, JOURNAL_FILE, type RealSearchOptions, type RealSearchOutcome, type CandidateReport, type SearchEvent } from './train/real-search.js';
export type { TrainerRunner, AttemptSpec, AttemptOutcome, AttemptHandle } from './train/runner.js';
export { ProcessRunner } from './train/process-runner.js';
export { TableTrainer, TABLE_TRAINERS } from './train/table-trainer.js';
export { QueueRunner } from './train/queue-runner.js';
export { runQueueWorker, type QueueWorkerOptions } from './train/queue-worker.js';
export { parseQueueUrl, type QueueAddress } from './train/queue-url.js';
export { checkJobData, checkJobResult, JOB_NAME, JOB_FORMAT, JOB_VERSION, type JobData } from './train/queue-job.js';
export { parseTrainerCommand, trainerArgv, TRAINER_PLACEHOLDERS, type TrainerCommand } from './train/trainer-command.js';
export { parseTrainerOutput, type TrainerResult } from './train/trainer-output.js';
export { Journal, type JournalRecord } from './train/journal.js';
export { paretoFront, type ParetoPoint } from './train/pareto.js';
export { ortLatencyProbe, probingRunner, type LatencyProbe } from './train/latency-probe.js';
export { buildLatencyBasis, adaptLatency, predictAdapted, unadaptedLatency, DEFAULT_RIDGE, type LatencyBasis, type AdaptedLatency } from './predictors/fewshot.js';
export { chooseFewshotCells, FEWSHOT_CHOICES, type FewshotChoice } from './predictors/fewshot-select.js';

// types that appear in the signatures above (so the generated API reference can show them)
export type { AdamWOptions, AdamWStep } from './nn/optim.js';
export type { ArtifactHeader } from './predictors/artifact.js';
export type { AttemptFailure } from './train/runner.js';
export type { BrowserRunner } from './measure/browser.js';
export type { BrpTrainReport } from './predictors/brp.js';
export type { ClassOf } from './search/strategy.js';
export type { CliIo } from './cli/command.js';
export type { Curve, ScatterOptions } from './report/plots.js';
export type { DartsCost } from './spaces/darts/cost.js';
export type { DartsOnnxOptions } from './spaces/darts/onnx.js';
export type { DatasetHeader, MeasurementRow } from './data/measured-dataset.js';
export type { GraphEncodingShape } from './spaces/space.js';
export type { Heap } from './nn/memory.js';
export type { IterativeOptions } from './search/iterative.js';
export type { LatencyStats } from './measure/protocol.js';
export type { LatencyTrainOptions } from './predictors/latency.js';
export type { LinearModel } from './predictors/baselines.js';
export type { MeasureOrder } from './measure/measure-space.js';
export type { Nb101Cost } from './spaces/nb101/cost.js';
export type { Nb101Enumeration } from './spaces/nb101/enumerate.js';
export type { Nb101OnnxOptions } from './spaces/nb101/onnx.js';
export type { Normalisation } from './predictors/regressor.js';
export type { NpTypedArray } from './data/pickle.js';
export type { OptionKind, OptionValues, SearchOptionDef } from './search/options.js';
export type { ReaOptions } from './search/rea.js';
export type { RunResult } from './search/simulate.js';
export type { SourceSummary } from './data/nb201-bench.js';
export type { SpaceLatencyDataset } from './data/latency-dataset.js';
export type { TrainerVars } from './train/trainer-command.js';
export type { UniformSource } from './spaces/darts/sample.js';

// delivered networks: image datasets (IDX) and the accuracy of an ONNX model on them
export { parseIdx, idxImageSet, type IdxArray, type ImageSet } from './data/idx.js';
export { IMAGE_DATASETS, IMAGE_DATASET_NAMES, imageDataset, loadImageSet, type ImageDatasetDef } from './data/image-datasets.js';
export { evaluateOnnx, checkModelFits, type Evaluation, type TensorDims } from './measure/evaluate-onnx.js';
