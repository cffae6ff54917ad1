// Getting the benchmark files: which of a data directory's files are missing or altered (size, then
// sha256 against DATA_SOURCES), and downloading them. A download goes to FILE.part and resumes from
// its length (an HTTP Range request) when a connection broke; only a file whose sha256 matches is
// renamed into place, so a data directory never holds a partial or wrong file under its real name.

import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { InterruptedError, type StopSignal } from '../util/stop.js';
import { DATA_SOURCES, sourceUrl, type DataSource } from './sources.js';

/** Where `data fetch` puts the files by default: $XDG_CACHE_HOME/brp-nas/data, else ~/.cache/brp-nas/data. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'brp-nas', 'data');
}

export interface FileCheck {
  source: DataSource;
  state: 'ok' | 'missing' | 'altered';
  /** What differs, for an altered file. */
  detail?: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Each known file of `dir`: present and intact, missing, or altered (another size or sha256). */
export function checkDataDir(dir: string, sources: readonly DataSource[] = DATA_SOURCES): FileCheck[] {
  return sources.map((source) => {
    const path = join(dir, source.file);
    const st = existsSync(path) ? statSync(path) : null;
    if (!st?.isFile()) return { source, state: 'missing' };
    const size = st.size;
    if (size !== source.bytes) return { source, state: 'altered', detail: `${size} bytes, expected ${source.bytes}` };
    const got = sha256(readFileSync(path));
    return got === source.sha256 ? { source, state: 'ok' } : { source, state: 'altered', detail: `sha256 ${got.slice(0, 12)}..., expected ${source.sha256.slice(0, 12)}...` };
  });
}

export interface FetchOptions {
  /** A base URL serving the data directory's layout (a mirror, or a copy); default: each file's source. */
  mirror?: string;
  /** Milliseconds without progress before a download is given up (default 60 s). */
  stallMs?: number;
  onProgress?: (message: string) => void;
  /** Ctrl-C: the download in flight stops (its .part is kept for the next run) and InterruptedError is thrown. */
  signal?: StopSignal;
}

export interface FetchOutcome {
  /** Files that were already intact. */
  ok: string[];
  fetched: string[];
  failed: { file: string; why: string }[];
}

/** Download every missing or altered file of `dir`; what could not be fetched is said, not thrown. */
export async function fetchDataFiles(dir: string, opts: FetchOptions = {}, sources: readonly DataSource[] = DATA_SOURCES): Promise<FetchOutcome> {
  const out: FetchOutcome = { ok: [], fetched: [], failed: [] };
  for (const check of checkDataDir(dir, sources)) {
    if (opts.signal?.stopped) throw new InterruptedError();
    const { source } = check;
    if (check.state === 'ok') {
      out.ok.push(source.file);
      continue;
    }
    const url = opts.mirror ? `${opts.mirror.replace(/\/+$/, '')}/${source.file.split('/').map(encodeURIComponent).join('/')}` : sourceUrl(source);
    if (url === null) {
      out.failed.push({ file: source.file, why: `no download address (${source.path}); get it from a mirror (--mirror URL) or by hand, sha256 ${source.sha256}` });
      continue;
    }
    try {
      await downloadFile(url, join(dir, source.file), source, opts);
      out.fetched.push(source.file);
    } catch (e) {
      if (opts.signal?.stopped) throw new InterruptedError();
      out.failed.push({ file: source.file, why: (e as Error).message });
    }
  }
  return out;
}

/** One file: resume FILE.part if there is one, check the whole file's sha256, then rename it into place. */
async function downloadFile(url: string, path: string, source: DataSource, opts: FetchOptions): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const part = `${path}.part`;
  let have = existsSync(part) ? statSync(part).size : 0;
  if (have >= source.bytes) {
    rmSync(part); // a finished .part that was not renamed failed its check: start over
    have = 0;
  }
  const stall = new AbortController();
  let timer = setTimeout(() => stall.abort(), opts.stallMs ?? 60_000);
  const poll = setInterval(() => opts.signal?.stopped && stall.abort(), 100);
  const progressed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(), opts.stallMs ?? 60_000);
  };
  let res: Response;
  try {
    res = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, signal: stall.signal });
  } catch (e) {
    clearTimeout(timer);
    clearInterval(poll);
    throw new Error(`${url}: ${(e as Error).name === 'AbortError' ? 'no answer' : ((e as Error & { cause?: Error }).cause?.message ?? (e as Error).message)}`);
  }
  // 206: the server resumes where the .part ends; 200: it sends the whole file again
  if (res.status !== 206 && res.status !== 200) {
    clearTimeout(timer);
    clearInterval(poll);
    throw new Error(`${url}: HTTP ${res.status}`);
  }
  const resumed = res.status === 206 && have > 0;
  opts.onProgress?.(`${source.file}: ${resumed ? `resuming at ${have} of ${source.bytes} bytes` : `downloading ${source.bytes} bytes`} from ${url}`);
  const fd = openSync(part, resumed ? 'a' : 'w');
  let got = resumed ? have : 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      writeSync(fd, chunk);
      got += chunk.length;
      progressed();
      if (got > source.bytes) throw new Error(`${url}: more than the expected ${source.bytes} bytes`);
    }
    fsyncSync(fd);
  } catch (e) {
    throw new Error(`${source.file}: the download broke after ${got} of ${source.bytes} bytes (${(e as Error).name === 'AbortError' ? 'stalled' : (e as Error).message}); run the same command again to resume`);
  } finally {
    clearTimeout(timer);
    clearInterval(poll);
    closeSync(fd);
  }
  if (got < source.bytes) throw new Error(`${source.file}: the download ended after ${got} of ${source.bytes} bytes; run the same command again to resume`);
  const digest = sha256(readFileSync(part));
  if (digest !== source.sha256) {
    rmSync(part);
    throw new Error(`${source.file}: the downloaded file's sha256 is ${digest}, not the expected ${source.sha256}; nothing was kept`);
  }
  renameSync(part, path);
}
