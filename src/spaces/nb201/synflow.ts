// SynFlow (Tanaka et al. 2020; the zero-cost proxy of Abdelfattah et al. 2021) of the NAS-Bench-201
// network, computed exactly in expectation over the initialisation instead of for one random draw.
//
// SynFlow as the zero-cost proxies compute it: take |theta| of every weight, feed an all-ones input
// through the network without BatchNorm, R = sum of the logits, score = sum over the weights of
// conv and linear layers of theta * dR/dtheta. With all weights and inputs positive every ReLU is the
// identity, so R is linear in each layer's weights, and every path through the network passes a
// layer at most once. Two consequences make the expectation over PyTorch's default initialisation
// (|U(-b, b)|, b = 1 / sqrt(fan_in), mean b / 2) cheap and exact:
// - E[score] is the score of the network whose weights all equal their layer's mean |theta|
//   (multilinear in independent layers), and
// - in that network every channel of a feature map is the same image, so a feature map is one
//   H x W image and a convolution is a box sum times (weight * input channels).
// Per layer, sum(theta * dR/dtheta) = C_out * <dR/dy, y> (Euler: R is linear in the layer), with y the
// layer's output image. The score of a network grows with its number of classes only as a factor,
// so rankings do not depend on it. Cells whose input does not reach their output score 0.

import { OP_CONV1, OP_CONV3, OP_POOL, OP_SKIP, NB201_SIZE, checkVector, codeToVector, nb201CellOf, type Nb201Vector } from './cell.js';
import { macroConfigFor, type Nb201MacroConfig } from './cost.js';
import { throwIfStopped, type StopSignal } from '../../util/stop.js';

type Img = Float64Array;

/** Mean |theta| of a conv or linear weight under PyTorch's default init (kaiming_uniform, a = sqrt 5). */
const meanAbsWeight = (fanIn: number) => 0.5 / Math.sqrt(fanIn);

/** Zero-padded 3 x 3 box sum, stride 1: separable, a row pass then a column pass (the hot path). */
function boxSum3(a: Img, n: number): Img {
  const h = new Float64Array(n * n);
  for (let y = 0; y < n; y++) {
    const o = y * n;
    for (let x = 0; x < n; x++) h[o + x] = a[o + x] + (x > 0 ? a[o + x - 1] : 0) + (x < n - 1 ? a[o + x + 1] : 0);
  }
  const out = new Float64Array(n * n);
  for (let y = 0; y < n; y++) {
    const o = y * n;
    for (let x = 0; x < n; x++) out[o + x] = h[o + x] + (y > 0 ? h[o - n + x] : 0) + (y < n - 1 ? h[o + n + x] : 0);
  }
  return out;
}

/** Zero-padded k x k box sum with the given stride (k odd, padding (k - 1) / 2), n x n -> ceil(n / s). */
function boxSum(a: Img, n: number, k: number, stride: number): Img {
  if (stride === 1 && k === 1) return a.slice();
  if (stride === 1 && k === 3) return boxSum3(a, n);
  const m = Math.ceil(n / stride);
  const r = (k - 1) >> 1;
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let y = i * stride - r; y <= i * stride + r; y++) {
        if (y < 0 || y >= n) continue;
        for (let x = j * stride - r; x <= j * stride + r; x++) if (x >= 0 && x < n) s += a[y * n + x];
      }
      out[i * m + j] = s;
    }
  return out;
}

/** Transpose of boxSum: m x m gradient at the output -> n x n at the input. */
function boxSumT(g: Img, n: number, k: number, stride: number): Img {
  // stride 1 with zero padding: the box sum is symmetric, its own transpose
  if (stride === 1) return boxSum(g, n, k, 1);
  const m = Math.ceil(n / stride);
  const r = (k - 1) >> 1;
  const out = new Float64Array(n * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      const v = g[i * m + j];
      if (v === 0) continue;
      for (let y = i * stride - r; y <= i * stride + r; y++) {
        if (y < 0 || y >= n) continue;
        for (let x = j * stride - r; x <= j * stride + r; x++) if (x >= 0 && x < n) out[y * n + x] += v;
      }
    }
  return out;
}

/** Window sizes of a 3x3, stride 1, padding 1 average pool without the padding (count_include_pad=False). */
function poolCounts(n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) c[y * n + x] = (Math.min(y + 1, n - 1) - Math.max(y - 1, 0) + 1) * (Math.min(x + 1, n - 1) - Math.max(x - 1, 0) + 1);
  return c;
}

/** a * s in place (TypedArray.map is slow here: this is the hot path). */
function scale(a: Img, s: number): Img {
  for (let i = 0; i < a.length; i++) a[i] *= s;
  return a;
}
/** a / c elementwise, in place. */
function divide(a: Img, c: Img): Img {
  for (let i = 0; i < a.length; i++) a[i] /= c[i];
  return a;
}
const dot = (a: Img, b: Img) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
function addInto(acc: Img | null, a: Img): Img {
  if (!acc) return a.slice();
  for (let i = 0; i < a.length; i++) acc[i] += a[i];
  return acc;
}

export interface SynflowParts {
  /** The expected SynFlow score. */
  synflow: number;
  /** R, the sum of the logits without the classifier's bias, of the mean-weight network. */
  output: number;
}

/**
 * Expected SynFlow of an NB201 cell's network and its output R (see the module comment); both 0 when
 * the cell is disconnected. `weightScale` multiplies every weight (tests check the score as dR/dt
 * of R(t * theta) at t = 1, Euler's identity for a network linear in each layer).
 */
