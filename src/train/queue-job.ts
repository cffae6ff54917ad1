// The job format on the queue, shared by the coordinator, `brp-nas worker` and any other worker (a
// Python one with the bullmq package; see the README). A job is named 'train'; its data:
//   { format: 'brp-nas-job', version: 1, search, index, attempt, space, arch, seed, timeout_ms }
// Its id is `${search}-${index}-${attempt}`. A worker returns the trainer's result object,
//   { accuracy, latency_ms?, metrics: { ... } }
// or fails the job with a reason that starts with 'exit:', 'timeout:', 'malformed:' or 'spawn:'.

import { SPACES, type SpaceName } from '../spaces/registry.js';
import type { AttemptFailure } from './runner.js';
import { MalformedResultError, type TrainerResult } from './trainer-output.js';

export const JOB_NAME = 'train';
export const JOB_FORMAT = 'brp-nas-job';
export const JOB_VERSION = 1;

export interface JobData {
  format: typeof JOB_FORMAT;
  version: typeof JOB_VERSION;
  /** The search's id (its journal's): [A-Za-z0-9-]. */
  search: string;
  index: number;
  attempt: number;
  space: SpaceName;
  arch: string;
  seed: number;
  timeout_ms: number | null;
}

export class JobError extends Error {}

/** The job id of an attempt (its journal tag `search/index/attempt`). */
export function jobIdOf(tag: string): string {
  return tag.replaceAll('/', '-');
}

/** Check a job's data before anything runs: a malformed or foreign job is refused, never trained. */
export function checkJobData(d: unknown): JobData {
  const o = d as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || o.format !== JOB_FORMAT) throw new JobError('not a brp-nas job');
  if (o.version !== JOB_VERSION) throw new JobError(`job version ${o.version}; this worker runs version ${JOB_VERSION}`);
  const known = new Set(['format', 'version', 'search', 'index', 'attempt', 'space', 'arch', 'seed', 'timeout_ms']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new JobError(`unknown job field ${JSON.stringify(k)}`);
  if (typeof o.search !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(o.search)) throw new JobError('job field "search" must be 1-64 letters, digits or dashes');
  for (const k of ['index', 'attempt', 'seed'] as const) if (!Number.isInteger(o[k]) || (o[k] as number) < (k === 'seed' ? 0 : 1)) throw new JobError(`job field ${JSON.stringify(k)} must be a ${k === 'seed' ? 'non-negative' : 'positive'} integer`);
  if (o.timeout_ms !== null && !(typeof o.timeout_ms === 'number' && o.timeout_ms > 0)) throw new JobError('job field "timeout_ms" must be null or a positive number');
  if (typeof o.space !== 'string' || !Object.hasOwn(SPACES, o.space)) throw new JobError(`unknown space ${JSON.stringify(o.space)}`);
  if (typeof o.arch !== 'string' || o.arch.length > 65536) throw new JobError('job field "arch" must be a string (at most 64 KiB)');
  SPACES[o.space as SpaceName].parse(o.arch); // throws on an architecture the space does not have
  return o as unknown as JobData;
}

/** A completed job's return value, checked as a trainer result. */
export function checkJobResult(v: unknown): TrainerResult {
  const o = v as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new MalformedResultError('the job returned no result object');
  if (typeof o.accuracy !== 'number' || !Number.isFinite(o.accuracy)) throw new MalformedResultError(`the job's "accuracy" must be a finite number, got ${JSON.stringify(o.accuracy)}`);
  if (o.latency_ms !== undefined && o.latency_ms !== null && !(typeof o.latency_ms === 'number' && Number.isFinite(o.latency_ms) && o.latency_ms > 0)) throw new MalformedResultError(`the job's "latency_ms" must be a finite positive number, got ${JSON.stringify(o.latency_ms)}`);
  const metrics: TrainerResult['metrics'] = {};
  if (o.metrics !== undefined) {
    if (typeof o.metrics !== 'object' || o.metrics === null || Array.isArray(o.metrics)) throw new MalformedResultError('the job\'s "metrics" must be an object');
    for (const [k, x] of Object.entries(o.metrics)) {
      if (typeof x === 'number' ? Number.isFinite(x) : typeof x === 'string' || typeof x === 'boolean') metrics[k] = x as number | string | boolean;
      else throw new MalformedResultError(`the job's metric ${JSON.stringify(k)} must be a finite number, a string or a boolean`);
    }
  }
  return { accuracy: o.accuracy, ...(typeof o.latency_ms === 'number' ? { latency_ms: o.latency_ms } : {}), metrics };
}

/** The failure kind a worker put at the start of a failed job's reason. */
export function failureOf(reason: string | undefined): AttemptFailure {
  const m = /^(exit|timeout|malformed|spawn):/.exec(reason ?? '');
  return m ? (m[1] as AttemptFailure) : 'lost';
}
