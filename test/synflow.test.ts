import assert from 'node:assert/strict';
import { test } from 'node:test';

import { nb201Synflow, nb201SynflowParts } from '../src/spaces/nb201/synflow.js';
import type { Nb201MacroConfig } from '../src/spaces/nb201/cost.js';
import { NB201_EDGES, archStringToVector, type Nb201Vector } from '../src/spaces/nb201/cell.js';
import { Rng } from '../src/util/rng.js';

const CELLS = [
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
  '|nor_conv_1x1~0|+|avg_pool_3x3~0|skip_connect~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|',
  '|skip_connect~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|',
  '|avg_pool_3x3~0|+|nor_conv_1x1~0|none~1|+|none~0|avg_pool_3x3~1|nor_conv_1x1~2|',
].map(archStringToVector);

test('synflow: the score is dR/dt of R(t * weights) at t = 1 (Euler), dead edges add nothing, a disconnected cell scores 0', () => {
  for (const v of CELLS) {
    const h = 1e-6;
    const fd = (nb201SynflowParts(v, undefined, 1 + h).output - nb201SynflowParts(v, undefined, 1 - h).output) / (2 * h);
    const s = nb201Synflow(v);
    assert.ok(s > 0 && Number.isFinite(s));
    assert.ok(Math.abs(fd / s - 1) < 1e-6, `${v}: finite difference ${fd} vs ${s}`);
  }
  // a dead edge (node 1 does not reach the output) adds nothing
  assert.equal(nb201Synflow(archStringToVector('|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|none~0|none~1|nor_conv_3x3~2|')), nb201Synflow(archStringToVector('|none~0|+|nor_conv_3x3~0|none~1|+|none~0|none~1|nor_conv_3x3~2|')));
  assert.equal(nb201Synflow(archStringToVector('|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|none~0|none~1|none~2|')), 0);
});

// An independent, naive multi-channel network: every weight drawn, every channel computed.
type T = { c: number; n: number; d: Float64Array };
const at = (t: T, c: number, y: number, x: number) => t.d[(c * t.n + y) * t.n + x];

function conv(x: T, cout: number, k: number, stride: number, w: Float64Array): T {
  const n = Math.ceil(x.n / stride);
  const r = (k - 1) >> 1;
  const out: T = { c: cout, n, d: new Float64Array(cout * n * n) };
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = 0; c < x.c; c++)
          for (let dy = -r; dy <= r; dy++)
            for (let dx = -r; dx <= r; dx++) {
              const y = i * stride + dy;
              const xx = j * stride + dx;
              if (y >= 0 && y < x.n && xx >= 0 && xx < x.n) s += w[((o * x.c + c) * k + dy + r) * k + dx + r] * at(x, c, y, xx);
            }
        out.d[(o * n + i) * n + j] = s;
      }
  return out;
}
function pool3(x: T): T {
  const out: T = { c: x.c, n: x.n, d: new Float64Array(x.d.length) };
  for (let c = 0; c < x.c; c++)
    for (let i = 0; i < x.n; i++)
      for (let j = 0; j < x.n; j++) {
        let s = 0;
        let m = 0;
        for (let y = i - 1; y <= i + 1; y++) for (let xx = j - 1; xx <= j + 1; xx++) if (y >= 0 && y < x.n && xx >= 0 && xx < x.n) (s += at(x, c, y, xx)), m++;
        out.d[(c * x.n + i) * x.n + j] = s / m;
      }
  return out;
}
function pool2(x: T): T {
  const n = x.n / 2;
  const out: T = { c: x.c, n, d: new Float64Array(x.c * n * n) };
  for (let c = 0; c < x.c; c++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.d[(c * n + i) * n + j] = (at(x, c, 2 * i, 2 * j) + at(x, c, 2 * i + 1, 2 * j) + at(x, c, 2 * i, 2 * j + 1) + at(x, c, 2 * i + 1, 2 * j + 1)) / 4;
  return out;
}
const add = (a: T, b: T): T => ({ c: a.c, n: a.n, d: a.d.map((v, i) => v + b.d[i]) });

/**
 * R (sum of logits, no bias) of the network with |weights| drawn by `draw(fanIn, count)`; layer
 * `zero` (in the order the network uses them) set to 0. Returns R and the number of layers.
 */
function naiveR(v: Nb201Vector, cfg: Nb201MacroConfig, weights: Float64Array[], zero: number): number {
  let layer = 0;
  const w = () => {
    const ws = weights[layer];
    return layer++ === zero ? new Float64Array(ws.length) : ws;
  };
  const cell = (x: T): T => {
    const nodes = [x];
    for (let j = 1; j <= 3; j++) {
      let acc: T = { c: x.c, n: x.n, d: new Float64Array(x.d.length) };
      NB201_EDGES.forEach(([from, to], e) => {
        if (to !== j) return;
        const s = nodes[from];
        const op = v[e];
        if (op === 1) acc = add(acc, s);
        else if (op === 2) acc = add(acc, conv(s, x.c, 1, 1, w()));
        else if (op === 3) acc = add(acc, conv(s, x.c, 3, 1, w()));
        else if (op === 4) acc = add(acc, pool3(s));
      });
      nodes.push(acc);
    }
    return nodes[3];
  };
  let x: T = { c: cfg.inputChannels, n: cfg.inputSize, d: new Float64Array(cfg.inputChannels * cfg.inputSize ** 2).fill(1) };
  x = conv(x, cfg.channels, 3, 1, w());
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) {
      const cout = 2 * x.c;
      const a = conv(conv(x, cout, 3, 2, w()), cout, 3, 1, w());
      x = add(a, conv(pool2(x), cout, 1, 1, w()));
    }
    for (let i = 0; i < cfg.cellsPerStage; i++) x = cell(x);
  }
  const fc = w();
  let r = 0;
  for (let k = 0; k < cfg.numClasses; k++) for (let c = 0; c < x.c; c++) r += fc[k * x.c + c] * (x.d.slice(c * x.n * x.n, (c + 1) * x.n * x.n).reduce((s, a) => s + a, 0) / (x.n * x.n));
  return r;
}

