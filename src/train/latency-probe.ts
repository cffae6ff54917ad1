// Latency in the training loop: `--measure-latency` times each trained candidate's network on the
// machine that trained it (the local coordinator's, or a queue worker's own device) with the
// `measure` machinery (onnxruntime-node, the same protocol and statistic), unless the trainer
// reported latency_ms itself. The network timed is the trained one when the trainer names its ONNX
// file (`onnx` in its result, as brp-nas train does), else the space's evaluation network built from
// the architecture. Networks are timed one at a time, between trainings of other candidates running
// beside them: for a clean device, train with --workers 1.

import { existsSync, readFileSync } from 'node:fs';
import { buildSpaceOnnx, type MeasureSpaceName } from '../measure/measure-space.js';
import { networkFromOnnxBytes } from '../onnx/graph-builder.js';
import { measureGroupNode } from '../measure/ort-node.js';
import { DEFAULT_PROTOCOL, type MeasureProtocol } from '../measure/protocol.js';
import { Rng } from '../util/rng.js';
import type { AttemptOutcome, AttemptSpec, TrainerRunner } from './runner.js';
import { resultOnnxPath, type TrainerResult } from './trainer-output.js';

export interface LatencyProbe {
  readonly describe: string;
  /** Milliseconds of the network in `onnxFile` if given, else of the architecture's evaluation network. */
  measure(space: MeasureSpaceName, arch: string, onnxFile?: string): Promise<number>;
}

/** Time networks with onnxruntime-node on this machine (ms, the protocol's statistic). */
export function ortLatencyProbe(threads = 1, protocol: MeasureProtocol = DEFAULT_PROTOCOL): LatencyProbe {
  // measurements in turn: two at once would time each other
  let chain: Promise<unknown> = Promise.resolve();
  return {
    describe: `onnxruntime-node on this machine, ${threads} thread${threads === 1 ? '' : 's'}`,
    measure(space, arch, onnxFile) {
      const run = chain.then(async () => {
        const net = onnxFile ? networkFromOnnxBytes(readFileSync(onnxFile)) : buildSpaceOnnx(space, arch);
        const [m] = await measureGroupNode([{ arch, net }], threads, protocol, new Rng(0));
        return m.stats.latency * 1e3;
      });
      chain = run.catch(() => undefined);
      return run;
    },
  };
}

/**
 * The trainer's result with latency_ms filled in by the probe when the trainer did not report it
 * (`outDir`: the candidate's {out}, which a relative `onnx` in the result is relative to).
 */
export async function withLatency(result: TrainerResult, probe: LatencyProbe | undefined, space: MeasureSpaceName, arch: string, outDir: string): Promise<TrainerResult> {
  if (!probe || result.latency_ms !== undefined) return result;
  const path = resultOnnxPath(result.metrics, outDir);
  const onnx = path !== undefined && existsSync(path) ? path : undefined;
  try {
    const ms = await probe.measure(space, arch, onnx);
    return { ...result, latency_ms: ms, metrics: { ...result.metrics, latency_measured_by: probe.describe, latency_network: onnx ? 'the trained network (onnx)' : "the space's evaluation network, untrained" } };
  } catch (e) {
    // the training's result stands; the front simply lacks this point
    return { ...result, metrics: { ...result.metrics, latency_error: (e as Error).message } };
  }
}

/** A runner whose successful outcomes get latency_ms from the probe when the trainer gave none. */
export function probingRunner(inner: TrainerRunner, probe: LatencyProbe, space: MeasureSpaceName): TrainerRunner {
  const wrap = (spec: AttemptSpec, done: (o: AttemptOutcome) => void) => (o: AttemptOutcome) => {
    if (!o.ok) return done(o);
    void withLatency(o.result, probe, space, spec.arch, spec.outDir).then((result) => done({ ok: true, result }));
  };
  return {
    describe: `${inner.describe}; latency: ${probe.describe}`,
    survivesCoordinator: inner.survivesCoordinator,
    proposed: inner.proposed?.bind(inner),
    start: (spec, done) => inner.start(spec, wrap(spec, done)),
    adopt: inner.adopt ? (spec, h, done) => inner.adopt!(spec, h, wrap(spec, done)) : undefined,
    stopAll: () => inner.stopAll(),
    close: inner.close ? () => inner.close!() : undefined,
  };
}
