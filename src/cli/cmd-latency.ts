import { resolve } from 'node:path';
import { readInputFile, resolveDataDir } from '../data/files.js';
import { loadDeviceLatency } from '../data/device-latency.js';
import { SPACE_LATENCY_PREDICTORS, loadSpaceLatencyPredictor, trainSpaceLatencyPredictor } from '../predictors/space-latency.js';
import { trainAutoLatencyPredictor, trainAutoSpaceLatencyPredictor, type CandidateFigures } from '../predictors/latency-auto.js';
import { decodeArtifact } from '../predictors/artifact.js';
import { createKernels, defaultThreads } from '../nn/backend.js';
import { LATENCY_PREDICTORS, LATENCY_PRIORS, LATENCY_SCHEDULES, LATENCY_SCHEDULE_NAMES, loadLatencyPredictor, trainLatencyPredictor, defaultLatencyPrior, type LatencyPredictorKind, type LatencyPrior } from '../predictors/latency.js';
import { LATENCY_TRAIN_CONFIG } from '../predictors/regressor.js';
import { plotBytes, PLOT_EXTENSIONS, scatterSvg } from '../report/plots.js';
import { NB201_CELL_MODES, parseArch, vectorToArchString } from '../spaces/nb201/cell.js';
import { prepareOutput, writeFileAtomic } from '../util/atomic-write.js';
import { SPLITS } from '../predictors/split.js';
import { provenance } from '../util/provenance.js';
import { EXIT_INTERRUPTED, interruptSignal } from '../util/interrupt.js';
import { COMMON_OPTIONS, UsageError, choiceFlag, intFlag, parse } from './args.js';
import type { CliCommand, CliIo } from './command.js';
import { FEWSHOT_HELP, adapt, pretrain } from './latency-fewshot.js';
import { Eta, formatDuration } from '../util/eta.js';

const TRAIN_HELP = `  brp-nas latency train --device DEVICE [--train 900] [--valid 100] [--seed 0]
                        [--predictor auto|gcn|mlp|flops|layerwise] [--schedule fast|paper] [--epochs N] [--split grouped|reference]
                        [--cell pruned|full] [--prior none|layerwise] [--save MODEL] [--plot FILE.svg|FILE.png | --no-plot]
                        [--threads 1|2] [--quiet] [--json]
      Train a latency predictor on one LatBench device (a device name, an official LatBench name,
      an unambiguous part of one, or a path to a latency pickle), on a seeded split: --train
      models, --valid validation models, every other measured model as the test set. The default
      grouped split keeps twin cells (equal encodings or isomorphic) on one side, so no test cell has
      a copy in the training set; --split reference is the authors' plain permutation. The FLOPs
      and layer-wise baselines are fitted on the training and validation models together (all the
      labelled models the GCN sees, as it uses the validation models for early stopping). Prints test
      metrics (share within +-1/5/10% relative error, RMSE in ms, Spearman, Kendall), writes a
      predicted-vs-measured scatter plot (default results/latency/<device>-<predictor>-seed<S>.svg)
      and, with --save, the trained predictor. Progress goes to stderr; Ctrl-C stops training
      within a step, still evaluates and saves the best weights so far, and exits 130.
      --cell says what the device ran of each cell, and every predictor encodes cells that way:
      pruned (only ops on input-output paths, as LatBench timed) or full (every op, dead edges
      included, as brp-nas measure's default networks). Default: what the dataset says (LatBench:
      pruned; a measured file: its --cell).
      --prior layerwise (gcn; mlp on NB201): fit the layer-wise sum on the training models first and
      train the network on what it leaves; the prediction is their sum. The network then learns only
      what per-op costs miss (on a device whose latency is nearly a sum of op costs, that is little).
      On NB201 the GCN also sees each op's cost in that sum as a node feature (JSON node_costs): it
      ranked at least as well so on the four design devices (BENCHMARKS.md). Default: layerwise for
      the GCN on whole NB201 cells, none otherwise.
      --schedule fast (the default) trains a 4 x 256 GCN for 150 epochs on a cosine schedule (under a
      minute a LatBench device on one core here); paper is the reference's configuration (4 x 600,
      batch 1, up to 250 epochs, plateau schedule, early stopping; a few minutes), which a GCN that
      starts a BRP-NAS search (search --transfer) needs. --epochs overrides either's epoch count.
      --threads: 1 by default with the fast schedule (its steps are too small for a second thread
      to pay), 2 with paper where the machine has two cores.
      --predictor auto (the default) fits the candidates on the same split (the GCN alone and on the
      layer-wise residual, with per-op costs on NB201, the layer-wise and the FLOPs fits), keeps the
      one with the best Spearman on the validation models (then within +-10%), and reports it as
      predictor, with every candidate's validation figures (candidates). For a fair choice the fits
      see only the training models while choosing; the chosen fit is refitted on training +
      validation. The test models play no part in the choice.

      A dataset measured on NB101 or DARTS networks (brp-nas measure --space nb101|darts) trains the
      same way with --predictor auto|gcn|flops|layerwise (default --train 400 --valid 50): a seeded random
      split (its architectures are distinct networks, so twins cannot straddle it); the layer-wise
      model is a linear fit over the space's per-layer features (NB101: MFLOPs per stack and layer
      type; DARTS: op counts per cell type and stride).`;

