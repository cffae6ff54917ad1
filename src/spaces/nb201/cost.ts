// Parameter count and FLOPs of the NAS-Bench-201 macro network (the "infer.tiny" network of the
// benchmark): stem Conv3x3(3->C)+BN; 3 stages of N cells at C, 2C, 4C channels; between stages a
// residual reduction block (ReLU-Conv3x3/2-BN, ReLU-Conv3x3-BN, shortcut AvgPool2x2/2 + Conv1x1);
// final BN+ReLU, global average pooling and a linear classifier. Cell ops: nor_conv_kxk is
// ReLU-Conv(kxk, no bias)-BN(affine), avg_pool_3x3 is a plain pooling, skip and none have no weights.
//
// Conventions follow the benchmark's own counters: parameters are trainable tensors (BN weight and
// bias, not running stats); FLOPs are multiply-accumulates of convolutions and linear layers
// (+1 per output for a bias) plus k*k per output element of a pooling window; BN and ReLU are free.

import { NB201_EDGES, OP_CONV1, OP_CONV3, OP_POOL, checkVector, liveEdges, type Nb201Vector } from './cell.js';

export interface Nb201MacroConfig {
  /** Channels of the first stage (C); stages use C, 2C, 4C. */
  channels: number;
  /** Cells per stage (N). */
  cellsPerStage: number;
  numClasses: number;
  /** Input height = width. */
  inputSize: number;
  inputChannels: number;
}

export const NB201_DATASETS = ['cifar10', 'cifar100', 'imagenet16'] as const;
export type Nb201Dataset = (typeof NB201_DATASETS)[number];

export function macroConfigFor(dataset: Nb201Dataset): Nb201MacroConfig {
  switch (dataset) {
    case 'cifar10':
      return { channels: 16, cellsPerStage: 5, numClasses: 10, inputSize: 32, inputChannels: 3 };
    case 'cifar100':
      return { channels: 16, cellsPerStage: 5, numClasses: 100, inputSize: 32, inputChannels: 3 };
    case 'imagenet16':
      return { channels: 16, cellsPerStage: 5, numClasses: 120, inputSize: 16, inputChannels: 3 };
    default:
      throw new Error(`unknown NB201 dataset ${JSON.stringify(dataset)}; known: ${NB201_DATASETS.join(', ')}`);
  }
}

export interface Nb201Cost {
  /** Trainable parameters of the network as the benchmark defines it (every edge's op counts). */
  params: number;
  /** FLOPs of the network as the benchmark runs it: every edge's op executes, dead or not. */
  flops: number;
  /** FLOPs of a pruned inference graph: only ops on edges that connect cell input to output. */
  flopsEffective: number;
}

const convFlops = (hw: number, k: number, cin: number, cout: number) => hw * hw * k * k * cin * cout;

/** Cost of one cell edge op at C channels and spatial size hw. */
function opCost(op: number, C: number, hw: number): { params: number; flops: number } {
  switch (op) {
    case OP_CONV1:
      return { params: C * C + 2 * C, flops: convFlops(hw, 1, C, C) };
    case OP_CONV3:
      return { params: 9 * C * C + 2 * C, flops: convFlops(hw, 3, C, C) };
    case OP_POOL:
      return { params: 0, flops: hw * hw * C * 9 };
    default:
      return { params: 0, flops: 0 };
  }
}

export function nb201Cost(v: Nb201Vector, cfg: Nb201MacroConfig = macroConfigFor('cifar10')): Nb201Cost {
  checkVector(v);
  const live = liveEdges(v);
  const C0 = cfg.channels;
  let hw = cfg.inputSize;
  // Stem.
  let params = cfg.inputChannels * C0 * 9 + 2 * C0;
  let base = convFlops(hw, 3, cfg.inputChannels, C0);
  let cellAll = 0;
  let cellLive = 0;
  let C = C0;
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) {
      const cin = C;
      const cout = 2 * C;
      hw = Math.floor(hw / 2);
      params += 9 * cin * cout + 2 * cout + 9 * cout * cout + 2 * cout + cin * cout;
      base += convFlops(hw, 3, cin, cout) + convFlops(hw, 3, cout, cout) + hw * hw * cin * 4 + convFlops(hw, 1, cin, cout);
      C = cout;
    }
    for (let e = 0; e < NB201_EDGES.length; e++) {
      const c = opCost(v[e], C, hw);
      params += cfg.cellsPerStage * c.params;
      cellAll += cfg.cellsPerStage * c.flops;
      if (live[e]) cellLive += cfg.cellsPerStage * c.flops;
    }
  }
  // Final BN (affine) and the classifier.
  params += 2 * C + C * cfg.numClasses + cfg.numClasses;
  base += C * cfg.numClasses + cfg.numClasses;
  return { params, flops: base + cellAll, flopsEffective: base + cellLive };
}
