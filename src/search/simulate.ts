// Simulated NAS on a benchmark table (search/benchmark.ts): "training" a model reveals a value
// (NB201: the validation accuracy of one of its seeds, a seeded draw per run, as a real training run
// would give one number). Per step we record the best oracle value among the models trained so far
// (the paper's oracle view: NB201's mean test accuracy) and the oracle value of the model a user
// would pick, the one with the best revealed value. Strategies only ever see revealed values.

import { meanSe, percentileOf } from '../eval/metrics.js';
import type { DisposableKernels } from '../nn/backend.js';
import { InterruptedError, type StopSignal } from '../util/stop.js';
import { Rng } from '../util/rng.js';
import { createStrategy } from './arch-search.js';
import type { SimBenchmark } from './benchmark.js';
import type { SearchStrategy } from './strategy.js';
import type { BrpLearnerOptions, GcnLearnerOptions } from './learners.js';
import type { StrategyName, WarmStart } from './options.js';

export { STRATEGIES, type StrategyName } from './options.js';

export interface SimulationOptions {
  benchmark: SimBenchmark;
  /** A name for the result (NB201: the dataset). */
  dataset: string;
  strategy: StrategyName;
  budget: number;
  runs: number;
  seed: number;
  rounds?: number;
  kernels?: () => DisposableKernels;
  brp?: Partial<BrpLearnerOptions>;
  gcn?: Partial<GcnLearnerOptions>;
  /** Body parameters to start the BRP predictor from (transfer from a latency predictor). */
  transferBody?: Float32Array;
  /** Propose one cell per isomorphism class, in every strategy (default true). */
  dedupe?: boolean;
  /** Predictor searches take all last-round picks from the predicted best (default true). */
  exploitLastRound?: boolean;
  /** Models in the first round of a predictor search, and how it is chosen (see ArchSearchOptions). */
  first?: number | null;
  warmStart?: WarmStart;
  explore?: number;
  local?: number;
  /** Of the budget, trainings spent at the end retraining the K best by validation (see simulateRun). */
  finalRetrain?: number;
  /** Latency constraint: predicted seconds per id (candidates need pred <= limit), true seconds per id (NaN = unknown). */
  constraint?: { limitSeconds: number; predicted: Float64Array; truth?: Float64Array };
  onRun?: (run: number, result: RunResult) => void;
  /** Results of runs already finished (a resumed simulation skips them, keeping the random streams). */
  resume?: RunResult[];
  /**
   * Polled between runs and during training; a stop ends the simulation early, dropping the run in
   * flight (the result covers the finished runs and says interrupted; none finished: InterruptedError).
   */
  signal?: StopSignal;
}

export interface RunResult {
  /** Best test accuracy among trained models after each step (oracle view). */
  bestTest: Float64Array;
  /** Test accuracy of the model with the best revealed validation accuracy after each step. */
  selectedTest: Float64Array;
  selectedCode: number;
  /** The trained cells in training order, and the validation accuracy each revealed. */
  trained: number[];
  revealed: number[];
  /** --final-retrain: which trained models (indices into `trained`) were trained again, and what that revealed. */
  retrained?: { index: number; value: number }[];
  /** 1-based step at which the best candidate (by test accuracy) was trained, or null. */
  reachedGlobalBestAt: number | null;
  seconds: number;
}

export interface SimulationResult {
  strategy: StrategyName;
  dataset: string;
  budget: number;
  runs: number;
  seed: number;
  seconds: number;
  candidates: number;
  global_best_test: number;
  /** Candidates the search chose from, and which values it revealed and was judged by. */
  pool_size: number;
  benchmark: SimBenchmark['describe'];
  final_test_mean: number;
  final_test_se: number;
  final_selected_test_mean: number;
  final_selected_test_se: number;
  /** Mean over runs of the best found model's percentile in the pool by oracle value (100 = the best). */
  final_percentile_mean: number;
  /** Mean and standard error per step (index = trained models - 1). */
  curve_mean: number[];
  curve_se: number[];
  selected_curve_mean: number[];
  selected_curve_se: number[];
  reached_global_best: { runs: number; mean_models: number | null };
  /** Wall time of each run (seconds). */
  run_seconds: number[];
  latency?: { limit_ms: number; feasible_candidates: number; selected_truly_feasible_share: number | null };
  /** Per run: the validation-selected and the best-found architecture, and everything trained. */
  per_run: RunDetail[];
  interrupted?: boolean;
}

