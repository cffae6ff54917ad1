// File-system edge of the data layer: locating the data directory and reading files with errors
// that name the file and what is wrong.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '../util/errors.js';
import { defaultCacheDir } from './fetch.js';

export const DATA_ENV = 'BRPNAS_DATA';

/** The package root (the folder holding package.json), from this module's location in src/ or dist/src/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot locate the brp-nas package root');
}

/**
 * The data directory: `--data DIR` if given, else $BRPNAS_DATA, else `../shared/data` relative to the
 * working directory, else relative to the package root, else the cache `brp-nas data fetch` fills.
 */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const pick = (dir: string, how: string) => {
    const abs = resolve(dir);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new DataError(`data directory ${abs} (from ${how}) does not exist or is not a directory`);
    return abs;
  };
  if (flag !== undefined && flag !== '') return pick(flag, '--data');
  const fromEnv = env[DATA_ENV];
  if (fromEnv) return pick(fromEnv, `$${DATA_ENV}`);
  const candidates = [resolve('../shared/data'), resolve(packageRoot(), '../shared/data'), defaultCacheDir(env)];
  for (const c of candidates) if (existsSync(c) && statSync(c).isDirectory()) return c;
  throw new DataError(`no data directory: none of ${candidates.join(', ')} exists; run 'brp-nas data fetch' to download the benchmark files, or pass --data DIR or set $${DATA_ENV}`);
}

/** Read a data file; a missing or unreadable file is a DataError naming it. */
export function readDataFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`missing data file ${path}; pass --data DIR or set $${DATA_ENV} to the data directory`);
    throw new DataError(`cannot read data file ${path}: ${(e as Error).message}`);
  }
}

export function readDataText(path: string): string {
  const bytes = readDataFile(path);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(`data file ${path} is not valid UTF-8 text`);
  }
}

/**
 * Read a file the user named on the command line (a model, a dataset): a missing, unreadable or
 * non-regular file is a DataError that says what the file was meant to be.
 */
export function readInputFile(path: string, what: string): Uint8Array {
  try {
    if (statSync(path).isDirectory()) throw new DataError(`${what} ${path} is a directory, not a file`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof DataError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`${what} ${path} does not exist`);
    throw new DataError(`cannot read ${what} ${path}: ${code ?? (e as Error).message}`);
  }
}
