// Latency datasets measured by brp-nas: JSON lines, a header line then one line per model, appended
// and fsynced one model at a time so a killed run loses at most the model in flight; a restart
// skips what is there (a torn last line is dropped). `brp-nas latency train --device FILE` reads
// them, and they export to the LatBench pickle format {arch tuple: seconds}.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import type { LatencyDataset } from '../data/latbench.js';
import { codeToVector, isValid, parseArch, vectorToCode } from '../spaces/nb201.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export const DATASET_FORMAT = 'brp-nas-latency';
export const DATASET_VERSION = 1;

export interface DatasetHeader {
  format: typeof DATASET_FORMAT;
  version: number;
  device: string;
  space: 'nb201';
  /** What must match for a resumed run to append to this file. */
  setup: Record<string, unknown>;
  /** Where and with what it was measured (informational). */
  machine?: Record<string, unknown>;
}

export interface MeasurementRow {
  arch: string;
  code: number;
  /** The protocol's latency, seconds. */
  latency_s: number;
  median_s: number;
  p10_s: number;
  p90_s: number;
  cv: number;
  runs: number;
}

function parseLines(text: string, source: string): { header: DatasetHeader; rows: MeasurementRow[]; goodBytes: number } {
  const rows: MeasurementRow[] = [];
  let header: DatasetHeader | null = null;
  let pos = 0;
  let goodBytes = 0;
  let lineNo = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) break; // a torn last line: not committed
    const line = text.slice(pos, nl);
    lineNo++;
    pos = nl + 1;
    if (line.trim() === '') {
      goodBytes = Buffer.byteLength(text.slice(0, pos));
      continue;
    }
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line);
    } catch {
      throw new Error(`${source}:${lineNo}: not valid JSON`);
    }
    if (!header) {
      if (obj.format !== DATASET_FORMAT) throw new Error(`${source}: not a brp-nas latency dataset (format ${JSON.stringify(obj.format)})`);
      if (obj.version !== DATASET_VERSION) throw new Error(`${source}: dataset version ${obj.version} is not supported (expected ${DATASET_VERSION})`);
      header = obj as unknown as DatasetHeader;
    } else {
      const r = obj as unknown as MeasurementRow;
      let v: number[];
      try {
        v = parseArch(String(r.arch));
      } catch (e) {
        throw new Error(`${source}:${lineNo}: ${(e as Error).message}`);
      }
      if (vectorToCode(v) !== r.code) throw new Error(`${source}:${lineNo}: code ${r.code} does not match ${r.arch}`);
      if (!(typeof r.latency_s === 'number' && Number.isFinite(r.latency_s) && r.latency_s > 0)) throw new Error(`${source}:${lineNo}: latency ${String(r.latency_s)} is not a positive number of seconds`);
      rows.push(r);
    }
    goodBytes = Buffer.byteLength(text.slice(0, pos));
  }
  if (!header) throw new Error(`${source}: empty latency dataset (no header line)`);
  return { header, rows, goodBytes };
}

/** Read a measured dataset as a LatencyDataset (measurement order; a duplicate model is an error). */
export function parseLatencyJsonl(text: string, source: string): LatencyDataset {
  const { header, rows } = parseLines(text, source);
  const seen = new Set<number>();
  for (const r of rows) {
    if (seen.has(r.code)) throw new Error(`${source}: model ${r.arch} appears twice`);
    seen.add(r.code);
  }
  if (rows.length === 0) throw new Error(`${source}: no measurements yet`);
  return { device: header.device, source, codes: Int32Array.from(rows, (r) => r.code), seconds: Float64Array.from(rows, (r) => r.latency_s) };
}

export class DatasetWriter {
  readonly measured = new Set<number>();
  readonly header: DatasetHeader;

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
      const text = readFileSync(path, 'utf8');
      const { header: old, rows, goodBytes } = parseLines(text, path);
      if (JSON.stringify(old.setup) !== JSON.stringify(header.setup) || old.device !== header.device) {
        throw new Error(`${path} was measured with a different setup (${JSON.stringify({ device: old.device, ...old.setup })}); use another --out or the same options`);
      }
      if (goodBytes < Buffer.byteLength(text)) truncateSync(path, goodBytes);
      for (const r of rows) w.measured.add(r.code);
    } else {
      writeFileAtomic(path, JSON.stringify(header) + '\n');
    }
    return w;
  }

  /** Append one measurement durably (fsync), refusing duplicates. */
  append(row: MeasurementRow): void {
    if (this.measured.has(row.code)) throw new Error(`model ${row.arch} is already in ${this.path}`);
    const fd = openSync(this.path, 'a');
    try {
      writeSync(fd, JSON.stringify(row) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.measured.add(row.code);
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