export interface ArchValues {
  arch: string;
  /** What training revealed (NB201: validation accuracy, %). */
  validation: number;
  /** The oracle value, which only the report sees (NB201: mean test accuracy, %). */
  test: number;
  /** Share of the pool with an oracle value at most this one's (%). */
  percentile: number;
}

export interface RunDetail {
  /** The model with the best revealed validation accuracy: what a user would deploy. */
  selected: ArchValues;
  /** The model with the best test accuracy among those trained (the oracle view). */
  best_found: ArchValues;
  reached_global_best_at: number | null;
  seconds: number;
  /** Architectures in training order, with their revealed validation accuracies. */
  trained: string[];
  revealed: number[];
  /** --final-retrain: the models trained again (indices into `trained`) and what the second training revealed. */
  retrained?: { index: number; value: number }[];
}

function runDetail(r: RunResult, test: (code: number) => number, format: (id: number) => string, percentile: (v: number) => number): RunDetail {
  // a retrained model's validation is the mean of its two trainings
  const again = new Map((r.retrained ?? []).map((x) => [x.index, x.value]));
  const validation = (i: number) => (again.has(i) ? (r.revealed[i] + again.get(i)!) / 2 : r.revealed[i]);
  const at = (i: number): ArchValues => ({ arch: format(r.trained[i]), validation: validation(i), test: test(r.trained[i]), percentile: percentile(test(r.trained[i])) });
  let best = 0;
  for (let i = 1; i < r.trained.length; i++) if (test(r.trained[i]) > test(r.trained[best])) best = i;
  const sel = r.trained.indexOf(r.selectedCode);
  return { selected: at(sel), best_found: at(best), reached_global_best_at: r.reachedGlobalBestAt, seconds: r.seconds, trained: r.trained.map(format), revealed: r.revealed, ...(r.retrained ? { retrained: r.retrained } : {}) };
}


/** The candidates (within the latency constraint, if any), their oracle values sorted, and the best. */
function candidatePool(opts: SimulationOptions): { candidates: Int32Array; poolValues: Float64Array; globalBest: number } {
  const { benchmark, budget } = opts;
  const cand: number[] = [];
  for (const c of benchmark.candidates) {
    if (opts.constraint && !(opts.constraint.predicted[c] <= opts.constraint.limitSeconds)) continue;
    cand.push(c);
  }
  if (cand.length < budget) throw new Error(`only ${cand.length} candidates satisfy the constraints, fewer than the budget ${budget}`);
  const candidates = Int32Array.from(cand);
  let globalBest = -Infinity;
  const poolValues = Float64Array.from(candidates, (c) => benchmark.oracle(c)).sort();
  for (const v of poolValues) globalBest = Math.max(globalBest, v);
  return { candidates, poolValues, globalBest };
}

/**
 * One run: the strategy trains `budget - retrain` models, each revealing the table's value; per step,
 * the best oracle value so far and the oracle value of the best revealed one. Then `retrain` more
 * trainings: the best by revealed value each reveal again (another seed), and the pick is the best
 * mean of two (one training per model makes the best revealed value an optimistic pick: the winner's
 * curse). A stop throws InterruptedError.
 */
