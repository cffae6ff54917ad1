import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { median } from '../data/summary.js';
import { DatasetWriter, NOISY_CV, describeDataset, latBenchPickle, parseLatencyJsonl } from '../data/measured-dataset.js';
import { BROWSER_EPS, startBrowserRunner, type BrowserEp } from '../measure/browser.js';
import { machineInfo, measureGroupNode } from '../measure/ort-node.js';
import { DEFAULT_PROTOCOL, type MeasureProtocol } from '../measure/protocol.js';
import { MEASURE_SPACES, itemId, measureOrder, type MeasureItem } from '../measure/measure-space.js';
import type { NetworkToMeasure } from '../measure/ort-node.js';
import { prepareOutput, writeFileAtomic } from '../util/atomic-write.js';
import { Rng } from '../util/rng.js';
import { DataError } from '../util/errors.js';
import { networkFromOnnxBytes } from '../onnx/graph-builder.js';
import { EXIT_INTERRUPTED, interruptSignal } from '../util/interrupt.js';
import { InterruptedError, throwIfStopped, untilStopped } from '../util/stop.js';
import { COMMON_OPTIONS, UsageError, choiceFlag, intFlag, parse, plural } from './args.js';
import type { CliCommand } from './command.js';
import { FEWSHOT_CHOICES } from '../predictors/fewshot-select.js';
import { Eta } from '../util/eta.js';

