// NAS-Bench-101 networks as ONNX models (the benchmark's CIFAR-10 network, model_builder.py; see
// cost.ts): stem conv3x3-BN-ReLU to 128 channels, 3 stacks of 3 cells with a 2x2 max-pool and channel
// doubling between stacks, global average pooling, a dense layer. Inside a cell: interior vertices
// sum their inputs (other interior vertices truncated to the vertex's width, the cell input
// projected by conv1x1-BN-ReLU), then apply their op; the output concatenates the interior vertices
// that feed it and adds a projection of the cell input when the input feeds the output. BN layers are
// kept (inference runtimes fold them). The parameter count equals nb101Cost().

import { GraphBuilder, classifierHead, finishModel, type OnnxNetwork } from '../../onnx/graph-builder.js';
import { Rng } from '../../util/rng.js';
import { formatNb101, type Nb101Cell } from './cell.js';
import { NB101_NETWORK, vertexChannels, type Nb101NetworkConfig } from './cost.js';

export interface Nb101OnnxOptions {
  batch?: number;
  seed?: number;
  network?: Partial<Nb101NetworkConfig>;
}

function cell(g: GraphBuilder, x: string, c: Nb101Cell, cin: number, cout: number): string {
  const { n, matrix: M } = c;
  const ch = vertexChannels(c, cin, cout);
  const tensors = [x];
  const toOutput: string[] = [];
  for (let t = 1; t < n - 1; t++) {
    const inputs: string[] = [];
    for (let s = 1; s < t; s++) if (M[s * n + t]) inputs.push(ch[s] > ch[t] ? g.sliceChannels(tensors[s], ch[t]) : tensors[s]);
    if (M[0 * n + t]) inputs.push(g.convBnRelu(x, cin, ch[t], 1));
    const sum = g.sum(inputs);
    const op = c.ops[t - 1];
    const y = op === 0 ? g.convBnRelu(sum, ch[t], ch[t], 3) : op === 1 ? g.convBnRelu(sum, ch[t], ch[t], 1) : g.maxPool(sum, 3, 1, 1);
    tensors.push(y);
    if (M[t * n + n - 1]) toOutput.push(y);
  }
  if (toOutput.length === 0) return g.convBnRelu(x, cin, cout, 1);
  const out = g.concat(toOutput);
  return M[0 * n + n - 1] ? g.node('Add', [out, g.convBnRelu(x, cin, cout, 1)]) : out;
}

export function buildNb101Onnx(c: Nb101Cell, opts: Nb101OnnxOptions = {}): OnnxNetwork {
  const cfg = { ...NB101_NETWORK, ...opts.network };
  const batch = opts.batch ?? 1;
  for (const [k, v] of Object.entries({ batch, ...cfg })) if (!Number.isInteger(v) || v < 1) throw new Error(`NB101 network option ${k} must be a positive integer, got ${v}`);
  if (cfg.inputSize % 2 ** (cfg.stacks - 1) !== 0) throw new Error(`input size ${cfg.inputSize} must halve ${cfg.stacks - 1} times`);
  const g = new GraphBuilder(new Rng(opts.seed ?? 0));
  let x = g.convBnRelu('input', cfg.inputChannels, cfg.stemChannels, 3);
  let channels = cfg.stemChannels;
  let cin = channels;
  for (let s = 0; s < cfg.stacks; s++) {
    if (s > 0) {
      x = g.maxPool(x, 2, 2, 0);
      channels *= 2;
    }
    for (let m = 0; m < cfg.cellsPerStack; m++) {
      x = cell(g, x, c, cin, channels);
      cin = channels;
    }
  }
  const logits = classifierHead(g, x, cin, cfg.numClasses);
  return finishModel(g, formatNb101(c), logits, [batch, cfg.inputChannels, cfg.inputSize, cfg.inputSize], [batch, cfg.numClasses]);
}