const PREDICT_HELP = `  brp-nas latency predict --model MODEL --arch ARCH [--arch ARCH ...] [--json]
      Predict the latency of architectures in milliseconds: NB201 cells (arch string, tuple or six
      op digits; a disconnected cell is refused, it is not a network), or NB101 / DARTS
      architectures for a model trained on such a dataset.`;

/** `latency --help`: the subcommands on one screen. */
const HELP = `Usage: brp-nas latency <train|predict|pretrain|adapt> [options]

  brp-nas latency train --device DEVICE [--predictor auto|gcn|mlp|flops|layerwise] [--save MODEL] [--json]
      Train a latency predictor on a device's measured latencies (a LatBench device, or a file
      measured by brp-nas measure) and score it on the device's other cells.
  brp-nas latency predict --model MODEL --arch ARCH [--arch ARCH ...] [--json]
      Predict the latency of architectures in milliseconds.
  brp-nas latency pretrain --devices all --save BASE
      A base for new devices, from the latencies of known devices.
  brp-nas latency adapt --base BASE --device FILE|NAME --samples K [--save MODEL] [--json]
      A predictor for a new device from K (10-20) of its measured cells.

Each subcommand's options: brp-nas latency SUBCOMMAND --help; all of them: brp-nas latency --help all`;

/** `latency --help all`: every subcommand's options. */
const HELP_ALL = `Usage: brp-nas latency <train|predict|pretrain|adapt> [options]

${TRAIN_HELP}

${PREDICT_HELP}

${FEWSHOT_HELP}`;

const TRAIN_OPTIONS = {
  ...COMMON_OPTIONS,
  device: { type: 'string' },
  train: { type: 'string' },
  valid: { type: 'string' },
  seed: { type: 'string' },
  predictor: { type: 'string' },
  epochs: { type: 'string' },
  split: { type: 'string' },
  save: { type: 'string' },
  plot: { type: 'string' },
  'no-plot': { type: 'boolean' },
  quiet: { type: 'boolean' },
  threads: { type: 'string' },
  cell: { type: 'string' },
  prior: { type: 'string' },
  schedule: { type: 'string' },
} as const;

const PREDICT_OPTIONS = {
  ...COMMON_OPTIONS,
  model: { type: 'string' },
  arch: { type: 'string', multiple: true },
} as const;

