// `brp-nas worker`: takes training jobs from the queue and runs the user's training command on each
// (the same process runner as a local search: no shell, one argument per placeholder, logs kept).
// Jobs that are not brp-nas jobs, or name an architecture their space does not have, are refused
// without running anything. Stopping (Ctrl-C) kills the trainings in flight; their jobs stall and
// BullMQ gives them to another worker.

import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { StopSignal } from '../util/stop.js';
import { ProcessRunner } from './process-runner.js';
import { withLatency, type LatencyProbe } from './latency-probe.js';
import { checkJobData, type JobData } from './queue-job.js';
import type { QueueAddress } from './queue-url.js';
import type { TrainerCommand } from './trainer-command.js';
import type { TrainerResult } from './trainer-output.js';

export interface QueueWorkerOptions {
  address: QueueAddress;
  command: TrainerCommand;
  /** Where candidates' {out} directories and logs go: DIR/<search>/<index>/. */
  dir: string;
  concurrency: number;
  /** BullMQ lock: a job whose worker stops renewing it for this long is given to another worker. */
  lockMs: number;
  signal?: StopSignal;
  /** Stop after this many jobs (tests, batch machines); default: run until stopped. */
  maxJobs?: number;
  onEvent?: (line: string) => void;
  /** Time each trained network on this device when the trainer reports no latency_ms. */
  probe?: LatencyProbe;
}

export async function runQueueWorker(o: QueueWorkerOptions): Promise<{ jobs: number; interrupted: boolean }> {
  const runners = new Set<ProcessRunner>();
  let jobs = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const processor = async (job: Job): Promise<TrainerResult> => {
    try {
      return await train(job);
    } finally {
      if (o.maxJobs !== undefined && ++jobs >= o.maxJobs) finish();
    }
  };
  const train = async (job: Job): Promise<TrainerResult> => {
    let data: JobData;
    try {
      data = checkJobData(job.data);
    } catch (e) {
      o.onEvent?.(`job ${job.id}: refused: ${(e as Error).message}`);
      throw new UnrecoverableError(`refused: ${(e as Error).message}`);
    }
    const dir = join(o.dir, data.search, String(data.index).padStart(6, '0'));
    const runner = new ProcessRunner(o.command, data.seed);
    runners.add(runner);
    o.onEvent?.(`job ${job.id}: training #${data.index} (attempt ${data.attempt}) ${data.arch}`);
    const outDir = join(dir, 'out');
    try {
      const result = await new Promise<TrainerResult>((resolve, reject) => {
        runner.start(
          { index: data.index, attempt: data.attempt, arch: data.arch, outDir, stdoutPath: join(dir, `attempt-${data.attempt}.stdout`), stderrPath: join(dir, `attempt-${data.attempt}.stderr`), timeoutMs: data.timeout_ms, seedOffset: 0, tag: `${data.search}/${data.index}/${data.attempt}` },
          (out) => (out.ok ? resolve(out.result) : reject(new Error(`${out.reason}: ${out.detail}`))),
        );
      });
      const full = await withLatency(result, o.probe, data.space, data.arch, outDir);
      o.onEvent?.(`job ${job.id}: accuracy ${full.accuracy}${full.latency_ms !== undefined ? `, latency ${full.latency_ms.toFixed(3)} ms` : ''}`);
      return full;
    } catch (e) {
      o.onEvent?.(`job ${job.id}: failed: ${(e as Error).message}`);
      throw e;
    } finally {
      runners.delete(runner);
    }
  };
  const worker = new Worker(o.address.name, processor, {
    connection: { ...o.address.connection, maxRetriesPerRequest: null, retryStrategy: (n: number) => Math.min(100 * n, 2000) },
    concurrency: o.concurrency,
    lockDuration: o.lockMs,
    stalledInterval: Math.max(1000, Math.floor(o.lockMs / 2)),
    maxStalledCount: 5,
  });
  worker.on('error', (e) => o.onEvent?.(`queue: ${e.message}`));
  const poll = setInterval(() => o.signal?.stopped && finish(), 200);
  await finished;
  clearInterval(poll);
  const interrupted = !!o.signal?.stopped;
  if (interrupted) {
    // kill the trainings; their jobs' locks lapse and another worker takes them
    await Promise.all([...runners].map((r) => r.stopAll()));
    await worker.close(true);
  } else await worker.close();
  return { jobs, interrupted };
}
