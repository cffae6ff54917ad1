// `brp-nas search --trainer ...`: a search that really trains its candidates, through the coordinator
// (train/real-search.ts). This module only turns flags into a runner, a candidate list and options,
// and writes what came out: the result JSON, the accuracy-latency Pareto front (JSON + SVG).

import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { readInputFile, resolveDataDir } from '../data/files.js';
import { loadNb201Benchmark } from '../data/nb201-bench.js';
import { createKernels, defaultThreads } from '../nn/backend.js';
import { loadLatencyPredictor } from '../predictors/latency.js';
import { readTransferModel } from './transfer-model.js';
import { paretoSvg, plotBytes } from '../report/plots.js';
import { nb201SimBenchmark } from '../search/benchmark.js';
import { searchKey, strategyKnobs, type SearchSettings } from '../search/options.js';
import { allCodes, codeToVector, parseArch, vectorToArchString, vectorToCode } from '../spaces/nb201/cell.js';
import { paretoFront } from '../train/pareto.js';
import { getSpace } from '../spaces/registry.js';
import { ProcessRunner } from '../train/process-runner.js';
import { realSearchStreams, runRealSearch, TrainerFailingError, type CandidateReport, type SearchEvent } from '../train/real-search.js';
import type { TrainerRunner } from '../train/runner.js';
import { TABLE_TRAINERS, TableTrainer } from '../train/table-trainer.js';
import { QueueRunner } from '../train/queue-runner.js';
import { ortLatencyProbe, probingRunner } from '../train/latency-probe.js';
import { parseQueueUrl, QueueUrlError } from '../train/queue-url.js';
import { parseTrainerCommand, TrainerCommandError } from '../train/trainer-command.js';
import { resultOnnxPath } from '../train/trainer-output.js';
import { cellSvg } from '../report/cell-svg.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { EXIT_INTERRUPTED, interruptSignal } from '../util/interrupt.js';
import { dataFiles, provenance } from '../util/provenance.js';
import { UsageError, intFlag, numFlag, plural } from './args.js';
import type { CliIo } from './command.js';
import { DataError } from '../util/errors.js';
import { Eta, roundForDisplay } from '../util/eta.js';

export const REAL_SEARCH_HELP = `With --trainer, the search trains its candidates for real:
  --trainer "CMD {arch} ..."      the training command, run once per candidate without a shell; {arch}
                                  becomes the architecture string (one argument, whatever it contains),
                                  {out} a directory of the candidate's own, {index}, {seed}, {attempt}
                                  likewise. Its last line of stdout is a JSON object: "accuracy" (required,
                                  higher is better), "latency_ms" (optional) and any other metrics.
                                  table:nb201 trains by looking up the NB201 table (needs --dataset): the
                                  same choices and values as the simulation's first run with this seed
  --state DIR                     where the journal, the per-candidate logs and the results go (required);
                                  the same command again continues an interrupted or crashed search
  --workers W                     candidates trained at once (default 1; may change between restarts)
  --timeout SEC                   wall-clock limit per attempt (default none)
  --retries N                     attempts after a failed one (timeout, non-zero exit, malformed
                                  result) before the candidate is marked failed (default 2)
  --queue redis://HOST:PORT[/DB][/NAME]
                                  instead of --trainer: candidates become BullMQ jobs that 'brp-nas worker'
                                  processes on any machine run (--workers then bounds the jobs in flight,
                                  default 256)
  --measure-latency               time each trained candidate's network with onnxruntime-node where it was
                                  trained (here; with --queue, on the worker: 'worker --measure-latency')
                                  when the trainer prints no latency_ms
  --lat-limit MS                  the selected model must measure (latency_ms) or be predicted
                                  (--latency-model, which also restricts the candidates) within MS
A search with --trainer is one run; the JSON adds "trained" and "failed" (distinct candidates).`;

/** Resolve a program like a shell does, to refuse a typo before anything starts. */
export function checkProgram(program: string, command = 'search'): void {
  const executable = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (program.includes('/')) {
    if (!executable(resolve(program))) throw new UsageError(`${command}: the trainer program ${program} is not an executable file`);
    return;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && executable(join(dir, program))) return;
  throw new UsageError(`${command}: the trainer program ${JSON.stringify(program)} is not on the PATH`);
}