async function train(argv: string[], io: CliIo): Promise<number> {
  const { values: v } = parse('latency train', argv, TRAIN_OPTIONS);
  if (v.help) {
    io.out(TRAIN_HELP);
    return 0;
  }
  if (typeof v.device !== 'string') throw new UsageError('latency train: --device is required (a LatBench device name or a latency pickle)');
  const loaded = loadDeviceLatency(v.device, resolveDataDir(v.data as string | undefined));
  // NB101 / DARTS datasets (measured by brp-nas) train the space's predictors on a random split
  const other = 'other' in loaded ? loaded.other : null;
  const nb201 = 'nb201' in loaded ? loaded.nb201 : null;
  const picked = choiceFlag(v.predictor, 'predictor', [...(other ? SPACE_LATENCY_PREDICTORS : LATENCY_PREDICTORS), 'auto'] as const, 'auto');
  const auto = picked === 'auto';
  if (auto && v.prior !== undefined) {
    choiceFlag(v.prior, 'prior', LATENCY_PRIORS, 'none'); // a wrong value is said as such first
    throw new UsageError('latency train: --prior does not apply to --predictor auto (it tries the GCN with and without the layer-wise prior)');
  }
  // auto trains a GCN among its candidates: the GCN's flags apply
  const kind = (auto ? 'gcn' : picked) as LatencyPredictorKind;
  if (other && v.split !== undefined) throw new UsageError(`latency train: --split applies to nb201 datasets; a ${other.space.name} dataset is split at random (its architectures are distinct networks)`);
  const split = other ? 'random' : choiceFlag(v.split, 'split', SPLITS, 'grouped');
  if (other && v.cell !== undefined) throw new UsageError(`latency train: --cell applies to nb201 datasets, not ${other.space.name}`);
  const cell = other ? undefined : choiceFlag(v.cell, 'cell', NB201_CELL_MODES, nb201!.cell ?? 'pruned');
  const seed = intFlag(v.seed, 'seed', 0, 0, 2 ** 32 - 1);
  const nTrain = intFlag(v.train, 'train', other ? 400 : 900, 2);
  const nValid = intFlag(v.valid, 'valid', other ? 50 : 100, 0);
  if (kind === 'flops' || kind === 'layerwise') {
    // a least-squares fit has no epochs and runs on one thread: such flags would be silently ignored
    for (const flag of ['epochs', 'threads', 'schedule'] as const) if (v[flag] !== undefined) throw new UsageError(`latency train: --${flag} does not apply to --predictor ${kind} (a least-squares fit; only to ${other ? 'gcn' : 'gcn, mlp'})`);
  }
  // a prior belongs to the networks (the GCN; the MLP on NB201); anything else refuses --prior
  const neural = !auto && (kind === 'gcn' || (nb201 !== null && kind === 'mlp'));
  if (v.prior !== undefined && !neural) throw new UsageError(`latency train: --prior applies to --predictor gcn (and mlp on nb201 datasets)`);
  const prior = neural ? (choiceFlag(v.prior, 'prior', LATENCY_PRIORS, other ? 'none' : defaultLatencyPrior(kind, cell!)) as LatencyPrior) : null;
  const schedule = choiceFlag(v.schedule, 'schedule', LATENCY_SCHEDULE_NAMES, 'fast');
  const epochs = intFlag(v.epochs, 'epochs', { ...LATENCY_TRAIN_CONFIG, ...LATENCY_SCHEDULES[schedule].config }.epochs, 1, 100000);
  // the fast schedule's 256-wide steps are too small to gain from a second thread (measured: 45 s on
  // one, 54 s on two, the same model; BENCHMARKS.md)
  const threads = intFlag(v.threads, 'threads', schedule === 'paper' ? defaultThreads() : 1, 1, 2);
  const ds = other ? { device: other.device, source: other.source, count: other.archs.length, notes: other.notes } : { device: nb201!.device, source: nb201!.source, count: nb201!.codes.length, notes: nb201!.notes };
  const title = other ? `${ds.device} (${other.space.title})` : ds.device;
  for (const n of ds.notes ?? []) io.err(`brp-nas latency train: note: ${n}`);
  // outputs are checked before minutes of training
  if (typeof v.save === 'string') prepareOutput(resolve(v.save), '--save');
  if (typeof v.plot === 'string' && !PLOT_EXTENSIONS.some((e) => (v.plot as string).toLowerCase().endsWith(e))) throw new UsageError(`latency train: --plot ${v.plot}: the plot is written as .svg or .png`);
  if (typeof v.plot === 'string') prepareOutput(resolve(v.plot), '--plot');
  if (nTrain + nValid >= ds.count) throw new UsageError(`latency train: --train ${nTrain} + --valid ${nValid} leave no test models among the ${ds.count} of ${ds.device}`);

  let exp;
  let chosen: { name: string; prior: LatencyPrior | null; candidates: Record<string, CandidateFigures>; interrupted: boolean } | null = null;
  const kernels = createKernels({ threads });
  let eta = new Eta(epochs);
  try {
    const common = {
      kernels,
      seed,
      train: nTrain,
      valid: nValid,
      schedule,
      config: { epochs },
      signal: interruptSignal,
      onEpoch: (e: { epoch: number; trainLoss: number; validLoss: number; lr: number; seconds: number }) => {
        const left = eta.secondsLeft(e.epoch + 1);
        if (!v.quiet) io.err(`epoch ${e.epoch + 1}/${epochs}  train L1 ${e.trainLoss.toFixed(5)}  valid L1 sum ${e.validLoss.toFixed(4)}  lr ${e.lr.toExponential(2)}  ${e.seconds.toFixed(2)} s${left !== null && left >= 1 ? `  at most ${formatDuration(left)} left (early stopping may end it sooner)` : ''}`);
      },
    };
    const onCandidate = (name: string) => {
      eta = new Eta(epochs);
      if (!v.quiet) io.err(`brp-nas latency train: --predictor auto: fitting ${name}`);
    };
    if (auto) {
      const a = other ? trainAutoSpaceLatencyPredictor(other, common, onCandidate) : trainAutoLatencyPredictor(nb201!, { ...common, split: split as 'grouped' | 'reference', cell }, onCandidate);
      exp = a.experiment;
      chosen = { name: a.chosen.name, prior: a.chosen.prior ?? null, candidates: a.candidates, interrupted: a.interrupted };
    } else exp = other ? trainSpaceLatencyPredictor(other, { ...common, kind: kind as 'gcn' | 'flops' | 'layerwise', prior: prior ?? undefined }) : trainLatencyPredictor(nb201!, { ...common, kind, split: split as 'grouped' | 'reference', cell, prior: prior ?? undefined });
  } finally {
    kernels.dispose();
  }
  const interrupted = !!exp.report?.interrupted || !!chosen?.interrupted;
  if (interrupted) io.err('brp-nas latency train: interrupted; evaluating and saving the best weights so far');
  const m = exp.metrics;
  const result: Record<string, unknown> = {
    device: ds.device,
    ...(other ? { space: other.space.name } : {}),
    predictor: chosen ? chosen.name : kind,
    seed,
    split,
    ...(cell ? { cell } : {}),
    ...(prior ? { prior } : {}),
    ...(chosen?.prior ? { prior: chosen.prior } : {}),
    // the NB201 GCN on the residual sees each op's fitted cost (node-costs.ts)
    ...('nodeCosts' in exp && exp.nodeCosts ? { node_costs: true } : {}),
    ...(kind === 'gcn' || kind === 'mlp' || auto ? { schedule } : {}),
    ...(chosen ? { candidates: chosen.candidates, chosen_by: 'validation Spearman, then within +-10% (the test cells play no part)' } : {}),
    train_count: nTrain,
    valid_count: nValid,
    test_count: m.count,
    within1: m.within1,
    within5: m.within5,
    within10: m.within10,
    rmse_ms: m.rmse * 1e3,
    spearman: m.spearman,
    kendall: m.kendall,
    train_seconds: exp.trainSeconds,
    threads,
    source: ds.source,
    commit: provenance().commit,
  };
  if (exp.report) {
    result.epochs = exp.report.epochs;
    result.best_epoch = exp.report.bestEpoch + 1;
    result.steps = exp.report.steps;
    result.stopped_early = exp.report.stoppedEarly;
    result.seconds_per_epoch = exp.report.history.reduce((a, e) => a + e.seconds, 0) / exp.report.epochs;
  }
  if (interrupted) result.interrupted = true;
  if (typeof v.save === 'string') {
    const path = resolve(v.save);
    writeFileAtomic(path, exp.predictor.toArtifact({ device: ds.device, seed, train: nTrain, valid: nValid, metrics: result }));
    result.model = path;
  }
  if (!v['no-plot']) {
    const path = resolve(typeof v.plot === 'string' ? v.plot : `results/latency/${ds.device}${other ? `-${other.space.name}` : ''}-${chosen ? `auto-${chosen.name.replace('+', '-')}` : kind}${prior === 'layerwise' ? '-prior-layerwise' : ''}-seed${seed}.svg`);
    const ms = (a: Float64Array) => Float64Array.from(a, (x) => x * 1e3);
    const svg = await scatterSvg(ms(exp.testTrue), ms(exp.testPred), {
      title: `${title}: ${chosen ? `${chosen.name} (chosen by --predictor auto)` : kind}, ${nTrain} training models, seed ${seed} (Spearman ${m.spearman.toFixed(3)})`,
      xLabel: 'measured latency (ms)',
      yLabel: 'predicted latency (ms)',
      identity: true,
    });
    writeFileAtomic(path, plotBytes(path, svg));
    result.plot = path;
  }
  if (v.json) io.out(JSON.stringify(result));
  else {
    if (chosen) io.out(`--predictor auto chose ${chosen.name}; validation Spearman / within +-10%: ${Object.entries(chosen.candidates).map(([n, f]) => `${n} ${f.valid_spearman?.toFixed(4) ?? '-'} / ${f.valid_within10 !== null ? (f.valid_within10 * 100).toFixed(1) + '%' : '-'}`).join(', ')}`);
    io.out(`${title} ${chosen ? chosen.name : kind} (seed ${seed}, ${split} split: ${exp.split.train.length} train / ${exp.split.valid.length} valid / ${m.count} test), trained in ${exp.trainSeconds.toFixed(1)} s${interrupted ? ' (interrupted)' : ''}`);
    io.out(`  within +-1% ${(m.within1 * 100).toFixed(1)}%  +-5% ${(m.within5 * 100).toFixed(1)}%  +-10% ${(m.within10 * 100).toFixed(1)}%  RMSE ${(m.rmse * 1e3).toFixed(4)} ms  Spearman ${m.spearman.toFixed(4)}  Kendall ${m.kendall.toFixed(4)}`);
    if (result.model) io.out(`  model: ${result.model}`);
    if (result.plot) io.out(`  plot: ${result.plot}`);
  }
  return interrupted ? EXIT_INTERRUPTED : 0;
}

