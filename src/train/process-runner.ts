// Local training processes: each attempt is the user's command, spawned without a shell in a process
// group of its own, its stdout and stderr written straight to files under the state directory (not
// through pipes, so a training outlives a crashed coordinator and its output is kept). A restarted
// coordinator adopts a training still running from its journaled pid and start time and waits for it;
// as the exit status went with the crashed coordinator, an adopted attempt is judged by its output.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { processAlive } from '../util/output-lock.js';
import { MalformedResultError, parseTrainerOutput, resultOnnxPath } from './trainer-output.js';
import type { AttemptHandle, AttemptOutcome, AttemptSpec, TrainerRunner } from './runner.js';
import { trainerArgv, type TrainerCommand } from './trainer-command.js';

const GRACE_MS = 5000;
const TAIL_BYTES = 1 << 20;

/** The last `max` bytes of a file as text ('' if missing). */
export function readTail(path: string, max = TAIL_BYTES): string {
  if (!existsSync(path)) return '';
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const n = Math.min(size, max);
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, size - n);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Linux: the process's start time and whether it is a zombie; null when it does not exist. */
function procStat(pid: number): { starttime: number; zombie: boolean } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return { starttime: Number(rest[19]), zombie: rest[0] === 'Z' || rest[0] === 'X' };
  } catch {
    return null;
  }
}

function alive(h: AttemptHandle): boolean {
  if (!h.pid) return false;
  if (existsSync('/proc/self/stat')) {
    const st = procStat(h.pid);
    return st !== null && !st.zombie && (h.starttime === undefined || st.starttime === h.starttime);
  }
  return processAlive(h.pid);
}

/** Linux: the process whose environment holds BRPNAS_ATTEMPT_ID=tag (our trainers are their group's leaders). */
function findByTag(tag: string, started: number): AttemptHandle | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  const needle = `BRPNAS_ATTEMPT_ID=${tag}\0`;
  for (const p of pids) {
    try {
      if (!readFileSync(`/proc/${p}/environ`, 'latin1').includes(needle)) continue;
      const pid = Number(p);
      // the group leader is the trainer itself; its children inherit the variable
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2] !== p) continue;
      return { pid, starttime: procStat(pid)?.starttime, started };
    } catch {
      // gone, or not ours to read
    }
  }
  return null;
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // the group is gone already
  }
}

/** SIGTERM to the training's process group, SIGKILL after the grace period; returns the SIGKILL timer. */
function terminateGroup(pid: number): NodeJS.Timeout {
  killGroup(pid, 'SIGTERM');
  return setTimeout(() => killGroup(pid, 'SIGKILL'), GRACE_MS);
}

function judge(spec: AttemptSpec, exitCode: number | null, signal: string | null): AttemptOutcome {
  if (exitCode !== 0) {
    const err = readTail(spec.stderrPath, 600).trim();
    const how = exitCode === null ? `was killed by ${signal}` : `exited with status ${exitCode}`;
    return { ok: false, reason: 'exit', detail: `the trainer ${how}${err ? `; stderr ends: ${err.slice(-400)}` : ''}` };
  }
  return fromOutput(spec, 'malformed');
}

function fromOutput(spec: AttemptSpec, failure: 'malformed' | 'lost'): AttemptOutcome {
  try {
    const result = parseTrainerOutput(readTail(spec.stdoutPath));
    // a result that names its trained network must have written it: a model that is not there cannot be deployed
    const onnx = resultOnnxPath(result.metrics, spec.outDir);
    if (onnx !== undefined && !existsSync(onnx)) throw new MalformedResultError(`the result names its network ${result.metrics.onnx}, which the trainer did not write`);
    return { ok: true, result };
  } catch (e) {
    if (!(e instanceof MalformedResultError)) throw e;
    return { ok: false, reason: failure, detail: failure === 'lost' ? `the training was left by a stopped coordinator and ended without a result (${e.message})` : e.message };
  }
}

interface Running {
  pid: number;
  stopping: boolean;
  finished: Promise<void>;
}

