// Parameters and FLOPs of the DARTS CIFAR evaluation network (NetworkCIFAR of the DARTS code): a 3x3
// conv-BN stem to 3C channels; `layers` cells, the ones at layers/3 and 2*layers/3 reduction cells
// (channels doubled, ops on the cell inputs with stride 2); each cell preprocesses its two inputs
// (ReLU-conv1x1-BN, or a factorized reduce when the previous cell reduced) to C channels, applies its
// 8 ops and concatenates its 4 nodes (4C channels out); global average pooling and a linear
// classifier. Ops: sep_conv_kxk = two (ReLU, depthwise kxk, pointwise, BN) blocks; dil_conv_kxk =
// ReLU, depthwise kxk dilation 2, pointwise, BN; pools without weights; skip_connect = identity, or a
// factorized reduce at stride 2. Parameters are trainable tensors (BN affine included), counted as
// DARTS' count_parameters_in_MB does: the auxiliary head is excluded. FLOPs: multiply-accumulates of
// convolutions and the classifier (+ its bias), k*k per output element of a pooling window.

import { DARTS_OPS, type DartsCell, type Genotype } from './genotype.js';

export interface DartsNetworkConfig {
  /** Initial channels C. */
  channels: number;
  layers: number;
  numClasses: number;
  inputSize: number;
  /** Channels of the input image (default 3). */
  inputChannels?: number;
  /** Count the auxiliary head too (DARTS' own count leaves it out). */
  auxiliary: boolean;
  /**
   * BN layers inside the cell's ops are affine (trainable), as in the evaluation network (default
   * true); false counts them as the search network builds them (affine=False).
   */
  opAffine?: boolean;
}

/** The DARTS paper's CIFAR-10 evaluation network: 36 channels, 20 cells. */
export const DARTS_EVAL_NETWORK: DartsNetworkConfig = { channels: 36, layers: 20, numClasses: 10, inputSize: 32, auxiliary: false };

export interface DartsCost {
  params: number;
  flops: number;
}

class Tally {
  params = 0;
  flops = 0;
  constructor(private readonly opAffine: boolean) {}
  conv(cin: number, cout: number, k: number, hwOut: number, groups = 1): void {
    this.params += (cin / groups) * cout * k * k;
    this.flops += hwOut * hwOut * (cin / groups) * cout * k * k;
  }
  bn(c: number): void {
    this.params += 2 * c;
  }
  pool(c: number, k: number, hwOut: number): void {
    this.flops += hwOut * hwOut * c * k * k;
  }
  opBn(c: number): void {
    if (this.opAffine) this.bn(c);
  }
  factorizedReduce(cin: number, cout: number, hwOut: number, inOp = false): void {
    this.conv(cin, cout >> 1, 1, hwOut);
    this.conv(cin, cout >> 1, 1, hwOut);
    if (inOp) this.opBn(cout);
    else this.bn(cout);
  }
  op(op: number, C: number, stride: number, hwIn: number): void {
    const hw = hwIn / stride;
    switch (op) {
      case 0: // max_pool_3x3
      case 1: // avg_pool_3x3
        this.pool(C, 3, hw);
        break;
      case 2: // skip_connect
        if (stride === 2) this.factorizedReduce(C, C, hw, true);
        break;
      case 3: // sep_conv_3x3
      case 4: {
        const k = op === 3 ? 3 : 5;
        this.conv(C, C, k, hw, C);
        this.conv(C, C, 1, hw);
        this.opBn(C);
        this.conv(C, C, k, hw, C);
        this.conv(C, C, 1, hw);
        this.opBn(C);
        break;
      }
      case 5: // dil_conv_3x3
      case 6: {
        const k = op === 5 ? 3 : 5;
        this.conv(C, C, k, hw, C);
        this.conv(C, C, 1, hw);
        this.opBn(C);
        break;
      }
      case 7: // none: contributes nothing
        break;
      default:
        throw new Error(`unknown DARTS op id ${op}`);
    }
  }
}

function cellCost(t: Tally, c: DartsCell, cpp: number, cp: number, C: number, reduction: boolean, reductionPrev: boolean, hwPrev: number): void {
  if (reductionPrev) t.factorizedReduce(cpp, C, hwPrev);
  else t.conv(cpp, C, 1, hwPrev), t.bn(C);
  t.conv(cp, C, 1, hwPrev);
  t.bn(C);
  for (let e = 0; e < 8; e++) t.op(c.ops[e], C, reduction && c.inputs[e] < 2 ? 2 : 1, hwPrev);
}

export function dartsCost(g: Genotype, cfg: DartsNetworkConfig = DARTS_EVAL_NETWORK): DartsCost {
  const t = new Tally(cfg.opAffine !== false);
  let hw = cfg.inputSize;
  const stem = 3 * cfg.channels;
  t.conv(cfg.inputChannels ?? 3, stem, 3, hw);
  t.bn(stem);
  let cpp = stem;
  let cp = stem;
  let C = cfg.channels;
  let reductionPrev = false;
  let auxChannels = 0;
  let auxHw = 0;
  for (let i = 0; i < cfg.layers; i++) {
    const reduction = i === Math.floor(cfg.layers / 3) || i === Math.floor((2 * cfg.layers) / 3);
    if (reduction) C *= 2;
    cellCost(t, reduction ? g.reduce : g.normal, cpp, cp, C, reduction, reductionPrev, hw);
    if (reduction) hw /= 2;
    reductionPrev = reduction;
    cpp = cp;
    cp = 4 * C;
    if (i === Math.floor((2 * cfg.layers) / 3)) {
      auxChannels = cp;
      auxHw = hw;
    }
  }
  t.params += cp * cfg.numClasses + cfg.numClasses;
  t.flops += cp * cfg.numClasses + cfg.numClasses;
  if (cfg.auxiliary) {
    // AuxiliaryHeadCIFAR: ReLU, AvgPool 5/3, conv1x1 -> 128, BN, ReLU, conv2x2 -> 768, BN, ReLU, linear
    const h1 = Math.floor((auxHw - 5) / 3) + 1;
    t.pool(auxChannels, 5, h1);
    t.conv(auxChannels, 128, 1, h1);
    t.bn(128);
    t.conv(128, 768, 2, h1 - 1);
    t.bn(768);
    t.params += 768 * cfg.numClasses + cfg.numClasses;
    t.flops += 768 * cfg.numClasses + cfg.numClasses;
  }
  return { params: t.params, flops: t.flops };
}

/** Layer-wise features: op counts of the normal cell, and of the reduce cell split by stride. */
export const DARTS_LAYER_FEATURES: readonly string[] = [
  ...DARTS_OPS.map((op) => `normal_${op}`),
  ...DARTS_OPS.map((op) => `reduce_${op}_stride2`),
  ...DARTS_OPS.map((op) => `reduce_${op}_stride1`),
];

export function dartsLayerFeatures(g: Genotype): number[] {
  const f = new Array<number>(3 * DARTS_OPS.length).fill(0);
  const K = DARTS_OPS.length;
  g.normal.ops.forEach((op) => op < K && f[op]++);
  g.reduce.ops.forEach((op, e) => op < K && f[(g.reduce.inputs[e] < 2 ? K : 2 * K) + op]++);
  return f;
}