const HELP = `Usage: brp-nas measure [--space nb201|nb101|darts] --out FILE.jsonl [--count N|all] [--seed S] [--threads 1]
                       [--runtime node|browser [--ep wasm|webgpu]] [--device NAME] [--warmup 10] [--rounds 20]
                       [--runs-per-round 10] [--interleave 8] [--batch 1] [--channels 16]
                       [--cells 5] [--input 3x32x32] [--cell full|pruned] [--select spread|random]
                       [--export-pickle FILE.pickle] [--quiet] [--json]
       brp-nas measure --model FILE.onnx [--runtime node|browser [--ep wasm|webgpu]] [--threads 1] [--json]

--model FILE.onnx times one network file (a trained model to deploy, or 'brp-nas export''s) with the
same protocol and prints its latency (the LatBench statistic, ms) with the median and p10/p90; its
input's batch and other free dimensions are taken as 1.

Measure the latency of NAS-Bench-201 networks on this machine: each network (the CIFAR macro
network with untrained deterministic weights, 1x3x32x32 input by default) is built as an ONNX model
in memory and run with onnxruntime-node at a fixed thread count. Protocol: warm-up runs, then
--rounds rounds of --runs-per-round timed runs on a fresh random input, models interleaved in groups
of --interleave; each round is reduced to its inter-quartile mean and the rounds likewise (the
LatBench statistic); median and p10/p90 are kept too. --runtime browser runs the same ONNX models
with onnxruntime-web in headless Chromium (Debian's chromium, or $BRPNAS_CHROMIUM), served from a
local cross-origin-isolated page: a browser is a device like any other. --ep picks onnxruntime-web's
execution provider: wasm (default; WebAssembly SIMD, --threads) or webgpu (the machine's GPU when
Chromium finds one, else Chromium's software adapter, SwiftShader, which emulates a GPU on the CPU:
it tests the path, not a GPU's speed; the adapter is recorded in the dataset's machine info).

--channels C, --cells N (per stage) and --input CxHxW size NB201's network (default: the CIFAR
network, 16 channels, 5 cells, 3x32x32), e.g. a search's networks for Fashion-MNIST: --channels 8
--cells 1 --input 1x28x28.

--cell full (default) builds every edge, as the benchmark's PyTorch network (its parameter count
equals the space's); --cell pruned keeps only edges on an input-output path, as LatBench's models
and the predictors' graph encoding do (dead edges still cost time in a full network but are
invisible to the encoding).

--space nb101 measures NAS-Bench-101 networks instead: the benchmark's CIFAR-10 network (stem,
3 stacks of 3 cells at 128/256/512 channels) of the first N cells of a seeded random order of all
423,624 cells; rows carry the cell's graph hash as its key (--cell and --channels are NB201 options).
--space darts measures DARTS networks (the evaluation network: 36 channels, 20 cells, no auxiliary
head) of the genotypes the reference's sampler draws with --seed, each network once; rows carry the
genotype's canonical key.

The models are the first N of a seeded random order of the 15,284 valid cells (all with --count all).
--select spread|random --count K picks the K cells to measure on a new device for 'latency adapt'
(NB201): spread (recommended) cuts the cells, sorted by FLOPs as the device runs them (--cell), into K
strata and takes one seeded random cell of each; random is the first K of the seeded order.
Each result is appended to --out and flushed to disk at once; a killed or interrupted run (Ctrl-C
stops within a timed run, drops the group in flight and exits 130) started again with the same options continues where
it stopped, without duplicates. Each run is recorded as a session (start time, load average); a
file that mixes sessions, or models whose rounds vary more than 10%, are reported. The file is a dataset
that 'brp-nas latency train --device FILE.jsonl' accepts; --export-pickle also writes it in the
LatBench pickle format {arch tuple: seconds}.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  space: { type: 'string' },
  count: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  threads: { type: 'string' },
  runtime: { type: 'string' },
  ep: { type: 'string' },
  device: { type: 'string' },
  warmup: { type: 'string' },
  rounds: { type: 'string' },
  'runs-per-round': { type: 'string' },
  interleave: { type: 'string' },
  batch: { type: 'string' },
  channels: { type: 'string' },
  cells: { type: 'string' },
  input: { type: 'string' },
  cell: { type: 'string' },
  select: { type: 'string' },
  'export-pickle': { type: 'string' },
  quiet: { type: 'boolean' },
  model: { type: 'string' },
} as const;

/** The network in a dataset's setup: the options that differ from the CIFAR network only (older files stay comparable). */
function setupNetwork(n: { batch: number; channels: number; cellsPerStage: number; inputChannels: number; inputSize: number; cell: string }): Record<string, unknown> {
  const { cellsPerStage, inputChannels, inputSize, ...rest } = n;
  return { ...rest, ...(cellsPerStage !== 5 ? { cellsPerStage } : {}), ...(inputChannels !== 3 || inputSize !== 32 ? { inputChannels, inputSize } : {}) };
}

/** --input CxHxW (NB201's network input): channels and the square size, a multiple of 4. */
function inputFlag(x: unknown): [number, number] {
  if (x === undefined) return [3, 32];
  const m = typeof x === 'string' ? /^(\d+)x(\d+)x(\d+)$/.exec(x) : null;
  if (!m || m[2] !== m[3] || Number(m[1]) < 1 || Number(m[2]) < 4 || Number(m[2]) % 4 !== 0) throw new UsageError(`measure: --input must be CxHxW with H = W a multiple of 4 (e.g. 1x28x28), got ${JSON.stringify(x)}`);
  return [Number(m[1]), Number(m[2])];
}

/** The measuring protocol from --warmup, --rounds and --runs-per-round (one definition for both modes). */
function protocolFlags(v: Record<string, string | boolean | undefined>, interleave: number): MeasureProtocol {
  return {
    warmup: intFlag(v.warmup, 'warmup', DEFAULT_PROTOCOL.warmup, 0, 100000),
    rounds: intFlag(v.rounds, 'rounds', DEFAULT_PROTOCOL.rounds, 1, 100000),
    runsPerRound: intFlag(v['runs-per-round'], 'runs-per-round', DEFAULT_PROTOCOL.runsPerRound, 1, 100000),
    interleave,
  };
}

/** --ep: onnxruntime-web's execution provider, for the browser runtime only. */
function epFlag(v: Record<string, string | boolean | undefined>, runtime: 'node' | 'browser'): BrowserEp {
  if (v.ep !== undefined && runtime !== 'browser') throw new UsageError('measure: --ep applies to --runtime browser (onnxruntime-web)');
  return choiceFlag(v.ep, 'ep', BROWSER_EPS, 'wasm');
}

/** --model FILE.onnx: one network file, timed with the protocol, printed (nothing written). */
async function measureModelFile(v: Record<string, string | boolean | undefined>, io: Parameters<CliCommand['run']>[1]): Promise<number> {
  for (const f of ['out', 'count', 'select', 'space', 'cell', 'channels', 'cells', 'input', 'batch', 'export-pickle'] as const) if (v[f] !== undefined) throw new UsageError(`measure: --${f} does not apply to --model (the file is the network)`);
  const file = resolve(v.model as string);
  let net;
  try {
    net = networkFromOnnxBytes(readFileSync(file));
  } catch (e) {
    throw new DataError(`--model ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not an ONNX model (${(e as Error).message})`}`);
  }
  const runtime = choiceFlag(v.runtime, 'runtime', ['node', 'browser'] as const, 'node');
  const ep = epFlag(v, runtime);
  const threads = intFlag(v.threads, 'threads', 1, 1, 64);
  const protocol = protocolFlags(v, 1);
  const nets = [{ arch: file, net }];
  let stats;
  if (runtime === 'node') [{ stats }] = await measureGroupNode(nets, threads, protocol, new Rng(0), interruptSignal);
  else {
    const b = await startBrowserRunner(threads, ep);
    try {
      [{ stats }] = await untilStopped(b.measureGroup(nets, protocol, new Rng(0)), interruptSignal);
    } finally {
      await b.close();
    }
  }
  const ms = (x: number) => Number((x * 1e3).toFixed(4));
  const out = { model: file, runtime: runtime === 'node' ? 'onnxruntime-node' : `onnxruntime-web-chromium${ep === 'webgpu' ? '-webgpu' : ''}`, threads, latency_ms: ms(stats.latency), median_ms: ms(stats.median), p10_ms: ms(stats.p10), p90_ms: ms(stats.p90), runs: stats.runs };
  io.out(v.json ? JSON.stringify(out) : `${file}: ${out.latency_ms} ms (median ${out.median_ms}, p10-p90 ${out.p10_ms}-${out.p90_ms}; ${out.runtime}, ${plural(threads, 'thread')})`);
  return 0;
}