async function predict(argv: string[], io: CliIo): Promise<number> {
  const { values: v } = parse('latency predict', argv, PREDICT_OPTIONS);
  if (v.help) {
    io.out(PREDICT_HELP);
    return 0;
  }
  if (typeof v.model !== 'string') throw new UsageError('latency predict: --model is required');
  const archs = (v.arch as unknown as string[] | undefined) ?? [];
  if (archs.length === 0) throw new UsageError('latency predict: give at least one --arch');
  const bytes = readInputFile(v.model, 'latency model');
  const space = String(decodeArtifact(bytes, v.model).header.space ?? 'nb201');
  if (space !== 'nb201') {
    const p = loadSpaceLatencyPredictor(bytes, v.model);
    const parsed = archs.map((a) => p.space.parse(a));
    const ms = Float64Array.from(p.predictSeconds(parsed), (x) => x * 1e3);
    const out = parsed.map((a, i) => ({ arch: p.space.format(a), latency_ms: ms[i] }));
    if (v.json) io.out(JSON.stringify(out.length === 1 ? out[0] : out));
    else for (const r of out) io.out(`${r.latency_ms.toFixed(4)} ms  ${r.arch}`);
    return 0;
  }
  const vectors = archs.map((a) => parseArch(a));
  const predictor = loadLatencyPredictor(bytes, v.model);
  const pred = predictor.predictMs(vectors);
  const rows = vectors.map((vec, i) => ({ arch: vectorToArchString(vec), latency_ms: pred[i] }));
  if (v.json) io.out(JSON.stringify(rows.length === 1 ? rows[0] : rows));
  else for (const r of rows) io.out(`${r.latency_ms.toFixed(4)} ms  ${r.arch}`);
  return 0;
}

export const latencyCommand: CliCommand = {
  name: 'latency',
  summary: 'train and use latency predictors (GCN, MLP, FLOPs, layer-wise) on LatBench or measured NB201/NB101/DARTS data; adapt to a new device from a few measurements',
  subcommands: ['train', 'predict', 'pretrain', 'adapt'],
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      io.out(rest[0] === 'all' ? HELP_ALL : HELP);
      return sub === undefined ? 2 : 0;
    }
    if (sub === 'train') return train(rest, io);
    if (sub === 'predict') return predict(rest, io);
    if (sub === 'pretrain') return pretrain(rest, io);
    if (sub === 'adapt') return adapt(rest, io);
    throw new UsageError(`latency: unknown subcommand ${JSON.stringify(sub)}; use train, predict, pretrain or adapt`);
  },
};
