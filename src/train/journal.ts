// The durable state of a real search: an append-only journal of JSON lines, each written and fsynced
// before the step it records takes effect. Chosen over an embedded database because a search's state
// is a short sequence of events (asks, attempts, results; a few per trained model, hours apart), that
// a resumed coordinator replays in order anyway: a journal is that sequence, needs no native module,
// and a person can read it. A crash can only tear the last line (one write per record); opening
// drops such a torn tail. Anything else unreadable is an error, never silently skipped.

import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { fsyncDir } from '../util/atomic-write.js';
import { dirname } from 'node:path';
import { DataError } from '../util/errors.js';

export type JournalRecord = { t: string } & Record<string, unknown>;

export class Journal {
  private fd: number;
  /** Records read when the journal was opened (a resumed search replays them). */
  readonly records: JournalRecord[];
  /** True when opening dropped a torn last line. */
  readonly repairedTail: boolean;

  constructor(readonly path: string) {
    const existed = existsSync(path);
    const records: JournalRecord[] = [];
    let good = 0;
    let repaired = false;
    if (existed) {
      const buf = readFileSync(path);
      let start = 0;
      let line = 0;
      while (start < buf.length) {
        line++;
        const nl = buf.indexOf(10, start);
        const end = nl < 0 ? buf.length : nl;
        const text = buf.subarray(start, end).toString('utf8');
        let rec: unknown;
        try {
          rec = JSON.parse(text);
        } catch {
          rec = undefined;
        }
        const ok = nl >= 0 && typeof rec === 'object' && rec !== null && typeof (rec as JournalRecord).t === 'string';
        if (!ok) {
          // only the last line can be torn by a crash mid-write; a bad line before it is damage
          if (nl >= 0 && nl + 1 < buf.length) throw new DataError(`${path}:${line}: not a journal record; the journal is damaged (it is never rewritten, so look at what else wrote to it)`);
          repaired = true;
          break;
        }
        records.push(rec as JournalRecord);
        start = nl + 1;
        good = start;
      }
    }
    this.fd = openSync(path, existed ? 'r+' : 'w');
    if (repaired) {
      ftruncateSync(this.fd, good);
      fsyncSync(this.fd);
    }
    if (!existed) fsyncDir(dirname(path));
    this.records = records;
    this.repairedTail = repaired;
    this.offset = good;
  }

  private offset: number;

  /** Append one record, durably: it is on disk when this returns. */
  append(rec: JournalRecord): void {
    const bytes = Buffer.from(JSON.stringify(rec) + '\n', 'utf8');
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off, this.offset + off);
    fsyncSync(this.fd);
    this.offset += bytes.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}