export const measureCommand: CliCommand = {
  name: 'measure',
  summary: 'measure network latencies (NAS-Bench-201, NAS-Bench-101, DARTS) on this machine or in Chromium (ONNX Runtime)',
  async run(argv, io) {
    const { values: v } = parse('measure', argv, OPTIONS);
    if (v.help) {
      io.out(HELP);
      return 0;
    }
    if (typeof v.model === 'string') return measureModelFile(v, io);
    const space = choiceFlag(v.space, 'space', MEASURE_SPACES, 'nb201', 'measure');
    if (space !== 'nb201') for (const f of ['cell', 'channels', 'cells', 'input', 'export-pickle'] as const) if (v[f] !== undefined) throw new UsageError(`measure: --${f} does not apply to --space ${space} (only to nb201)`);
    if (typeof v.out !== 'string') throw new UsageError('measure: --out FILE.jsonl is required');
    const runtime = choiceFlag(v.runtime, 'runtime', ['node', 'browser'] as const, 'node');
    const ep = epFlag(v, runtime);
    const seed = intFlag(v.seed, 'seed', 0, 0, 2 ** 32 - 1);
    const threads = intFlag(v.threads, 'threads', 1, 1, 64);
    const protocol = protocolFlags(v, intFlag(v.interleave, 'interleave', DEFAULT_PROTOCOL.interleave, 1, 1000));
    const input = inputFlag(v.input);
    const network = { batch: intFlag(v.batch, 'batch', 1, 1, 4096), channels: intFlag(v.channels, 'channels', 16, 1, 1024), cellsPerStage: intFlag(v.cells, 'cells', 5, 1, 100), inputChannels: input[0], inputSize: input[1], cell: choiceFlag(v.cell, 'cell', ['full', 'pruned'] as const, 'full') };
    if (v.select !== undefined && space !== 'nb201') throw new UsageError(`measure: --select applies to --space nb201 (latency adapt), not ${space}`);
    if (v.select !== undefined && (v.count === undefined || v.count === 'all')) throw new UsageError('measure: --select needs --count K (how many cells to choose)');
    const select = v.select === undefined ? undefined : { how: choiceFlag(v.select, 'select', FEWSHOT_CHOICES, 'spread'), count: intFlag(v.count, 'count', 10, 1, 15284) };
    const order = measureOrder(space, seed, network, select);
    if (space === 'darts' && (v.count === undefined || v.count === 'all')) throw new UsageError('measure: --space darts needs --count N (the space has no end)');
    const count = v.count === undefined || v.count === 'all' ? order.count : intFlag(v.count, 'count', order.count, 1, order.count);
    const wanted = Array.from({ length: count }, (_, i) => order.at(i));
    const device = typeof v.device === 'string' ? v.device : `${runtime === 'node' ? 'ort-node-cpu' : `ort-web-chromium${ep === 'webgpu' ? '-webgpu' : ''}`}-t${threads}${network.batch > 1 ? `-b${network.batch}` : ''}${network.channels !== 16 ? `-c${network.channels}` : ''}${network.cellsPerStage !== 5 ? `-n${network.cellsPerStage}` : ''}${v.input !== undefined ? `-i${input[0]}x${input[1]}x${input[1]}` : ''}${network.cell === 'pruned' ? '-pruned' : ''}`;
    const out = resolve(v.out);
    prepareOutput(out, '--out');
    if (typeof v['export-pickle'] === 'string') prepareOutput(resolve(v['export-pickle']), '--export-pickle');
    const runner =
      runtime === 'node'
        ? { info: machineInfo(threads), measureGroup: (nets: NetworkToMeasure[], p: MeasureProtocol, r: Rng) => measureGroupNode(nets, threads, p, r, interruptSignal), close: async () => {} }
        : await startBrowserRunner(threads, ep).then((b) => ({ ...b, measureGroup: (nets: NetworkToMeasure[], p: MeasureProtocol, r: Rng) => untilStopped(b.measureGroup(nets, p, r), interruptSignal), info: { ...machineInfo(threads), ...b.info } }));
    let writer: DatasetWriter;
    try {
      writer = DatasetWriter.open(out, {
        format: 'brp-nas-latency',
        version: 1,
        device,
        space,
        setup: { runtime: runtime === 'node' ? 'onnxruntime-node' : 'onnxruntime-web-chromium', ...(runtime === 'browser' ? { ep } : {}), threads, protocol, network: space === 'nb201' ? setupNetwork(network) : { batch: network.batch }, order_seed: seed, ...(select ? { select: select.how } : {}) },
        machine: runner.info,
      });
    } catch (e) {
      await runner.close();
      throw e;
    }
    const todo = wanted.filter((x) => !writer.measured.has(itemId(x)));
    const eta = new Eta(wanted.length, wanted.length - todo.length);
    if (!v.quiet && todo.length < wanted.length) io.err(`brp-nas measure: ${wanted.length - todo.length} of ${wanted.length} models already in ${out}; measuring the other ${todo.length}`);
    const rng = new Rng(seed ^ 0x5bd1e995);
    const t0 = performance.now();
    let measuredNow = 0;
    try {
      for (let s = 0; s < todo.length && !interruptSignal.stopped; s += protocol.interleave) {
        const group: MeasureItem[] = todo.slice(s, s + protocol.interleave);
        let results;
        try {
          // building a large network takes up to a second (NB101: tens of MB of ONNX), so a group's
          // builds are where a stop can otherwise wait longest: look for it before each
          const nets = group.map((x) => {
            throwIfStopped(interruptSignal);
            return { arch: x.arch, net: x.build() };
          });
          results = await runner.measureGroup(nets, protocol, rng);
        } catch (e) {
          // Ctrl-C mid-group: the group's partial timings are dropped, everything written stays
          if (e instanceof InterruptedError) break;
          throw e;
        }
        for (const [i, r] of results.entries()) {
          const id = group[i].code !== undefined ? { code: group[i].code } : { key: group[i].key };
          writer.append({ arch: r.arch, ...id, latency_s: r.stats.latency, median_s: r.stats.median, p10_s: r.stats.p10, p90_s: r.stats.p90, cv: r.stats.cv, runs: r.stats.runs });
          measuredNow++;
          const done = wanted.length - todo.length + measuredNow;
          if (!v.quiet) io.err(`[${done}/${wanted.length}] ${(r.stats.latency * 1e3).toFixed(3)} ms (p10-p90 ${(r.stats.p10 * 1e3).toFixed(3)}-${(r.stats.p90 * 1e3).toFixed(3)})  ${group[i].label}  ${eta.text(done)}`.trimEnd());
          if (r.stats.cv > NOISY_CV) io.err(`brp-nas measure: warning: ${group[i].label} varied ${(r.stats.cv * 100).toFixed(0)}% between rounds (more than ${NOISY_CV * 100}%): is the machine busy?`);
        }
      }
    } finally {
      await runner.close();
    }
    const interrupted = interruptSignal.stopped;
    if (interrupted) io.err('brp-nas measure: interrupted; the measured models are saved, the same command continues');
    const seconds = (performance.now() - t0) / 1000;
    const bytes = readFileSync(out);
    const { models, seconds: latencies, sessions, notes } = describeDataset(bytes, out);
    for (const n of notes) io.err(`brp-nas measure: note: ${n}`);
    let exported: string | undefined;
    if (typeof v['export-pickle'] === 'string') {
      exported = resolve(v['export-pickle']);
      writeFileAtomic(exported, latBenchPickle(parseLatencyJsonl(bytes, out)));
    }
    const summary = {
      out,
      device,
      space,
      models,
      measured_now: measuredNow,
      seconds,
      seconds_per_model: measuredNow ? seconds / measuredNow : null,
      median_ms: median(Array.from(latencies)) * 1e3,
      sessions,
      notes,
      ...(exported ? { pickle: exported } : {}),
      ...(interrupted ? { interrupted: true } : {}),
    };
    if (v.json) io.out(JSON.stringify(summary));
    else io.out(`${models} models in ${out} (${measuredNow} measured now in ${seconds.toFixed(1)} s); median latency ${summary.median_ms.toFixed(3)} ms${exported ? `; LatBench pickle ${exported}` : ''}`);
    return interrupted ? EXIT_INTERRUPTED : 0;
  },
};
