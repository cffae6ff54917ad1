// Parameters and FLOPs of the NAS-Bench-101 CIFAR-10 network (model_builder.py): a 3x3 conv-BN-ReLU
// stem to 128 channels; 3 stacks of 3 cells at 128, 256, 512 channels with a 2x2 max-pool before the
// second and third stack; global average pooling; a dense layer to 10 classes.
// Inside a cell (build_module): the output's channels are split evenly over the interior vertices that
// feed it (compute_vertex_channels, the remainder to the first ones); other vertices take the largest
// width they feed; inputs from interior vertices are truncated to the vertex's width, the cell input
// is projected by a 1x1 conv-BN-ReLU; interior outputs into the output are concatenated, and a
// projection of the cell input is added when the input feeds the output. Parameters are trainable
// tensors (conv kernels without bias, BN gamma and beta; the dense layer's weight and bias).
// FLOPs count multiply-accumulates of convolutions and the dense layer (+1 per output for its bias)
// and k*k per output element of a pooling window, the convention of nb201/cost.ts.

import type { Nb101Cell } from './cell.js';

export interface Nb101NetworkConfig {
  stemChannels: number;
  stacks: number;
  cellsPerStack: number;
  numClasses: number;
  inputSize: number;
  inputChannels: number;
}

export const NB101_NETWORK: Nb101NetworkConfig = { stemChannels: 128, stacks: 3, cellsPerStack: 3, numClasses: 10, inputSize: 32, inputChannels: 3 };

/** compute_vertex_channels of the benchmark. */
export function vertexChannels(c: Nb101Cell, inChannels: number, outChannels: number): number[] {
  const { n, matrix: M } = c;
  const ch = new Array<number>(n).fill(0);
  ch[0] = inChannels;
  ch[n - 1] = outChannels;
  if (n === 2) return ch;
  let inDeg = 0; // in-degree of the output from interior vertices (row 0 excluded, as the benchmark)
  for (let v = 1; v < n - 1; v++) inDeg += M[v * n + n - 1];
  const interior = Math.floor(outChannels / inDeg);
  let correction = outChannels % inDeg;
  for (let v = 1; v < n - 1; v++) {
    if (M[v * n + n - 1]) {
      ch[v] = interior;
      if (correction) {
        ch[v]++;
        correction--;
      }
    }
  }
  for (let v = n - 3; v > 0; v--) {
    if (!M[v * n + n - 1]) for (let d = v + 1; d < n - 1; d++) if (M[v * n + d]) ch[v] = Math.max(ch[v], ch[d]);
    if (!(ch[v] > 0)) throw new Error(`NB101 cell: vertex ${v} gets no channels`);
  }
  return ch;
}

export interface Nb101Cost {
  params: number;
  flops: number;
}

const convBn = (k: number, cin: number, cout: number, hw: number): Nb101Cost => ({ params: k * k * cin * cout + 2 * cout, flops: hw * hw * k * k * cin * cout });

function cellCost(c: Nb101Cell, cin: number, cout: number, hw: number): Nb101Cost {
  const { n, matrix: M } = c;
  const ch = vertexChannels(c, cin, cout);
  let params = 0;
  let flops = 0;
  const add = (x: Nb101Cost) => {
    params += x.params;
    flops += x.flops;
  };
  let feedsOut = 0;
  for (let t = 1; t < n - 1; t++) {
    if (M[0 * n + t]) add(convBn(1, cin, ch[t], hw)); // projection of the cell input
    const op = c.ops[t - 1];
    if (op === 0) add(convBn(3, ch[t], ch[t], hw));
    else if (op === 1) add(convBn(1, ch[t], ch[t], hw));
    else flops += hw * hw * ch[t] * 9;
    if (M[t * n + n - 1]) feedsOut++;
  }
  if (feedsOut === 0 || M[0 * n + n - 1]) add(convBn(1, cin, cout, hw));
  return { params, flops };
}

export function nb101Cost(c: Nb101Cell, cfg: Nb101NetworkConfig = NB101_NETWORK): Nb101Cost {
  let hw = cfg.inputSize;
  const stem = convBn(3, cfg.inputChannels, cfg.stemChannels, hw);
  let params = stem.params;
  let flops = stem.flops;
  let channels = cfg.stemChannels;
  let cin = channels;
  for (let s = 0; s < cfg.stacks; s++) {
    if (s > 0) {
      flops += (hw / 2) * (hw / 2) * cin * 4; // 2x2 max-pool
      hw /= 2;
      channels *= 2;
    }
    for (let m = 0; m < cfg.cellsPerStack; m++) {
      const x = cellCost(c, cin, channels, hw);
      params += x.params;
      flops += x.flops;
      cin = channels;
    }
  }
  params += cin * cfg.numClasses + cfg.numClasses;
  flops += cin * cfg.numClasses + cfg.numClasses;
  return { params, flops };
}

export const NB101_LAYER_FEATURES: readonly string[] = [0, 1, 2].flatMap((s) => ['conv3x3', 'conv1x1', 'maxpool3x3', 'projection'].map((op) => `stack${s + 1}_${op}_mflops`));

/**
 * The layer-wise latency model's features: per stack, the MFLOPs of the network's conv3x3, conv1x1
 * and max-pool vertices and of its input projections (the layers differ in width per cell, so a
 * size, not a count, says what a layer costs).
 */
export function nb101LayerFeatures(c: Nb101Cell, cfg: Nb101NetworkConfig = NB101_NETWORK): number[] {
  const f = new Array<number>(12).fill(0);
  const { n, matrix: M } = c;
  let hw = cfg.inputSize;
  let channels = cfg.stemChannels;
  let cin = channels;
  for (let s = 0; s < cfg.stacks; s++) {
    if (s > 0) {
      hw /= 2;
      channels *= 2;
    }
    for (let m = 0; m < cfg.cellsPerStack; m++) {
      const ch = vertexChannels(c, cin, channels);
      let feedsOut = 0;
      for (let t = 1; t < n - 1; t++) {
        if (M[t]) f[s * 4 + 3] += (hw * hw * cin * ch[t]) / 1e6;
        const op = c.ops[t - 1];
        f[s * 4 + op] += (hw * hw * ch[t] * ch[t] * (op === 0 ? 9 : op === 1 ? 1 : 9 / ch[t])) / 1e6;
        if (M[t * n + n - 1]) feedsOut++;
      }
      if (feedsOut === 0 || M[n - 1]) f[s * 4 + 3] += (hw * hw * cin * channels) / 1e6;
      cin = channels;
    }
  }
  return f;
}
