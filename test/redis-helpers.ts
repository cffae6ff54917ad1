// A real redis-server for the queue tests (Debian's package; .ci/run and npm test install it): on
// 127.0.0.1, a free port, its own directory, append-only persistence so that a restart keeps the jobs.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function redisServerPath(): string {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const p = r.stdout.trim() || (spawnSync('test', ['-x', '/usr/bin/redis-server']).status === 0 ? '/usr/bin/redis-server' : '');
  if (!p) throw new Error('redis-server not found: the queue tests need it (sudo apt-get install redis-server; npm test installs it when run as root)');
  return p;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.on('connect', () => c.write('PING\r\n'));
    c.on('data', (d) => {
      c.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    c.on('error', () => resolve(false));
  });
}

export class RedisServer {
  private proc: ChildProcess | null = null;
  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  async start(): Promise<void> {
    this.proc = spawn(redisServerPath(), ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--save', '', '--protected-mode', 'yes'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await ping(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Stop cleanly (SIGTERM: it flushes its append-only file first). */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.on('exit', () => resolve());
      p.kill('SIGTERM');
    });
    this.proc = null;
  }
}

/** Run `fn` with a fresh redis-server in a temporary directory; everything is removed afterwards. */
export async function withRedis(fn: (redis: RedisServer, dir: string, procs: ChildProcess[]) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-queue-'));
  const redis = new RedisServer(await freePort(), dir);
  const procs: ChildProcess[] = [];
  try {
    await redis.start();
    await fn(redis, dir, procs);
  } finally {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
