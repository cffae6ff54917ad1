import { resolve } from 'node:path';
import { MEASURE_SPACES, buildSpaceOnnx } from '../measure/measure-space.js';
import { getSpace } from '../spaces/registry.js';
import { prepareOutput, writeFileAtomic } from '../util/atomic-write.js';
import { DataError } from '../util/errors.js';
import { COMMON_OPTIONS, UsageError, choiceFlag, intFlag, parse } from './args.js';
import type { CliCommand } from './command.js';

const HELP = `Usage: brp-nas export --space nb201|nb101|darts --arch ARCH --out FILE.onnx [--batch 1]
                      [--channels 16] [--cell full|pruned] [--json]

Write an architecture's network as an ONNX file: the space's evaluation network (NB201: the CIFAR
macro network, 3x32x32 input; NB101: the benchmark's CIFAR-10 network; DARTS: 36 channels, 20
cells), with untrained deterministic weights: the network 'brp-nas measure' times, to measure on
another device or runtime, or to inspect. Its parameter count is the space's cost model's. --channels
and --cell are NB201's (the first stage's width; every edge, or only those on an input-output path).
The trained network of a search is the file its trainer wrote.`;

export const exportCommand: CliCommand = {
  name: 'export',
  summary: "write an architecture's (untrained) network as an ONNX file",
  async run(argv, io) {
    const { values: v } = parse('export', argv, { ...COMMON_OPTIONS, space: { type: 'string' }, arch: { type: 'string' }, out: { type: 'string' }, batch: { type: 'string' }, channels: { type: 'string' }, cell: { type: 'string' } });
    if (v.help) {
      io.out(HELP);
      return 0;
    }
    const space = choiceFlag(v.space, 'space', MEASURE_SPACES, 'nb201', 'export');
    if (typeof v.arch !== 'string') throw new UsageError('export: --arch ARCH is required');
    if (typeof v.out !== 'string') throw new UsageError('export: --out FILE.onnx is required');
    if (space !== 'nb201') for (const f of ['channels', 'cell']) if (v[f] !== undefined) throw new UsageError(`export: --${f} is an NB201 option, not for --space ${space}`);
    const network = { batch: intFlag(v.batch, 'batch', 1, 1, 4096, 'export'), channels: intFlag(v.channels, 'channels', 16, 1, 1024, 'export'), cell: choiceFlag(v.cell, 'cell', ['full', 'pruned'] as const, 'full', 'export') };
    const out = resolve(v.out);
    prepareOutput(out, '--out');
    let arch;
    try {
      arch = getSpace(space).format(getSpace(space).parse(v.arch));
    } catch (e) {
      throw new DataError(`--arch: ${(e as Error).message}`);
    }
    let net;
    try {
      net = buildSpaceOnnx(space, arch, network);
    } catch (e) {
      throw new DataError(`--arch ${arch}: ${(e as Error).message}`);
    }
    writeFileAtomic(out, net.bytes);
    const summary = { space, arch, out, params: net.params, input: { name: net.inputName, shape: net.inputShape }, output: { name: net.outputName, shape: net.outputShape }, bytes: net.bytes.length };
    if (v.json) io.out(JSON.stringify(summary));
    else io.out(`${out}: ${space} network of ${arch}, ${net.params} parameters, input ${net.inputName} [${net.inputShape.join(', ')}], output ${net.outputName} [${net.outputShape.join(', ')}]`);
    return 0;
  },
};
