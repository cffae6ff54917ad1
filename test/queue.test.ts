import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Job, Queue } from 'bullmq';
import { checkJobData, checkJobResult, failureOf, jobIdOf } from '../src/train/queue-job.js';
import { parseQueueUrl } from '../src/train/queue-url.js';
import { ROOT, cli, spawnCli } from './helpers.js';
import { withRedis } from './redis-helpers.js';

const TRAINER = join(ROOT, 'test/fixtures/trainer.mjs');
const cmd = `node ${TRAINER} --arch {arch} --attempt {attempt} --out {out}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('queue URLs: host, port, db and queue name; anything else refused', () => {
  assert.deepEqual(parseQueueUrl('redis://127.0.0.1:6400/2/exp-1'), { connection: { host: '127.0.0.1', port: 6400, db: 2 }, name: 'exp-1', display: 'redis://127.0.0.1:6400/2/exp-1' });
  assert.equal(parseQueueUrl('redis://h').name, 'brp-nas');
  assert.equal(parseQueueUrl('redis://:s3cret@h:1/q').connection.password, 's3cret');
  assert.ok(!parseQueueUrl('redis://:s3cret@h:1/q').display.includes('s3cret'));
  for (const bad of ['http://h:1/q', 'h:1', 'redis://h/1/a/b', 'redis://h/q?x=1', 'redis://h/bad name']) assert.throws(() => parseQueueUrl(bad), /--queue/, bad);
});

test('jobs and results on the queue are checked: a forged or foreign job is refused, a bad result is malformed', () => {
  const job = { format: 'brp-nas-job', version: 1, search: 'abc-1', index: 3, attempt: 1, space: 'nb201', arch: '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|', seed: 0, timeout_ms: null };
  assert.deepEqual(checkJobData(job), job);
  for (const [patch, msg] of [
    [{ format: 'x' }, /not a brp-nas job/],
    [{ version: 2 }, /version/],
    [{ extra: 1 }, /unknown job field/],
    [{ search: '../etc' }, /search/],
    [{ index: 0 }, /index/],
    [{ space: 'toString' }, /unknown space/],
    [{ arch: '|bogus~0|' }, /./],
    [{ timeout_ms: -1 }, /timeout_ms/],
  ] as const)
    assert.throws(() => checkJobData({ ...job, ...patch }), msg, JSON.stringify(patch));
  assert.deepEqual(checkJobResult({ accuracy: 91, latency_ms: 2, metrics: { a: 1 } }), { accuracy: 91, latency_ms: 2, metrics: { a: 1 } });
  for (const bad of [null, [], { accuracy: 'x' }, { accuracy: 1, latency_ms: 0 }, { accuracy: 1, metrics: { a: [1] } }]) assert.throws(() => checkJobResult(bad));
  assert.equal(failureOf('timeout: no result within 5 s'), 'timeout');
  assert.equal(failureOf('job stalled more than allowable limit'), 'lost');
  assert.equal(jobIdOf('u-u/3/2'), 'u-u-3-2');
});

test('many machines on BullMQ: workers join and die, the coordinator and Redis restart mid-search, and the trained set and results are exactly those of a local run', async () => {
  await withRedis(async (redis, dir, procs) => {
    const port = redis.port;
    const url = `redis://127.0.0.1:${port}/0/test`;
    const env = { TRAINER_SLEEP_MS: '300', TRAINER_LOG: join(dir, 'trainings.log') };
    const worker = (i: number) => {
      const w = spawnCli(['worker', '--queue', url, '--trainer', cmd, '--dir', join(dir, `w${i}`), '--lock-ms', '1500', '--concurrency', '2'], env);
      procs.push(w);
      return w;
    };
    const w1 = worker(1);
    worker(2);
    worker(3);
    const search = ['search', '--strategy', 'rea', '--budget', '30', '--seed', '4', '--queue', url, '--state', join(dir, 'state'), '--json', '--quiet'];
    let coord = spawnCli(search);
    procs.push(coord);
    await sleep(1800);
    w1.kill('SIGKILL'); // mid-job: its jobs stall and go to other workers
    worker(4);
    await sleep(700);
    coord.kill('SIGKILL');
    await coord.done;
    coord = spawnCli(search);
    procs.push(coord);
    await sleep(800);
    await redis.stop(); // jobs in flight while Redis is down
    await sleep(700);
    await redis.start();
    const r = await coord.done;
    assert.equal(r.code, 0, r.err);
    const res = JSON.parse(r.out);
    // 27 searched, then the 3 best trained again (the default --final-retrain for a budget of 30), through the queue with seed + 1
    assert.equal(res.trained, 27);
    assert.equal(res.final_retrain.trained, 3);
    assert.equal(res.failed, 0);
    // the same search, trained locally by the same deterministic trainer
    const local = cli(['search', '--strategy', 'rea', '--budget', '30', '--seed', '4', '--trainer', cmd, '--workers', '4', '--state', join(dir, 'local'), '--json', '--quiet']);
    assert.equal(local.code, 0, local.err);
    const pick = (state: string) => JSON.parse(readFileSync(join(dir, state, 'result.json'), 'utf8')).candidates.map((c: { index: number; arch: string; accuracy: number; status: string }) => [c.index, c.arch, c.accuracy, c.status]);
    assert.deepEqual(pick('state'), pick('local'));
    // every job of the search finished exactly once in Redis, whatever happened on the way
    const q = new Queue('test', { connection: { host: '127.0.0.1', port } });
    try {
      const completed = await q.getJobs(['completed'], 0, 1000);
      const ours = completed.filter((j: Job) => j.data.search);
      const byIndex = new Map<number, number>();
      for (const j of ours) byIndex.set(j.data.index, (byIndex.get(j.data.index) ?? 0) + 1);
      assert.equal(byIndex.size, 30);
      assert.equal(new Set(ours.filter((j: Job) => j.data.seed === 5).map((j: Job) => j.data.index)).size, 3);
    } finally {
      await q.close();
    }
  });
});

