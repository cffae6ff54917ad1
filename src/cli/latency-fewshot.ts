// `latency pretrain` and `latency adapt` (issue 15, first version, NB201): a base made of known
// devices' latencies, and a predictor for a new device from K of its measurements (fewshot.ts).

import { resolve } from 'node:path';
import { DataError, readInputFile, resolveDataDir } from '../data/files.js';
import { loadLatBench } from '../data/device-latency.js';
import { listLatBenchDevices } from '../data/latbench.js';
import { regressionMetrics } from '../eval/metrics.js';
import { adaptLatency, basisToArtifact, buildLatencyBasis, DEFAULT_RIDGE, FewShotLatencyPredictor, loadLatencyBasis, predictAdapted, withoutDevices } from '../predictors/fewshot.js';
import { codeToVector, isValid } from '../spaces/nb201.js';
import { prepareOutput, writeFileAtomic } from '../util/atomic-write.js';
import { provenance } from '../util/provenance.js';
import { Rng } from '../util/rng.js';
import { COMMON_OPTIONS, UsageError, intFlag, parse } from './args.js';
import type { CliIo } from './command.js';

export const FEWSHOT_HELP = `  brp-nas latency pretrain --devices all|NAME,NAME,...|FILE,... --save BASE [--json]
      A base for new devices: the latencies of known devices (LatBench names, NB201 latency pickles
      or measured .jsonl files) on every NB201 cell, each device's missing cells filled by its own
      layer-wise fit. 'all' is the 13 LatBench devices.

  brp-nas latency adapt --base BASE --device FILE|NAME --samples K [--seed 0] [--lambda 0.01|loo]
                        [--save MODEL] [--json]
      A predictor for a new device from K of its measured cells (a seeded random choice): its
      log-latency as a ridge-regularised linear map of the base devices' (the device itself is left
      out of the base when it is in it). Evaluated on all its other measured cells; prints the keys of
      'latency train --json' plus samples. The saved model works with 'latency predict' and
      'search --latency-model'. (First version: NB201; see BENCHMARKS.md, few-shot latency.)`;

export async function pretrain(argv: string[], io: CliIo): Promise<number> {
  const { values: v } = parse('latency pretrain', argv, { ...COMMON_OPTIONS, devices: { type: 'string' }, save: { type: 'string' } });
  if (v.help) {
    io.out(FEWSHOT_HELP);
    return 0;
  }
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
  const out = { devices: basis.devices, count: basis.devices.length, seconds: (performance.now() - t0) / 1000, save };
  if (v.json) io.out(JSON.stringify(out));
  else io.out(`latency base of ${out.count} devices written to ${save} (${out.seconds.toFixed(1)} s)`);
  return 0;
}

export async function adapt(argv: string[], io: CliIo): Promise<number> {
  const { values: v } = parse('latency adapt', argv, { ...COMMON_OPTIONS, base: { type: 'string' }, device: { type: 'string' }, samples: { type: 'string' }, seed: { type: 'string' }, lambda: { type: 'string' }, save: { type: 'string' } });
  if (v.help) {
    io.out(FEWSHOT_HELP);
    return 0;
  }
  if (typeof v.base !== 'string') throw new UsageError('latency adapt: --base BASE is required (from latency pretrain --save)');
  if (typeof v.device !== 'string') throw new UsageError('latency adapt: --device FILE|NAME is required');
  if (v.samples === undefined) throw new UsageError('latency adapt: --samples K is required (the measured architectures it adapts from)');
  const k = intFlag(v.samples as string, 'samples', 10, 0, 100000, 'latency adapt');
  if (k < 2) throw new DataError(`--samples ${k}: adapting needs at least 2 measured architectures`);
  const seed = intFlag(v.seed as string | undefined, 'seed', 0, 0, 2 ** 32 - 1, 'latency adapt');
  let lambda: number | 'loo' = DEFAULT_RIDGE;
  if (v.lambda !== undefined) {
    const n = Number(v.lambda);
    if (v.lambda === 'loo') lambda = 'loo';
    else if (typeof v.lambda === 'string' && v.lambda.trim() !== '' && Number.isFinite(n) && n > 0) lambda = n;
    else throw new UsageError(`latency adapt: --lambda must be a positive number or loo, got ${JSON.stringify(v.lambda)}`);
  }
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
  const usable = Array.from(ds.codes.keys()).filter((i) => isValid(codeToVector(ds.codes[i])) && ds.seconds[i] > 0 && Number.isFinite(ds.seconds[i]));
  if (usable.length < k + 2) throw new DataError(`${ds.device}: ${usable.length} usable measurements; adapting from ${k} and testing on the rest needs at least ${k + 2}`);
  let basis;
  try {
    basis = withoutDevices(base, (d) => d === ds.device);
  } catch (e) {
    throw new DataError((e as Error).message);
  }
  const order = new Rng(seed).shuffle(Int32Array.from(usable));
  const train = order.subarray(0, k);
  const test = order.subarray(k);
  const t0 = performance.now();
  const model = adaptLatency(basis, Int32Array.from(train, (i) => ds.codes[i]), Float64Array.from(train, (i) => ds.seconds[i]), { lambda });
  const trainSeconds = (performance.now() - t0) / 1000;
  const pred = predictAdapted(model, Int32Array.from(test, (i) => ds.codes[i]));
  const m = regressionMetrics(pred, Float64Array.from(test, (i) => ds.seconds[i]));
  if (save) writeFileAtomic(save, new FewShotLatencyPredictor(model).toArtifact({ device: ds.device, samples: k, seed, provenance: provenance() }));
  const out = { device: ds.device, base_devices: basis.devices.length, samples: k, seed, lambda: model.lambda, within1: m.within1, within5: m.within5, within10: m.within10, rmse_ms: m.rmse * 1e3, spearman: m.spearman, kendall: m.kendall, train_seconds: trainSeconds, test_count: m.count, ...(save ? { save } : {}) };
  if (v.json) io.out(JSON.stringify(out));
  else io.out(`${ds.device}: adapted from ${k} measurements (${basis.devices.length} base devices, ridge ${model.lambda}); on ${m.count} others: within +-10% ${(m.within10 * 100).toFixed(1)}%, Spearman ${m.spearman.toFixed(4)}, Kendall ${m.kendall.toFixed(4)}${save ? `\n  model: ${save}` : ''}`);
  return 0;
}
