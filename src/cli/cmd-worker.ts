import { resolve } from 'node:path';
import { parseTrainerCommand, TrainerCommandError } from '../train/trainer-command.js';
import { parseQueueUrl, QueueUrlError } from '../train/queue-url.js';
import { runQueueWorker } from '../train/queue-worker.js';
import { ortLatencyProbe } from '../train/latency-probe.js';
import { EXIT_INTERRUPTED, interruptSignal } from '../util/interrupt.js';
import { COMMON_OPTIONS, UsageError, intFlag, numFlag, parse } from './args.js';
import type { CliCommand } from './command.js';
import { checkProgram } from './search-real.js';

const HELP = `Usage: brp-nas worker --queue redis://HOST:PORT[/DB][/NAME] --trainer "CMD {arch} ..." [options]

Train the candidates of searches started with 'brp-nas search --queue URL': take a job from the
queue, run the training command on it (without a shell; {arch}, {out}, {index}, {seed}, {attempt}
as for search --trainer), and return the JSON object its last line of stdout printed. Run one worker
per training machine (or per GPU); workers may join and leave at any time. A worker that dies
mid-job loses its lock, and the job goes to another worker.

Options:
  --queue URL          the queue (required)
  --trainer "CMD"      the training command (required)
  --dir DIR            where candidates' {out} directories and logs go (default brp-nas-worker)
  --concurrency N      jobs trained at once by this worker (default 1)
  --lock-ms MS         a job whose worker is silent this long goes to another worker (default 30000)
  --max-jobs N         exit after N jobs (default: run until Ctrl-C)
  --measure-latency    time each trained network on this machine (onnxruntime-node, 1 thread, the
                       protocol of 'brp-nas measure') when the trainer prints no latency_ms
  --quiet              no per-job lines on stderr

Ctrl-C kills the trainings in flight; their jobs go back to the queue for other workers.`;

export const workerCommand: CliCommand = {
  name: 'worker',
  summary: 'train the jobs of searches on a queue (search --queue)',
  async run(argv, io) {
    const { values: v } = parse('worker', argv, { ...COMMON_OPTIONS, queue: { type: 'string' }, trainer: { type: 'string' }, dir: { type: 'string' }, concurrency: { type: 'string' }, 'lock-ms': { type: 'string' }, 'max-jobs': { type: 'string' }, quiet: { type: 'boolean' }, 'measure-latency': { type: 'boolean' } });
    if (v.help) {
      io.out(HELP);
      return 0;
    }
    if (typeof v.queue !== 'string') throw new UsageError('worker: --queue URL is required');
    if (typeof v.trainer !== 'string') throw new UsageError('worker: --trainer "CMD {arch}" is required');
    let address;
    let command;
    try {
      address = parseQueueUrl(v.queue);
      command = parseTrainerCommand(v.trainer);
    } catch (e) {
      if (e instanceof QueueUrlError || e instanceof TrainerCommandError) throw new UsageError(`worker: ${e.message}`);
      throw e;
    }
    checkProgram(command.words[0], 'worker');
    const concurrency = intFlag(v.concurrency as string | undefined, 'concurrency', 1, 1, 1000, 'worker');
    const lockMs = numFlag(v['lock-ms'] as string | undefined, 'lock-ms', 30000, 500, 86400000, 'worker');
    const maxJobs = v['max-jobs'] === undefined ? undefined : intFlag(v['max-jobs'] as string, 'max-jobs', 1, 1, 1e9, 'worker');
    if (!v.quiet) io.err(`brp-nas worker: training jobs from ${address.display} (${concurrency} at a time); Ctrl-C to stop`);
    const r = await runQueueWorker({ address, command, dir: resolve(typeof v.dir === 'string' ? v.dir : 'brp-nas-worker'), concurrency, lockMs, maxJobs, probe: v['measure-latency'] ? ortLatencyProbe(1) : undefined, signal: interruptSignal, onEvent: v.quiet ? undefined : (l) => io.err(l) });
    if (v.json) io.out(JSON.stringify({ jobs: r.jobs, interrupted: r.interrupted }));
    return r.interrupted ? EXIT_INTERRUPTED : 0;
  },
};
