// Latency of networks (any space's ONNX models) on this machine with onnxruntime-node (CPU execution provider).
// Times include the runtime's per-call overhead (N-API and a promise, tens of microseconds), as an
// application calling it would see.

import { cpus, totalmem } from 'node:os';
import ort from 'onnxruntime-node';
import type { OnnxNetwork } from '../onnx/graph-builder.js';
import type { Rng } from '../util/rng.js';
import { InterruptedError, throwIfStopped, untilStopped, type StopSignal } from '../util/stop.js';
import { latencyStats, type LatencyStats, type MeasureProtocol } from './protocol.js';

/** A network to time: its architecture string and its ONNX model. */
export interface NetworkToMeasure {
  arch: string;
  net: OnnxNetwork;
}

export interface MeasuredModel {
  arch: string;
  stats: LatencyStats;
}

export function machineInfo(threads: number): Record<string, unknown> {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
    runtime: `onnxruntime-node ${ort.env.versions?.node ?? 'unknown'}`,
    threads,
  };
}

function randomInput(shape: number[], rng: Rng): ort.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.float();
  return new ort.Tensor('float32', data, shape);
}

/**
 * Measure a group of models, interleaved round by round. A stop from `signal` (polled between runs)
 * throws InterruptedError: the group's partial timings are of no use, and large networks (NB101,
 * DARTS) make a group long.
 */
export async function measureGroupNode(nets: NetworkToMeasure[], threads: number, protocol: MeasureProtocol, rng: Rng, signal?: StopSignal): Promise<MeasuredModel[]> {
  const models = [];
  try {
    for (const { arch, net } of nets) {
      throwIfStopped(signal);
      const creating = ort.InferenceSession.create(net.bytes, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      // building a large network's session takes seconds on a busy machine and cannot be
      // interrupted: a stop abandons it (and releases it once it exists) instead of waiting
      let session;
      try {
        session = signal ? await untilStopped(creating, signal) : await creating;
      } catch (e) {
        if (e instanceof InterruptedError) creating.then((x) => x.release()).catch(() => {});
        throw e;
      }
      models.push({ arch, net, session, times: [] as number[][] });
    }
    for (const m of models) {
      const feeds = { [m.net.inputName]: randomInput(m.net.inputShape, rng) };
      for (let i = 0; i < protocol.warmup; i++) {
        throwIfStopped(signal);
        await m.session.run(feeds);
      }
    }
    for (let r = 0; r < protocol.rounds; r++) {
      for (const m of models) {
        const feeds = { [m.net.inputName]: randomInput(m.net.inputShape, rng) };
        const round: number[] = [];
        for (let i = 0; i < protocol.runsPerRound; i++) {
          throwIfStopped(signal);
          const t0 = process.hrtime.bigint();
          await m.session.run(feeds);
          round.push(Number(process.hrtime.bigint() - t0) / 1e9);
        }
        m.times.push(round);
      }
    }
    return models.map((m) => ({ arch: m.arch, stats: latencyStats(m.times) }));
  } finally {
    for (const m of models) await m.session.release();
  }
}
