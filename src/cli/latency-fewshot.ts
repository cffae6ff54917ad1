// `latency pretrain` and `latency adapt` (NB201): a base made of known
// devices' latencies, and a predictor for a new device from K of its measurements (fewshot.ts).

import { resolve } from 'node:path';
import { readInputFile, resolveDataDir } from '../data/files.js';
import { loadLatBench } from '../data/device-latency.js';
import { listLatBenchDevices } from '../data/latbench.js';
import { regressionMetrics } from '../eval/metrics.js';
import { adaptLatency, basisToArtifact, buildLatencyBasis, DEFAULT_GCN_RULE, FewShotLatencyPredictor, GCN_RULES, gcnAutoDecision, loadLatencyBasis, predictAdapted, withoutDevices } from '../predictors/fewshot.js';
import { codeToVector, isValid, vectorToArchString } from '../spaces/nb201/cell.js';
import { prepareOutput, writeFileAtomic } from '../util/atomic-write.js';
import { provenance } from '../util/provenance.js';
import { Rng } from '../util/rng.js';
import { COMMON_OPTIONS, UsageError, choiceFlag, intFlag, parse } from './args.js';
import { FEWSHOT_CHOICES, chooseFewshotCells } from '../predictors/fewshot-select.js';
import { fitFewshotGcn, gcnLogTable } from '../predictors/fewshot-gcn.js';
import { createKernels, defaultThreads } from '../nn/backend.js';
import { LATENCY_TRAIN_CONFIG } from '../predictors/regressor.js';
import { interruptSignal } from '../util/interrupt.js';
import type { LatencyDataset } from '../data/latency-dataset.js';
import type { CliIo } from './command.js';
import { DataError } from '../util/errors.js';

export const FEWSHOT_HELP = `  brp-nas latency pretrain --devices all|NAME,NAME,...|FILE,... [--space nb201] --save BASE [--json]
      A base for new devices: the latencies of known devices (LatBench names, NB201 latency pickles
      or measured .jsonl files, pruned or whole cells) on every NB201 cell, each device's missing
      cells and the other kind of cell filled by its own layer-wise fit. 'all' is the 13 LatBench
      devices.

  brp-nas latency adapt --base BASE --device FILE|NAME --samples K [--space nb201] [--seed 0] [--choice spread|random]
                        [--gcn auto|always|never] [--threads 1|2] [--test FILE] [--save MODEL] [--json]
      A predictor for a new device from K of its measured cells: its log-latency as a non-negative
      ridge map of the base devices' (as they ran cells and had they run the other kind) and of the
      cells' FLOPs, shrunk toward the base devices' mean (the device itself is left out of the base
      when it is in it). The K cells are chosen among the file's cells as 'measure --select' chooses
      (spread: one seeded random cell per FLOPs stratum; random: a seeded random choice), so a file
      measured with 'measure --select spread --count K' is used whole. Evaluated on the file's other
      cells, or on --test FILE's cells (another measurement of the same device) that are not among
      the K; prints the keys of 'latency train --json' plus samples. --gcn always also trains the
      BRP-NAS latency GCN on the K alone (a fit of seconds; progress on stderr; --threads 1|2) and
      predicts the geometric mean of the two: better on devices the base describes poorly, worse on
      those it describes well. --gcn auto does so only when the base describes the device poorly as
      judged from the K alone: when the map fitted to all but one of them ranks the one left out,
      over the K, below a Spearman of 0.85 (K >= 3); it lifts the worst devices and costs the
      median up to 0.007. --gcn never (the default): the map alone. The JSON says whether the GCN ran (gcn)
      and the leave-one-out Spearman (loo_spearman: how well the base describes the device; below
      0.85, try --gcn auto or always). About 5-9 s at K = 10-20 with the GCN, 0.1 s without. The
      saved model works with 'latency predict' and 'search --latency-model'. (NB201; see
      BENCHMARKS.md, few-shot latency.)`;