function simulateRun(strategy: SearchStrategy, benchmark: SimBenchmark, budget: number, retrain: number, oracleRng: Rng, globalBest: number, signal?: StopSignal): Omit<RunResult, 'seconds'> {
  const bestTest = new Float64Array(budget);
  const selectedTest = new Float64Array(budget);
  let n = 0;
  let best = -Infinity;
  let bestVal = -Infinity;
  let selTest = NaN;
  let selCode = -1;
  let reached: number | null = null;
  const told = new Set<number>();
  const trained: number[] = [];
  const revealed: number[] = [];
  const searched = budget - retrain;
  while (n < searched) {
    if (signal?.stopped) throw new InterruptedError();
    const proposal = strategy.ask(searched - n);
    if (proposal.length === 0) throw new Error(`${strategy.name} proposed nothing after ${n} of ${searched} models`);
    const obs = [];
    for (const code of proposal) {
      if (told.has(code) || n >= searched) throw new Error(`${strategy.name} proposed ${code} twice or beyond the budget`);
      told.add(code);
      const val = benchmark.reveal(code, oracleRng);
      const test = benchmark.oracle(code);
      if (test > best) best = test;
      if (val > bestVal) {
        bestVal = val;
        selTest = test;
        selCode = code;
      }
      if (reached === null && test >= globalBest) reached = n + 1;
      bestTest[n] = best;
      selectedTest[n] = selTest;
      n++;
      trained.push(code);
      revealed.push(val);
      obs.push({ code, value: val });
    }
    strategy.tell(obs);
  }
  if (retrain === 0) return { bestTest, selectedTest, selectedCode: selCode, trained, revealed, reachedGlobalBestAt: reached };
  const top = trained.map((_, i) => i).sort((a, b) => revealed[b] - revealed[a] || a - b).slice(0, retrain);
  const retrained = top.map((index) => ({ index, value: benchmark.revealAgain(trained[index], revealed[index], oracleRng) }));
  const mean = (x: { index: number; value: number }) => revealed[x.index] + x.value;
  const pick = retrained.reduce((b, x) => (mean(x) > mean(b) ? x : b));
  for (let j = 0; j < retrain; j++, n++) {
    bestTest[n] = best;
    // the pick changes once every retraining is in
    if (j === retrain - 1) [selCode, selTest] = [trained[pick.index], benchmark.oracle(trained[pick.index])];
    selectedTest[n] = selTest;
  }
  return { bestTest, selectedTest, selectedCode: selCode, trained, revealed, retrained, reachedGlobalBestAt: reached };
}

export function simulateSearch(opts: SimulationOptions): SimulationResult {
  const t0 = performance.now();
  const { benchmark, budget } = opts;
  if (!Number.isInteger(budget) || budget < 2) throw new Error(`budget must be an integer >= 2, got ${budget}`);
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error(`runs must be a positive integer, got ${opts.runs}`);
  const retrain = opts.finalRetrain ?? 0;
  if (!Number.isInteger(retrain) || retrain < 0 || 2 * retrain > budget) throw new Error(`finalRetrain must be an integer from 0 to half the budget, got ${retrain}`);
  const pool = candidatePool(opts);
  const needsKernels = opts.strategy === 'brp' || opts.strategy === 'gcn';
  const kernels = needsKernels ? (opts.kernels ?? (() => { throw new Error('kernels factory required'); }))() : null;
  const master = new Rng(opts.seed);
  const runs: RunResult[] = [];
  let interrupted = false;
  try {
    for (let r = 0; r < opts.runs; r++) {
      const tr = performance.now();
      // every run forks its streams, resumed or not, so run r is the same in a search of any length
      const rng = master.fork();
      const oracleRng = master.fork();
      if (opts.resume && r < opts.resume.length) {
        runs.push(opts.resume[r]);
        continue;
      }
      if (opts.signal?.stopped) {
        interrupted = true;
        break;
      }
      const mark = kernels?.heap.mark();
      const strategy = createStrategy({ ...opts, budget: budget - retrain, kernels: kernels ?? undefined }, benchmark.domain, pool.candidates, rng);
      let run: Omit<RunResult, 'seconds'>;
      try {
        run = simulateRun(strategy, benchmark, budget, retrain, oracleRng, pool.globalBest, opts.signal);
      } catch (e) {
        if (!(e instanceof InterruptedError)) throw e;
        interrupted = true;
        break; // the run in flight is dropped; finished runs stand
      } finally {
        strategy.dispose?.();
        if (kernels && mark !== undefined) kernels.heap.release(mark);
      }
      const result: RunResult = { ...run, seconds: (performance.now() - tr) / 1000 };
      runs.push(result);
      opts.onRun?.(r, result);
    }
  } finally {
    kernels?.dispose();
  }
  if (runs.length === 0) throw interrupted ? new InterruptedError('the search was interrupted before any run finished') : new Error('the simulation stopped before any run finished');
  return summarize(opts, runs, pool, interrupted, t0);
}

