// The Python that runs the shipped PyTorch trainer: $BRPNAS_PYTHON if set, else the first of
// python3, /usr/bin/python3 and python that can import torch (a pip-installed torch usually lives in
// the first, Debian's python3-torch in /usr/bin/python3). Said plainly when there is none, before
// any training would fail with a Python traceback.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../data/files.js';
import { DataError } from '../util/errors.js';

export interface TorchPython {
  python: string;
  torch: string;
}

let found: TorchPython | null = null;

export function findTorchPython(env: NodeJS.ProcessEnv = process.env): TorchPython {
  if (found && !env.BRPNAS_PYTHON) return found;
  const candidates = env.BRPNAS_PYTHON ? [env.BRPNAS_PYTHON] : ['python3', '/usr/bin/python3', 'python'];
  const tried: string[] = [];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0 && r.stdout.trim()) {
      const hit = { python, torch: r.stdout.trim().split('\n').pop()! };
      if (!env.BRPNAS_PYTHON) found = hit;
      return hit;
    }
    tried.push(r.error ? `${python} (${(r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : r.error.message})` : `${python} (no torch)`);
  }
  throw new DataError(`training needs a Python with PyTorch, and none was found: ${tried.join(', ')}; install it (pip install torch, or sudo apt-get install python3-torch) or point $BRPNAS_PYTHON at a Python that has it`);
}

/** The shipped trainer script. */
export function trainerScript(): string {
  const path = join(packageRoot(), 'trainers', 'train.py');
  if (!existsSync(path)) throw new DataError(`the shipped trainer ${path} is missing from this installation`);
  return path;
}
