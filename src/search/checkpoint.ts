// Finished simulation runs saved beside a result file, keyed by the options that produced them, so
// an interrupted search resumes where it stopped. A checkpoint of other options is never mixed in
// or silently discarded: it is an error unless the caller says to overwrite it.

import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-write.js';
import { sameSearchKey } from './options.js';
import { type RunResult, type SimulationOptions, type SimulationResult, simulateSearch } from './simulate.js';

export class CheckpointMismatchError extends Error {}

/** JSON writes NaN (a curve's steps without a value, in results of older releases) as null. */
const nanFromJson = (x: number | null) => x ?? NaN;

/** Runs saved under `key` at `path`; none if the file is missing (or, with `overwrite`, of other options). */
export function loadRunCheckpoint(path: string, key: string, overwrite = false): RunResult[] {
  if (!existsSync(path)) return [];
  let saved;
  try {
    saved = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    if (overwrite) return [];
    throw new CheckpointMismatchError(`${path} is not a readable checkpoint (${(e as Error).message}); remove it or pass --force`);
  }
  if (typeof saved.key !== 'string' || !sameSearchKey(saved.key, key) || !Array.isArray(saved.runs)) {
    if (overwrite) return [];
    throw new CheckpointMismatchError(`${path} holds runs of other options (${saved.key}); use another --out, or --force to discard them`);
  }
  return saved.runs.map((r: RunResult) => ({ ...r, bestTest: Float64Array.from(r.bestTest, nanFromJson), selectedTest: Float64Array.from(r.selectedTest, nanFromJson) }));
}

export function saveRunCheckpoint(path: string, key: string, runs: RunResult[]): void {
  writeFileAtomic(path, JSON.stringify({ key, runs: runs.map((x) => ({ ...x, bestTest: Array.from(x.bestTest), selectedTest: Array.from(x.selectedTest) })) }));
}

/**
 * simulateSearch resumed from the runs checkpointed at `path` under `key`, saving each finished run
 * there before `hooks.onRun` sees it; `hooks.onResume` hears how many runs the checkpoint had.
 */
export function simulateCheckpointed(
  path: string,
  key: string,
  opts: Omit<SimulationOptions, 'resume' | 'onRun'>,
  hooks: { onResume?: (runs: number) => void; onRun?: (run: number, result: RunResult) => void; overwrite?: boolean } = {},
): SimulationResult {
  const done = loadRunCheckpoint(path, key, hooks.overwrite).slice(0, opts.runs);
  if (done.length) hooks.onResume?.(done.length);
  const finished = [...done];
  return simulateSearch({
    ...opts,
    resume: done,
    onRun: (r, res) => {
      finished.push(res);
      saveRunCheckpoint(path, key, finished);
      hooks.onRun?.(r, res);
    },
  });
}
