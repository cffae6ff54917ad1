// A lab device's latency predictor, in stages. A phone should have a useful predictor a minute or
// two after it starts, not after 100 networks: on NB201 the lab measures first the K cells that
// `measure --select spread` chooses, and at K adapts the LatBench base to them (`latency adapt`,
// the base made once by `latency pretrain` and kept beside the models). At each --train-at count it
// trains the configured predictor (`latency train`) and keeps it only where it beats the adapted one
// on the same held-out cells of the device itself: the trained predictor's test cells, less the K
// the adapted one learned from. Every step runs as a child process, so the server keeps answering.

import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDeviceLatency } from '../data/device-latency.js';
import { resolveDataDir } from '../data/files.js';
import { regressionMetrics } from '../eval/metrics.js';
import { latencySplit, loadLatencyPredictor } from '../predictors/latency.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { Rng } from '../util/rng.js';

const BIN = fileURLToPath(new URL('../../../bin/brp-nas.js', import.meta.url));
/** The seed of a device's trained predictor, whose split the comparison redoes. */
const TRAIN_SEED = 0;

export interface Figures {
  spearman: number | null;
  within10: number | null;
  kendall: number | null;
  test_count: number;
}

export interface DevicePredictor extends Figures {
  /** The predictor the device gets: adapt, or the trained kind. */
  predictor: string;
  /** Networks measured when it was made. */
  measured: number;
  path: string;
  /** Each candidate's figures on the cells they were compared on (null: it was not made). */
  candidates?: Record<string, Figures | null>;
  /** How the figures were obtained, in words. */
  note?: string;
}

export interface StageOptions {
  /** The lab's directory (models go to DIR/models). */
  dir: string;
  id: string;
  dataset: string;
  /** Networks measured now. */
  n: number;
  /** The predictor trained at --train-at counts. */
  predictor: 'auto' | 'gcn' | 'layerwise' | 'flops';
  /** Cells adapted from (0: no adaptation stage). */
  fewshot: number;
  seed: number;
}

/** The stage due at `n` measurements, given what the device has: adapt at K, train at each count. */
export function dueStage(n: number, fewshot: number, trainAt: readonly number[], have: DevicePredictor | null, adaptTried: boolean): 'adapt' | 'train' | null {
  const due = trainAt.filter((t) => n >= t).pop();
  if (due !== undefined && (!have || have.measured < due)) return 'train';
  if (fewshot > 0 && n >= fewshot && !have && !adaptTried) return 'adapt';
  return null;
}