export async function pretrain(argv: string[], io: CliIo): Promise<number> {
  const { values: v } = parse('latency pretrain', argv, { ...COMMON_OPTIONS, devices: { type: 'string' }, save: { type: 'string' }, space: { type: 'string' } });
  if (v.help) {
    io.out(FEWSHOT_HELP);
    return 0;
  }
  checkSpace(v.space, 'latency pretrain');
  if (typeof v.devices !== 'string' || v.devices.trim() === '') throw new UsageError('latency pretrain: --devices all|NAME,...|FILE,... is required');
  if (typeof v.save !== 'string') throw new UsageError('latency pretrain: --save BASE is required');
  const save = resolve(v.save);
  prepareOutput(save, '--save');
  const dataDir = resolveDataDir(v.data as string | undefined);
  const specs = v.devices === 'all' ? listLatBenchDevices(dataDir).filter((d) => !d.endsWith('-large')) : v.devices.split(',').map((s) => s.trim());
  const t0 = performance.now();
  const sets = specs.map((s) => loadLatBench(s, dataDir));
  const names = sets.map((s) => s.device);
  if (new Set(names).size !== names.length) throw new UsageError(`latency pretrain: a device is listed twice (${names.join(', ')})`);
  let basis;
  try {
    basis = buildLatencyBasis(sets);
  } catch (e) {
    throw new DataError((e as Error).message);
  }
  writeFileAtomic(save, basisToArtifact(basis, { provenance: provenance() }));
  const out = { devices: basis.devices, cells: basis.cells, count: basis.devices.length, seconds: (performance.now() - t0) / 1000, save };
  if (v.json) io.out(JSON.stringify(out));
  else io.out(`latency base of ${out.count} devices written to ${save} (${out.seconds.toFixed(1)} s)`);
  return 0;
}