export class ProcessRunner implements TrainerRunner {
  readonly describe: string;
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly cmd: TrainerCommand,
    private readonly seed: number,
  ) {
    this.describe = `command: ${cmd.template}`;
  }

  private vars(spec: AttemptSpec) {
    return { arch: spec.arch, out: spec.outDir, index: String(spec.index), seed: String(this.seed + spec.seedOffset), attempt: String(spec.attempt) };
  }

  start(spec: AttemptSpec, done: (o: AttemptOutcome) => void): AttemptHandle {
    mkdirSync(spec.outDir, { recursive: true });
    const argv = trainerArgv(this.cmd, this.vars(spec));
    const out = openSync(spec.stdoutPath, 'w');
    const err = openSync(spec.stderrPath, 'w');
    const key = `${spec.index}/${spec.attempt}`;
    let child;
    try {
      child = spawn(argv[0], argv.slice(1), {
        stdio: ['ignore', out, err],
        detached: true, // its own process group: a timeout kills the whole training, and Ctrl-C reaches it only through us
        env: { ...process.env, BRPNAS_ARCH: spec.arch, BRPNAS_OUT: spec.outDir, BRPNAS_INDEX: String(spec.index), BRPNAS_ATTEMPT: String(spec.attempt), BRPNAS_ATTEMPT_ID: spec.tag },
      });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    const started = Date.now();
    const pid = child.pid;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    let killer: NodeJS.Timeout | undefined;
    let settle!: () => void;
    const rec: Running = { pid: pid ?? -1, stopping: false, finished: new Promise<void>((r) => (settle = r)) };
    const finish = (o: AttemptOutcome) => {
      clearTimeout(timer);
      clearTimeout(killer);
      this.running.delete(key);
      settle();
      // while stopping, only a training that had finished with a result still reports it
      if (!rec.stopping || o.ok) done(o);
    };
    child.on('error', (e) => finish({ ok: false, reason: 'spawn', detail: `cannot start ${JSON.stringify(argv[0])}: ${(e as NodeJS.ErrnoException).code ?? e.message}` }));
    child.on('exit', (code, signal) => {
      if (timedOut) finish({ ok: false, reason: 'timeout', detail: `no result within ${spec.timeoutMs! / 1000} s; the training was killed` });
      else finish(judge(spec, code, signal));
    });
    if (pid === undefined) return { started };
    this.running.set(key, rec);
    if (spec.timeoutMs !== null) {
      timer = setTimeout(() => {
        timedOut = true;
        killer = terminateGroup(pid);
      }, spec.timeoutMs);
    }
    return { pid, starttime: procStat(pid)?.starttime, started };
  }

  adopt(spec: AttemptSpec, found: AttemptHandle, done: (o: AttemptOutcome) => void): boolean {
    // a crash between the attempt's journal record and its pid's leaves only the tag to find it by
    const handle = found.pid ? found : findByTag(spec.tag, found.started);
    if (!handle || !alive(handle)) {
      // gone: a training that finished while no coordinator watched left its result in its output
      const o = fromOutput(spec, 'lost');
      if (!o.ok && !found.pid) return false; // never started: the crash came between the journal record and the spawn
      setImmediate(() => done(o));
      return true;
    }
    const pid = handle.pid!;
    const key = `${spec.index}/${spec.attempt}`;
    let settle!: () => void;
    const rec: Running = { pid, stopping: false, finished: new Promise<void>((r) => (settle = r)) };
    this.running.set(key, rec);
    let timedOut = false;
    const poll = setInterval(() => {
      if (alive(handle)) {
        if (!timedOut && spec.timeoutMs !== null && Date.now() - handle.started > spec.timeoutMs) {
          timedOut = true;
          terminateGroup(pid).unref();
        }
        return;
      }
      clearInterval(poll);
      this.running.delete(key);
      settle();
      if (rec.stopping) return;
      done(timedOut ? { ok: false, reason: 'timeout', detail: `no result within ${spec.timeoutMs! / 1000} s; the training was killed` } : fromOutput(spec, 'lost'));
    }, 200);
    return true;
  }

  async stopAll(): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) {
      r.stopping = true;
      killGroup(r.pid, 'SIGTERM');
    }
    const hard = setTimeout(() => all.forEach((r) => killGroup(r.pid, 'SIGKILL')), GRACE_MS);
    await Promise.all(all.map((r) => r.finished));
    clearTimeout(hard);
  }
}
