// Latency datasets measured by brp-nas: JSON lines, a header line then one line per model, appended
// and fsynced one model at a time so a killed run loses at most the model in flight; a restart
// skips what is there (a torn last line is dropped). `brp-nas latency train --device FILE` reads
// them, and they export to the LatBench pickle format {arch tuple: seconds}.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { median } from '../eval/metrics.js';
import type { LatencyDataset, SpaceLatencyDataset } from './latency-dataset.js';
import { codeToVector, isValid, parseArch, vectorToCode } from '../spaces/nb201/cell.js';
import { getSpace } from '../spaces/registry.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export const DATASET_FORMAT = 'brp-nas-latency';
export const DATASET_VERSION = 1;

export interface DatasetHeader {
  format: typeof DATASET_FORMAT;
  version: number;
  device: string;
  /** The search space (nb201 files written before other spaces existed say nb201 too). */
  space: string;
  /** What must match for a resumed run to append to this file. */
  setup: Record<string, unknown>;
  /** Where and with what it was measured (informational). */
  machine?: Record<string, unknown>;
}

export interface MeasurementRow {
  arch: string;
  /** NB201: the cell's vector code. */
  code?: number;
  /** Other spaces: the space's key of the architecture (NB101: its graph hash). */
  key?: string;
  /** The protocol's latency, seconds. */
  latency_s: number;
  median_s: number;
  p10_s: number;
  p90_s: number;
  cv: number;
  runs: number;
}

/** A measuring session: one `brp-nas measure` invocation that appended to the file. */
export interface SessionRecord {
  session: number;
  started_at: string;
  /** 1-minute load average when the session started (0 where the platform has none). */
  loadavg: number;
  pid: number;
}

interface Parsed {
  header: DatasetHeader;
  rows: (MeasurementRow & { session?: number })[];
  /** Other spaces than NB201: each row's architecture, parsed while checking its key. */
  archs: unknown[];
  sessions: SessionRecord[];
  /** Bytes up to the end of the last complete line. */
  goodBytes: number;
}

/**
 * Parse the file's bytes in one pass (line ends are found on the bytes, so the resume offset costs
 * nothing extra: linear in the file size). A torn last line is left out of goodBytes.
 */
function parseLines(input: Uint8Array | string, source: string): Parsed {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const rows: Parsed['rows'] = [];
  const archs: unknown[] = [];
  const sessions: SessionRecord[] = [];
  let header: DatasetHeader | null = null;
  let pos = 0;
  let goodBytes = 0;
  let lineNo = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break; // a torn last line: not committed
    const line = buf.toString('utf8', pos, nl);
    lineNo++;
    pos = nl + 1;
    goodBytes = pos;
    if (line.trim() === '') continue;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line);
    } catch {
      const bad = /\b(NaN|-?Infinity)\b/.exec(line);
      if (bad) throw new Error(`${source}:${lineNo}: holds ${bad[1]}, which is not a number in JSON (a failed measurement?); fix or remove that line`);
      throw new Error(`${source}:${lineNo}: not valid JSON: ${line.length > 80 ? line.slice(0, 80) + '...' : line}`);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`${source}:${lineNo}: expected a JSON object`);
    if (!header) {
      if (obj.format !== DATASET_FORMAT) throw new Error(`${source}: not a brp-nas latency dataset (format ${JSON.stringify(obj.format)})`);
      if (obj.version !== DATASET_VERSION) throw new Error(`${source}: dataset version ${obj.version} is not supported (expected ${DATASET_VERSION})`);
      header = obj as unknown as DatasetHeader;
      if (header.space !== 'nb201') getSpace(String(header.space)); // an unknown space is refused here
    } else if (typeof obj.session === 'number' && obj.arch === undefined) {
      sessions.push(obj as unknown as SessionRecord);
    } else {
      const r = obj as unknown as MeasurementRow;
      if (header.space === 'nb201') {
        let v: number[];
        try {
          v = parseArch(String(r.arch));
        } catch (e) {
          throw new Error(`${source}:${lineNo}: ${(e as Error).message}`);
        }
        if (vectorToCode(v) !== r.code) throw new Error(`${source}:${lineNo}: code ${r.code} does not match ${r.arch}`);
      } else {
        const space = getSpace(header.space);
        let arch: unknown;
        let key: string;
        try {
          arch = space.parse(String(r.arch));
          key = space.key(arch);
        } catch (e) {
          throw new Error(`${source}:${lineNo}: ${(e as Error).message}`);
        }
        if (key !== r.key) throw new Error(`${source}:${lineNo}: key ${JSON.stringify(r.key)} does not match the architecture (its key is ${key})`);
        archs.push(arch);
      }
      if (!(typeof r.latency_s === 'number' && Number.isFinite(r.latency_s) && r.latency_s > 0)) throw new Error(`${source}:${lineNo}: latency ${String(r.latency_s)} is not a positive number of seconds`);
      rows.push(r);
    }
  }
  if (!header) throw new Error(`${source}: empty latency dataset (no header line)`);
  return { header, rows, archs, sessions, goodBytes };
}

