// The CLI as run by bin/brp-nas.js, in a worker thread (see util/interrupt.ts): runs the command
// and reports its exit status to the launcher.

import { parentPort, workerData } from 'node:worker_threads';
import { runCli } from './main.js';

const code = await runCli((workerData as { argv: string[] }).argv);
parentPort?.postMessage({ exitCode: code });