test('a worker refuses a forged job without running anything; Ctrl-C stops it mid-training and another worker takes the job over', async () => {
  await withRedis(async (redis, dir, procs) => {
    const port = redis.port;
    const url = `redis://127.0.0.1:${port}/forged`;
    const q = new Queue('forged', { connection: { host: '127.0.0.1', port } });
    const finished = async (id: string) => {
      for (let i = 0; i < 200; i++) {
        const j = await Job.fromId(q, id);
        if (j?.finishedOn) return j;
        await sleep(100);
      }
      throw new Error(`job ${id} did not finish`);
    };
    try {
      const marker = join(dir, 'ran');
      await q.add('train', { format: 'brp-nas-job', version: 1, search: 'x', index: 1, attempt: 1, space: 'nb201', arch: '$(touch ' + marker + ')', seed: 0, timeout_ms: null }, { jobId: 'x-1-1' });
      const log = join(dir, 'trainings.log');
      const w1 = spawnCli(['worker', '--queue', url, '--trainer', cmd, '--dir', join(dir, 'w1'), '--lock-ms', '1000'], { TRAINER_MODE: 'hang', TRAINER_LOG: log });
      procs.push(w1);
      assert.match((await finished('x-1-1')).failedReason, /^refused: /);
      assert.equal(existsSync(marker), false);
      const arch = '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|';
      await q.add('train', { format: 'brp-nas-job', version: 1, search: 'x', index: 2, attempt: 1, space: 'nb201', arch, seed: 0, timeout_ms: null }, { jobId: 'x-2-1' });
      for (let i = 0; i < 100 && !(existsSync(log) && readFileSync(log, 'utf8').includes('start')); i++) await sleep(100);
      w1.kill('SIGINT');
      const r1 = await w1.done;
      assert.equal(r1.code, 130, r1.err);
      assert.equal((await Job.fromId(q, 'x-2-1'))!.finishedOn, undefined);
      const w2 = spawnCli(['worker', '--queue', url, '--trainer', cmd, '--dir', join(dir, 'w2'), '--lock-ms', '1000', '--max-jobs', '1', '--measure-latency'], { TRAINER_NO_LATENCY: '1' });
      procs.push(w2);
      const j = await finished('x-2-1');
      assert.equal(j.failedReason, undefined);
      assert.equal(typeof j.returnvalue.accuracy, 'number');
      assert.equal(j.returnvalue.metrics.arch, arch);
      assert.ok(j.returnvalue.latency_ms > 0); // measured by the worker on its own machine
      assert.equal((await w2.done).code, 0);
    } finally {
      await q.close();
    }
  });
});
