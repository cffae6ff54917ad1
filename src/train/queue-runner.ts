// Candidates as jobs on a BullMQ queue (Redis): the coordinator enqueues one job per attempt and
// watches it; `brp-nas worker` processes (or any worker speaking queue-job.ts's format) train them.
// A job whose worker died is put back by BullMQ's stalled-job check and trained elsewhere. The
// coordinator learns outcomes from the jobs themselves (state, return value, failure reason), woken
// by queue events and checked on a timer, so a missed event, a coordinator restart or a Redis
// restart loses nothing: a result is read from the job whenever it is looked at. Only the job of the
// attempt the journal waits for counts; any other (late, duplicate) result is ignored.

import { Job, Queue, QueueEvents } from 'bullmq';
import { MalformedResultError } from './trainer-output.js';
import { checkJobResult, failureOf, JOB_FORMAT, JOB_NAME, JOB_VERSION, jobIdOf, type JobData } from './queue-job.js';
import type { QueueAddress } from './queue-url.js';
import type { AttemptHandle, AttemptOutcome, AttemptSpec, TrainerRunner } from './runner.js';
import type { SpaceName } from '../spaces/registry.js';

const CHECK_MS = 500;
const KEEP_S = 30 * 86400;

interface Watched {
  spec: AttemptSpec;
  done: (o: AttemptOutcome) => void;
  data: JobData;
}

export class QueueRunner implements TrainerRunner {
  readonly describe: string;
  /** Jobs keep training without the coordinator: an interrupt leaves them to be adopted on resume. */
  readonly survivesCoordinator = true;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly watched = new Map<string, Watched>();
  private timer: NodeJS.Timeout;
  private checking = false;
  private again = false;
  /** Connection trouble (Redis down), for progress messages; cleared when a check succeeds. */
  lastError: string | null = null;

  constructor(
    address: QueueAddress,
    private readonly space: SpaceName,
    private readonly seed: number,
  ) {
    this.describe = `queue: ${address.display}`;
    const connection = { ...address.connection, maxRetriesPerRequest: null, retryStrategy: (n: number) => Math.min(100 * n, 2000) };
    this.queue = new Queue(address.name, { connection });
    this.queue.on('error', (e) => (this.lastError = e.message));
    this.events = new QueueEvents(address.name, { connection });
    this.events.on('error', (e) => (this.lastError = e.message));
    const wake = ({ jobId }: { jobId: string }) => this.watched.has(jobId) && this.check();
    this.events.on('completed', wake);
    this.events.on('failed', wake);
    this.timer = setInterval(() => this.check(), CHECK_MS);
  }

  /** The job of an attempt (its search id is the first part of the attempt's tag). */
  private jobData(spec: AttemptSpec): JobData {
    return { format: JOB_FORMAT, version: JOB_VERSION, search: spec.tag.split('/')[0], index: spec.index, attempt: spec.attempt, space: this.space, arch: spec.arch, seed: this.seed + spec.seedOffset, timeout_ms: spec.timeoutMs };
  }

  private enqueue(id: string, w: Watched): void {
    this.queue.add(JOB_NAME, w.data, { jobId: id, attempts: 1, removeOnComplete: { age: KEEP_S }, removeOnFail: { age: KEEP_S } }).catch((e) => (this.lastError = (e as Error).message));
  }

  start(spec: AttemptSpec, done: (o: AttemptOutcome) => void): AttemptHandle {
    const id = jobIdOf(spec.tag);
    const w = { spec, done, data: this.jobData(spec) };
    this.watched.set(id, w);
    this.enqueue(id, w);
    return { started: Date.now() };
  }

  /** A job of an earlier coordinator: watched again (enqueued again if it never reached Redis). */
  adopt(spec: AttemptSpec, _handle: AttemptHandle, done: (o: AttemptOutcome) => void): boolean {
    this.watched.set(jobIdOf(spec.tag), { spec, done, data: this.jobData(spec) });
    this.check();
    return true;
  }

  /** Read every watched job; report the finished ones. Never two checks at once. */
  private check(): void {
    if (this.checking) {
      this.again = true;
      return;
    }
    this.checking = true;
    this.checkOnce()
      .then(() => (this.lastError = null))
      .catch((e) => (this.lastError = (e as Error).message))
      .finally(() => {
        this.checking = false;
        if (this.again) {
          this.again = false;
          this.check();
        }
      });
  }

  private async checkOnce(): Promise<void> {
    for (const [id, w] of [...this.watched]) {
      const job = await Job.fromId(this.queue, id);
      if (!this.watched.has(id)) continue;
      if (!job) {
        this.enqueue(id, w); // never reached Redis (or Redis lost it): the same attempt again
        continue;
      }
      if (!job.finishedOn) continue;
      this.watched.delete(id);
      if (job.returnvalue !== null && job.returnvalue !== undefined && !job.failedReason) {
        try {
          w.done({ ok: true, result: checkJobResult(job.returnvalue) });
        } catch (e) {
          if (!(e instanceof MalformedResultError)) throw e;
          w.done({ ok: false, reason: 'malformed', detail: e.message });
        }
      } else w.done({ ok: false, reason: failureOf(job.failedReason), detail: job.failedReason || 'the job failed without a reason' });
    }
  }

  async stopAll(): Promise<void> {
    this.watched.clear();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.watched.clear();
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}
