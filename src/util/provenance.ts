// What produced a result: the commit (and whether the tree had uncommitted changes), the runtime,
// and the data files with their sizes and modification times. Result files embed this so that a
// number can be traced to the code and data behind it, and a bench can refuse stale caches.

import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Provenance {
  commit: string;
  /** Uncommitted changes to tracked files (outside results/) when the result was made. */
  dirty: boolean;
  node: string;
  date: string;
}

let cached: { commit: string; dirty: boolean } | undefined;

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/**
 * The commit of the checkout holding `dir`, and whether its tracked files differ from it; results/
 * does not count: it holds outputs (a bench's own checkpoints among them), not code that ran.
 */
export function treeState(dir: string): { commit: string; dirty: boolean } {
  const commit = git(['rev-parse', 'HEAD'], dir) ?? 'unknown';
  const status = commit === 'unknown' ? '' : (git(['status', '--porcelain', '--untracked-files=no', '--', ':/', ':(top,exclude)results'], dir) ?? '');
  return { commit, dirty: status.length > 0 };
}

/** The repository's commit; 'unknown' outside a git checkout (an installed package). */
export function provenance(): Provenance {
  cached ??= treeState(dirname(fileURLToPath(import.meta.url)));
  return { ...cached, node: process.version, date: new Date().toISOString() };
}

/** Size and modification time of each data file a result was computed from. */
export function dataFiles(paths: readonly string[]): { path: string; bytes: number; mtime: string }[] {
  return paths.map((path) => {
    const st = statSync(path);
    return { path, bytes: st.size, mtime: st.mtime.toISOString() };
  });
}