/** The result of finished runs: means and standard errors at the budget and per step, and each run's picks. */
function summarize(opts: SimulationOptions, runs: RunResult[], pool: ReturnType<typeof candidatePool>, interrupted: boolean, t0: number): SimulationResult {
  const { benchmark, dataset, budget } = opts;
  const { candidates, poolValues, globalBest } = pool;
  const percentile = (v: number) => percentileOf(poolValues, v);
  const [fm, fse] = meanSe(runs.map((x) => x.bestTest[budget - 1]));
  const [sm, sse] = meanSe(runs.map((x) => x.selectedTest[budget - 1]));
  const curve = Array.from({ length: budget }, (_, s) => meanSe(runs.map((x) => x.bestTest[s])));
  const scurve = Array.from({ length: budget }, (_, s) => meanSe(runs.map((x) => x.selectedTest[s])));
  const reachedRuns = runs.filter((x) => x.reachedGlobalBestAt !== null);
  const out: SimulationResult = {
    strategy: opts.strategy,
    dataset,
    budget,
    runs: runs.length,
    seed: opts.seed,
    seconds: (performance.now() - t0) / 1000,
    candidates: candidates.length,
    global_best_test: globalBest,
    pool_size: candidates.length,
    benchmark: benchmark.describe,
    final_test_mean: fm,
    final_test_se: fse,
    final_selected_test_mean: sm,
    final_selected_test_se: sse,
    final_percentile_mean: runs.reduce((a, x) => a + percentile(x.bestTest[budget - 1]), 0) / runs.length,
    curve_mean: curve.map((x) => x[0]),
    curve_se: curve.map((x) => x[1]),
    selected_curve_mean: scurve.map((x) => x[0]),
    selected_curve_se: scurve.map((x) => x[1]),
    reached_global_best: { runs: reachedRuns.length, mean_models: reachedRuns.length ? reachedRuns.reduce((a, x) => a + x.reachedGlobalBestAt!, 0) / reachedRuns.length : null },
    run_seconds: runs.map((x) => x.seconds),
    per_run: runs.map((x) => runDetail(x, (c) => benchmark.oracle(c), (c) => benchmark.domain.format(c), percentile)),
    ...(interrupted ? { interrupted: true } : {}),
  };
  if (opts.constraint) out.latency = latencyOutcome(runs, opts.constraint, candidates.length);
  return out;
}

/** How many validation-selected models truly meet the latency limit (where their truth is known). */
function latencyOutcome(runs: RunResult[], constraint: NonNullable<SimulationOptions['constraint']>, feasible: number): NonNullable<SimulationResult['latency']> {
  let known = 0;
  let ok = 0;
  for (const x of runs) {
    const t = constraint.truth?.[x.selectedCode];
    if (t === undefined || Number.isNaN(t)) continue;
    known++;
    if (t <= constraint.limitSeconds) ok++;
  }
  return { limit_ms: constraint.limitSeconds * 1e3, feasible_candidates: feasible, selected_truly_feasible_share: known ? ok / known : null };
}