/** Fan-ins and sizes of the layers naiveR uses, in order. */
function layerShapes(v: Nb201Vector, cfg: Nb201MacroConfig): { fanIn: number; size: number }[] {
  const out: { fanIn: number; size: number }[] = [{ fanIn: cfg.inputChannels * 9, size: cfg.inputChannels * 9 * cfg.channels }];
  let C = cfg.channels;
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) {
      out.push({ fanIn: C * 9, size: C * 9 * 2 * C }, { fanIn: 2 * C * 9, size: 4 * C * C * 9 }, { fanIn: C, size: 2 * C * C });
      C *= 2;
    }
    for (let i = 0; i < cfg.cellsPerStage; i++) for (const op of v) if (op === 2 || op === 3) out.push({ fanIn: C * (op === 3 ? 9 : 1), size: C * C * (op === 3 ? 9 : 1) });
  }
  out.push({ fanIn: C, size: C * cfg.numClasses });
  return out;
}

test('synflow: equals the mean over random initialisations of a naive multi-channel SynFlow', () => {
  const cfg: Nb201MacroConfig = { channels: 2, cellsPerStage: 1, numClasses: 3, inputSize: 8, inputChannels: 3 };
  const rng = new Rng(7);
  for (const v of CELLS.slice(0, 2)) {
    const shapes = layerShapes(v, cfg);
    // the mean weights, every channel computed: the same as the collapsed computation up to rounding
    const meanW = shapes.map((s) => new Float64Array(s.size).fill(0.5 / Math.sqrt(s.fanIn)));
    const synflowOf = (ws: Float64Array[]) => {
      const r = naiveR(v, cfg, ws, -1);
      // R is linear in each layer: sum(theta * dR/dtheta) over a layer = R - R(layer zeroed)
      return shapes.reduce((s, _, l) => s + r - naiveR(v, cfg, ws, l), 0);
    };
    const exact = nb201Synflow(v, cfg);
    assert.ok(Math.abs(synflowOf(meanW) / exact - 1) < 1e-9, `${v}: mean weights ${synflowOf(meanW)} vs ${exact}`);
    // random |U(-b, b)| draws: their mean converges to the expected score
    const draws = 150;
    let sum = 0;
    for (let d = 0; d < draws; d++) sum += synflowOf(shapes.map((s) => Float64Array.from({ length: s.size }, () => rng.float() / Math.sqrt(s.fanIn))));
    assert.ok(Math.abs(sum / draws / exact - 1) < 0.1, `${v}: mean of ${draws} draws ${sum / draws} vs expected ${exact}`);
  }
});
