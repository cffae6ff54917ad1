// Atomic file writes: write a temporary file beside the target, fsync, rename over it, then fsync
// the directory, so a crash or an interrupt never leaves a half-written file in place of a good one
// and the rename itself survives a power loss.

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A file that cannot be written, said in words (not EISDIR / ENOTDIR / EEXIST). */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

function explain(path: string, e: unknown): OutputError {
  const code = (e as NodeJS.ErrnoException).code;
  if (existsSync(path) && statSync(path).isDirectory()) return new OutputError(`cannot write ${path}: it is a directory; give a file name`);
  if (code === 'ENOTDIR' || code === 'EEXIST') return new OutputError(`cannot write ${path}: a part of the path above it is a file, not a directory`);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new OutputError(`cannot write ${path}: permission denied`);
  if (code === 'ENOSPC') return new OutputError(`cannot write ${path}: no space left on the device`);
  return new OutputError(`cannot write ${path}: ${code ?? (e as Error).message}`);
}

/**
 * Check, before any work, that `path` can be written as a file (not a directory, no file in the
 * way of its folder), and create its folder. `flag` names the option in the message.
 */
export function prepareOutput(path: string, flag: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new OutputError(`${flag} ${path} is a directory; give a file name`);
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw new OutputError(`${flag} ${path}: ${explain(dirname(path), e).message.replace(/^cannot write [^:]*: /, 'cannot create its folder: ')}`);
  }
}

/** Write `data` to `path` atomically (creating its folder), fsyncing the file and the folder. */
export function writeFileAtomic(path: string, data: Uint8Array | string, opts: { mode?: number } = {}): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw explain(path, e);
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw explain(path, null);
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w', opts.mode ?? 0o666);
  } catch (e) {
    throw explain(path, e);
  }
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw explain(path, e);
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw explain(path, e);
  }
  fsyncDir(dirname(path));
}

/** fsync a directory so that a rename or a new file in it is durable (a no-op where unsupported). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some platforms cannot open or fsync a directory; the file itself is already fsynced
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