export interface RealFlags {
  trainer?: string;
  queue?: string;
  state?: string;
  workers?: string;
  timeout?: string;
  retries?: string;
  threads?: string;
  data?: string;
  json?: boolean;
  quiet?: boolean;
  'measure-latency'?: boolean;
}

export async function runRealSearchCli(settings: SearchSettings, v: RealFlags, io: CliIo): Promise<number> {
  if (typeof v.state !== 'string') throw new UsageError('search: a search with real training needs --state DIR (the journal and logs that make it resumable)');
  if (v.queue !== undefined && v.trainer !== undefined) throw new UsageError('search: with --queue the workers run the training command (brp-nas worker --trainer ...); leave --trainer out');
  // with a queue, --workers bounds the jobs waiting or training at once
  const workers = intFlag(v.workers, 'workers', v.queue !== undefined ? 256 : 1, 1, 100000, 'search');
  const retries = intFlag(v.retries, 'retries', 2, 0, 100, 'search');
  const timeoutSec = v.timeout === undefined ? null : numFlag(v.timeout, 'timeout', 0, 0.001, 1e9, 'search');
  const threads = intFlag(v.threads, 'threads', defaultThreads(), 1, 2, 'search');
  const stateDir = resolve(v.state);
  if (existsSync(stateDir) && !statSync(stateDir).isDirectory()) throw new UsageError(`search: --state ${stateDir} is a file; give a directory`);
  const { strategy, budget, seed, space } = settings;
  const dataDir = resolveDataDir(v.data);

  let runner: TrainerRunner;
  let trainerId: string;
  // benchmark files a result depends on (the table trainer's; a latency model's is in the options)
  const dataFileList: string[] = [];
  if (v.queue !== undefined) {
    let address;
    try {
      address = parseQueueUrl(v.queue);
    } catch (e) {
      if (e instanceof QueueUrlError) throw new UsageError(`search: ${e.message}`);
      throw e;
    }
    runner = new QueueRunner(address, space, seed);
    trainerId = 'queue';
  } else if (v.trainer!.startsWith('table:')) {
    trainerId = v.trainer!;
    if (!(TABLE_TRAINERS as readonly string[]).includes(trainerId)) throw new UsageError(`search: unknown table trainer ${JSON.stringify(v.trainer)}; known: ${TABLE_TRAINERS.join(', ')}`);
    if (space !== 'nb201') throw new UsageError(`search: --trainer ${v.trainer} trains NB201 cells, not --space ${space}`);
    if (settings.dataset === null) throw new UsageError(`search: --trainer ${v.trainer} needs --dataset (which table column to reveal)`);
    const bench = loadNb201Benchmark(dataDir, { devices: 'none' });
    dataFileList.push(...bench.sources.map((x) => join(dataDir, x.file)));
    runner = new TableTrainer(nb201SimBenchmark(bench, settings.dataset), realSearchStreams(seed).reveal);
  } else {
    trainerId = v.trainer!;
    let cmd;
    try {
      cmd = parseTrainerCommand(trainerId);
    } catch (e) {
      if (e instanceof TrainerCommandError) throw new UsageError(`search: --trainer: ${e.message}`);
      throw e;
    }
    checkProgram(cmd.words[0]);
    runner = new ProcessRunner(cmd, seed);
  }

  if (v['measure-latency']) {
    if (v.queue !== undefined) throw new UsageError("search: with --queue the workers measure latency on their own devices: start them with 'brp-nas worker --measure-latency'");
    if (trainerId.startsWith('table:')) throw new UsageError('search: --measure-latency needs networks that were trained here, not a table trainer');
    runner = probingRunner(runner, ortLatencyProbe(1), space);
  }
  // the queue's address may change between restarts (Redis moved); the kind of trainer may not
  const identity = { ...searchKey(settings), trainer: trainerId };
  // a finished search answers from its result at once: a replay of the whole journal would only
  // recompute what result.json already says (and took minutes on long searches)
  const done = finishedResult(join(stateDir, 'result.json'), identity);
  if (done) {
    io.err(`brp-nas search: ${stateDir} holds a finished search with these options; its result is unchanged (delete the directory to search again)`);
    printSummary(done, io, !!v.json);
    return 0;
  }
  // a latency model predicts every NB201 cell once: it restricts the candidates and fills the Pareto front
  let candidates: string[] | undefined;
  let predictMs: ((arch: string) => number) | undefined;
  if (settings.latencyModel !== null) {
    const predictor = loadLatencyPredictor(readInputFile(settings.latencyModel, 'latency model'), settings.latencyModel);
    const codes = allCodes({ validOnly: true });
    const seconds = predictor.predictSecondsOfCodes(codes);
    const byCode = new Map<number, number>();
    codes.forEach((c, i) => byCode.set(c, seconds[i] * 1e3));
    predictMs = (arch) => byCode.get(vectorToCode(parseArch(arch)))!;
    if (settings.latLimitMs !== null) {
      candidates = Array.from(codes).filter((c) => byCode.get(c)! <= settings.latLimitMs!).map((c) => vectorToArchString(codeToVector(c)));
      if (candidates.length < budget) throw new DataError(`only ${candidates.length} cells are predicted within ${settings.latLimitMs} ms, fewer than the budget ${budget}`);
    }
  }
  const transferBody = settings.transfer !== null ? readTransferModel(settings.transfer).body : undefined;
  const kernels = strategy === 'brp' || strategy === 'gcn' ? createKernels({ threads }) : undefined;
  let eta = new Eta(budget);
  const progress = (e: SearchEvent) => {
    if (v.quiet) return;
    if (e.kind === 'resume') {
      eta = new Eta(budget, e.done);
      io.err(`brp-nas search: resuming ${stateDir}: ${plural(e.done, 'candidate')} finished, ${e.running} still training (adopted), from ${plural(e.records, 'journal record')}${e.repairedTail ? ' (a torn last record from a crash was dropped)' : ''}`);
    } else if (e.kind === 'result') io.err(`[${e.trained}/${e.budget}] #${e.index}${e.retrainOf ? ` (#${e.retrainOf} again, seed + 1)` : ''} accuracy ${roundForDisplay(e.accuracy)}  ${e.arch}  ${eta.text(e.trained)}`.trimEnd());
    else if (e.kind === 'error') io.err(`#${e.index} attempt ${e.attempt} failed (${e.reason}): ${e.detail}${e.willRetry ? '; retrying' : '; giving up on it'}`);
  };
  let outcome;
  try {
    outcome = await runRealSearch({
      search: { space, strategy, budget: budget - settings.finalRetrain, seed, ...strategyKnobs(settings), candidates, transferBody, kernels },
      finalRetrain: settings.finalRetrain,
      runner,
      stateDir,
      workers,
      retries,
      timeoutMs: timeoutSec === null ? null : timeoutSec * 1000,
      identity,
      latLimitMs: settings.latLimitMs,
      predictMs,
      signal: interruptSignal,
      onEvent: progress,
    });
  } catch (e) {
    if (e instanceof TrainerFailingError) throw new DataError(e.message);
    throw e;
  } finally {
    kernels?.dispose();
  }

  const limit = settings.latLimitMs;
  const feasible = (c: CandidateReport) => limit === null || (c.latency_ms !== null && c.latency_ms <= limit);
  // a model trained again (--final-retrain) counts with the mean of its trainings; the pick is among those when any finished
  const again = new Map<number, number[]>();
  for (const r of outcome.retrained) if (r.status === 'trained') again.set(r.retrain_of!, [...(again.get(r.retrain_of!) ?? []), r.accuracy!]);
  const score = (c: CandidateReport) => { const xs = [c.accuracy!, ...(again.get(c.index) ?? [])]; return xs.reduce((a, b) => a + b, 0) / xs.length; };
  const pick = (cs: CandidateReport[]) => cs.reduce<CandidateReport | null>((a, c) => (a === null || c.accuracy! > a.accuracy! ? c : a), null);
  const retrainedPool = outcome.trained.filter((c) => again.has(c.index) && feasible(c));
  const selected = retrainedPool.length ? retrainedPool.reduce((a, c) => (score(c) > score(a) ? c : a)) : pick(outcome.trained.filter(feasible));
  const best = pick(outcome.trained);
  const testOf = (c: CandidateReport) => (typeof c.metrics.test_accuracy === 'number' ? c.metrics.test_accuracy : c.accuracy!);
  const values = (c: CandidateReport | null) => (c ? { arch: c.arch, validation: score(c), test: testOf(c), percentile: null, latency_ms: c.latency_ms } : null);
  // the best accuracy after each trained model, as the simulation's curves
  const curve: number[] = [];
  for (const c of outcome.trained) curve.push(Math.max(curve.length ? curve[curve.length - 1] : -Infinity, c.accuracy!));
  const allHaveTest = outcome.trained.length > 0 && outcome.trained.every((c) => typeof c.metrics.test_accuracy === 'number');
  const withLatency = outcome.trained.filter((c) => c.latency_ms !== null) as (CandidateReport & { latency_ms: number })[];
  // the front is over latency where any is known (measured or predicted); otherwise over the cost model's FLOPs
  const spaceDef = getSpace(space);
  const byLatency = withLatency.length > 0;
  const points = (byLatency ? withLatency : outcome.trained).map((c) => ({ index: c.index, arch: c.arch, accuracy: c.accuracy!, latency_ms: byLatency ? c.latency_ms! : spaceDef.cost(spaceDef.parse(c.arch)).flops / 1e6, latency_source: byLatency ? c.latency_source : 'flops' }));
  const front = paretoFront(points);
  const resultPath = join(stateDir, 'result.json');
  const paretoPath = join(stateDir, 'pareto.json');
  const paretoPlot = join(stateDir, 'pareto.svg');
  const drawingPath = join(stateDir, 'selected.svg');
  const summary = {
    space,
    strategy,
    dataset: settings.dataset,
    budget,
    runs: 1,
    seed,
    final_test_mean: selected?.accuracy ?? null,
    final_test_se: 0,
    final_selected_test_mean: selected ? testOf(selected) : null,
    final_selected_test_se: 0,
    global_best_test: null,
    pool_size: outcome.candidates,
    final_percentile_mean: null,
    reached_global_best: null,
    per_run: [{ selected: values(selected), best_found: values(best) }],
    // the model to deploy: the best validation accuracy (within --lat-limit), with what its trainer wrote
    selected: selected ? { arch: selected.arch, accuracy: selected.accuracy, ...(again.has(selected.index) ? { validation_mean: score(selected), validation_runs: [selected.accuracy!, ...again.get(selected.index)!] } : {}), latency_ms: selected.latency_ms, latency_source: selected.latency_source, metrics: selected.metrics, onnx: resultOnnxPath(selected.metrics, join(selected.dir, 'out')) ?? null, dir: selected.dir, drawing: drawingPath } : null,
    trained: outcome.trained.length,
    ...(settings.finalRetrain ? { final_retrain: { asked: settings.finalRetrain, trained: outcome.retrained.filter((r) => r.status === 'trained').length, of: outcome.retrained.map((r) => r.retrain_of) } } : {}),
    failed: outcome.failed.length,
    ...(outcome.pending.length ? { pending: outcome.pending.length } : {}),
    ...(allHaveTest ? { oracle: { final_test_mean: Math.max(...outcome.trained.map(testOf)), final_selected_test_mean: best ? testOf(best) : null, note: trainerId.startsWith('table:') ? 'test_accuracy from the table trainer: the benchmark\'s mean test accuracy' : 'test_accuracy as the trainer reported it (the test set is not used to choose)' } } : {}),
    ...(limit !== null ? { latency: { limit_ms: limit, feasible_trained: outcome.trained.filter(feasible).length } } : {}),
    trainer: runner.describe,
    workers,
    state: stateDir,
    result: resultPath,
    ...(points.length ? { pareto: paretoPath, pareto_plot: paretoPlot } : {}),
    seconds: outcome.seconds,
    ...(outcome.interrupted ? { interrupted: true } : {}),
  };
  writeFileAtomic(resultPath, JSON.stringify({ ...summary, options: identity, curve, candidates: [...outcome.trained, ...outcome.failed, ...outcome.pending, ...outcome.retrained].sort((a, b) => a.index - b.index), provenance: provenance(), ...(dataFileList.length ? { data: { dir: dataDir, files: dataFiles(dataFileList) } } : {}) }, null, 1));
  if (selected) writeFileAtomic(drawingPath, cellSvg(spaceDef.draw(spaceDef.parse(selected.arch)), { title: `the selected model (${spaceDef.title})` }));
  if (points.length) {
    const cost = byLatency ? 'latency_ms' : 'mflops';
    const rename = (p: (typeof points)[number]) => ({ index: p.index, arch: p.arch, accuracy: p.accuracy, [cost]: p.latency_ms, ...(byLatency ? { latency_source: p.latency_source } : {}) });
    writeFileAtomic(paretoPath, JSON.stringify({ options: identity, provenance: provenance(), cost: byLatency ? 'latency_ms (measured by the trainer or brp-nas, or predicted by --latency-model)' : `mflops: the ${spaceDef.title} cost model's multiply-accumulates (no latency was measured or predicted)`, limit_ms: limit, front: front.map(rename), points: points.map(rename) }, null, 1));
    const paretoSvgText = await paretoSvg(points.map((p) => ({ latency_ms: p.latency_ms, accuracy: p.accuracy, source: p.latency_source ?? 'unknown' })), front, { title: `${strategy} on ${space}: ${plural(points.length, 'trained model')}`, limitMs: byLatency ? limit : null, xLabel: byLatency ? 'latency (ms)' : 'MFLOPs (no latency known)' });
    writeFileAtomic(paretoPlot, paretoSvgText);
    writeFileAtomic(paretoPlot.replace(/\.svg$/, '.png'), plotBytes('pareto.png', paretoSvgText));
  }
  printSummary(summary, io, !!v.json);
  if (outcome.interrupted) {
    io.err(`brp-nas search: interrupted; the same command resumes from ${stateDir}`);
    return EXIT_INTERRUPTED;
  }
  return 0;
}

/** What a real search's result says, as the CLI prints it: one JSON object, or a few lines. */
interface RealSummary {
  space: string;
  strategy: string;
  dataset: string | null;
  trained: number;
  failed: number;
  trainer: string;
  seconds: number;
  interrupted?: boolean;
  per_run: { selected: { arch: string; validation: number; latency_ms: number | null } | null }[];
  selected?: { onnx: string | null; latency_source?: string | null; validation_runs?: number[] } | null;
  final_retrain?: { asked: number; trained: number };
  result: string;
  pareto?: string;
  pareto_plot?: string;
}

function printSummary(summary: RealSummary, io: CliIo, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(summary));
    return;
  }
  const sel = summary.per_run[0]?.selected;
  io.out(`${summary.strategy} on ${summary.space}${summary.dataset ? ` (${summary.dataset})` : ''} with ${summary.trainer}: ${plural(summary.trained, 'candidate')} trained, ${summary.failed} failed${summary.final_retrain ? `, the ${summary.final_retrain.asked} best trained again (${summary.final_retrain.trained} finished)` : ''}${summary.interrupted ? ' (interrupted)' : ''}, ${summary.seconds.toFixed(1)} s`);
  const source = summary.selected?.latency_source;
  const runs = summary.selected?.validation_runs;
  if (sel) io.out(`  selected: ${sel.arch}  accuracy ${roundForDisplay(sel.validation)}${runs ? ` (mean of ${runs.map(roundForDisplay).join(' and ')})` : ''}${sel.latency_ms !== null ? `  latency ${sel.latency_ms.toFixed(3)} ms${source ? ` (${source})` : ''}` : ''}`);
  if (summary.selected?.onnx) io.out(`  model: ${summary.selected.onnx}`);
  io.out(`  result: ${summary.result}${summary.pareto ? `\n  Pareto front: ${summary.pareto}, ${summary.pareto_plot}` : ''}`);
}

/**
 * The summary of a finished search in `path` (result.json) made with these options, or null: none
 * there, unreadable, other options, interrupted, or candidates still pending.
 */
export function finishedResult(path: string, identity: Record<string, unknown>): RealSummary | null {
  if (!existsSync(path)) return null;
  let old: Record<string, unknown>;
  try {
    old = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  if (JSON.stringify(old.options) !== JSON.stringify(identity) || old.interrupted || old.pending) return null;
  const { options: _o, curve: _c, candidates: _cs, provenance: _p, data: _d, ...summary } = old;
  return summary as unknown as RealSummary;
}