/** Run-to-run variation above which a measurement is flagged as noisy (CV of the round means). */
export const NOISY_CV = 0.1;

export interface SessionSummary {
  session: number;
  started_at: string | null;
  loadavg: number | null;
  models: number;
  median_cv: number;
  median_latency_s: number;
}

/** Per session: how many models, their median run-to-run CV and latency, and the load it started under. */
export function summarizeSessions(p: Pick<Parsed, 'rows' | 'sessions'>): SessionSummary[] {
  const by = new Map<number, Parsed['rows']>();
  for (const r of p.rows) {
    const k = r.session ?? 0;
    if (!by.has(k)) by.set(k, []);
    by.get(k)!.push(r);
  }
  return [...by.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([session, rs]) => {
      const rec = p.sessions.find((x) => x.session === session);
      return { session, started_at: rec?.started_at ?? null, loadavg: rec?.loadavg ?? null, models: rs.length, median_cv: median(rs.map((r) => r.cv)), median_latency_s: median(rs.map((r) => r.latency_s)) };
    });
}

/** Words for a user about a file's measurement conditions: mixed sessions, noisy models. */
export function measurementNotes(p: Pick<Parsed, 'rows' | 'sessions'>, source: string): string[] {
  const notes: string[] = [];
  const sessions = summarizeSessions(p);
  if (sessions.length > 1) {
    notes.push(
      `${source} mixes ${sessions.length} measuring sessions: ` +
        sessions.map((s) => `#${s.session} ${s.models} models, median ${(s.median_latency_s * 1e3).toPrecision(3)} ms, median CV ${(s.median_cv * 100).toFixed(1)}%${s.loadavg !== null ? `, load ${s.loadavg.toFixed(2)}` : ''}`).join('; ') +
        '. If the machine was busier or slower in one (a median far from the others where the models are drawn alike), its latencies are biased; measure again in one session to be sure.',
    );
  }
  const noisy = p.rows.filter((r) => r.cv > NOISY_CV).length;
  if (noisy > 0) notes.push(`${source}: ${noisy} of ${p.rows.length} models vary more than ${NOISY_CV * 100}% between rounds (CV of the round means): the machine was busy or throttling`);
  return notes;
}

/**
 * What a measured NB201 file's networks ran: its setup's network.cell; files that do not say (the
 * device lab, files from before --cell) built whole cells, measure's default.
 */
export function measuredCellMode(header: DatasetHeader): 'pruned' | 'full' {
  const network = header.setup.network as { cell?: unknown } | undefined;
  return network?.cell === 'pruned' ? 'pruned' : 'full';
}

/**
 * Read a measured dataset of any space in one pass (measurement order; a duplicate model is an
 * error): NB201 as a LatencyDataset, other spaces as a SpaceLatencyDataset.
 */
export function parseMeasuredDataset(input: Uint8Array | string, source: string): { nb201: LatencyDataset } | { other: SpaceLatencyDataset } {
  const parsed = parseLines(input, source);
  const { header, rows } = parsed;
  const seen = new Set<number | string>();
  for (const r of rows) {
    if (seen.has(rowId(r))) throw new Error(`${source}: model ${r.arch} appears twice`);
    seen.add(rowId(r));
  }
  if (rows.length === 0) throw new Error(`${source}: no measurements yet`);
  const seconds = Float64Array.from(rows, (r) => r.latency_s);
  const notes = measurementNotes(parsed, source);
  if (header.space === 'nb201') return { nb201: { device: header.device, source, codes: Int32Array.from(rows, (r) => r.code!), seconds, cell: measuredCellMode(header), notes } };
  return { other: { device: header.device, source, space: getSpace(header.space), archs: parsed.archs, seconds, notes } };
}

/** Read a measured NB201 dataset as a LatencyDataset. */
export function parseLatencyJsonl(input: Uint8Array | string, source: string): LatencyDataset {
  const d = parseMeasuredDataset(input, source);
  if (!('nb201' in d)) throw new Error(`${source}: a ${d.other.space.name} latency dataset, not nb201 (read it with parseMeasuredDataset)`);
  return d.nb201;
}

