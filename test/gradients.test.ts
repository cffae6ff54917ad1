// Finite-difference checks of every backward pass: the whole GCN body (graph convolution,
// aggregation, LayerNorm, ReLU, dropout, global-row readout) with the regression head and both
// losses, on the WebAssembly and the JS kernels; the MLP form (one node); and the LayerNorm kernel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeNb201Codes, flattenGraphs } from '../src/nn/graphs.js';
import type { Kernels } from '../src/nn/kernels.js';
import { createJsKernels } from '../src/nn/kernels-js.js';
import { createWasmKernels } from '../src/nn/kernels-wasm.js';
import { GcnRegressor } from '../src/predictors/regressor.js';
import { Rng } from '../src/util/rng.js';

export interface GradCheck {
  checked: number;
  passed: number;
  medianRel: number;
}

/** Compare analytic gradients with central differences for every parameter with a visible gradient. */
export function fdCheck(params: Float32Array, grads: Float32Array, lossAt: () => number, h = 1e-3, tol = 0.03): GradCheck {
  const analytic = Float64Array.from(grads);
  const rels: number[] = [];
  let passed = 0;
  for (let i = 0; i < params.length; i++) {
    const p0 = params[i];
    params[i] = p0 + h;
    const up = lossAt();
    params[i] = p0 - h;
    const down = lossAt();
    params[i] = p0;
    const numeric = (up - down) / (2 * h);
    const scale = Math.max(Math.abs(numeric), Math.abs(analytic[i]));
    if (scale < 1e-3) continue;
    const rel = Math.abs(numeric - analytic[i]) / scale;
    rels.push(rel);
    if (rel < tol) passed++;
  }
  rels.sort((a, b) => a - b);
  return { checked: rels.length, passed, medianRel: rels[rels.length >> 1] ?? 0 };
}

function checkRegressor(k: Kernels, loss: 'l1' | 'mse', dropout: number, mlp = false): GradCheck {
  let set = encodeNb201Codes([11468, 5000, 123, 15624, 777]);
  if (mlp) set = flattenGraphs(set);
  const reg = new GcnRegressor(k, { nodes: set.nodes, features: set.features, hidden: 8, layers: 3, dropout, head: 'regression' });
  reg.init(new Rng(3), mlp ? 'torch-linear' : 'thomas');
  const ids = [0, 1, 2, 3, 4];
  const y = [0.1, 0.9, -0.4, 0.5, 0.2];
  // the same dropout masks in every evaluation: a fresh generator with a fixed seed
  const lossAt = () => {
    reg.model.zeroGrad();
    return reg.accumulateGradients(set, ids, y, loss, new Rng(11));
  };
  lossAt();
  const grads = Float32Array.from(reg.model.gradView());
  return fdCheck(reg.model.paramView(), grads, lossAt, 1e-3);
}

for (const [name, make] of [['wasm', createWasmKernels], ['js', createJsKernels]] as const) {
  for (const loss of ['mse', 'l1'] as const) {
    test(`GCN regressor gradients match finite differences (${name} kernels, ${loss}, dropout 0.3)`, () => {
      const r = checkRegressor(make(), loss, 0.3);
      assert.ok(r.checked > 150, `only ${r.checked} parameters checked`);
      assert.ok(r.passed / r.checked > 0.95, `${r.passed}/${r.checked} within tolerance, median rel ${r.medianRel}`);
      assert.ok(r.medianRel < 5e-3, `median relative error ${r.medianRel}`);
    });
  }
}

test('MLP form (one node, flattened encoding) gradients match finite differences', () => {
  const r = checkRegressor(createWasmKernels(), 'mse', 0);
  const m = checkRegressor(createWasmKernels(), 'mse', 0.2, true);
  for (const x of [r, m]) {
    assert.ok(x.passed / x.checked > 0.95, `${x.passed}/${x.checked}`);
    assert.ok(x.medianRel < 5e-3);
  }
});

test('a broken backward pass is caught by the check', () => {
  const k = createWasmKernels();
  const set = encodeNb201Codes([11468, 5000, 123]);
  const reg = new GcnRegressor(k, { nodes: 9, features: 6, hidden: 8, layers: 2, dropout: 0, head: 'regression' });
  reg.init(new Rng(3));
  const lossAt = () => {
    reg.model.zeroGrad();
    return reg.accumulateGradients(set, [0, 1, 2], [0.1, 0.5, 0.9], 'mse', new Rng(1));
  };
  lossAt();
  const grads = Float32Array.from(reg.model.gradView());
  for (let i = 0; i < grads.length; i++) grads[i] *= 1.1; // a 10% error everywhere
  const r = fdCheck(reg.model.paramView(), grads, lossAt);
  assert.ok(r.passed / r.checked < 0.5, `${r.passed}/${r.checked} passed a corrupted gradient`);
});

test('binary relation predictor (pair head, KL loss over all pairs) gradients match finite differences', async () => {
  const { BinaryRelationPredictor } = await import('../src/predictors/brp.js');
  for (const make of [createWasmKernels, createJsKernels]) {
    const set = encodeNb201Codes([11468, 5000, 123, 15624, 777]);
    const brp = new BinaryRelationPredictor(make(), { nodes: 9, features: 6, hidden: 8, layers: 3, dropout: 0.3, head: 'binary' });
    brp.init(new Rng(3));
    const ids = [0, 1, 2, 3, 4];
    const y = [0.1, 0.9, 0.4, 0.5, 0.2];
    const lossAt = () => brp.pairGradients(set, ids, y, new Rng(17));
    lossAt();
    const grads = Float32Array.from(brp.model.gradView());
    const r = fdCheck(brp.model.paramView(), grads, lossAt, 1e-3, 0.03);
    assert.ok(r.checked > 100, `only ${r.checked} parameters checked`);
    assert.ok(r.passed / r.checked > 0.95, `${r.passed}/${r.checked} within tolerance, median rel ${r.medianRel}`);
    assert.ok(r.medianRel < 5e-3, `median ${r.medianRel}`);
  }
});

test('a negative or NaN adjacency entry is refused when graphs are loaded', () => {
  const set = encodeNb201Codes([5, 77]);
  const reg = new GcnRegressor(createWasmKernels(), { nodes: 9, features: 6, hidden: 8, layers: 3, dropout: 0, head: 'regression' });
  reg.model.load(set, [0, 1]);
  for (const bad of [-1, Number.NaN]) {
    const broken = { ...set, adjacency: Float32Array.from(set.adjacency) };
    broken.adjacency[81 + 3] = bad;
    assert.throws(() => reg.model.load(broken, [0, 1]), new RegExp(`graph 1: adjacency entry ${bad} is not a non-negative number`));
  }
});