export async function adapt(argv: string[], io: CliIo): Promise<number> {
  const { values: v } = parse('latency adapt', argv, { ...COMMON_OPTIONS, base: { type: 'string' }, device: { type: 'string' }, samples: { type: 'string' }, seed: { type: 'string' }, choice: { type: 'string' }, test: { type: 'string' }, save: { type: 'string' }, space: { type: 'string' }, gcn: { type: 'string' }, threads: { type: 'string' } });
  if (v.help) {
    io.out(FEWSHOT_HELP);
    return 0;
  }
  checkSpace(v.space, 'latency adapt');
  const gcnRule = choiceFlag(v.gcn, 'gcn', GCN_RULES, DEFAULT_GCN_RULE, 'latency adapt');
  if (v.threads !== undefined && gcnRule === 'never') throw new UsageError('latency adapt: --threads applies to the GCN, which --gcn never does not train (the map itself is a closed-form fit)');
  const threads = intFlag(v.threads as string | undefined, 'threads', defaultThreads(), 1, 2, 'latency adapt');
  if (typeof v.base !== 'string') throw new UsageError('latency adapt: --base BASE is required (from latency pretrain --save)');
  if (typeof v.device !== 'string') throw new UsageError('latency adapt: --device FILE|NAME is required');
  if (v.samples === undefined) throw new UsageError('latency adapt: --samples K is required (the measured architectures it adapts from)');
  const k = intFlag(v.samples as string, 'samples', 10, 0, 100000, 'latency adapt');
  if (k < 2) throw new DataError(`--samples ${k}: adapting needs at least 2 measured architectures`);
  const seed = intFlag(v.seed as string | undefined, 'seed', 0, 0, 2 ** 32 - 1, 'latency adapt');
  const choice = choiceFlag(v.choice, 'choice', FEWSHOT_CHOICES, 'spread', 'latency adapt');
  const save = typeof v.save === 'string' ? resolve(v.save) : undefined;
  if (save) prepareOutput(save, '--save');
  const dataDir = resolveDataDir(v.data as string | undefined);
  let base;
  try {
    base = loadLatencyBasis(readInputFile(v.base, 'latency base'), v.base);
  } catch (e) {
    throw new DataError((e as Error).message);
  }
  const ds = loadLatBench(v.device, dataDir);
  const usable = usableCells(ds);
  if (usable.codes.length < k) throw new DataError(`${ds.device}: ${usable.codes.length} usable measurements (connected cells), fewer than --samples ${k}`);
  const testSet = typeof v.test === 'string' ? loadLatBench(v.test, dataDir) : ds;
  if (testSet !== ds && (testSet.cell ?? 'pruned') !== (ds.cell ?? 'pruned')) throw new DataError(`--test ${v.test}: its networks ran ${testSet.cell ?? 'pruned'} cells, the device file's ran ${ds.cell ?? 'pruned'} cells: not the same kind of measurement`);
  let basis;
  try {
    basis = withoutDevices(base, (d) => d === ds.device || d === testSet.device);
  } catch (e) {
    throw new DataError((e as Error).message);
  }
  const chosen = chooseFewshotCells(usable.codes, k, new Rng(seed), choice, ds.cell ?? 'pruned');
  const secondsOf = new Map(Array.from(usable.codes, (c, i) => [c, usable.seconds[i]] as const));
  const t0 = performance.now();
  const chosenSeconds = Float64Array.from(chosen, (c) => secondsOf.get(c)!);
  let model = adaptLatency(basis, chosen, chosenSeconds);
  const decision = gcnAutoDecision(basis, chosen, chosenSeconds, model.lambda);
  const blend = gcnRule === 'always' || (gcnRule === 'auto' && decision.blend);
  if (blend) {
    const kernels = createKernels({ threads });
    try {
      const onEpoch = (e: { epoch: number; seconds: number }) => {
        if ((e.epoch + 1) % 25 === 0) io.err(`latency adapt --gcn: epoch ${e.epoch + 1}/${LATENCY_TRAIN_CONFIG.epochs} (${e.seconds.toFixed(2)} s each)`);
      };
      model = { ...model, gcnLogMs: gcnLogTable(fitFewshotGcn(chosen, chosenSeconds, ds.cell ?? 'pruned', seed, { kernels, signal: interruptSignal, onEpoch })) };
    } finally {
      kernels.dispose();
    }
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const taken = new Set(chosen);
  const rest = usableCells(testSet);
  const testIdx = Array.from(rest.codes.keys()).filter((i) => !taken.has(rest.codes[i]));
  const m = testIdx.length >= 2 ? regressionMetrics(predictAdapted(model, Int32Array.from(testIdx, (i) => rest.codes[i])), Float64Array.from(testIdx, (i) => rest.seconds[i])) : null;
  if (save) writeFileAtomic(save, new FewShotLatencyPredictor(model).toArtifact({ device: ds.device, samples: k, seed, choice, cells: Array.from(chosen), provenance: provenance() }));
  const out = {
    device: ds.device,
    base_devices: basis.devices.length,
    samples: k,
    seed,
    choice,
    lambda: model.lambda,
    gcn: blend,
    gcn_rule: gcnRule,
    loo_spearman: decision.looSpearman,
    within1: m?.within1 ?? null,
    within5: m?.within5 ?? null,
    within10: m?.within10 ?? null,
    rmse_ms: m ? m.rmse * 1e3 : null,
    spearman: m?.spearman ?? null,
    kendall: m?.kendall ?? null,
    train_seconds: trainSeconds,
    test_count: m?.count ?? 0,
    ...(testSet !== ds ? { test_source: testSet.source } : {}),
    ...(save ? { save } : {}),
  };
  if (v.json) io.out(JSON.stringify(out));
  else {
    const evalLine = m ? `on ${m.count} others: within +-10% ${(m.within10 * 100).toFixed(1)}%, Spearman ${m.spearman.toFixed(4)}, Kendall ${m.kendall.toFixed(4)}` : 'no other measured cells to evaluate on (give --test FILE)';
    io.out(`${ds.device}: adapted from ${k} measurements (${basis.devices.length} base devices, ridge ${model.lambda}${blend ? ', with a GCN on the K' : ''}${decision.looSpearman !== null ? `, leave-one-out Spearman ${decision.looSpearman.toFixed(3)}` : ''}); ${evalLine}${save ? `\n  model: ${save}` : ''}`);
  }
  return 0;
}

/**
 * The base is a latency table per device over every cell, which NB201 (15,625 cells, 13 LatBench
 * devices) has; the other spaces have neither tables nor enough devices (their measured datasets
 * train one-device predictors with latency train).
 */
function checkSpace(space: unknown, command: string): void {
  if (space !== undefined && space !== 'nb201') throw new UsageError(`${command}: --space ${String(space)}: few-shot adaptation covers nb201 (its devices' latency tables); train a predictor on a ${String(space)} device's measurements with latency train`);
}

/** A device's measurements of connected cells; a latency that is not finite and positive is an error. */
function usableCells(ds: LatencyDataset): { codes: Int32Array; seconds: Float64Array } {
  ds.seconds.forEach((x, i) => {
    if (!(x > 0) || !Number.isFinite(x)) throw new DataError(`${ds.source}: cell ${vectorToArchString(codeToVector(ds.codes[i]))} has latency ${x}; latencies must be finite and positive`);
  });
  const idx = Array.from(ds.codes.keys()).filter((i) => isValid(codeToVector(ds.codes[i])));
  return { codes: Int32Array.from(idx, (i) => ds.codes[i]), seconds: Float64Array.from(idx, (i) => ds.seconds[i]) };
}
