// Searches with real training: what the coordinator costs, and the queue under many workers.
//  1. Coordinator overhead per candidate: a random search whose trainer only prints a result,
//     against spawning the same number of those processes bare, W at a time; the difference per
//     candidate is what journaling (fsync per record), scheduling and bookkeeping add.
//  2. The queue: N worker processes x C jobs each (50 at once by default) serve one search of B
//     candidates; every job must complete exactly once, and the coordinator must count B distinct.
// Needs redis-server (Debian's package) for part 2.
//   node dist/bench/real-search.js [--budget 300] [--workers 1,4] [--queue-budget 500] [--worker-procs 10] [--concurrency 5]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchArgs } from './bench-args.js';
import { Queue } from 'bullmq';
import { ProcessRunner } from '../src/train/process-runner.js';
import { runRealSearch } from '../src/train/real-search.js';
import { parseTrainerCommand } from '../src/train/trainer-command.js';
import { RedisServer, freePort } from '../test/redis-helpers.js';
import { provenance } from '../src/util/provenance.js';

const { values } = benchArgs(import.meta.url, { options: { budget: { type: 'string', default: '300' }, workers: { type: 'string', default: '1,4' }, 'queue-budget': { type: 'string', default: '500' }, 'worker-procs': { type: 'string', default: '10' }, concurrency: { type: 'string', default: '5' }, 'skip-queue': { type: 'boolean' } } });
const budget = Number(values.budget);
const root = resolve(new URL('../..', import.meta.url).pathname);
const bin = join(root, 'bin/brp-nas.js');

console.log(`# real-search bench, ${new Date().toISOString()}, commit ${provenance().commit}${provenance().dirty ? ' (dirty)' : ''}`);
console.log('\n## Coordinator overhead (random search, NB201, a trainer that only prints {"accuracy":1})\n');
console.log('| workers | candidates | search s | per candidate ms | bare spawns s | bare per spawn ms | overhead per candidate ms |');
console.log('|---|---|---|---|---|---|---|');
// the trainer prints nothing, so each attempt is "malformed": give it a result instead
const noop = parseTrainerCommand(`sh -c "echo '{\\"accuracy\\":1}'" sh {arch}`);
for (const w of values.workers!.split(',').map(Number)) {
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-bench-'));
  try {
    const t0 = performance.now();
    const out = await runRealSearch({ search: { space: 'nb201', strategy: 'random', budget, seed: 0 }, runner: new ProcessRunner(noop, 0), stateDir: dir, workers: w, retries: 0, timeoutMs: null, identity: { bench: 'overhead' } });
    const s = (performance.now() - t0) / 1000;
    if (out.trained.length !== budget) throw new Error(`trained ${out.trained.length} of ${budget}`);
    // the same processes without a coordinator: sh -c 'echo ...'
    const t1 = performance.now();
    let next = 0;
    const one = (): Promise<void> => new Promise((res) => spawn('sh', ['-c', `echo '{"accuracy":1}'`, 'sh', 'x'], { stdio: 'ignore' }).on('exit', () => res()));
    await Promise.all(Array.from({ length: w }, async () => {
      while (next++ < budget) await one();
    }));
    const bare = (performance.now() - t1) / 1000;
    console.log(`| ${w} | ${budget} | ${s.toFixed(2)} | ${((s / budget) * 1e3).toFixed(1)} | ${bare.toFixed(2)} | ${((bare / budget) * 1e3).toFixed(1)} | ${(((s - bare) / budget) * 1e3).toFixed(1)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!values['skip-queue']) {
  const B = Number(values['queue-budget']);
  const procs = Number(values['worker-procs']);
  const conc = Number(values.concurrency);
  const dir = mkdtempSync(join(tmpdir(), 'brpnas-bench-q-'));
  const port = await freePort();
  const redis = new RedisServer(port, dir);
  const children: ReturnType<typeof spawn>[] = [];
  try {
    await redis.start();
    const url = `redis://127.0.0.1:${port}/0/bench`;
    const log = join(dir, 'starts.log');
    // each training: note its start, wait 0.2 s, report the architecture string's length as accuracy
    const trainer = `sh -c 'echo "$1" >> ${log}; sleep 0.2; echo "{\\"accuracy\\": \${#1}}"' sh {arch}`;
    for (let i = 0; i < procs; i++) children.push(spawn(process.execPath, [bin, 'worker', '--queue', url, '--trainer', trainer, '--dir', join(dir, `w${i}`), '--concurrency', String(conc), '--quiet'], { stdio: 'ignore' }));
    const t0 = performance.now();
    const r = await new Promise<{ code: number | null; out: string }>((res) => {
      const c = spawn(process.execPath, [bin, 'search', '--strategy', 'random', '--budget', String(B), '--queue', url, '--workers', String(B), '--state', join(dir, 'state'), '--json', '--quiet']);
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      c.on('close', (code) => res({ code, out }));
    });
    const s = (performance.now() - t0) / 1000;
    if (r.code !== 0) throw new Error(`search exited ${r.code}`);
    const res = JSON.parse(r.out);
    const q = new Queue('bench', { connection: { host: '127.0.0.1', port } });
    const completed = await q.getJobs(['completed'], 0, B * 2);
    const failed = await q.getJobCounts('failed', 'wait', 'active');
    await q.close();
    const perIndex = new Map<number, number>();
    for (const j of completed) perIndex.set(j.data.index, (perIndex.get(j.data.index) ?? 0) + 1);
    const starts = readFileSync(log, 'utf8').trim().split('\n');
    const distinctStarts = new Set(starts).size;
    console.log(`\n## The queue: ${procs} worker processes x ${conc} jobs = ${procs * conc} at once, ${B} candidates, 0.2 s trainings\n`);
    console.log('| candidates | coordinator: trained / failed | jobs completed (distinct) | any job completed twice | trainings started (distinct archs) | failed/waiting/active left | wall s | ideal s (B x 0.2 / concurrency) |');
    console.log('|---|---|---|---|---|---|---|---|');
    console.log(`| ${B} | ${res.trained} / ${res.failed} | ${completed.length} (${perIndex.size}) | ${[...perIndex.values()].some((n) => n > 1) ? 'yes' : 'no'} | ${starts.length} (${distinctStarts}) | ${failed.failed}/${failed.wait}/${failed.active} | ${s.toFixed(1)} | ${((B * 0.2) / (procs * conc)).toFixed(1)} |`);
    if (res.trained !== B || perIndex.size !== B || completed.length !== B || starts.length !== B) throw new Error('lost or duplicated jobs');
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
