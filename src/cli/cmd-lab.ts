import { startLab, type LabOptions } from '../lab/lab-server.js';
import { MEASURE_SPACES, type MeasureSpaceName } from '../measure/measure-space.js';
import { DEFAULT_PROTOCOL } from '../measure/protocol.js';
import { COMMON_OPTIONS, UsageError, choiceFlag, intFlag, parse } from './args.js';
import type { CliCommand } from './command.js';
import { SERVER_OPTIONS, serveUntilInterrupted, serverSettings } from './serve-flags.js';

const HELP = `Usage: brp-nas lab --dir DIR [--host 127.0.0.1] [--port 8642] [--space nb201|nb101|darts] [options]

Serve a latency lab: any device that opens the printed URL (a phone on the same network, a laptop,
headless Chromium) becomes a worker. It times the networks the lab assigns it with onnxruntime-web
(WebAssembly SIMD, threads when the page is cross-origin isolated, WebGPU where the browser has it,
recorded per device) with the protocol of 'brp-nas measure', and posts each result at once. Each
device's results go to DIR/devices/<device>.jsonl, a dataset in the measure format ('brp-nas latency
train --device FILE' reads it); a reload or a dropped connection resumes where it stopped. The page
plots the device's latency against FLOPs as it goes; when a device has measured --train-at networks,
the lab trains its latency predictor and the page offers it for download. /dashboard lists devices,
counts and predictor quality.

The lab binds to 127.0.0.1 unless --host says otherwise (--host 0.0.0.0 for phones on your network);
every request needs the lab's token (in the URL; kept in DIR/lab.json, so a restarted lab keeps it).
A phone reaching the lab by its network address over plain HTTP gets no secure context: no WebGPU and
one WebAssembly thread. --https serves TLS with a self-signed certificate made for this machine's
names and addresses and kept in DIR/tls/ (the browser asks once to accept it), or with --cert/--key.

Options:
  --dir DIR                     where datasets, models and the device registry go (required)
  --host H / --port P           address to listen on (default 127.0.0.1:8642; --port 0 picks a free one)
  --space nb201|nb101|darts     networks to measure (default nb201)
  --count N                     networks per device (default 200)
  --seed S                      seed of the measurement order, the same for every device (default 0)
  --warmup/--rounds/--runs-per-round/--interleave   the measure protocol (defaults ${DEFAULT_PROTOCOL.warmup}/${DEFAULT_PROTOCOL.rounds}/${DEFAULT_PROTOCOL.runsPerRound}/${DEFAULT_PROTOCOL.interleave})
  --train-at N,N,...            train a device's predictor when it reaches these counts (default 100,200)
  --predictor auto|gcn|layerwise|flops   the predictor trained at --train-at (default auto: the best of
                                the GCN, with and without the layer-wise prior, and the two fits, by
                                validation, as 'latency train --predictor auto')
  --fewshot K                   nb201: measure first the K cells 'measure --select spread' chooses and
                                at K adapt the LatBench base to them ('latency adapt'): a predictor within
                                a minute or two; at --train-at the trained predictor replaces it only
                                where it scores better on the device's own held-out cells (default 20;
                                0: none; needs the LatBench data)
  --https                       serve HTTPS (a secure context on phones: WebGPU, threads)
  --cert FILE --key FILE        your certificate and key (PEM) for --https instead of the self-signed one
  --no-qr                       no QR code (printed only when stdout is a terminal)

Runs until Ctrl-C (exit 130); every result is already on disk.`;

/** The lab's own flags (what devices measure and when their predictors train), shared with `ui`. */
export const LAB_OPTIONS = { space: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, warmup: { type: 'string' }, rounds: { type: 'string' }, 'runs-per-round': { type: 'string' }, interleave: { type: 'string' }, 'train-at': { type: 'string' }, predictor: { type: 'string' }, fewshot: { type: 'string' } } as const;

export function labSettings(v: Record<string, unknown>, cmd: string): Pick<LabOptions, 'space' | 'seed' | 'count' | 'protocol' | 'trainAt' | 'predictor' | 'fewshot'> {
  const trainAt = String(v['train-at'] ?? '100,200').split(',').map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n < 5) throw new UsageError(`${cmd}: --train-at takes counts of at least 5, got ${JSON.stringify(x)}`);
    return n;
  });
  const space = choiceFlag(v.space as string | undefined, 'space', MEASURE_SPACES, 'nb201', cmd) as MeasureSpaceName;
  if (space !== 'nb201' && v.fewshot !== undefined && v.fewshot !== '0') throw new UsageError(`${cmd}: --fewshot applies to --space nb201 (latency adapt needs the LatBench devices' tables)`);
  const fewshot = space === 'nb201' ? intFlag(v.fewshot as string | undefined, 'fewshot', 20, 0, 200, cmd) : 0;
  if (fewshot === 1) throw new UsageError(`${cmd}: --fewshot takes 0 (none) or at least 2 cells`);
  return {
    space,
    fewshot,
    seed: intFlag(v.seed as string | undefined, 'seed', 0, 0, 2 ** 32 - 1, cmd),
    count: intFlag(v.count as string | undefined, 'count', 200, 1, 1000000, cmd),
    protocol: {
      warmup: intFlag(v.warmup as string | undefined, 'warmup', DEFAULT_PROTOCOL.warmup, 0, 100000, cmd),
      rounds: intFlag(v.rounds as string | undefined, 'rounds', DEFAULT_PROTOCOL.rounds, 1, 1000, cmd),
      runsPerRound: intFlag(v['runs-per-round'] as string | undefined, 'runs-per-round', DEFAULT_PROTOCOL.runsPerRound, 1, 1000, cmd),
      interleave: intFlag(v.interleave as string | undefined, 'interleave', DEFAULT_PROTOCOL.interleave, 1, 64, cmd),
    },
    trainAt,
    predictor: choiceFlag(v.predictor as string | undefined, 'predictor', ['auto', 'gcn', 'layerwise', 'flops'] as const, 'auto', cmd),
  };
}

export const labCommand: CliCommand = {
  name: 'lab',
  summary: 'serve a latency lab that any phone or browser joins by opening a URL',
  async run(argv, io) {
    const { values: v } = parse('lab', argv, { ...COMMON_OPTIONS, ...SERVER_OPTIONS, ...LAB_OPTIONS });
    if (v.help) {
      io.out(HELP);
      return 0;
    }
    // every flag is checked before a certificate is made
    const settings = labSettings(v, 'lab');
    const { dir, host, port, tls } = await serverSettings(v, 'lab', 'datasets, models and the device registry go there', 8642, io);
    const lab = await startLab({ tls, dir, host, port, ...settings, onEvent: v.quiet ? undefined : (l) => io.err(`brp-nas lab: ${l}`) });
    return serveUntilInterrupted(io, v, { line: `brp-nas lab: open ${lab.url} on any device (dashboard: ${lab.url.replace('/?', '/dashboard?')})`, host, qrUrl: lab.url, close: lab.close });
  },
};