function runCli(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(err.trim().split('\n').pop() || `${args.slice(0, 2).join(' ')} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!));
      } catch {
        reject(new Error(`${args.slice(0, 2).join(' ')} printed no JSON result`));
      }
    });
  });
}

const figures = (r: Record<string, unknown>): Figures => ({ spearman: typeof r.spearman === 'number' ? r.spearman : null, within10: typeof r.within10 === 'number' ? r.within10 : null, kendall: typeof r.kendall === 'number' ? r.kendall : null, test_count: typeof r.test_count === 'number' ? r.test_count : 0 });

/** One base per lab, made once (two devices reaching K together share the making). */
const bases = new Map<string, Promise<string>>();
function latbenchBase(models: string): Promise<string> {
  const path = join(models, 'latbench.base');
  let p = bases.get(path);
  if (!p) {
    p = existsSync(path) ? Promise.resolve(path) : runCli(['latency', 'pretrain', '--devices', 'all', '--save', `${path}.tmp`, '--json']).then(() => (renameSync(`${path}.tmp`, path), path));
    p.catch(() => bases.delete(path));
    bases.set(path, p);
  }
  return p;
}

/** Offer `file` as the device's predictor (DIR/models/<id>.model), atomically. */
function offer(models: string, id: string, file: string): string {
  const path = join(models, `${id}.model`);
  copyFileSync(file, `${path}.tmp`);
  renameSync(`${path}.tmp`, path);
  return path;
}

export async function runStage(stage: 'adapt' | 'train', o: StageOptions): Promise<DevicePredictor> {
  const models = join(o.dir, 'models');
  const adaptPath = join(models, `${o.id}.adapt.model`);
  if (stage === 'adapt') {
    const base = await latbenchBase(models);
    const r = await runCli(['latency', 'adapt', '--base', base, '--device', o.dataset, '--samples', String(o.fewshot), '--choice', 'spread', '--seed', String(o.seed), '--save', `${adaptPath}.tmp`, '--json']);
    renameSync(`${adaptPath}.tmp`, adaptPath);
    return { predictor: 'adapt', measured: o.n, ...figures(r), path: offer(models, o.id, adaptPath), candidates: { adapt: figures(r) }, note: `adapted from the ${o.fewshot} cells measured first; scored on the device's other measured cells (none yet at ${o.fewshot})` };
  }
  // 60% to train, 10% to stop early, the rest (at least 30%) to score on
  const trainedPath = join(models, `${o.id}.${o.predictor}.model`);
  const nTrain = Math.max(2, Math.floor(o.n * 0.6));
  const nValid = Math.max(1, Math.floor(o.n * 0.1));
  const r = await runCli(['latency', 'train', '--device', o.dataset, '--predictor', o.predictor, '--train', String(nTrain), '--valid', String(nValid), '--seed', String(TRAIN_SEED), '--save', `${trainedPath}.tmp`, '--no-plot', '--quiet', '--json']);
  renameSync(`${trainedPath}.tmp`, trainedPath);
  const trained = figures(r);
  // with --predictor auto, the kind latency train chose
  const kind = typeof r.predictor === 'string' ? r.predictor : o.predictor;
  if (!existsSync(adaptPath)) return { predictor: kind, measured: o.n, ...trained, path: offer(models, o.id, trainedPath), candidates: { [kind]: trained, adapt: null } };
  const paired = compareOnHeldOut(o, adaptPath, trainedPath, nTrain, nValid, trained.test_count);
  const winner = paired.trained.spearman !== null && paired.adapt.spearman !== null && paired.trained.spearman > paired.adapt.spearman ? kind : 'adapt';
  const chosen = winner === 'adapt' ? paired.adapt : paired.trained;
  return {
    predictor: winner,
    measured: o.n,
    ...chosen,
    path: offer(models, o.id, winner === 'adapt' ? adaptPath : trainedPath),
    candidates: { adapt: paired.adapt, [kind]: paired.trained },
    note: `both scored on the same ${chosen.test_count} held-out cells: ${kind}'s test cells less the ${o.fewshot} adapted from`,
  };
}

/** Both predictors on the trained one's test cells (its split, redone here) less the adapted one's cells. */
function compareOnHeldOut(o: StageOptions, adaptPath: string, trainedPath: string, nTrain: number, nValid: number, testCount: number): { adapt: Figures; trained: Figures } {
  const loaded = loadDeviceLatency(o.dataset, resolveDataDirOrHere());
  if (!('nb201' in loaded)) throw new Error('few-shot adaptation covers nb201 datasets only');
  const ds = loaded.nb201;
  // latency train's own split of the device's dataset (its default grouped split, the seed it was given)
  const split = latencySplit(ds, nTrain, nValid, 'grouped', new Rng(TRAIN_SEED));
  if (split.test.length !== testCount) throw new Error(`the trained predictor reports ${testCount} test cells, the split redone here has ${split.test.length}: not the same split, so no paired comparison`);
  const adapt = loadLatencyPredictor(new Uint8Array(readFileSync(adaptPath)), adaptPath);
  const seen = new Set(((adapt.meta.cells as number[] | undefined) ?? []).map(Number));
  const idx = Array.from(split.test).filter((i) => !seen.has(ds.codes[i]));
  const codes = Int32Array.from(idx, (i) => ds.codes[i]);
  const truth = Float64Array.from(idx, (i) => ds.seconds[i]);
  const score = (pred: Float64Array): Figures => {
    const m = regressionMetrics(pred, truth);
    return { spearman: m.spearman, within10: m.within10, kendall: m.kendall, test_count: m.count };
  };
  const trained = loadLatencyPredictor(new Uint8Array(readFileSync(trainedPath)), trainedPath);
  return { adapt: score(Float64Array.from(adapt.predictSecondsOfCodes(codes))), trained: score(Float64Array.from(trained.predictSecondsOfCodes(codes))) };
}

/** The data directory if there is one (a measured file needs none). */
function resolveDataDirOrHere(): string {
  try {
    return resolveDataDir();
  } catch {
    return '.';
  }
}

export function saveDevicePredictor(dir: string, id: string, p: DevicePredictor): void {
  writeFileAtomic(join(dir, 'models', `${id}.json`), JSON.stringify(p, null, 1));
}