export function nb201SynflowParts(v: Nb201Vector, cfg: Nb201MacroConfig = macroConfigFor('cifar10'), weightScale = 1): SynflowParts {
  checkVector(v);
  // Forward, keeping every node image; backward re-walks the same structure in reverse.
  type Node = { img: Img; n: number; C: number; grad: Img | null };
  const score = { total: 0 };
  const back: (() => void)[] = [];
  const node = (img: Img, n: number, C: number): Node => ({ img, n, C, grad: null });
  const accumulate = (to: Node, g: Img) => {
    to.grad = addInto(to.grad, g);
  };
  /** A k x k conv (cin -> cout channels, stride s) of `x`: returns its output node and records its backward and score. */
  const conv = (x: Node, k: number, cout: number, stride: number): Node => {
    const w = meanAbsWeight(x.C * k * k) * weightScale;
    const m = Math.ceil(x.n / stride);
    const y = node(scale(boxSum(x.img, x.n, k, stride), w * x.C), m, cout);
    back.push(() => {
      if (!y.grad) return;
      score.total += cout * dot(y.grad, y.img);
      accumulate(x, scale(boxSumT(y.grad, x.n, k, stride), w * cout));
    });
    return y;
  };
  const counts = new Map<number, Float64Array>();
  const pool3 = (x: Node): Node => {
    const c = counts.get(x.n) ?? counts.set(x.n, poolCounts(x.n)).get(x.n)!;
    const y = node(divide(boxSum(x.img, x.n, 3, 1), c), x.n, x.C);
    back.push(() => {
      if (y.grad) accumulate(x, boxSumT(divide(y.grad.slice(), c), x.n, 3, 1));
    });
    return y;
  };
  /** 2x2 stride-2 average pool (n even). */
  const pool2 = (x: Node): Node => {
    const m = x.n >> 1;
    const out = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[i * m + j] = (x.img[2 * i * x.n + 2 * j] + x.img[2 * i * x.n + 2 * j + 1] + x.img[(2 * i + 1) * x.n + 2 * j] + x.img[(2 * i + 1) * x.n + 2 * j + 1]) / 4;
    const y = node(out, m, x.C);
    back.push(() => {
      if (!y.grad) return;
      const g = new Float64Array(x.n * x.n);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) g[(2 * i + dy) * x.n + 2 * j + dx] = y.grad[i * m + j] / 4;
      accumulate(x, g);
    });
    return y;
  };
  /** Sum of nodes of one size and width (zeros when there are none: a cell node with only `none` inputs). */
  const sum = (xs: Node[], n: number, C: number): Node => {
    const y = node(new Float64Array(n * n), n, C);
    for (const x of xs) addInto(y.img, x.img);
    back.push(() => {
      if (y.grad) for (const x of xs) accumulate(x, y.grad);
    });
    return y;
  };
  const cell = (x: Node): Node =>
    nb201CellOf<Node>(
      v,
      x,
      (op, src) => {
        if (op === OP_SKIP) return src;
        if (op === OP_CONV1) return conv(src, 1, x.C, 1);
        if (op === OP_CONV3) return conv(src, 3, x.C, 1);
        if (op === OP_POOL) return pool3(src);
        return null;
      },
      (terms) => sum(terms, x.n, x.C),
    );

  const input = node(new Float64Array(cfg.inputSize * cfg.inputSize).fill(1), cfg.inputSize, cfg.inputChannels);
  let x = conv(input, 3, cfg.channels, 1);
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) {
      const cout = 2 * x.C;
      const a = conv(conv(x, 3, cout, 2), 3, cout, 1);
      const shortcut = conv(pool2(x), 1, cout, 1);
      x = sum([a, shortcut], a.n, cout);
    }
    for (let c = 0; c < cfg.cellsPerStage; c++) x = cell(x);
  }
  // global average pool and the classifier: R = K * C * wfc * mean(x) (+ the biases, which have no score)
  const wfc = meanAbsWeight(x.C) * weightScale;
  const mean = x.img.reduce((s, a) => s + a, 0) / (x.n * x.n);
  const output = cfg.numClasses * x.C * wfc * mean;
  score.total += output;
  x.grad = new Float64Array(x.n * x.n).fill((cfg.numClasses * wfc) / (x.n * x.n));
  for (let i = back.length - 1; i >= 0; i--) back[i]();
  return { synflow: score.total, output };
}

/** Expected SynFlow of an NB201 cell's network (0 when the cell is disconnected). */
export function nb201Synflow(v: Nb201Vector, cfg: Nb201MacroConfig = macroConfigFor('cifar10')): number {
  return nb201SynflowParts(v, cfg).synflow;
}

const cache = new Map<string, Float64Array>();

/**
 * log10 of the expected SynFlow of every NB201 code (-Infinity for disconnected cells), computed once
 * per configuration (tens of seconds): a stop from `signal`, polled every 64 cells, throws
 * InterruptedError and caches nothing.
 */
export function nb201SynflowByCode(cfg: Nb201MacroConfig = macroConfigFor('cifar10'), signal?: StopSignal): Float64Array {
  const key = JSON.stringify(cfg);
  let out = cache.get(key);
  if (!out) {
    out = new Float64Array(NB201_SIZE);
    for (let c = 0; c < NB201_SIZE; c++) {
      if (c % 64 === 0) throwIfStopped(signal);
      out[c] = Math.log10(nb201Synflow(codeToVector(c), cfg));
    }
    cache.set(key, out);
  }
  return out;
}