/** The per-session summary and notes of a measured file (for reports), and its models' latencies. */
export function describeDataset(input: Uint8Array | string, source: string): { space: string; models: number; seconds: Float64Array; sessions: SessionSummary[]; notes: string[] } {
  const parsed = parseLines(input, source);
  return { space: parsed.header.space, models: parsed.rows.length, seconds: Float64Array.from(parsed.rows, (r) => r.latency_s), sessions: summarizeSessions(parsed), notes: measurementNotes(parsed, source) };
}

/** The id a row is known by: the NB201 code, or the space's key. */
const rowId = (r: { code?: number; key?: string }): number | string => r.code ?? r.key!;

export class DatasetWriter {
  /** Ids of the measured models (NB201 codes, or keys). */
  readonly measured = new Set<number | string>();
  readonly header: DatasetHeader;
  /** This writer's session number (recorded on the first append). */
  session = 0;
  private sessionWritten = false;

  private constructor(readonly path: string, header: DatasetHeader) {
    this.header = header;
  }

  /**
   * Open for appending: create with the header, or continue an existing file whose setup matches
   * (a torn last line from a killed run is cut off first).
   */
  static open(path: string, header: DatasetHeader): DatasetWriter {
    const w = new DatasetWriter(path, header);
    if (existsSync(path)) {
      const bytes = readFileSync(path);
      const { header: old, rows, sessions, goodBytes } = parseLines(bytes, path);
      if (JSON.stringify(old.setup) !== JSON.stringify(header.setup) || old.device !== header.device) {
        throw new Error(`${path} was measured with a different setup (${JSON.stringify({ device: old.device, ...old.setup })}); use another --out or the same options`);
      }
      if (goodBytes < bytes.length) truncateSync(path, goodBytes);
      if (old.space !== header.space) throw new Error(`${path} holds ${old.space} measurements, not ${header.space}; use another --out`);
      for (const r of rows) w.measured.add(rowId(r));
      w.session = Math.max(-1, ...sessions.map((x) => x.session), ...rows.map((r) => r.session ?? 0)) + 1;
    } else {
      writeFileAtomic(path, JSON.stringify(header) + '\n');
    }
    return w;
  }

  /** Append one measurement durably (fsync), refusing duplicates; the first also records the session. */
  append(row: MeasurementRow): void {
    if ((row.code === undefined) === (row.key === undefined)) throw new Error(`refusing to record ${row.arch}: a row needs a code (nb201) or a key (other spaces)`);
    if (this.measured.has(rowId(row))) throw new Error(`model ${row.arch} is already in ${this.path}`);
    for (const x of [row.latency_s, row.median_s, row.p10_s, row.p90_s, row.cv]) if (!Number.isFinite(x)) throw new Error(`refusing to record ${row.arch}: a statistic is ${x}`);
    const fd = openSync(this.path, 'a');
    try {
      let text = '';
      if (!this.sessionWritten) {
        const rec: SessionRecord = { session: this.session, started_at: new Date().toISOString(), loadavg: loadavg()[0], pid: process.pid };
        text += JSON.stringify(rec) + '\n';
      }
      text += JSON.stringify({ ...row, session: this.session }) + '\n';
      writeSync(fd, text);
      fsyncSync(fd);
      this.sessionWritten = true;
    } finally {
      closeSync(fd);
    }
    this.measured.add(rowId(row));
  }
}

/** A LatBench-compatible pickle (protocol 2): dict {(op ids...): seconds}. */
export function latBenchPickle(ds: LatencyDataset): Uint8Array {
  const parts: number[] = [0x80, 0x02, 0x7d]; // PROTO 2, EMPTY_DICT
  const dv = new DataView(new ArrayBuffer(8));
  const chunk = 1000; // SETITEMS batches, as pickle itself writes them
  for (let s = 0; s < ds.codes.length; s += chunk) {
    parts.push(0x28); // MARK
    for (let i = s; i < Math.min(ds.codes.length, s + chunk); i++) {
      const v = codeToVector(ds.codes[i]);
      if (!isValid(v)) throw new Error(`cannot export an invalid cell (code ${ds.codes[i]})`);
      parts.push(0x28); // MARK
      for (const op of v) parts.push(0x4b, op); // BININT1
      parts.push(0x74); // TUPLE
      dv.setFloat64(0, ds.seconds[i], false);
      parts.push(0x47, ...new Uint8Array(dv.buffer)); // BINFLOAT (big-endian)
    }
    parts.push(0x75); // SETITEMS
  }
  parts.push(0x2e); // STOP
  return Uint8Array.from(parts);
}
