// NAS-Bench-201 networks as ONNX models, built in memory: the CIFAR macro network (stem, 3 stages of
// N cells at C, 2C, 4C channels, residual reduction blocks, final BN + ReLU, global average pooling,
// classifier) with the benchmark's own operations (ReLU-Conv-BN, 3x3 average pooling, identity,
// zero), every edge included, so the parameter count equals nb201Cost(). Weights are untrained but
// deterministic (seeded): latency does not depend on their values.

import { GraphBuilder, classifierHead, finishModel, int, ints, type OnnxNetwork } from '../../onnx/graph-builder.js';
export type { OnnxNetwork } from '../../onnx/graph-builder.js';
import { OP_CONV1, OP_CONV3, OP_NONE, OP_POOL, OP_SKIP, checkVector, isValid, liveEdges, nb201CellOf, vectorToArchString, type Nb201Vector } from './cell.js';
import { Rng } from '../../util/rng.js';

export interface OnnxNetworkOptions {
  /** Batch size of the input (default 1). */
  batch?: number;
  /** Input height = width (default 32). */
  inputSize?: number;
  /** Channels of the input image (default 3; Fashion-MNIST: 1). */
  inputChannels?: number;
  /** Channels of the first stage (default 16); stages use C, 2C, 4C. */
  channels?: number;
  cellsPerStage?: number;
  numClasses?: number;
  /** Seed of the deterministic weights. */
  seed?: number;
  /**
   * 'full' (default): every edge, as the benchmark's PyTorch network (parameters equal the space's
   * count). 'pruned': only edges on an input-output path, as LatBench's models and the predictors'
   * graph encoding see the cell.
   */
  cell?: 'full' | 'pruned';
}

/** The NB201 InferCell (nb201CellOf); `none` edges, and dead ones when pruned, contribute nothing. */
function cell(g: GraphBuilder, x: string, v: Nb201Vector, C: number, live: boolean[] | null): string {
  return nb201CellOf(
    v,
    x,
    (op, src, e) => {
      if (op === OP_NONE || (live && !live[e])) return null;
      if (op === OP_SKIP) return src;
      if (op === OP_CONV1) return g.reluConvBn(src, C, C, 1, 1, 0);
      if (op === OP_CONV3) return g.reluConvBn(src, C, C, 3, 1, 1);
      if (op === OP_POOL) return g.node('AveragePool', [src], [ints('kernel_shape', [3, 3]), ints('strides', [1, 1]), ints('pads', [1, 1, 1, 1]), int('count_include_pad', 0)]);
      return null;
    },
    // a node fed only by `none` edges is a zero tensor (NB201's Zero op)
    (terms) => (terms.length ? g.sum(terms) : g.node('Sub', [x, x])),
  );
}

/** NB201 ResNetBasicblock with stride 2: ReLUConvBN 3x3/2, ReLUConvBN 3x3, shortcut AvgPool 2x2/2 + Conv 1x1. */
function reduction(g: GraphBuilder, x: string, cin: number, cout: number): string {
  const a = g.reluConvBn(x, cin, cout, 3, 2, 1);
  const b = g.reluConvBn(a, cout, cout, 3, 1, 1);
  const pooled = g.node('AveragePool', [x], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]);
  const shortcut = g.conv(pooled, cin, cout, 1, 1, 0);
  return g.node('Add', [shortcut, b]);
}

export function buildNb201Onnx(v: Nb201Vector, opts: OnnxNetworkOptions = {}): OnnxNetwork {
  checkVector(v);
  if (!isValid(v)) throw new Error(`cannot build ${vectorToArchString(v)}: its cell does not connect input to output`);
  const batch = opts.batch ?? 1;
  const size = opts.inputSize ?? 32;
  const C0 = opts.channels ?? 16;
  const N = opts.cellsPerStage ?? 5;
  const classes = opts.numClasses ?? 10;
  const inC = opts.inputChannels ?? 3;
  for (const [k, x] of Object.entries({ batch, size, C0, N, classes, inC })) if (!Number.isInteger(x) || x < 1) throw new Error(`ONNX network option ${k} must be a positive integer, got ${x}`);
  if (size % 4 !== 0) throw new Error(`input size must be a multiple of 4, got ${size}`);
  const g = new GraphBuilder(new Rng(opts.seed ?? 0));
  if (opts.cell !== undefined && opts.cell !== 'full' && opts.cell !== 'pruned') throw new Error(`ONNX network option cell must be full or pruned, got ${String(opts.cell)}`);
  const live = opts.cell === 'pruned' ? liveEdges(v) : null;
  let x = g.bn(g.conv('input', inC, C0, 3, 1, 1), C0);
  let C = C0;
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) {
      x = reduction(g, x, C, 2 * C);
      C *= 2;
    }
    for (let c = 0; c < N; c++) x = cell(g, x, v, C, live);
  }
  x = g.node('Relu', [g.bn(x, C)]);
  const logits = classifierHead(g, x, C, classes);
  return finishModel(g, vectorToArchString(v), logits, [batch, inC, size, size], [batch, classes]);
}
