// DARTS networks as ONNX models: NetworkCIFAR of the DARTS code (see cost.ts) without the auxiliary
// head, with the DARTS operations (ReLU-conv-BN preprocessing, factorized reduce, separable and
// dilated convolutions as depthwise + pointwise, pooling with count_include_pad=False, identity).
// The parameter count equals dartsCost() of the same configuration.

import { GraphBuilder, classifierHead, finishModel, int, ints, type OnnxNetwork } from '../../onnx/graph-builder.js';
import { Rng } from '../../util/rng.js';
import { DARTS_EVAL_NETWORK, type DartsNetworkConfig } from './cost.js';
import { DARTS_NONE, formatDarts, type DartsCell, type Genotype } from './genotype.js';

export interface DartsOnnxOptions {
  batch?: number;
  seed?: number;
  network?: Partial<Omit<DartsNetworkConfig, 'auxiliary'>>;
}

function reluConvBn(g: GraphBuilder, x: string, cin: number, cout: number): string {
  return g.bn(g.conv(g.node('Relu', [x]), cin, cout, 1, 1, 0), cout);
}

function factorizedReduce(g: GraphBuilder, x: string, cin: number, cout: number): string {
  const r = g.node('Relu', [x]);
  const a = g.conv(r, cin, cout >> 1, 1, 2, 0);
  const b = g.conv(g.sliceSpatial(r, 1), cin, cout >> 1, 1, 2, 0);
  return g.bn(g.concat([a, b]), cout);
}

function op(g: GraphBuilder, x: string, id: number, C: number, stride: number): string {
  switch (id) {
    case 0:
      return g.maxPool(x, 3, stride, 1);
    case 1:
      return g.node('AveragePool', [x], [ints('kernel_shape', [3, 3]), ints('strides', [stride, stride]), ints('pads', [1, 1, 1, 1]), int('count_include_pad', 0)]);
    case 2:
      return stride === 1 ? x : factorizedReduce(g, x, C, C);
    case 3:
    case 4: {
      const k = id === 3 ? 3 : 5;
      const p = (k - 1) / 2;
      let y = g.convGrouped(g.node('Relu', [x]), C, C, k, stride, p, C);
      y = g.bn(g.conv(y, C, C, 1, 1, 0), C);
      y = g.convGrouped(g.node('Relu', [y]), C, C, k, 1, p, C);
      return g.bn(g.conv(y, C, C, 1, 1, 0), C);
    }
    case 5:
    case 6: {
      const k = id === 5 ? 3 : 5;
      const y = g.convGrouped(g.node('Relu', [x]), C, C, k, stride, k - 1, C, 2);
      return g.bn(g.conv(y, C, C, 1, 1, 0), C);
    }
    default:
      throw new Error(`unknown DARTS op id ${id}`);
  }
}

function cell(g: GraphBuilder, c: DartsCell, s0: string, s1: string, cpp: number, cp: number, C: number, reduction: boolean, reductionPrev: boolean): string {
  const states = [reductionPrev ? factorizedReduce(g, s0, cpp, C) : reluConvBn(g, s0, cpp, C), reluConvBn(g, s1, cp, C)];
  for (let j = 0; j < 4; j++) {
    const terms = [0, 1].map((k) => {
      const e = 2 * j + k;
      return op(g, states[c.inputs[e]], c.ops[e], C, reduction && c.inputs[e] < 2 ? 2 : 1);
    });
    states.push(g.node('Add', terms));
  }
  return g.concat(states.slice(2));
}

export function buildDartsOnnx(genotype: Genotype, opts: DartsOnnxOptions = {}): OnnxNetwork {
  if ([...genotype.normal.ops, ...genotype.reduce.ops].includes(DARTS_NONE)) throw new Error(`cannot build ${formatDarts(genotype)}: it has 'none' (zero) ops, which a derived DARTS network does not have`);
  const cfg = { ...DARTS_EVAL_NETWORK, ...opts.network };
  const batch = opts.batch ?? 1;
  for (const [k, v] of Object.entries({ batch, channels: cfg.channels, layers: cfg.layers, numClasses: cfg.numClasses, inputSize: cfg.inputSize })) if (!Number.isInteger(v) || v < 1) throw new Error(`DARTS network option ${k} must be a positive integer, got ${v}`);
  if (cfg.inputSize % 4 !== 0) throw new Error(`input size must be a multiple of 4, got ${cfg.inputSize}`);
  const g = new GraphBuilder(new Rng(opts.seed ?? 0));
  const stem = 3 * cfg.channels;
  const x = g.bn(g.conv('input', 3, stem, 3, 1, 1), stem);
  let s0 = x;
  let s1 = x;
  let cpp = stem;
  let cp = stem;
  let C = cfg.channels;
  let reductionPrev = false;
  for (let i = 0; i < cfg.layers; i++) {
    const reduction = i === Math.floor(cfg.layers / 3) || i === Math.floor((2 * cfg.layers) / 3);
    if (reduction) C *= 2;
    const out = cell(g, reduction ? genotype.reduce : genotype.normal, s0, s1, cpp, cp, C, reduction, reductionPrev);
    s0 = s1;
    s1 = out;
    cpp = cp;
    cp = 4 * C;
    reductionPrev = reduction;
  }
  const logits = classifierHead(g, s1, cp, cfg.numClasses);
  return finishModel(g, formatDarts(genotype), logits, [batch, 3, cfg.inputSize, cfg.inputSize], [batch, cfg.numClasses]);
}
