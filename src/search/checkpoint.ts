// Finished simulation runs saved beside a result file, keyed by the options that produced them, so
// an interrupted search resumes where it stopped (and never mixes runs of other options).

import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-write.js';
import { type RunResult, type SimulationOptions, type SimulationResult, simulateSearch } from './simulate.js';

/** Runs saved under `key` at `path`; none if the file is missing, unreadable or of other options. */
export function loadRunCheckpoint(path: string, key: string): RunResult[] {
  if (!existsSync(path)) return [];
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8'));
    if (saved.key !== key || !Array.isArray(saved.runs)) return [];
    return saved.runs.map((r: RunResult) => ({ ...r, bestTest: Float64Array.from(r.bestTest), selectedTest: Float64Array.from(r.selectedTest) }));
  } catch {
    return [];
  }
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
  hooks: { onResume?: (runs: number) => void; onRun?: (run: number, result: RunResult) => void } = {},
): SimulationResult {
  const done = loadRunCheckpoint(path, key).slice(0, opts.runs);
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
